"""Time to log a home visit is a product figure (issue 18, README): from "Mina familjer" to a
signed entry with the next visit booked, counted in taps and page loads on a tablet. The
script below is the shortest way a user can do it; the test fails when the flow needs more."""

from __future__ import annotations

import pytest

from cases import models as cm
from tests.factories import CustodianFactory, FamilyFactory, MemberFactory

pytestmark = pytest.mark.e2e
TABLET = {"width": 768, "height": 1024}
MAX_TAPS = 8
MAX_LOADS = 4


def test_a_home_visit_is_logged_and_the_next_one_booked_in_few_taps(session_for, ombud):
    family = FamilyFactory(responsible_ombud=ombud)
    MemberFactory(family=family, first_name="Maja")
    CustodianFactory(family=family, first_name="Lena")
    page = session_for(ombud, viewport=TABLET).page
    page.goto("/familjer/")
    loads: list[str] = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and loads.append(frame.url))
    taps = 0

    def tap(locator):
        nonlocal taps
        taps += 1
        locator.click()

    tap(page.locator("#family-table").get_by_role("link", name=family.reference))
    tap(page.get_by_role("link", name="Ny journalanteckning"))
    tap(page.locator("#id_place"))
    page.keyboard.type("Hemma hos familjen")
    tap(page.locator("#id_facts"))
    page.keyboard.type("Hembesök. Vi gick igenom morgonrutinen och veckans schema.")
    tap(page.get_by_role("button", name="Spara och signera"))
    dialog = page.locator("#sign-check")
    assert dialog.is_visible()
    assert "Hemma hos familjen" in dialog.inner_text()  # what will be signed, to check
    tap(page.locator("#sign-confirm"))
    page.wait_for_url(f"**/familjer/{family.pk}/besok/?efter=*")
    assert page.input_value("#id_place") == "Hemma hos familjen"  # filled in from the entry
    tap(page.locator("main form button[type=submit]"))
    page.wait_for_url(f"**/familjer/{family.pk}/")
    assert (
        "Nästa besök är bokat" in page.locator(".messages, [role=status], main").first.inner_text()
    )

    entry = cm.JournalEntry.objects.get(family=family)
    assert entry.is_signed and entry.place == "Hemma hos familjen"
    visit = cm.Visit.objects.get(family=family)
    assert visit.place == "Hemma hos familjen"
    assert taps <= MAX_TAPS, f"{taps} taps"
    assert len(loads) <= MAX_LOADS, f"{len(loads)} page loads: {loads}"
    print(f"time to log a home visit: {taps} taps, {len(loads)} page loads")
