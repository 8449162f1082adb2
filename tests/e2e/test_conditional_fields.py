"""Fields shown only when they apply (issue 18, part 1), at 768×1024 in Chromium: hidden until
the answer they belong to is chosen, out of the tab order while hidden, never hidden with an
error, and all shown when JavaScript is off."""

from __future__ import annotations

import pytest

from tests.factories import (
    CustodianFactory,
    FamilyFactory,
    MemberFactory,
    NetworkProcessFactory,
)

pytestmark = pytest.mark.e2e
TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def process(ombud):
    family = FamilyFactory(responsible_ombud=ombud)
    CustodianFactory(family=family, mobile="0701234567", sms_reminders=True)
    return NetworkProcessFactory(member=MemberFactory(family=family))


def test_the_network_members_fields_follow_the_side_chosen(session_for, ombud, process):
    s = session_for(ombud, viewport=TABLET)
    page = s.page
    page.goto(f"/natverk/{process.pk}/natverket/ny/")
    for name in ("relation", "administration", "organisation", "role"):
        assert page.locator(f"#id_{name}").is_hidden(), name

    page.get_by_label("Privat nätverk").check()
    assert page.locator("#id_relation").is_visible()
    assert page.locator("#id_organisation").is_hidden()
    # The tab order goes from the name straight to what applies next.
    page.locator("#id_name").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_relation"

    page.get_by_label("Professionellt nätverk").check()
    assert page.locator("#id_relation").is_hidden()
    assert page.locator("#id_administration").is_visible()
    assert page.locator("#id_organisation").is_visible()

    # A private network member without a relation: the message is at the field, in view.
    page.get_by_label("Privat nätverk").check()
    page.fill("#id_name", "Mormor")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator(".field--error #id_relation").is_visible()
    assert "Ange hur personen är relaterad till barnet." in page.inner_text("[data-error-summary]")
    assert page.locator("#id_organisation").is_hidden()
    assert not s.console_errors


def test_who_gets_the_sms_shows_once_a_reminder_is_chosen(session_for, ombud, process):
    s = session_for(ombud, viewport=TABLET)
    page = s.page
    page.goto(f"/familjer/{process.family_id}/besok/")
    recipients = page.locator("fieldset[data-show-when]").filter(has=page.locator("legend"))
    assert recipients.is_hidden()
    page.locator("#id_remind_two_hours_before").check()
    assert recipients.is_visible()
    page.locator("#id_remind_two_hours_before").uncheck()
    assert recipients.is_hidden()


def test_without_javascript_every_field_is_shown(browser, session_for, ombud, process):
    s = session_for(ombud, viewport=TABLET)
    context = browser.new_context(
        viewport=TABLET, locale="sv-SE", base_url=s.base_url, java_script_enabled=False
    )
    try:
        context.add_cookies(s.context.cookies())
        page = context.new_page()
        page.goto(f"/natverk/{process.pk}/natverket/ny/")
        for name in ("relation", "administration", "organisation", "role"):
            assert page.locator(f"#id_{name}").is_visible(), name
    finally:
        context.close()
