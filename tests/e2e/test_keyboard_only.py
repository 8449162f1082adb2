"""Journey 1 without a mouse: Tab, typing and Enter only (WCAG 2.1.1 keyboard)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from cases import models as cm
from tests.e2e.conftest import Session, totp_now
from tests.factories import TEST_TOTP_SECRET, FamilyFactory, MemberFactory

pytestmark = pytest.mark.e2e


def tab_to(page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element matches the selector (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_the_ombud_documents_and_signs_a_visit_with_the_keyboard_only(
    browser, live_server, transactional_db, ombud
):
    family = FamilyFactory(responsible_ombud=ombud)
    MemberFactory(family=family, first_name="Maja")
    session = Session.__new__(Session)
    session.base_url, session.user, session.console_errors = live_server.url, ombud, []
    session.context = browser.new_context(
        viewport={"width": 768, "height": 1024}, base_url=live_server.url
    )
    page = session.page = session.context.new_page()
    try:
        page.goto("/konto/login/")
        tab_to(page, "input[name=login]")
        page.keyboard.type(ombud.username)
        tab_to(page, "input[name=password]")
        page.keyboard.type(settings.DEMO_PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_selector("input[name=code]")
        tab_to(page, "input[name=code]")
        page.keyboard.type(totp_now(TEST_TOTP_SECRET))
        page.keyboard.press("Enter")
        page.wait_for_selector(f"a[href='/familjer/{family.pk}/']")

        tab_to(page, f"a[href='/familjer/{family.pk}/']")
        page.keyboard.press("Enter")
        page.wait_for_selector(f"a[href='/familjer/{family.pk}/journal/ny/']")
        tab_to(page, f"a[href='/familjer/{family.pk}/journal/ny/']")
        page.keyboard.press("Enter")
        page.wait_for_selector("#journal-form")
        tab_to(page, "#id_facts")
        page.keyboard.type("Hembesök. Vi planerade veckan tillsammans.")
        tab_to(page, "button[name=sign]")
        page.keyboard.press("Enter")
        # The check before signing opens with the focus on its "Signera" button.
        page.wait_for_selector("#sign-check[open]")
        assert page.evaluate("document.activeElement.id") == "sign-confirm"
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/familjer/{family.pk}/besok/?efter=*")
        entry = cm.JournalEntry.objects.get(family=family)
        assert entry.is_signed and "planerade veckan" in entry.facts

        page.goto(f"/familjer/{family.pk}/")
        page.wait_for_selector(f"a[href='/familjer/{family.pk}/besok/']")
        tab_to(page, f"a[href='/familjer/{family.pk}/besok/']")
        page.keyboard.press("Enter")
        page.wait_for_selector("#id_place")
        when = timezone.localtime() + dt.timedelta(days=7)
        tab_to(page, "#id_starts_at")
        page.locator("#id_starts_at").fill(when.strftime("%Y-%m-%dT10:00"))
        tab_to(page, "#id_place")
        page.keyboard.type("Hemma hos familjen")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/familjer/{family.pk}/")
        assert cm.Visit.objects.filter(family=family).count() == 1
    finally:
        session.context.close()
