"""Journey 1 (SPEC §5.1): the family ombud logs a home visit on a tablet in the kitchen; the
network drops mid-typing, the draft survives a closed tab, she signs it and books the next
visit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases import models as cm
from tests.factories import CustodianFactory, FamilyFactory, MemberFactory

pytestmark = pytest.mark.e2e
TABLET = {"width": 768, "height": 1024}


def test_the_ombud_documents_a_home_visit_that_survives_a_lost_connection(session_for, ombud):
    family = FamilyFactory(responsible_ombud=ombud)
    MemberFactory(family=family, first_name="Maja")
    MemberFactory(family=family, first_name="Elis")
    CustodianFactory(family=family, first_name="Lena")
    me = session_for(ombud, viewport=TABLET)
    page = me.page

    page.goto("/familjer/")
    page.locator("#family-table").get_by_role("link", name=family.reference).click()
    page.locator(f"a[href='/familjer/{family.pk}/journal/ny/']").click()
    page.wait_for_selector("#journal-form")
    facts = page.locator("#id_facts")
    facts.fill("Hembesök i köket. Vi gick igenom morgonrutinen")

    me.context.set_offline(True)
    facts.press_sequentially(" och Majas läxor. Lena är trött men hoppfull.")
    page.locator("button[name=save]").click()
    status = page.locator("#draft-status")
    status.wait_for(state="visible")
    assert "kept on this device" in status.inner_text() or "enheten" in status.inner_text()
    page.close()  # she closes the tab

    me.context.set_offline(False)
    page = me.new_page()
    page.goto(f"/familjer/{family.pk}/journal/ny/")
    restore = page.locator("#draft-restore")
    restore.wait_for(state="visible")
    page.locator("#draft-restore-yes").click()
    assert page.locator("#id_facts").input_value() == (
        "Hembesök i köket. Vi gick igenom morgonrutinen och Majas läxor. "
        "Lena är trött men hoppfull."
    )
    page.locator("button[name=sign]").click()
    page.locator("#sign-confirm").click()  # checked what will be signed
    # Signing leads straight on to booking the next visit.
    page.wait_for_url(f"**/familjer/{family.pk}/besok/?efter=*")
    page.wait_for_load_state()

    entry = cm.JournalEntry.objects.get(family=family)
    assert entry.is_signed and entry.signed_by == ombud
    assert "Lena är trött men hoppfull." in entry.facts
    assert page.locator("#journal-form").count() == 0  # a signed entry is not editable
    # No device copy of the case text is left behind.
    assert not [k for k in page.evaluate("Object.keys(window.localStorage)") if "draft" in k]

    when = timezone.localtime() + dt.timedelta(days=7)
    page.fill("#id_starts_at", when.strftime("%Y-%m-%dT10:00"))
    page.fill("#id_place", "Hemma hos familjen")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/familjer/{family.pk}/")
    assert cm.Visit.objects.filter(family=family, cancelled_at__isnull=True).count() == 1
    assert not me.console_errors, me.console_errors
