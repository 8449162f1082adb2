"""The family page is built around the journal (issue 18): on a tablet the family, the next
visit and the two main actions come first, the journal starts on the first screen with the
drafts on top, and the actions stay in reach while scrolling."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import (
    CustodianFactory,
    FamilyFactory,
    GoalFactory,
    JournalEntryFactory,
    MemberFactory,
)

pytestmark = pytest.mark.e2e
TABLET = {"width": 768, "height": 1024}


def test_on_a_tablet_the_journal_starts_on_the_first_screen_with_drafts_first(session_for, ombud):
    family = FamilyFactory(responsible_ombud=ombud)
    child = MemberFactory(family=family, first_name="Maja")
    CustodianFactory(family=family, first_name="Lena")
    GoalFactory(family=family, member=child)
    now = timezone.now()
    for days in range(1, 25):
        JournalEntryFactory(
            family=family,
            event_at=now - dt.timedelta(days=days),
            signed_at=now - dt.timedelta(days=days),
            signed_by=ombud,
            facts=f"Signerad anteckning {days}.",
        )
    JournalEntryFactory(
        family=family, event_at=now - dt.timedelta(days=30), facts="Ett gammalt utkast."
    )
    page = session_for(ombud, viewport=TABLET).page
    page.goto(f"/familjer/{family.pk}/")

    first_entry = page.locator("#journal article").first
    assert "Ett gammalt utkast." in first_entry.inner_text(), "the draft is not first"
    box = first_entry.bounding_box()
    assert box is not None and box["y"] < TABLET["height"], "the journal starts below the screen"
    new_entry = page.get_by_role("link", name="Ny journalanteckning")
    assert new_entry.is_visible() and page.get_by_role("link", name="Boka ett besök").is_visible()

    page.mouse.wheel(0, 2500)
    page.wait_for_timeout(200)
    box = new_entry.bounding_box()
    assert box is not None and 0 <= box["y"] < TABLET["height"], "the actions scrolled away"

    # The rest is one tap away: a panel opens in place.
    page.locator("#panel-goals summary").click()
    assert page.locator("#panel-goals table").is_visible()
