"""Entering a family's follow-up questionnaire on a tablet (issue 19 part 3): the ombud finds
it due in their list, answers every question with a tap (one answer "would rather not"), gets
the missing answer named at the top when one is left out, and sees the answers on the
family's follow-up page afterwards."""

from __future__ import annotations

import pytest

from evaluation.models import Questionnaire
from tests.factories import CustodianFactory, FamilyFactory, MemberFactory

pytestmark = pytest.mark.e2e
TABLET = {"width": 768, "height": 1024}


def test_an_ombud_enters_a_questionnaire_on_a_tablet(session_for, ombud):
    family = FamilyFactory(responsible_ombud=ombud)
    MemberFactory(family=family, first_name="Maja")
    CustodianFactory(family=family, first_name="Lena")
    session = session_for(ombud, viewport=TABLET)
    page = session.page

    page.goto("/familjer/")
    due = page.locator("#due-questionnaires-heading")
    assert due.is_visible(), "the questionnaire due is not in the ombud's list"
    page.get_by_role("link", name="Vid start").click()
    page.wait_for_load_state()
    assert page.locator("input[name=occasion][value=start]").is_checked()

    # Every question but the safety one, then save: the missing one is named at the top.
    answers = {"support": "4", "overview": "3", "planning": "2", "child_view": "0"}
    for name, value in answers.items():
        page.locator(f"input[name={name}][value='{value}']").check()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert "Vi känner oss trygga i vardagen" in summary.inner_text()
    assert page.locator("input[name=support][value='4']").is_checked(), "the answers were lost"

    safety = page.locator("input[name=safety][value='5']")
    box = safety.bounding_box()
    assert box is not None and box["width"] >= 18, "the answer is too small to tap"
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    safety.check()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()

    assert "/utvardering/familj/" in page.url
    table = page.locator("main table").first.inner_text()
    assert "Stämmer ganska bra" in table and "Vill inte svara" in table
    saved = Questionnaire.objects.get(family=family)
    assert (saved.support, saved.safety, saved.child_view) == (4, 5, 0)
    assert not session.console_errors
