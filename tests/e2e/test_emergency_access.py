"""Break-the-glass in the browser (issue 21, "Done when"): on a tablet a family ombud who is
not on the family's case team opens the family in an emergency, reads it, the case team sees
the notice at once, the owning team lead reviews the access from the start page, and after
its days the family is closed to the ombud again. The request page passes axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from cases import models as cm
from cases.personnummer import format_full
from familjelotsen.models import User
from tests.factories import FamilyFactory, JournalEntryFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.e2e
TABLET = {"width": 768, "height": 1024}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
REASON = "Skolan larmade: barnet är inte hemma och vårdnadshavaren svarar inte."


def test_an_emergency_access_is_requested_used_seen_reviewed_and_expires(
    session_for, ombud, team_lead, adm_rs
):
    family = FamilyFactory(responsible_ombud=ombud)
    child = MemberFactory(family=family, first_name="Maja", last_name="Berg")
    JournalEntryFactory(family=family, facts="Maja var hemma från skolan i tre dagar.")
    requester = UserFactory(
        username="p_emergency", role=User.Role.FAMILY_OMBUD, administration=adm_rs
    )

    # The request: from the menu, the child's personnummer and why, one day.
    page = session_for(requester, viewport=TABLET).page
    page.goto("/")
    page.get_by_role("link", name="Nödåtkomst").click()
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    assert results.violations_count == 0, results.generate_report()
    page.get_by_label("Barnets personnummer").fill(format_full(child.personal_number))
    page.get_by_label("Skäl").fill(REASON)
    page.get_by_label("Längd").select_option("1")
    page.get_by_role("button", name="Öppna uppgifterna").click()
    page.wait_for_load_state()

    # Used: the family page, read-only, saying whose access it is.
    assert page.url.endswith(f"/familjer/{family.pk}/")
    body = page.locator("main").inner_text()
    assert "Du läser den här familjen genom din egen nödåtkomst" in body
    assert "Maja" in body and "Maja var hemma från skolan" in body
    assert page.get_by_role("link", name="Ny journalanteckning").count() == 0
    emergency = cm.EmergencyAccess.objects.get(user=requester, family=family)
    assert emergency.ends_at - emergency.starts_at == dt.timedelta(days=1)

    # Seen by the case team at once, on the family page.
    ombud_page = session_for(ombud, viewport=TABLET).page
    ombud_page.goto(f"/familjer/{family.pk}/")
    notice = ombud_page.locator("section[aria-labelledby=emergency-notices-heading]")
    assert requester.get_full_name() in notice.inner_text()
    assert "Ej granskad" in notice.inner_text()

    # Reviewed by the owning team lead, from the start page.
    lead_page = session_for(team_lead, viewport=TABLET).page
    lead_page.goto("/")
    to_review = lead_page.locator("section[aria-labelledby=emergency-unreviewed-heading]")
    assert "Nödåtkomst att granska (1)" in to_review.inner_text()
    to_review.get_by_role("link", name=family.reference).click()
    lead_page.get_by_label("Godtagen: nödsituationen motiverade åtkomsten").check()
    lead_page.get_by_role("button", name="Spara granskningen").click()
    lead_page.wait_for_load_state()
    emergency.refresh_from_db()
    assert (emergency.review, emergency.reviewed_by) == (
        cm.EmergencyAccess.Review.ACCEPTED,
        team_lead,
    )
    lead_page.goto("/")
    assert lead_page.locator("section[aria-labelledby=emergency-unreviewed-heading]").count() == 0

    # Expired: two days later the family is closed to the ombud again (a new login).
    with time_machine.travel(timezone.now() + dt.timedelta(days=2), tick=True):
        later = session_for(requester, viewport=TABLET).page
        response = later.goto(f"/familjer/{family.pk}/")
        assert response is not None and response.status == 404
        later.goto("/familjer/nodatkomst/")
        own = later.locator("main table").inner_text()
        assert family.reference in own and "Avslutad" in own
