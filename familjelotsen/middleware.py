from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django_htmx.http import HttpResponseClientRedirect

from familjelotsen.sso import provider_second_factor
from familjelotsen.two_factor import has_second_factor


class NoStoreForAuthenticatedMiddleware:
    """Pages seen by a signed-in user may hold personal data: never cache them anywhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


class SecondFactorRequiredMiddleware:
    """A signed-in user without an authenticator app or security key is sent to enrolment and
    reaches nothing else until enrolled (SPEC: two factors for everyone).

    "Enrolled" suffices: allauth never completes the login of an enrolled user without the
    second factor, so every authenticated session of an enrolled user passed it. The flag comes
    with the user row (familjelotsen.two_factor.AuthenticationBackend): no extra query.
    """

    #: URL names a not-yet-enrolled user may reach: enrolment itself, what it needs
    #: (re-authentication, the factor overview), leaving, and pages without personal data.
    ALLOWED = frozenset(
        {
            "account_logout",
            "account_reauthenticate",
            "mfa_index",
            "mfa_activate_totp",
            "mfa_add_webauthn",
            "mfa_reauthenticate",
            "set_language",
            "session_ping",
            "health",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or has_second_factor(user):
            return None
        # Single sign-on: the identity provider's strong login was this session's second factor.
        if provider_second_factor(request):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in self.ALLOWED and not match.namespace:
            return None
        target = reverse("mfa_activate_totp")
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)


class ClearSiteDataOnLogoutMiddleware:
    """After a logout, the browser drops what it cached and stored for this site (drafts are
    sent to the server before: see static/js/session.js, `familjelotsen:before-logout`)."""

    LOGOUT_VIEWS = frozenset({"account_logout"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            request.method == "POST"
            and match is not None
            and match.view_name in self.LOGOUT_VIEWS
            and response.status_code < 400
            and not request.user.is_authenticated
        ):
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response


class SwedishByDefaultLocaleMiddleware:
    """Swedish unless the user chose another language (the language cookie set by the
    selector in the footer). The browser's Accept-Language is ignored on purpose: a
    municipality's staff share computers with English browsers but work in Swedish."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override (not activate): the thread goes back to the default afterwards, so one
        # request's choice never leaks into the next work done by the same thread.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
