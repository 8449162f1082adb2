"""Single sign-on through an organisation's identity provider (issue 21): OpenID Connect, or
SAML 2.0 where an organisation's federation requires it.

allauth runs the protocols (OpenID Connect: discovery, the authorisation code with PKCE, the
token exchange, the ID token and userinfo; SAML, through python3-saml: the provider's metadata,
the authentication request, the signed response and its checks); this module fits them to
Familjelotsen:

- The providers are `IdentityProvider` rows the system administrator keeps, one per
  organisation; `SocialAccountAdapter.list_apps` turns the enabled ones into allauth apps.
- The first login through a provider creates the staff account, linked to the provider's
  subject (`sub`), never to an e-mail address. Role and administration come from the claims the
  provider maps; an administration is looked up in the provider's own organisation only, and no
  provider makes a system administrator (`access.granted_by_identity_provider`). Without a
  mapped role and administration the account is created inactive, waiting for the system
  administrator, and reaches nothing.
- Later logins update role and administration from the mapped claims (the provider is the
  source of truth for them), but never reactivate an account the administrator deactivated.
- A SAML provider's attributes are its claims, and the authentication context class of its
  assertion is its `acr` (the Swedish eID framework's levels of assurance are those classes).
- Second factor: when the ID token's `acr`, or one of its `amr` values, is one the provider is
  configured to call strong, the provider's authentication replaces the local second factor
  (`AuthenticateStage` skips allauth's TOTP step, and the session is marked so enrolment is not
  demanded). Otherwise the local second factor applies as for a password login.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.stages import AuthenticateStage as AllauthAuthenticateStage
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider as AllauthOpenIDConnectProvider,
)
from allauth.socialaccount.providers.saml.provider import SAMLProvider as AllauthSAMLProvider
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from familjelotsen import access
from familjelotsen.models import Administration, IdentityProvider, User

logger = logging.getLogger(__name__)

#: allauth's provider of each protocol.
PROVIDERS = {
    IdentityProvider.Protocol.OIDC: "openid_connect",
    IdentityProvider.Protocol.SAML: "saml",
}
#: The attributes a SAML provider's staff member is described by (the names of the Swedish
#: eID framework and of most federations); role and administration are the provider's own.
#: The staff member is known by the assertion's NameID (no attribute is mapped to "uid").
SAML_ATTRIBUTES = {
    "email": ["urn:oid:0.9.2342.19200300.100.1.3"],
    "first_name": ["urn:oid:2.5.4.42"],
    "last_name": ["urn:oid:2.5.4.4"],
    "username": ["urn:oid:0.9.2342.19200300.100.1.1"],
}
#: Session key: this session's second factor was the identity provider's strong login.
SESSION_PROVIDER_SECOND_FACTOR = "fl_provider_second_factor"


def _providers():
    return IdentityProvider.objects.filter(enabled=True).select_related("organisation")


def provider_for(provider_id: str) -> IdentityProvider | None:
    """The enabled identity provider behind an allauth provider id (`oidc-<pk>`,
    `saml-<pk>`)."""
    match = re.fullmatch(r"(oidc|saml)-(\d{1,18})", provider_id or "")
    if not match:
        return None
    return _providers().filter(protocol=match.group(1), pk=int(match.group(2))).first()


def app_for(idp: IdentityProvider) -> SocialApp:
    """The allauth app of a provider (not stored: the provider row is the configuration)."""
    if idp.protocol == IdentityProvider.Protocol.SAML:
        return SocialApp(
            provider=PROVIDERS[idp.protocol],
            provider_id=idp.provider_id,
            name=idp.organisation.name,
            # allauth's SAML addresses name the app by its client id: /konto/saml/saml-<pk>/…
            client_id=idp.provider_id,
            settings={
                "idp": {"entity_id": idp.entity_id, "metadata_url": idp.server_url},
                "attribute_mapping": SAML_ATTRIBUTES,
                "advanced": {
                    "strict": True,
                    # The provider signs the assertion it makes about the staff member.
                    "want_assertion_signed": True,
                    # Only answers to a login Familjelotsen started (its InResponseTo).
                    "reject_idp_initiated_sso": True,
                    # A closed municipal network may name the server by one label.
                    "allow_single_label_domains": True,
                },
            },
        )
    return SocialApp(
        provider=PROVIDERS[idp.protocol],
        provider_id=idp.provider_id,
        name=idp.organisation.name,
        client_id=idp.client_id,
        secret=idp.client_secret,
        settings={"server_url": idp.server_url, "oauth_pkce_enabled": True},
    )


def login_url(idp: IdentityProvider) -> str:
    """Where a login through the provider starts (a POST, from the login page)."""
    if idp.protocol == IdentityProvider.Protocol.SAML:
        return reverse("saml_login", kwargs={"organization_slug": idp.provider_id})
    return reverse("openid_connect_login", kwargs={"provider_id": idp.provider_id})


def service_addresses(request, idp: IdentityProvider) -> dict[str, str]:
    """What the provider's operator is given to register Familjelotsen: for SAML its
    metadata and assertion consumer addresses, for OpenID Connect its return address."""
    if idp.pk is None:
        return {}
    if idp.protocol == IdentityProvider.Protocol.SAML:
        slug = {"organization_slug": idp.provider_id}
        return {
            "metadata": request.build_absolute_uri(reverse("saml_metadata", kwargs=slug)),
            "acs": request.build_absolute_uri(reverse("saml_acs", kwargs=slug)),
        }
    return {
        "callback": request.build_absolute_uri(
            reverse("openid_connect_callback", kwargs={"provider_id": idp.provider_id})
        )
    }


def login_choices() -> list[tuple[str, str]]:
    """The login page's buttons: (login address, organisation name), by organisation."""
    return [
        (login_url(idp), idp.organisation.name)
        for idp in _providers().order_by("organisation__name")
    ]


