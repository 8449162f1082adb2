"""Single sign-on in Chromium (issue 21): a staff member presses their organisation's button on
the login page, logs in at the organisation's OpenID Connect provider (a real one on
127.0.0.1) and comes back signed in, with the role and administration the provider's claims
give, and the provider's strong login as the second factor. The login page passes axe-core."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from familjelotsen.models import Administration, IdentityProvider, User
from tests.factories import AdministrationFactory, OrganisationFactory
from tests.oidc_provider import register_client, running_provider, set_person

pytestmark = pytest.mark.e2e
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def provider_url():
    with running_provider() as url:
        yield url


def test_a_staff_member_logs_in_through_their_organisations_provider(
    browser, live_server, transactional_db, provider_url
):
    from django.core.cache import cache

    cache.clear()
    lindesberg = OrganisationFactory(name="Lindesbergs kommun", code="LIN")
    ifo = AdministrationFactory(
        name="Socialtjänsten Lindesberg",
        kind=Administration.Kind.SOCIAL_SERVICES,
        organisation=lindesberg,
    )
    idp = IdentityProvider.objects.create(
        organisation=lindesberg,
        server_url=provider_url,
        client_id="pending",
        client_secret="pending",
        role_map={"fl-ombud": "family_ombud"},
        administration_map={"IFO": ifo.name},
        strong_amr_values=["mfa"],
    )
    client = register_client(
        provider_url, f"{live_server.url}/konto/oidc/{idp.provider_id}/login/callback/"
    )
    idp.client_id, idp.client_secret = client["client_id"], client["client_secret"]
    idp.save()
    set_person(
        provider_url,
        "eva-sub",
        preferred_username="eva",
        given_name="Eva",
        family_name="Lind",
        roles=["fl-ombud"],
        department="IFO",
        amr=["pwd", "mfa"],
    )

    context = browser.new_context(
        viewport={"width": 768, "height": 1024}, locale="sv-SE", base_url=live_server.url
    )
    page = context.new_page()
    page.goto("/konto/login/")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    assert results.violations_count == 0, results.generate_report()

    page.get_by_role("button", name="Logga in via Lindesbergs kommun").click()
    page.wait_for_url(f"{provider_url}/oauth2/authorize**")
    page.fill("input[name=sub]", "eva-sub")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{live_server.url}/familjer/**")
    assert "Eva Lind" in page.locator("header").inner_text()
    assert "Mina familjer" in page.locator("h1").inner_text()

    eva = User.objects.get(socialaccount__uid="eva-sub")
    assert (eva.role, eva.administration) == (User.Role.FAMILY_OMBUD, ifo)
    context.close()


@pytest.fixture(scope="module")
def saml_url():
    from tests.saml_provider import running_provider as running_saml_provider

    with running_saml_provider() as url:
        yield url


def test_a_regions_staff_member_logs_in_through_its_saml_provider(
    browser, live_server, transactional_db, saml_url
):
    """The provider's page posts the signed response back from another site (127.0.0.1 to
    the live server's host): the login still completes, as it must from a real federation."""
    from django.core.cache import cache

    from tests.saml_provider import LOA3
    from tests.saml_provider import set_person as set_saml_person

    cache.clear()
    region = OrganisationFactory(name="Region Örebro län", code="RÖL", kind="region")
    bup = AdministrationFactory(
        name="Barn- och ungdomspsykiatrin",
        kind=Administration.Kind.HEALTH_REGION,
        organisation=region,
    )
    IdentityProvider.objects.create(
        organisation=region,
        protocol=IdentityProvider.Protocol.SAML,
        server_url=f"{saml_url}/metadata",
        entity_id=f"{saml_url}/metadata",
        role_claim="urn:x-region:fl-role",
        role_map={"koordinator": "coordinator"},
        administration_claim="urn:x-region:fl-unit",
        administration_map={"BUP": bup.name},
        strong_acr_values=[LOA3],
    )
    set_saml_person(
        saml_url,
        "karin-persistent-id",
        LOA3,
        **{
            "urn:oid:2.5.4.42": "Karin",
            "urn:oid:2.5.4.4": "Holm",
            "urn:x-region:fl-role": ["koordinator"],
            "urn:x-region:fl-unit": "BUP",
        },
    )

    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="sv-SE", base_url=live_server.url
    )
    page = context.new_page()
    page.goto("/konto/login/")
    page.get_by_role("button", name="Logga in via Region Örebro län").click()
    page.wait_for_url(f"{saml_url}/sso**")
    page.get_by_role("button", name="karin-persistent-id").click()
    page.wait_for_url(f"{live_server.url}/**/")
    page.wait_for_load_state()
    assert "Karin Holm" in page.locator("header").inner_text()

    karin = User.objects.get(socialaccount__uid="karin-persistent-id")
    assert (karin.role, karin.administration) == (User.Role.COORDINATOR, bup)
    context.close()
