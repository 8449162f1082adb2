"""Single sign-on through an organisation's identity provider (issue 21 part 2).

The provider is real: an OpenID Connect server (oidc-provider-mock, built on authlib) that the
tests start on 127.0.0.1. Familjelotsen discovers it, sends the browser to its authorisation
endpoint, exchanges the code (with PKCE) at its token endpoint and reads its ID token and
userinfo over HTTP; the tests play the staff member at the provider's login form. Nothing of the
HTTP exchange is mocked.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from familjelotsen.models import Administration, IdentityProvider, User
from tests.factories import (
    TEST_TOTP_SECRET,
    AdministrationFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.oidc_provider import register_client, running_provider, set_person

LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
CALLBACK = "http://testserver/konto/oidc/{provider_id}/login/callback/"


@pytest.fixture(scope="session")
def provider_url():
    """A real OpenID Connect provider on 127.0.0.1, for the whole test session."""
    with running_provider() as url:
        yield url


@pytest.fixture
def lindesberg(db):
    return OrganisationFactory(name="Lindesbergs kommun", code="LIN")


@pytest.fixture
def nora(db):
    return OrganisationFactory(name="Nora kommun", code="NOR")


@pytest.fixture
def social_services(lindesberg):
    return AdministrationFactory(
        name="Socialtjänsten Lindesberg",
        kind=Administration.Kind.SOCIAL_SERVICES,
        organisation=lindesberg,
    )


@pytest.fixture
def nora_social_services(nora):
    return AdministrationFactory(
        name="Socialtjänsten Nora", kind=Administration.Kind.SOCIAL_SERVICES, organisation=nora
    )


@pytest.fixture
def idp(provider_url, lindesberg, social_services):
    """Lindesberg's identity provider, registered with the provider as a client."""
    row = IdentityProvider.objects.create(
        organisation=lindesberg,
        server_url=provider_url,
        client_id="pending",
        client_secret="pending",
        role_claim="roles",
        role_map={"fl-ombud": "family_ombud", "fl-lead": "team_lead", "it-admin": "system_admin"},
        administration_claim="department",
        administration_map={"IFO": "Socialtjänsten Lindesberg"},
        strong_acr_values=[LOA3],
        strong_amr_values=["mfa"],
    )
    client = register_client(provider_url, CALLBACK.format(provider_id=row.provider_id))
    row.client_id, row.client_secret = client["client_id"], client["client_secret"]
    row.save()
    return row


def _sso_login(client, idp: IdentityProvider, sub: str):
    """Press the organisation's button, log in at the provider, come back. Returns the
    response of Familjelotsen's callback (after the code exchange at the provider)."""
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": idp.provider_id}))
    assert start.status_code == 302, start.content[:500]
    authorize = start["Location"]
    assert authorize.startswith(idp.server_url + "/oauth2/authorize?")
    assert "code_challenge=" in authorize  # PKCE
    at_provider = httpx.post(authorize, data={"sub": sub}, follow_redirects=False)
    assert at_provider.status_code == 302, at_provider.text[:500]
    back = urlsplit(at_provider.headers["location"])
    assert back.path == reverse("openid_connect_callback", kwargs={"provider_id": idp.provider_id})
    return client.get(f"{back.path}?{back.query}")


def _anna(provider_url, **extra):
    claims = {
        "preferred_username": "anna.ek",
        "given_name": "Anna",
        "family_name": "Ek",
        "roles": ["fl-ombud", "everyone"],
        "department": "IFO",
        "acr": LOA3,
        "amr": ["bankid"],
    }
    claims.update(extra)
    set_person(provider_url, "anna-sub", **claims)


# --- The first login creates the staff member from the provider's claims ----------------------


def test_first_login_creates_the_staff_member_in_their_administration(
    client, idp, provider_url, social_services
):
    _anna(provider_url)
    response = _sso_login(client, idp, "anna-sub")
    assert response.status_code == 302
    anna = User.objects.get(socialaccount__uid="anna-sub")
    assert anna.username == "lin.anna.ek"
    assert (anna.first_name, anna.last_name) == ("Anna", "Ek")
    assert anna.role == User.Role.FAMILY_OMBUD
    assert anna.administration == social_services
    assert anna.is_active and not anna.is_staff and not anna.has_usable_password()
    assert anna.groups.filter(pk=social_services.group_id).exists()
    # The provider's strong login (LoA3) is the second factor: no local enrolment demanded.
    home = client.get(reverse("cases:my_families"))
    assert home.status_code == 200
    assert home.wsgi_request.user == anna