# --- Claims ------------------------------------------------------------------------------------


def _values(claim) -> list[str]:
    """A claim as a list of strings (a claim may be one string or a list of them)."""
    if claim is None:
        return []
    if isinstance(claim, (list, tuple)):
        return [str(v) for v in claim if isinstance(v, (str, int))]
    if isinstance(claim, (str, int)):
        return [str(claim)]
    return []


def claims_of(extra_data: dict) -> tuple[dict, dict]:
    """(all claims: userinfo over the ID token; the ID token's claims alone). A SAML login's
    claims are its assertion's attributes, and its authentication context classes stand for
    the ID token's `acr`."""
    if extra_data.get("protocol") == IdentityProvider.Protocol.SAML:
        attributes = extra_data.get("attributes")
        claims = dict(attributes) if isinstance(attributes, dict) else {}
        return claims, {"acr": _values(extra_data.get("authn_contexts"))}
    id_token = extra_data.get("id_token") or {}
    userinfo = extra_data.get("userinfo") or {}
    return {**id_token, **userinfo}, id_token


def mapped_role(idp: IdentityProvider, claims: dict) -> str | None:
    """The role the claims give: exactly one grantable role, else none (the administrator
    decides when the provider's claims are missing or ambiguous)."""
    if not idp.role_claim:
        return None
    roles = {
        idp.role_map.get(value)
        for value in _values(claims.get(idp.role_claim))
        if isinstance(idp.role_map, dict)
    }
    roles = {r for r in roles if r and access.granted_by_identity_provider(r)}
    return roles.pop() if len(roles) == 1 else None


def mapped_administration(idp: IdentityProvider, claims: dict) -> Administration | None:
    """The administration the claims name, in the provider's own organisation only."""
    if not idp.administration_claim:
        return None
    table = idp.administration_map if isinstance(idp.administration_map, dict) else {}
    names = {
        str(table.get(value) or value) for value in _values(claims.get(idp.administration_claim))
    }
    found = list(
        Administration.objects.filter(organisation_id=idp.organisation_id, name__in=names)[:2]
    )
    return found[0] if len(found) == 1 else None


def strongly_authenticated(idp: IdentityProvider, id_token: dict) -> bool:
    """The ID token says the provider used strong authentication (its `acr`, or one of its
    `amr` values, is one this provider's configuration calls strong)."""
    strong_acr = set(_values(idp.strong_acr_values))
    strong_amr = set(_values(idp.strong_amr_values))
    if strong_acr and set(_values(id_token.get("acr"))) & strong_acr:
        return True
    return bool(strong_amr and set(_values(id_token.get("amr"))) & strong_amr)


def _sociallogin_of(login):
    return (getattr(login, "signal_kwargs", None) or {}).get("sociallogin")


def _provider_strong(sociallogin) -> bool:
    if sociallogin is None:
        return False
    idp = provider_for(sociallogin.account.provider)
    if idp is None:
        return False
    _, id_token = claims_of(sociallogin.account.extra_data or {})
    return strongly_authenticated(idp, id_token)


# --- allauth -----------------------------------------------------------------------------------


