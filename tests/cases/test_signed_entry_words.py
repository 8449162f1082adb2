"""A signed entry in the words staff use (issue 18): the responsible ombud sees whom it
concerns and who took part by name, the outcome areas by their Swedish names, and the
assessment under "Bedömning" (not the family status "Aktualisering")."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import models as cm
from tests.factories import CustodianFactory, FamilyFactory, JournalEntryFactory, MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.swedish]


def test_the_responsible_ombud_reads_a_signed_entry_in_plain_swedish(ombud):
    family = FamilyFactory(responsible_ombud=ombud)
    child = MemberFactory(family=family, first_name="Maja", last_name="Berg")
    parent = CustodianFactory(family=family, first_name="Lena", last_name="Berg")
    entry = JournalEntryFactory(
        family=family,
        facts="Hembesök.",
        assessment="Familjen har kommit igång.",
        outcome_areas=[cm.OutcomeArea.HOME],
    )
    entry.concerns.set([child])
    entry.participants.set([parent])
    cm.JournalEntry.objects.filter(pk=entry.pk).update(signed_at=timezone.now(), signed_by=ombud)
    client = Client()
    client.force_login(ombud)

    page = client.get(reverse("cases:journal_edit", args=[entry.pk])).content.decode()

    assert "Maja Berg" in page and "Skyddad identitet" not in page
    assert "Deltagande familjemedlemmar" in page and "Lena Berg" in page
    assert str(cm.OutcomeArea.HOME.label) in page and ">home<" not in page
    assert "<h2>Bedömning</h2>" in page and "Aktualisering" not in page
