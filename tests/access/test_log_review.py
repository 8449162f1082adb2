from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from familjelotsen.models import AccessLogEntry
from tests.factories import FamilyFactory, MemberFactory

pytestmark = pytest.mark.django_db


def test_the_team_lead_filters_the_log_by_family_and_user(client, ombud, team_lead, adm_rs):
    family = FamilyFactory(responsible_ombud=ombud)
    other = FamilyFactory(responsible_ombud=ombud)
    client.force_login(ombud)
    client.get(reverse("cases:family_detail", args=[family.pk]))
    client.get(reverse("cases:family_detail", args=[other.pk]))
    client.force_login(team_lead)
    page = client.get(reverse("access_log"), {"family": family.reference, "user": ombud.pk})
    rows = page.context["page"].object_list
    assert {r.family_id for r in rows} == {family.pk}
    assert all(r.user == ombud for r in rows)


def test_an_unknown_reference_gets_a_message_at_the_field(client, team_lead):
    client.force_login(team_lead)
    body = client.get(reverse("access_log"), {"family": "FL-1999-0001"}).content.decode()
    assert 'class="field-errors"' in body


def test_only_team_leads_review_the_log(client, ombud, school_coordinator):
    for user in (ombud, school_coordinator):
        client.force_login(user)
        assert client.get(reverse("access_log")).status_code == 403


def test_the_family_log_extract_pdf_lists_who_opened_the_records(client, ombud, team_lead):
    family = FamilyFactory(responsible_ombud=ombud)
    MemberFactory(family=family, first_name="Hemligt")
    client.force_login(ombud)
    client.get(reverse("cases:family_detail", args=[family.pk]))
    client.force_login(team_lead)
    response = client.get(reverse("family_log_extract", args=[family.pk]))
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert family.reference in text
    assert ombud.get_full_name() in text
    assert "Hemligt" not in text
    assert AccessLogEntry.objects.filter(
        user=team_lead, action="print", family_id=family.pk
    ).exists()


def test_another_team_lead_cannot_print_the_extract(client, ombud, other_team_lead):
    family = FamilyFactory(responsible_ombud=ombud)
    client.force_login(other_team_lead)
    assert client.get(reverse("family_log_extract", args=[family.pk])).status_code == 404


def test_sync_access_check_exits_zero_without_drift(db):
    out = io.StringIO()
    call_command("sync_access", "--check", stdout=out)
    assert "No drift" in out.getvalue()
