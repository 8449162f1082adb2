"""The system administrator in the browser: lands in the administration area, creates a user
through the form (an error first, the input kept), and every admin page passes axe-core."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from familjelotsen.models import User

pytestmark = pytest.mark.e2e
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE = Axe()


def _axe(page):
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def test_admin_creates_a_user_after_fixing_an_error_and_the_pages_are_accessible(
    session_for, sysadmin, adm_soc
):
    session = session_for(sysadmin)
    page = session.page
    assert page.url.endswith("/administration/")
    assert page.locator("h1").inner_text() == "Administration"
    _axe(page)

    page.goto("/administration/anvandare/ny/")
    page.fill("#id_username", "e2e_ombud")
    page.fill("#id_first_name", "Elin")
    page.fill("#id_last_name", "Webbsson")
    page.select_option("#id_role", "family_ombud")
    page.fill("#id_password1", "Ett-starkt-lösenord-2026")
    page.fill("#id_password2", "Ett-starkt-lösenord-2026")
    page.get_by_role("button", name="Skapa användaren").click()
    page.wait_for_load_state()
    # No administration chosen: said in Swedish at the field, the rest kept.
    assert "Välj den förvaltning" in page.locator("#id_administration_errors").inner_text()
    assert page.input_value("#id_first_name") == "Elin"
    _axe(page)

    page.select_option("#id_administration", str(adm_soc.pk))
    page.fill("#id_password1", "Ett-starkt-lösenord-2026")
    page.fill("#id_password2", "Ett-starkt-lösenord-2026")
    page.get_by_role("button", name="Skapa användaren").click()
    page.wait_for_load_state()
    user = User.objects.get(username="e2e_ombud")
    assert user.administration == adm_soc
    assert page.url.endswith(f"/administration/anvandare/{user.pk}/")
    _axe(page)

    for path in (
        "/administration/anvandare/?q=Webbsson",
        f"/administration/anvandare/{user.pk}/tvafaktor/",
        "/administration/forvaltningar/",
        "/administration/forvaltningar/ny/",
        "/administration/referensdata/",
        "/administration/referensdata/lagrum/ny/",
        "/administration/referensdata/gallring/ny/",
        "/administration/referensdata/kostnadsnyckel/",
        "/administration/historik/",
    ):
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        _axe(page)
    assert not session.console_errors
