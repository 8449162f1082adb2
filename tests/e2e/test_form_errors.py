"""One error pattern for every form (issue 18): after a refused submit the page opens on a
summary of what to fix, the summary has the focus (a screen reader reads it out), each line
links to its field, and what the user typed is still there. At 768×1024, a tablet in a
family's kitchen, and at 1280×800, where a short form used to look as if nothing happened."""

from __future__ import annotations

import pytest

from tests.factories import FamilyFactory, JournalEntryFactory, MemberFactory, PupilSupportFactory

pytestmark = pytest.mark.e2e
TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1280, "height": 800}


def _summary_has_focus_and_is_seen(page) -> None:
    summary = page.locator("[data-error-summary]")
    assert summary.count() == 1, "no error summary"
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    box = summary.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None and -1 <= box["y"] < height, "the summary is outside the screen"


def _link_leads_to(page, field_id: str) -> None:
    page.locator(f"[data-error-summary] a[href='#{field_id}']").click()
    assert page.evaluate("document.activeElement.id") == field_id


@pytest.mark.parametrize("viewport", [TABLET, DESKTOP], ids=["768", "1280"])
def test_a_refused_visit_booking_opens_on_the_summary_with_the_input_kept(
    session_for, ombud, viewport
):
    family = FamilyFactory(responsible_ombud=ombud)
    MemberFactory(family=family)
    page = session_for(ombud, viewport=viewport).page
    page.goto(f"/familjer/{family.pk}/besok/")
    page.fill("#id_place", "Hos Maja")  # a place with a name is refused
    page.fill("#id_starts_at", "")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    _summary_has_focus_and_is_seen(page)
    assert page.input_value("#id_place") == "Hos Maja"
    # Specific Swedish messages, not only "Detta fält måste fyllas i.".
    summary = page.locator("[data-error-summary]").inner_text()
    assert "Skriv datum och tid som åååå-mm-dd" in summary or "Fyll i tid." in summary
    assert "Detta fält måste fyllas i" not in summary
    _link_leads_to(page, "id_starts_at")


def test_signing_an_empty_entry_opens_on_the_summary(session_for, ombud):
    family = FamilyFactory(responsible_ombud=ombud)
    MemberFactory(family=family)
    entry = JournalEntryFactory(family=family, facts="", place="")
    page = session_for(ombud, viewport=TABLET).page
    page.goto(f"/familjer/journal/{entry.pk}/")
    page.fill("#id_place", "Biblioteket")
    page.locator("button[name=sign]").click()
    page.locator("#sign-confirm").click()
    page.wait_for_load_state()
    _summary_has_focus_and_is_seen(page)
    assert page.input_value("#id_place") == "Biblioteket"
    _link_leads_to(page, "id_facts")
    entry.refresh_from_db()
    assert entry.signed_at is None and entry.place == "", "a refused signature saved nothing"


def test_a_refused_pupil_review_opens_on_the_summary(session_for, ombud, adm_school):
    family = FamilyFactory(responsible_ombud=ombud)
    support = PupilSupportFactory(member=MemberFactory(family=family), owner=adm_school)
    page = session_for(ombud, viewport=TABLET).page
    page.goto(f"/familjer/elever/{support.pk}/")
    page.fill("#id_reviewed_on", "inte ett datum")
    page.locator("button[name=add_review]").click()
    page.wait_for_load_state()
    _summary_has_focus_and_is_seen(page)
    _link_leads_to(page, "id_reviewed_on")


def test_a_report_period_that_ends_before_it_starts_opens_on_the_summary(
    session_for, project_leader
):
    page = session_for(project_leader, viewport=DESKTOP).page
    page.goto("/rapporter/ny/")
    page.select_option("#id_preset", "")
    page.fill("#id_period_start", "2026-06-30")
    page.fill("#id_period_end", "2026-01-01")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    _summary_has_focus_and_is_seen(page)
    assert page.input_value("#id_period_start") == "2026-06-30"
    _link_leads_to(page, "id_period_end")