def _unique_username(idp: IdentityProvider, wanted: str) -> str:
    base = re.sub(r"[^\w.@+-]", "", wanted or "")[:100] or "sso"
    base = f"{idp.organisation.code.lower()}.{base}"[:140]
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}.{n}"
    return username


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """allauth's social accounts, for staff of organisations with an identity provider."""

    def list_apps(self, request, provider=None, client_id=None):
        apps = []
        for idp in _providers():
            app = app_for(idp)
            if provider and provider not in (app.provider, app.provider_id):
                continue
            if client_id and app.client_id != client_id:
                continue
            apps.append(app)
        return apps

    def is_open_for_signup(self, request, sociallogin) -> bool:
        # Only through an enabled provider: the account is the organisation's staff member.
        return provider_for(sociallogin.account.provider) is not None

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return self.is_open_for_signup(request, sociallogin)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        idp = provider_for(sociallogin.account.provider)
        claims, _token = claims_of(sociallogin.account.extra_data or {})
        wanted = (
            data.get("username")
            or next(iter(_values(claims.get("preferred_username"))), "")
            or sociallogin.account.uid
        )
        user.username = _unique_username(idp, str(wanted)) if idp else user.username
        if user.email and User.objects.filter(email__iexact=user.email).exists():
            user.email = ""
        role = mapped_role(idp, claims) if idp else None
        administration = mapped_administration(idp, claims) if idp else None
        if role and administration:
            user.role, user.administration = role, administration
            user.is_active = True
        else:
            # Waiting for the system administrator: no role, no administration, inactive.
            user.role, user.administration = "", None
            user.is_active = False
        user.is_staff = access.staff_flag(user.role)
        user.is_superuser = False
        return user

    @transaction.atomic
    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        idp = provider_for(sociallogin.account.provider)
        if idp and user.role and access.has_report_scope(user.role):
            user.organisations.set([idp.organisation])
        access.user_sync_groups(user)
        return user

    def pre_social_login(self, request, sociallogin):
        """A returning staff member: role and administration follow the provider's mapped
        claims. A deactivated account stays deactivated; one waiting for its first role is
        activated when the provider now maps both. Tying a signed-in account to a provider
        identity ("connect") is refused: an account is the provider's from its first login or
        stays local (a system administrator's, say, with its own second factor)."""
        if sociallogin.state.get("process") == "connect":
            messages.error(request, _("Accounts are not tied to a login service afterwards."))
            raise ImmediateHttpResponse(redirect("home"))
        if not sociallogin.is_existing:
            # The account is the provider's subject's: an e-mail address never ties it to
            # another account nor stops its creation (kept on the account when nobody has it).
            sociallogin.email_addresses = []
            return
        idp = provider_for(sociallogin.account.provider)
        if idp is None:
            return
        claims, _token = claims_of(sociallogin.account.extra_data or {})
        role, administration = mapped_role(idp, claims), mapped_administration(idp, claims)
        if not (role and administration):
            return
        user = User.objects.get(pk=sociallogin.user.pk)
        waiting = not user.role
        with transaction.atomic():
            user.role, user.administration = role, administration
            user.is_staff = access.staff_flag(role)
            if waiting:
                user.is_active = True
            user.save(update_fields=["role", "administration", "is_staff", "is_active"])
            if access.has_report_scope(role) and not user.organisations.exists():
                user.organisations.set([idp.organisation])
            access.user_sync_groups(user)
        sociallogin.user = user
        logger.info("a staff account's role or administration followed its provider's claims")


#: The OpenID Connect claims kept with a staff member's account, besides the provider's role
#: and administration claims: who they are, and how strongly the provider authenticated them.
OIDC_CLAIMS = {
    "sub",
    "iss",
    "aud",
    "preferred_username",
    "given_name",
    "family_name",
    "name",
    "email",
    "email_verified",
    "acr",
    "amr",
    "auth_time",
}


def _kept(claims, wanted: set[str]) -> dict:
    return {k: v for k, v in claims.items() if k in wanted} if isinstance(claims, dict) else {}


def _wanted(provider_id: str, standard: set[str]) -> set[str]:
    idp = provider_for(provider_id)
    if idp is None:
        return set(standard)
    return standard | ({idp.role_claim, idp.administration_claim} - {""})


class OpenIDConnectProvider(AllauthOpenIDConnectProvider):
    """allauth's OpenID Connect provider, keeping with the account only the claims
    Familjelotsen reads: a provider may send more about the staff member (a personnummer,
    say). Put in allauth's place by SOCIALACCOUNT_PROVIDERS["openid_connect"]."""

    # allauth's own OpenID Connect addresses (login, callback) serve this provider.
    package = "allauth.socialaccount.providers.openid_connect"

    def extract_extra_data(self, data):
        wanted = _wanted(self.app.provider_id, OIDC_CLAIMS)
        return {key: _kept(data.get(key), wanted) for key in ("id_token", "userinfo")}