def test_the_account_is_linked_by_the_providers_subject_not_by_email(
    client, idp, provider_url, social_services
):
    existing = UserFactory(
        username="anna.local", email="anna@lindesberg.se", administration=social_services
    )
    _anna(provider_url, email="anna@lindesberg.se", email_verified=True)
    _sso_login(client, idp, "anna-sub")
    account = SocialAccount.objects.get(uid="anna-sub", provider=idp.provider_id)
    assert account.user != existing
    # And the same subject comes back to the same account.
    client.logout()
    _sso_login(client, idp, "anna-sub")
    assert SocialAccount.objects.filter(uid="anna-sub").count() == 1
    assert User.objects.filter(socialaccount__uid="anna-sub").count() == 1


# --- The second factor: the provider's when it was strong, the local one otherwise ------------


def test_a_login_without_strong_authentication_asks_for_the_local_second_factor(
    client, idp, provider_url
):
    _anna(provider_url, acr="http://id.elegnamnden.se/loa/1.0/loa2", amr=["pwd"])
    _sso_login(client, idp, "anna-sub")
    anna = User.objects.get(socialaccount__uid="anna-sub")
    # Not enrolled: every page sends them to enrol an authenticator app first.
    page = client.get(reverse("cases:my_families"))
    assert page.status_code == 302
    assert page["Location"] == reverse("mfa_activate_totp")
    # The account has no local password to confirm: the enrolment opens at once, QR code and
    # all (a password-less account is not asked to re-authenticate with one).
    assert not anna.has_usable_password()
    enrol = client.get(reverse("mfa_activate_totp"))
    assert enrol.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in enrol.content.decode()

    # Enrolled: the next weak login stops at the local second factor.
    Authenticator.objects.create(
        user=anna, type=Authenticator.Type.TOTP, data={"secret": encrypt(TEST_TOTP_SECRET)}
    )
    client.logout()
    response = _sso_login(client, idp, "anna-sub")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not client.get(reverse("cases:my_families")).wsgi_request.user.is_authenticated


def test_an_amr_value_the_provider_calls_strong_replaces_the_local_factor(
    client, idp, provider_url
):
    _anna(provider_url, acr="urn:other", amr=["pwd", "mfa"])
    _sso_login(client, idp, "anna-sub")
    anna = User.objects.get(socialaccount__uid="anna-sub")
    Authenticator.objects.create(
        user=anna, type=Authenticator.Type.TOTP, data={"secret": encrypt(TEST_TOTP_SECRET)}
    )
    client.logout()
    response = _sso_login(client, idp, "anna-sub")
    assert response["Location"] != reverse("mfa_authenticate")
    assert client.get(reverse("cases:my_families")).status_code == 200


def test_only_the_claims_familjelotsen_reads_are_kept_with_the_account(
    client, idp, provider_url, social_services
):
    """A provider may send more than is needed (the staff member's personnummer): it is not
    stored with the account, in the ID token's claims or the userinfo's."""
    _anna(provider_url, personal_identity_number="197001011234")
    _sso_login(client, idp, "anna-sub")
    kept = SocialAccount.objects.get(uid="anna-sub").extra_data
    assert "197001011234" not in str(kept)
    assert kept["userinfo"]["roles"] == ["fl-ombud", "everyone"]
    assert kept["userinfo"]["department"] == "IFO"
    assert kept["id_token"]["sub"] == "anna-sub"


# --- Without mapped claims the administrator decides -------------------------------------------


@pytest.mark.swedish
def test_without_a_mapped_role_the_account_waits_for_the_administrator(
    client, idp, provider_url, social_services
):
    _anna(provider_url, roles=["everyone"])
    response = _sso_login(client, idp, "anna-sub")
    anna = User.objects.get(socialaccount__uid="anna-sub")
    assert not anna.is_active and anna.role == "" and anna.administration is None
    page = client.get(response["Location"]) if response.status_code == 302 else response
    assert "väntar på att systemadministratören" in page.content.decode()
    assert not client.get(reverse("cases:my_families")).wsgi_request.user.is_authenticated

    # The provider starts sending the role: the next login activates the waiting account.
    _anna(provider_url)
    _sso_login(client, idp, "anna-sub")
    anna.refresh_from_db()
    assert anna.is_active and anna.role == User.Role.FAMILY_OMBUD
    assert anna.administration == social_services


