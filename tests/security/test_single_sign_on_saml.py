"""Single sign-on through a region's SAML 2.0 identity provider (issue 21 part 2).

The provider is real: a small SAML provider (tests/saml_provider.py) that the tests start on
127.0.0.1. Familjelotsen reads its metadata over HTTP, sends the browser to it with an
authentication request, and checks its signed response (python3-saml with xmlsec): signature,
audience, recipient, validity and the request it answers. The tests play the browser.
"""

from __future__ import annotations

import base64
import re
from html import unescape
from urllib.parse import urlsplit

import httpx
import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from familjelotsen.models import AccessLogEntry, Administration, IdentityProvider, User
from tests.factories import AdministrationFactory, OrganisationFactory
from tests.saml_provider import LOA3, PASSWORD_CONTEXT, running_provider, set_person

ROLE = "urn:x-region:fl-role"  # the region's own attribute names
UNIT = "urn:x-region:fl-unit"
GIVEN_NAME, SURNAME = "urn:oid:2.5.4.42", "urn:oid:2.5.4.4"
USERNAME = "urn:oid:0.9.2342.19200300.100.1.1"
PERSONNUMMER = "urn:oid:1.2.752.29.4.13"  # the Swedish eID framework's personalIdentityNumber


@pytest.fixture(scope="session")
def saml_url():
    """A real SAML identity provider on 127.0.0.1, for the whole test session."""
    with running_provider() as url:
        yield url


@pytest.fixture
def region(db):
    return OrganisationFactory(name="Region Örebro län", code="RÖL", kind="region")


@pytest.fixture
def child_psychiatry(region):
    return AdministrationFactory(
        name="Barn- och ungdomspsykiatrin",
        kind=Administration.Kind.HEALTH_REGION,
        organisation=region,
    )


@pytest.fixture
def idp(saml_url, region, child_psychiatry):
    return IdentityProvider.objects.create(
        organisation=region,
        protocol=IdentityProvider.Protocol.SAML,
        server_url=f"{saml_url}/metadata",
        entity_id=f"{saml_url}/metadata",
        role_claim=ROLE,
        role_map={"koordinator": "coordinator"},
        administration_claim=UNIT,
        administration_map={"BUP": "Barn- och ungdomspsykiatrin"},
        strong_acr_values=[LOA3],
    )


def _eva(saml_url, authn_context=LOA3, **changes):
    attributes = {
        GIVEN_NAME: "Eva",
        SURNAME: "Lind",
        USERNAME: "eva.lind",
        ROLE: ["koordinator", "personal"],
        UNIT: "BUP",
    }
    attributes.update(changes)
    set_person(saml_url, "eva-persistent-id", authn_context, **attributes)


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, page[:500]
    return unescape(match.group(1))


def _at_provider(client, idp: IdentityProvider, name_id: str) -> tuple[str, dict]:
    """Press the region's button, log in at the provider: where the provider's page posts
    the response (the assertion consumer address) and what it posts."""
    start = client.post(reverse("saml_login", kwargs={"organization_slug": idp.provider_id}))
    assert start.status_code == 302, start.content[:500]
    assert start["Location"].startswith(idp.server_url.removesuffix("/metadata") + "/sso?")
    form = httpx.get(start["Location"]).text
    answer = httpx.post(
        start["Location"].split("?")[0],
        data={
            "SAMLRequest": _hidden(form, "SAMLRequest"),
            "RelayState": _hidden(form, "RelayState"),
            "name_id": name_id,
        },
    )
    assert answer.status_code == 200, answer.text[:500]
    action = unescape(re.search(r'action="([^"]+)"', answer.text).group(1))
    posted = {
        "SAMLResponse": _hidden(answer.text, "SAMLResponse"),
        "RelayState": _hidden(answer.text, "RelayState"),
    }
    return action, posted


def _post_back(client, action: str, posted: dict):
    """The browser posts the response to Familjelotsen, which finishes the login."""
    acs = urlsplit(action).path
    assert acs == reverse("saml_acs", kwargs={"organization_slug": acs.split("/")[3]})
    step = client.post(acs, posted)
    assert step.status_code == 302
    return client.get(step["Location"])


def _saml_login(client, idp, name_id):
    return _post_back(client, *_at_provider(client, idp, name_id))


# --- The first login creates the staff member from the assertion's attributes ------------------


