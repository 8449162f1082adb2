from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from familjelotsen import health, sessions, sso, views

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", views.robots),
    # allauth's list of "connected" third-party accounts is not offered: a staff account is
    # tied to its organisation's login service at its first login, or never (familjelotsen.sso).
    path("konto/3rdparty/", views.not_offered),
    # allauth's start of a single sign-on login, answering an unreachable provider calmly.
    path("konto/oidc/<str:provider_id>/login/", sso.login_view),
    path("konto/saml/<str:organization_slug>/login/", sso.saml_login_view),
    path("konto/saml/<str:organization_slug>/acs/", sso.saml_acs_view),
    path("konto/saml/<str:organization_slug>/acs/finish/", sso.saml_finish_view),
    # allauth's login page, with the providers' addresses allowed as form targets (CSP).
    path("konto/login/", sso.login_page),
    path("konto/", include("allauth.urls")),
    path("konto/session/", sessions.session_ping, name="session_ping"),
    path("health/", health.health, name="health"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # The system administrator's area (staff, administrations, reference data; no case).
    # Django's admin site is not installed: every change goes through the services and the
    # access policy, like the rest of the app.
    path("administration/", include("sysadmin.urls")),
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
    path("utvardering/", include("evaluation.urls")),
    path("konsultationer/", include("consultations.urls")),
    path("kurser/", include("courses.urls")),
    # Requests to the team from school and social services (issue 20).
    path("forfragningar/", include("referrals.urls")),
]

handler403 = "familjelotsen.errors.permission_denied"
handler404 = "familjelotsen.errors.page_not_found"
handler500 = "familjelotsen.errors.server_error"