def test_no_provider_makes_a_system_administrator(client, idp, provider_url):
    _anna(provider_url, roles=["it-admin"])
    _sso_login(client, idp, "anna-sub")
    anna = User.objects.get(socialaccount__uid="anna-sub")
    assert anna.role == "" and not anna.is_active and not anna.is_staff


def test_an_administration_of_another_organisation_is_never_taken(
    client, idp, provider_url, nora_social_services
):
    _anna(provider_url, department="Socialtjänsten Nora")
    _sso_login(client, idp, "anna-sub")
    anna = User.objects.get(socialaccount__uid="anna-sub")
    assert anna.administration is None and not anna.is_active


def test_a_returning_staff_members_role_follows_the_provider_but_deactivation_holds(
    client, idp, provider_url, social_services
):
    _anna(provider_url)
    _sso_login(client, idp, "anna-sub")
    client.logout()
    _anna(provider_url, roles=["fl-lead"])
    _sso_login(client, idp, "anna-sub")
    anna = User.objects.get(socialaccount__uid="anna-sub")
    assert anna.role == User.Role.TEAM_LEAD
    client.logout()

    User.objects.filter(pk=anna.pk).update(is_active=False)  # left the team
    _sso_login(client, idp, "anna-sub")
    anna.refresh_from_db()
    assert not anna.is_active
    assert not client.get(reverse("cases:my_families")).wsgi_request.user.is_authenticated


# --- The login page and refusals ---------------------------------------------------------------


@pytest.mark.swedish
def test_the_login_page_offers_each_enabled_provider_and_keeps_the_local_login(client, idp, nora):
    page = client.get(reverse("account_login")).content.decode()
    assert "Lindesbergs kommun" in page
    assert reverse("openid_connect_login", kwargs={"provider_id": idp.provider_id}) in page
    assert 'name="password"' in page

    idp.enabled = False
    idp.save()
    page = client.get(reverse("account_login")).content.decode()
    assert "Lindesbergs kommun" not in page
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": idp.provider_id}))
    assert start.status_code == 404


@pytest.mark.swedish
def test_a_refused_code_exchange_ends_on_a_swedish_page_and_creates_nobody(
    client, idp, provider_url
):
    _anna(provider_url)
    idp.client_secret = "wrong-secret"
    idp.save()
    response = _sso_login(client, idp, "anna-sub")
    assert response.status_code in (200, 401)
    assert "Inloggningen via" in response.content.decode()
    assert not User.objects.filter(socialaccount__uid="anna-sub").exists()


@pytest.mark.swedish
def test_a_signed_in_local_account_cannot_be_tied_to_a_provider_identity(
    client, idp, provider_url, social_services
):
    local = UserFactory(username="lokal", administration=social_services)
    client.force_login(local)
    _anna(provider_url)
    start = client.post(
        reverse("openid_connect_login", kwargs={"provider_id": idp.provider_id}),
        {"process": "connect"},
    )
    assert start.status_code == 302 and start["Location"].startswith(idp.server_url)
    at_provider = httpx.post(start["Location"], data={"sub": "anna-sub"})
    back = urlsplit(at_provider.headers["location"])
    refused = client.get(f"{back.path}?{back.query}", follow=True)

    assert refused.redirect_chain[0][0] == reverse("home")  # then on to the start page
    assert "Konton knyts inte till en inloggningstjänst i efterhand." in refused.content.decode()
    assert not SocialAccount.objects.filter(user=local).exists()
    assert not SocialAccount.objects.filter(uid="anna-sub").exists()


# --- The system administrator keeps the login service and the waiting accounts -----------------


@pytest.fixture
def admin_client(client, sysadmin):
    client.force_login(sysadmin)
    return client


def _form(**changes):
    data = {
        "enabled": "on",
        "protocol": "oidc",
        "server_url": "https://login.lindesberg.se/realms/staff",
        "client_id": "familjelotsen",
        "client_secret": "s3cret-from-the-provider",
        "role_claim": "roles",
        "role_map": "fl-ombud = family_ombud\nfl-lead = team_lead",
        "administration_claim": "department",
        "administration_map": "IFO = Socialtjänsten Lindesberg",
        "strong_acr_values": LOA3,
        "strong_amr_values": "mfa",
    }
    data.update(changes)
    return data