def test_first_login_creates_the_regions_staff_member_in_their_administration(
    client, idp, saml_url, child_psychiatry
):
    _eva(saml_url)
    response = _saml_login(client, idp, "eva-persistent-id")
    assert response.status_code == 302, response.content[:800]
    eva = User.objects.get(socialaccount__uid="eva-persistent-id")
    assert SocialAccount.objects.get(user=eva).provider == f"saml-{idp.pk}"
    assert eva.username == "röl.eva.lind"
    assert (eva.first_name, eva.last_name) == ("Eva", "Lind")
    assert eva.role == User.Role.COORDINATOR
    assert eva.administration == child_psychiatry
    assert eva.is_active and not eva.is_staff and not eva.has_usable_password()
    # The provider's strong login (its assertion's context class is LoA3) is the second
    # factor: no local enrolment demanded.
    home = client.get(reverse("home"), follow=True)
    assert home.status_code == 200
    assert home.wsgi_request.user == eva
    assert reverse("mfa_activate_totp") not in [url for url, _ in home.redirect_chain]


def test_only_the_attributes_familjelotsen_reads_are_kept_with_the_account(
    client, idp, saml_url, child_psychiatry
):
    """A federation may send more than is needed (the staff member's personnummer): it is
    not stored."""
    _eva(saml_url, **{PERSONNUMMER: "197001011234"})
    _saml_login(client, idp, "eva-persistent-id")
    kept = SocialAccount.objects.get(uid="eva-persistent-id").extra_data
    assert PERSONNUMMER not in kept["attributes"]
    assert "197001011234" not in str(kept)
    assert kept["attributes"][ROLE] == ["koordinator", "personal"]
    assert kept["authn_contexts"] == [LOA3]


