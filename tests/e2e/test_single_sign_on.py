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
