"""Drafts staff can trust (issue 18): the device keeps a copy of case text only until the server
has confirmed it, and offers it back only when it holds something the server does not."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases import models as cm
from tests.factories import FamilyFactory, MemberFactory

pytestmark = pytest.mark.e2e
TABLET = {"width": 768, "height": 1024}


def _device_copies(page) -> list[str]:
    return [k for k in page.evaluate("Object.keys(window.localStorage)") if "draft" in k]


@pytest.fixture
def writing(session_for, ombud):
    family = FamilyFactory(responsible_ombud=ombud)
    MemberFactory(family=family)
    me = session_for(ombud, viewport=TABLET)
    me.page.goto(f"/familjer/{family.pk}/journal/ny/")
    me.page.wait_for_selector("#journal-form")
    return me, family


def test_autosave_then_more_typing_then_save_gives_no_unsent_draft_warning(writing):
    me, family = writing
    page = me.page
    page.fill("#id_facts", "Första stycket om hembesöket.")
    # The autosave reached the server: the form now edits the draft it made.
    expect(page.locator("input[name=entry_id]")).not_to_have_value("", timeout=10_000)
    page.locator("#id_facts").press_sequentially(" Andra stycket, skrivet efteråt.")
    page.locator("button[name=save]").click()
    page.wait_for_load_state()
    assert page.locator("#draft-restore").is_hidden()
    page.reload()
    page.wait_for_selector("#journal-form")
    assert page.locator("#draft-restore").is_hidden()
    entry = cm.JournalEntry.objects.get(family=family)
    assert entry.facts == "Första stycket om hembesöket. Andra stycket, skrivet efteråt."
    assert not _device_copies(page), "the server has the text: no copy left on the device"
    assert not me.console_errors, me.console_errors


def test_a_form_sent_back_with_an_error_offers_no_restore(writing):
    me, _family = writing
    page = me.page
    page.fill("#id_place", "Biblioteket")
    page.fill("#id_duration_minutes", "-5")
    page.locator("button[name=save]").click()
    page.wait_for_load_state()
    assert page.locator("[data-error-summary]").count() == 1
    assert page.locator("#draft-restore").is_hidden()
    assert page.input_value("#id_place") == "Biblioteket"


def test_offline_then_a_closed_tab_offers_the_text_back_on_reopening(writing):
    me, family = writing
    page = me.page
    me.context.set_offline(True)
    page.fill("#id_facts", "Skrivet utan nät.")
    page.locator("button[name=save]").click()
    page.close()
    me.context.set_offline(False)
    page = me.new_page()
    page.goto(f"/familjer/{family.pk}/journal/ny/")
    page.locator("#draft-restore").wait_for(state="visible")
    page.locator("#draft-restore-yes").click()
    assert page.input_value("#id_facts") == "Skrivet utan nät."
    # Restoring sends the text to the server at once; then the device copy goes.
    expect(page.locator("input[name=entry_id]")).not_to_have_value("", timeout=10_000)
    assert cm.JournalEntry.objects.get(family=family).facts == "Skrivet utan nät."
    expect(page.locator("#draft-status")).to_contain_text("Utkastet sparades")
    assert not _device_copies(page)