def test_a_password_login_at_the_provider_asks_for_the_local_second_factor(
    client, idp, saml_url, child_psychiatry
):
    _eva(saml_url, authn_context=PASSWORD_CONTEXT)
    _saml_login(client, idp, "eva-persistent-id")
    page = client.get(reverse("home"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("mfa_activate_totp"))


def test_a_returning_staff_member_keeps_one_account_and_follows_the_providers_role(
    client, idp, saml_url, child_psychiatry
):
    _eva(saml_url)
    _saml_login(client, idp, "eva-persistent-id")
    client.logout()
    _eva(saml_url, **{ROLE: ["personal"]})  # no role the provider maps: nothing changes
    _saml_login(client, idp, "eva-persistent-id")
    assert User.objects.filter(socialaccount__provider=f"saml-{idp.pk}").count() == 1
    eva = User.objects.get(socialaccount__uid="eva-persistent-id")
    assert eva.role == User.Role.COORDINATOR and eva.is_active


def test_without_a_mapped_administration_the_account_waits_for_the_administrator(
    client, idp, saml_url
):
    _eva(saml_url, **{UNIT: "Vuxenpsykiatrin"})
    _saml_login(client, idp, "eva-persistent-id")
    eva = User.objects.get(socialaccount__uid="eva-persistent-id")
    assert not eva.is_active and eva.role == "" and eva.administration is None
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


# --- What Familjelotsen refuses ----------------------------------------------------------------


@pytest.mark.swedish
def test_an_assertion_changed_after_the_provider_signed_it_is_refused(client, idp, saml_url):
    _eva(saml_url, **{ROLE: ["personal"]})
    action, posted = _at_provider(client, idp, "eva-persistent-id")
    xml = base64.b64decode(posted["SAMLResponse"]).decode()
    assert ">personal<" in xml
    forged = xml.replace(">personal<", ">koordinator<")  # a role the provider did not give
    posted["SAMLResponse"] = base64.b64encode(forged.encode()).decode()
    response = _post_back(client, action, posted)
    assert "Inloggningen via" in response.content.decode()
    assert not User.objects.filter(socialaccount__uid="eva-persistent-id").exists()


@pytest.mark.swedish
def test_a_response_to_a_login_familjelotsen_did_not_start_is_refused(
    client, idp, saml_url, child_psychiatry
):
    _eva(saml_url)
    action, posted = _at_provider(client, idp, "eva-persistent-id")
    # The same signed response, replayed in another browser (no login of its own started).
    other = client.__class__()
    response = _post_back(other, action, posted)
    assert response.status_code == 403
    assert "Du får inte göra det här" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert not User.objects.filter(socialaccount__uid="eva-persistent-id").exists()


def test_a_response_signed_by_another_provider_is_refused(client, idp, child_psychiatry):
    """An impostor provider (its own key) answers the login: its signature is not the
    region's, whatever it says."""
    with running_provider() as impostor:
        _eva(impostor)
        start = client.post(reverse("saml_login", kwargs={"organization_slug": idp.provider_id}))
        form = httpx.get(start["Location"]).text
        answer = httpx.post(
            f"{impostor}/sso",
            data={
                "SAMLRequest": _hidden(form, "SAMLRequest"),
                "RelayState": _hidden(form, "RelayState"),
                "name_id": "eva-persistent-id",
            },
        )
    action = unescape(re.search(r'action="([^"]+)"', answer.text).group(1))
    response = _post_back(
        client,
        action,
        {
            "SAMLResponse": _hidden(answer.text, "SAMLResponse"),
            "RelayState": _hidden(answer.text, "RelayState"),
        },
    )
    assert not User.objects.filter(socialaccount__uid="eva-persistent-id").exists()
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.swedish
def test_a_provider_whose_metadata_cannot_be_read_ends_on_a_swedish_page(client, idp):
    idp.server_url = "http://127.0.0.1:9/metadata"  # nothing listens there
    idp.entity_id = "http://127.0.0.1:9/metadata"
    idp.save()
    response = client.post(reverse("saml_login", kwargs={"organization_slug": idp.provider_id}))
    assert response.status_code == 502
    assert "Inloggningen via" in response.content.decode()


@pytest.mark.swedish
def test_the_login_page_offers_the_regions_saml_login(client, idp):
    page = client.get(reverse("account_login")).content.decode()
    assert "Logga in via Region Örebro län" in page
    assert reverse("saml_login", kwargs={"organization_slug": idp.provider_id}) in page

    idp.enabled = False
    idp.save()
    assert "Region Örebro län" not in client.get(reverse("account_login")).content.decode()
    start = client.post(reverse("saml_login", kwargs={"organization_slug": idp.provider_id}))
    assert start.status_code == 404


def test_familjelotsen_publishes_its_metadata_for_the_providers_operator(client, idp):
    response = client.get(reverse("saml_metadata", kwargs={"organization_slug": idp.provider_id}))
    assert response.status_code == 200
    metadata = response.content.decode()
    assert "SPSSODescriptor" in metadata
    acs = reverse("saml_acs", kwargs={"organization_slug": idp.provider_id})
    assert f'Location="http://testserver{acs}"' in metadata
    # Nothing about any person: the metadata is public.
    assert not AccessLogEntry.objects.exists()


# --- The system administrator sets up a SAML login service --------------------------------------


@pytest.mark.swedish
def test_the_administrator_sets_up_a_regions_saml_login_service(
    client, sysadmin, region, child_psychiatry
):
    client.force_login(sysadmin)
    url = reverse("sysadmin:identity_provider", args=[region.pk])
    form = {
        "enabled": "on",
        "protocol": "saml",
        "server_url": "https://idp.regionorebrolan.se/metadata",
        "entity_id": "https://idp.regionorebrolan.se/idp",
        "role_claim": ROLE,
        "role_map": "koordinator = coordinator",
        "administration_claim": UNIT,
        "administration_map": "BUP = Barn- och ungdomspsykiatrin",
        "strong_acr_values": LOA3,
    }
    # A SAML provider needs its entity id (no client id or secret).
    refused = client.post(url, {**form, "entity_id": ""})
    assert refused.status_code == 200
    assert "entitets-id" in refused.content.decode()
    assert not IdentityProvider.objects.exists()

    assert client.post(url, form).status_code == 302
    idp = IdentityProvider.objects.get(organisation=region)
    assert idp.protocol == "saml" and idp.entity_id == "https://idp.regionorebrolan.se/idp"
    assert idp.client_id == "" and idp.client_secret == ""
    # The page gives the addresses the provider's operator registers.
    page = client.get(url).content.decode()
    metadata = reverse("saml_metadata", kwargs={"organization_slug": idp.provider_id})
    assert f"http://testserver{metadata}" in page


@pytest.mark.swedish
def test_the_protocol_stays_once_staff_have_logged_in_through_the_provider(
    client, idp, saml_url, child_psychiatry, sysadmin
):
    """Switching a used SAML provider to OpenID Connect would strand its staff's accounts
    (tied to the assertions' NameIDs): refused, and the provider is kept as it was."""
    _eva(saml_url)
    _saml_login(client, idp, "eva-persistent-id")
    client.logout()
    client.force_login(sysadmin)
    url = reverse("sysadmin:identity_provider", args=[idp.organisation_id])
    response = client.post(
        url,
        {
            "enabled": "on",
            "protocol": "oidc",
            "server_url": "https://login.regionorebrolan.se/realms/staff",
            "client_id": "familjelotsen",
            "client_secret": "s3cret",
            "role_claim": ROLE,
            "administration_claim": UNIT,
        },
    )
    assert response.status_code == 200
    assert "dess protokoll kan inte ändras" in response.content.decode()
    idp.refresh_from_db()
    assert idp.protocol == "saml" and idp.client_id == ""
