"""Test-only URLs: the application's, plus tiny views that exercise the one-time form token
and the error pages. Used with @pytest.mark.urls("tests.security.urls")."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.urls import path

from familjelotsen import services
from familjelotsen.idempotency import idempotent_post
from familjelotsen.models import Administration, Organisation
from familjelotsen.urls import handler403, handler404, handler500  # noqa: F401
from familjelotsen.urls import urlpatterns as application

FORM = engines["django"].from_string(
    '<form method="post">{% csrf_token %}{% form_token %}<input name="name"></form>'
)


@idempotent_post
def create_administration(request):
    if request.method == "POST":
        name = request.POST.get("name", "").strip()
        if not name:
            return HttpResponse("Namn saknas", status=200)  # the form again, with its error
        adm = services.administration_create(
            name=name,
            kind=Administration.Kind.OTHER,
            organisation=Organisation.objects.get_or_create(
                code="TST", defaults={"name": "Testkommunen", "kind": "municipality"}
            )[0],
        )
        return redirect(f"/_test/administration/{adm.pk}/")
    return HttpResponse(FORM.render({}, request))


def fail(request):
    # The message holds personal data on purpose: it must not reach the page.
    raise RuntimeError("Anna Exempelsson 191212121212 has no consent")


urlpatterns = [
    path("_test/administration/", create_administration),
    path("_test/fail/", fail),
    *application,
]