def test_the_administrator_sets_up_an_organisations_login_service(
    admin_client, lindesberg, social_services
):
    url = reverse("sysadmin:identity_provider", args=[lindesberg.pk])
    assert admin_client.post(url, _form()).status_code == 302
    idp = IdentityProvider.objects.get(organisation=lindesberg)
    assert idp.role_map == {"fl-ombud": "family_ombud", "fl-lead": "team_lead"}
    assert idp.administration_map == {"IFO": "Socialtjänsten Lindesberg"}
    assert idp.strong_acr_values == [LOA3] and idp.strong_amr_values == ["mfa"]
    assert idp.client_secret == "s3cret-from-the-provider"

    # Saved again without a secret: the stored one stays, and the page never shows it.
    page = admin_client.get(url).content.decode()
    assert "s3cret-from-the-provider" not in page
    assert idp.provider_id in page  # the return address to register with the provider
    admin_client.post(url, _form(client_secret="", enabled=""))
    idp.refresh_from_db()
    assert idp.client_secret == "s3cret-from-the-provider" and not idp.enabled


@pytest.mark.swedish
def test_a_mapping_to_the_administrators_role_or_another_organisation_is_refused(
    admin_client, lindesberg, social_services, nora_social_services
):
    url = reverse("sysadmin:identity_provider", args=[lindesberg.pk])
    typed = "it = system_admin"
    response = admin_client.post(
        url, _form(role_map=typed, administration_map="NOR = Socialtjänsten Nora")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "inte en roll som en inloggningstjänst får ge" in page
    assert "har ingen förvaltning som heter" in page
    assert typed in page  # what the administrator typed is kept
    assert not IdentityProvider.objects.exists()

    response = admin_client.post(url, _form(role_map="just a line"))
    assert "Skriv varje rad som" in response.content.decode()


def test_only_the_system_administrator_reaches_the_login_service_page(
    client, lindesberg, team_lead
):
    client.force_login(team_lead)
    response = client.get(reverse("sysadmin:identity_provider", args=[lindesberg.pk]))
    assert response.status_code == 403


def test_a_waiting_account_is_given_its_role_by_the_administrator_then_logs_in(
    client, admin_client, idp, provider_url, social_services, sysadmin
):
    from django.test import Client

    staff = Client()
    _anna(provider_url, roles=["unknown-group"])
    _sso_login(staff, idp, "anna-sub")
    anna = User.objects.get(socialaccount__uid="anna-sub")
    assert not anna.is_active

    # Activating before a role is given is refused, with a message, not an error page.
    response = admin_client.post(reverse("sysadmin:user_reactivate", args=[anna.pk]))
    assert response.status_code == 302
    anna.refresh_from_db()
    assert not anna.is_active

    admin_client.post(
        reverse("sysadmin:user_edit", args=[anna.pk]),
        {
            "first_name": "Anna",
            "last_name": "Ek",
            "role": "family_ombud",
            "administration": social_services.pk,
        },
    )
    admin_client.post(reverse("sysadmin:user_reactivate", args=[anna.pk]))
    anna.refresh_from_db()
    assert anna.is_active and anna.role == User.Role.FAMILY_OMBUD
    assert anna.groups.filter(pk=social_services.group_id).exists()

    _sso_login(staff, idp, "anna-sub")
    assert staff.get(reverse("cases:my_families")).status_code == 200


@pytest.mark.swedish
def test_a_provider_out_of_reach_gives_the_login_failed_page_not_an_error(
    client, lindesberg, social_services
):
    idp = IdentityProvider.objects.create(
        organisation=lindesberg,
        server_url="http://127.0.0.1:9",  # nothing listens on the discard port
        client_id="x",
        client_secret="y",
    )
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": idp.provider_id}))
    assert response.status_code == 502
    assert "Inloggningen via din organisation misslyckades" in response.content.decode()


def test_the_login_page_lets_its_buttons_reach_the_provider_and_nothing_else(
    client, idp, provider_url
):
    """The button's POST is answered with a redirect to the provider: the browser follows it
    only when the Content-Security-Policy's form-action names the provider's origin."""
    policy = client.get(reverse("account_login"))["Content-Security-Policy"]
    form_action = next(d for d in policy.split(";") if d.strip().startswith("form-action"))
    assert provider_url in form_action
    assert "'self'" in form_action
    elsewhere = client.get(reverse("mfa_authenticate"))
    assert provider_url not in elsewhere.get("Content-Security-Policy", "")