class SAMLProvider(AllauthSAMLProvider):
    """allauth's SAML provider, keeping what the assertion says of the login itself: its
    authentication context classes (how strongly the provider authenticated the staff member)
    beside the attributes. Put in allauth's place by SOCIALACCOUNT_PROVIDERS["saml"]."""

    # allauth's own SAML addresses (acs, metadata, login) serve this provider.
    package = "allauth.socialaccount.providers.saml"

    def extract_extra_data(self, data):
        # Only the attributes Familjelotsen reads are kept with the account: a federation's
        # assertion may carry more about the staff member (a personnummer, say).
        standard = {name for names in SAML_ATTRIBUTES.values() for name in names}
        return {
            "protocol": IdentityProvider.Protocol.SAML.value,
            "attributes": _kept(data.get_attributes(), _wanted(self.app.provider_id, standard)),
            "authn_contexts": data.get_last_authn_contexts(),
        }


class AuthenticateStage(AllauthAuthenticateStage):
    """allauth's second-factor step, skipped when the identity provider authenticated the
    user strongly (its ID token says so); asked as usual otherwise."""

    def _should_handle(self, request) -> bool:
        if _provider_strong(_sociallogin_of(self.login)):
            return False
        return super()._should_handle(request)


def remember_provider_second_factor(sender, request, user, **kwargs):
    """The session's second factor was the provider's strong login, or it was not."""
    if request is None or not hasattr(request, "session"):
        return
    if _provider_strong(kwargs.get("sociallogin")):
        request.session[SESSION_PROVIDER_SECOND_FACTOR] = True
    else:
        request.session.pop(SESSION_PROVIDER_SECOND_FACTOR, None)


def provider_second_factor(request) -> bool:
    """This session passed the identity provider's strong authentication."""
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_PROVIDER_SECOND_FACTOR))


def _provider_unreachable(request):
    logger.warning("an identity provider could not be reached")
    return render(request, "socialaccount/authentication_error.html", status=502)


@login_not_required
def login_view(request, provider_id):
    """allauth's start of an OpenID Connect login, with the provider out of reach answered by
    the "login failed" page (502) instead of an error: discovery happens here, over HTTP."""
    from allauth.socialaccount.providers.openid_connect.views import login
    from requests import RequestException

    try:
        return _allow_provider_forms(login(request, provider_id))
    except RequestException:
        return _provider_unreachable(request)


def _saml_metadata_ready(organization_slug: str) -> bool:
    """The SAML provider's metadata can be read and describes its entity id (read over HTTP
    when a login starts or ends and it is not cached; allauth caches it for hours)."""
    from allauth.socialaccount.providers.saml.utils import fetch_metadata_url_config
    from onelogin.saml2.errors import OneLogin_Saml2_Error

    idp = provider_for(organization_slug)
    if idp is None or idp.protocol != IdentityProvider.Protocol.SAML:
        return True  # allauth answers: no such login service (404)
    try:
        return "idp" in fetch_metadata_url_config(app_for(idp).settings["idp"])
    except (OSError, ValueError, OneLogin_Saml2_Error):
        return False


def _host_named(request) -> None:
    """python3-saml builds this server's own addresses (the destination a response must name)
    from the Host header, which an HTTP/1.0 client may leave out: the validated host stands in."""
    request.META.setdefault("HTTP_HOST", request.get_host())


@login_not_required
def saml_login_view(request, organization_slug):
    """allauth's start of a SAML login, with the provider out of reach answered by the "login
    failed" page (502) instead of an error."""
    from allauth.socialaccount.providers.saml.views import login

    _host_named(request)
    if not _saml_metadata_ready(organization_slug):
        return _provider_unreachable(request)
    return _allow_provider_forms(login(request, organization_slug=organization_slug))


@csrf_exempt  # the provider's response, posted by the browser from the provider's page
@login_not_required
def saml_acs_view(request, organization_slug):
    """allauth's assertion consumer: keeps the posted response for the finishing step."""
    from allauth.socialaccount.providers.saml.views import acs

    _host_named(request)
    return acs(request, organization_slug=organization_slug)


@login_not_required
def saml_finish_view(request, organization_slug):
    """allauth's end of a SAML login (after the assertion consumer), likewise."""
    from allauth.socialaccount.providers.saml.views import finish_acs

    _host_named(request)
    if not _saml_metadata_ready(organization_slug):
        return _provider_unreachable(request)
    return finish_acs(request, organization_slug=organization_slug)


def provider_origins() -> list[str]:
    """The enabled providers' origins (scheme, host and port)."""
    origins = []
    for idp in _providers():
        parts = urlsplit(idp.server_url)
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))


def _allow_provider_forms(response):
    """A page with a form that starts a single sign-on login: its POST is answered with a
    redirect to the provider, which the Content-Security-Policy's form-action must allow."""
    origins = provider_origins()
    if origins:
        response._csp_update = {"form-action": origins}
    return response


@login_not_required
def login_page(request, *args, **kwargs):
    """allauth's login page, whose single sign-on buttons may send the browser on to the
    enabled identity providers."""
    from allauth.account.views import login

    return _allow_provider_forms(login(request, *args, **kwargs))
