"""Reports of concern, the right of access, retention, legal references as data."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases import models as cm
from cases import services
from cases.personnummer import format_full
from familjelotsen import access
from familjelotsen.models import AccessLogEntry
from privacy import retention
from tests.factories import (
    ConsentFactory,
    CustodianFactory,
    FamilyFactory,
    GoalFactory,
    JournalEntryFactory,
    MemberFactory,
    personnummer_for,
)

pytestmark = pytest.mark.django_db


# --- Report of concern ---------------------------------------------------------------------


def test_a_report_of_concern_is_recorded_for_a_family_without_any_consent(ombud, client):
    family = FamilyFactory(responsible_ombud=ombud)
    child = MemberFactory(family=family)
    assert not family.consents.exists()
    client.force_login(ombud)
    response = client.post(
        reverse("cases:concern_report_new", args=[child.pk]),
        {
            "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "recipient_unit": "Socialtjänsten, mottagningen barn och unga",
            "channel": "phone",
            "summary": "Barnet berättade om våld i hemmet.",
            "custodians_informed": "not_suitable",
        },
    )
    assert response.status_code == 302
    report = cm.ReportOfConcern.objects.get()
    assert report.child == child and report.reporter == ombud
    entry = report.journal_entry
    assert entry.kind == cm.JournalEntry.Kind.REPORT_OF_CONCERN and entry.is_signed
    assert list(entry.concerns.all()) == [child]


def test_school_can_report_concern_about_a_shared_pupil_and_only_the_reporter_and_team_see_it(
    ombud, school_coordinator, adm_school, client, colleague_not_on_team
):
    from tests.factories import PupilSupportFactory

    family = FamilyFactory(responsible_ombud=ombud)
    child = MemberFactory(family=family)
    PupilSupportFactory(member=child, owner=adm_school)
    consent = ConsentFactory(subject=child, receiving=[adm_school])
    access.apply_default_shares(consent=consent, by=ombud)
    report = services.report_of_concern_record(
        child=child,
        by=school_coordinator,
        reported_at=timezone.now(),
        recipient_unit="Socialtjänsten",
        channel="e_service",
        summary="Hög frånvaro, oro.",
        custodians_informed="yes",
    )
    visible_to = {
        u.username
        for u in (ombud, school_coordinator, colleague_not_on_team)
        if access.visible(u, cm.ReportOfConcern).filter(pk=report.pk).exists()
    }
    assert visible_to == {ombud.username, school_coordinator.username}
    with pytest.raises(access.ShareRefused):
        access.share(obj=report, administration=adm_school, shared_by=ombud)
    # Revoking the consent does not take the reporter's own report away.
    consent.revoked_on, consent.revoked_by, consent.revoke_reason = (
        timezone.localdate(),
        ombud,
        "Återkallat",
    )
    consent.save()
    access.reconcile_shares(family_id=family.pk)
    client.force_login(school_coordinator)
    assert client.get(reverse("cases:concern_report_detail", args=[report.pk])).status_code == 200


# --- Register extract --------------------------------------------------------------------------


def test_the_register_extract_of_a_parent_holds_their_entries_not_the_childs_protected_details(
    ombud, team_lead, client
):
    family = FamilyFactory(responsible_ombud=ombud)
    parent = CustodianFactory(family=family, first_name="Lena", last_name="Berg")
    child = MemberFactory(
        family=family, first_name="Hemlig", protected_identity=True, address="Skyddad väg 1"
    )
    child.custodians.add(parent)
    about_parent = JournalEntryFactory(family=family, facts="Lena fick hjälp med ansökan.")
    about_parent.concerns.set([parent])
    about_child = JournalEntryFactory(family=family, facts="Enbart om barnets skolgång.")
    about_child.concerns.set([child])
    client.force_login(team_lead)
    data = json.loads(client.get(reverse("register_extract", args=[parent.pk, "json"])).content)
    text = json.dumps(data, ensure_ascii=False)
    assert data["person"]["name"] == "Lena Berg"
    assert "Lena fick hjälp med ansökan." in text
    assert "Enbart om barnets skolgång." not in text
    assert "Hemlig" not in text and "Skyddad väg" not in text
    assert child.personal_number not in text
    pdf = client.get(reverse("register_extract", args=[parent.pk, "pdf"]))
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Lena" in pdf_text and "Hemlig" not in pdf_text
    assert (
        AccessLogEntry.objects.filter(user=team_lead, action="export", member_id=parent.pk).count()
        == 2
    )


def test_the_register_extract_is_made_by_those_who_run_the_case(
    ombud, team_lead, school_coordinator, colleague_not_on_team, adm_school, client
):
    """OVERSEE: the case team and the owning team lead make it; a share to school lets its
    coordinator see the person, not export everything held about them (403); anyone else
    does not see the person at all (404)."""
    family = FamilyFactory(responsible_ombud=ombud)
    child = MemberFactory(family=family)
    consent = ConsentFactory(subject=child, receiving=[adm_school])
    access.apply_default_shares(consent=consent, by=ombud)
    url = reverse("register_extract", args=[child.pk, "json"])
    for user, expected in (
        (ombud, 200),
        (team_lead, 200),
        (school_coordinator, 403),
        (colleague_not_on_team, 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == expected, user.username
    rows = AccessLogEntry.objects.filter(action="export", member_id=child.pk)
    assert {(r.user_id, r.basis) for r in rows} == {
        (ombud.pk, "case_team"),
        (team_lead.pk, "team_lead"),
    }


def test_a_protected_persons_extract_shows_their_identity_to_the_case_team_only(
    ombud, team_lead, client
):
    family = FamilyFactory(responsible_ombud=ombud)
    child = MemberFactory(
        family=family,
        first_name="Hemlig",
        last_name="Skyddsson",
        protected_identity=True,
        address="Skyddad väg 1",
        mobile="0701234567",
    )
    digits = child.personal_number
    pnr = format_full(digits)
    for fmt in ("json", "pdf"):
        url = reverse("register_extract", args=[child.pk, fmt])
        client.force_login(team_lead)
        body = client.get(url).content
        text = (
            body.decode()
            if fmt == "json"
            else " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
        )
        for secret in ("Hemlig", "Skyddsson", "Skyddad väg", "0701234567", pnr, digits):
            assert secret not in text, (fmt, secret)
        assert "Protected identity" in text
        client.force_login(ombud)
        body = client.get(url).content
        text = (
            body.decode()
            if fmt == "json"
            else " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
        )
        assert "Hemlig" in text and "Skyddad väg" in text
    data = json.loads(client.get(reverse("register_extract", args=[child.pk, "json"])).content)
    assert data["person"]["mobile"] == "0701234567"
    assert data["person"]["personal_number"] == pnr


# --- Retention -------------------------------------------------------------------------------

TODAY = dt.date(2032, 6, 1)


def _closed_family(
    ombud,
    *,
    last_entry: dt.date,
    birth_day: int = 3,
    last_name="Raderasson",
    legal_hold=False,
    serial=123,
):
    family = FamilyFactory(
        responsible_ombud=ombud,
        status=cm.Family.Status.CLOSED,
        request_date=last_entry - dt.timedelta(days=400),
        start_date=last_entry - dt.timedelta(days=380),
        end_date=last_entry,
        end_reason="Avslutad",
        legal_hold=legal_hold,
        background="Känslig bakgrund",
    )
    birth = dt.date(2015, 4, birth_day)
    child = MemberFactory(
        family=family,
        first_name="Raderas",
        last_name=last_name,
        birth_date=birth,
        personal_number=personnummer_for(birth, serial),
        npf_diagnosis="ADHD",
        address="Gatan 1",
    )
    entry = JournalEntryFactory(
        family=family,
        facts=f"Hembesök hos {last_name}.",
        event_at=timezone.make_aware(dt.datetime.combine(last_entry, dt.time(10))),
    )
    entry.concerns.set([child])
    services.journal_entry_sign(entry=entry, by=ombud)
    GoalFactory(family=family, description=f"Mål för {last_name}")
    services.time_entry_add(
        family=family,
        by=ombud,
        activity="home_visit",
        date=last_entry,
        minutes=90,
        journal_entry=entry,
    )
    return family, child


@pytest.fixture
def retention_world(ombud):
    due, due_child = _closed_family(ombud, last_entry=dt.date(2026, 3, 1))
    recent, _ = _closed_family(
        ombud, last_entry=dt.date(2028, 3, 1), last_name="Nyligen", serial=124
    )
    research, _ = _closed_family(
        ombud, last_entry=dt.date(2026, 3, 1), birth_day=15, last_name="Forskning"
    )
    hold, _ = _closed_family(
        ombud, last_entry=dt.date(2026, 3, 1), last_name="Spärr", legal_hold=True, serial=125
    )
    active = FamilyFactory(responsible_ombud=ombud)
    JournalEntryFactory(family=active, event_at=timezone.make_aware(dt.datetime(2020, 1, 1, 10)))
    return {
        "due": due,
        "due_child": due_child,
        "recent": recent,
        "research": research,
        "hold": hold,
        "active": active,
    }


def test_the_dry_run_lists_exactly_the_families_past_the_limit(retention_world, time_machine):
    time_machine.move_to(dt.datetime(2032, 6, 1, 12, tzinfo=dt.UTC))
    found = retention.apply(dry_run=True)
    by_action = {c.family.pk: c.action for c in found}
    w = retention_world
    assert by_action == {
        w["due"].pk: "deleted",
        w["research"].pk: "kept_research",
        w["hold"].pk: "kept_hold",
    }
    deleted = [c for c in found if c.action == "deleted"]
    assert deleted[0].eligible_on == dt.date(2031, 3, 1)
    assert deleted[0].deadline == dt.date(2032, 12, 31)
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert w["due"].reference in out.getvalue() and "Raderasson" not in out.getvalue()
    assert cm.Member.objects.filter(last_name="Raderasson").exists()  # nothing changed


def _all_text_in_database() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if not model._meta.managed or model._meta.proxy:
                continue
            table = model._meta.db_table
            cols = [
                f.column
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField | models.JSONField)
            ]
            if not cols:
                continue
            cursor.execute(f'SELECT {", ".join(f"{c}::text" for c in cols)} FROM "{table}"')  # noqa: S608
            chunks.extend(str(v) for row in cursor.fetchall() for v in row if v)
    return "\n".join(chunks)


def test_the_real_run_removes_personal_data_everywhere_and_keeps_report_figures(
    retention_world, ombud, time_machine
):
    w = retention_world
    child = w["due_child"]
    pnr = child.personal_number
    consent = ConsentFactory(subject=child, not_covered="Raderasson-text i samtycke")
    consent.revoked_on, consent.revoked_by, consent.revoke_reason = (
        dt.date(2026, 3, 1),
        ombud,
        "Raderasson skäl",
    )
    consent.save()
    # The request to the team that became this family's case: its people's identity numbers,
    # its free text and its signed consent form's scan go too (issue 20's requests).
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from referrals.models import Referral, ReferralPerson

    referral = Referral(
        status=Referral.Status.ACCEPTED,
        referrer=ombud,
        administration=ombud.administration,
        team=w["due"].owner,
        about="Raderasson-text i förfrågan",
        child_view="Raderasson vill ha hjälp",
        referrer_phone="070-1234567",
        family=w["due"],
        sent_at=timezone.make_aware(dt.datetime(2025, 1, 10, 10)),
        decided_at=timezone.make_aware(dt.datetime(2025, 1, 20, 10)),
        decided_by=ombud,
    )
    referral.scan.save("blankett.pdf", ContentFile(b"%PDF-1.4 Raderasson"), save=False)
    referral.save()
    scan_name = referral.scan.name
    ReferralPerson.objects.create(
        referral=referral,
        kind="child",
        first_name="Raderas",
        last_name="Raderasson",
        personal_number=pnr,
    )
    time_machine.move_to(dt.datetime(2032, 6, 1, 12, tzinfo=dt.UTC))
    from reporting.figures import Period, compute

    past = Period(dt.date(2024, 1, 1), dt.date(2026, 12, 31))
    figures_before = compute(past).tables
    assert figures_before
    before = {
        "journal_kinds": list(
            cm.JournalEntry.objects.filter(family=w["due"]).values_list("kind", "event_at")
        ),
        "minutes": list(cm.TimeEntry.objects.filter(family=w["due"]).values_list("minutes")),
        "members": cm.Member.objects.filter(family=w["due"]).count(),
        "npf": cm.Member.objects.filter(family=w["due"]).exclude(npf_diagnosis="").count(),
    }
    call_command("apply_retention", stdout=io.StringIO())
    text = _all_text_in_database()
    assert "Raderasson" not in text
    assert pnr not in text
    assert "Forskning" in text and "Spärr" in text and "Nyligen" in text  # the kept ones
    after = {
        "journal_kinds": list(
            cm.JournalEntry.objects.filter(family=w["due"]).values_list("kind", "event_at")
        ),
        "minutes": list(cm.TimeEntry.objects.filter(family=w["due"]).values_list("minutes")),
        "members": cm.Member.objects.filter(family=w["due"]).count(),
        "npf": cm.Member.objects.filter(family=w["due"]).exclude(npf_diagnosis="").count(),
    }
    assert after == before
    assert compute(past).tables == figures_before  # report figures of past periods unchanged
    assert not default_storage.exists(scan_name)
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.scan.name == ""  # the structure stays
    w["due"].refresh_from_db()
    assert w["due"].anonymised_at is not None and w["due"].status == "closed"
    w["research"].refresh_from_db()
    assert w["research"].retention_flag == "research"
    log = cm.RetentionLogEntry.objects.get(family_reference=w["due"].reference)
    assert log.action == "deleted" and "Raderasson" not in json.dumps(log.counts)
    # A second run finds nothing more to delete.
    assert [c for c in retention.apply(dry_run=True) if c.action == "deleted"] == []


def test_legal_references_are_editable_data(client, ombud):
    ref = cm.LegalReference.objects.get(key="report-of-concern")
    ref.citation = "SoL (2025:400) 20 kap. 1 §"
    ref.save()
    family = FamilyFactory(responsible_ombud=ombud)
    child = MemberFactory(family=family)
    client.force_login(ombud)
    body = client.get(reverse("cases:concern_report_new", args=[child.pk])).content.decode()
    assert "SoL (2025:400) 20 kap. 1 §" in body
