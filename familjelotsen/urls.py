from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from familjelotsen import health, sessions, views

# /admin/ has no login form of its own: it sends to allauth's login (password, second factor,
# throttling), and refuses signed-in non-staff.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", views.robots),
    path("konto/", include("allauth.urls")),
    path("konto/session/", sessions.session_ping, name="session_ping"),
    path("health/", health.health, name="health"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    # Loggkontroll, log and register extracts (the privacy app).
    path("", include("privacy.urls")),
    path("familjer/", include("cases.urls")),
    # Visits, SMS reminders, the digest and the calendar feed (the agenda app), under the
    # family pages' addresses.
    path("familjer/", include("agenda.urls")),
    path("samtycke/", include("consent.urls")),
    path("sip/", include("sip.urls")),
    path("natverk/", include("network.urls")),
    path("rapporter/", include("reporting.urls")),
]

handler403 = "familjelotsen.errors.permission_denied"
handler404 = "familjelotsen.errors.page_not_found"
handler500 = "familjelotsen.errors.server_error"
