"""SIP pages: who sees what (both sides), the access log, the family perspective's query
count, the PDF, and the interventions shown to the school and the Region."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from familjelotsen import access
from familjelotsen.models import AccessLogEntry
from sip import models as sm
from sip import selectors, services
from tests.factories import (
    ConsentFactory,
    FamilyFactory,
    MemberFactory,
    PlanFactory,
    SipInterventionFactory,
)

pytestmark = pytest.mark.django_db
Status = sm.Plan.Status


@pytest.fixture
def as_user():
    def _client(user):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        # English through the language cookie (the UI is Swedish unless the user chose).
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(user)
        return client

    return _client


@pytest.fixture
def agreed_plan(ready_plan, ombud, consent):
    # The consent's default shares give school and the Region the family overview and the
    # child; agreeing the plan shares the plan itself.
    access.apply_default_shares(consent=consent, by=ombud)
    services.plan_transition(plan=ready_plan, to_status=Status.AGREED, by=ombud)
    ready_plan.refresh_from_db()
    return ready_plan


def _pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


# --- Who sees a plan ------------------------------------------------------------------------


def test_the_ombud_on_the_team_sees_the_plan_and_a_colleague_not_on_the_team_gets_404(
    as_user, ready_plan, ombud, colleague_on_team, colleague_not_on_team
):
    url = reverse("sip:plan_detail", args=[ready_plan.pk])
    for user in (ombud, colleague_on_team):
        response = as_user(user).get(url)
        assert response.status_code == 200
        assert "Utredning och behandling på BUP" in response.content.decode()
    outsider = as_user(colleague_not_on_team)
    assert outsider.get(url).status_code == 404
    assert outsider.get(reverse("sip:plan_pdf", args=[ready_plan.pk])).status_code == 404
    assert outsider.get(reverse("sip:family", args=[ready_plan.family_id])).status_code == 404
    assert outsider.post(reverse("sip:plan_edit", args=[ready_plan.pk])).status_code == 404


def test_a_plan_id_that_does_not_exist_is_the_same_404_as_one_not_visible(as_user, ombud):
    assert as_user(ombud).get(reverse("sip:plan_detail", args=[999999])).status_code == 404


def test_the_region_coordinator_sees_only_the_plans_shared_with_the_region(
    as_user, agreed_plan, family, region_coordinator, ombud
):
    sibling = MemberFactory(family=family, first_name="Alva")
    draft = PlanFactory(member=sibling)  # no participants, no share
    client = as_user(region_coordinator)

    assert client.get(reverse("sip:plan_detail", args=[agreed_plan.pk])).status_code == 200
    assert client.get(reverse("sip:plan_detail", args=[draft.pk])).status_code == 404
    page = client.get(reverse("sip:family", args=[family.pk]))
    assert page.status_code == 200
    assert list(page.context["plans"]) == [agreed_plan]
    assert list(access.visible(region_coordinator, sm.Plan)) == [agreed_plan]


def test_a_shared_plan_can_be_read_but_not_changed_by_the_receiving_administration(
    as_user, agreed_plan, region_coordinator
):
    client = as_user(region_coordinator)
    assert client.get(reverse("sip:plan_edit", args=[agreed_plan.pk])).status_code == 403
    response = client.post(
        reverse("sip:plan_transition", args=[agreed_plan.pk]),
        {"to_status": "closed", "reason": "x"},
    )
    assert response.status_code == 403
    agreed_plan.refresh_from_db()
    assert agreed_plan.status == Status.AGREED


def test_the_team_lead_sees_the_plan_but_the_case_team_writes_it(as_user, ready_plan, team_lead):
    client = as_user(team_lead)
    assert client.get(reverse("sip:plan_detail", args=[ready_plan.pk])).status_code == 200
    assert client.get(reverse("sip:intervention_add", args=[ready_plan.pk])).status_code == 403
    assert client.get(reverse("sip:plan_create", args=[ready_plan.family_id])).status_code == 403


def test_the_system_administrator_sees_no_plans(as_user, ready_plan, sysadmin):
    client = as_user(sysadmin)
    response = client.get(reverse("sip:plan_detail", args=[ready_plan.pk]))
    assert response.status_code in (302, 404)
    assert list(access.visible(sysadmin, sm.Plan)) == []


def test_viewing_a_plan_writes_one_access_log_row(as_user, ready_plan, ombud):
    before = AccessLogEntry.objects.count()
    as_user(ombud).get(reverse("sip:plan_detail", args=[ready_plan.pk]))
    rows = list(AccessLogEntry.objects.order_by("-id")[: AccessLogEntry.objects.count() - before])
    assert [(r.action, r.object_type, r.object_id, r.basis) for r in rows] == [
        ("view", "sip.plan", ready_plan.pk, "case_team")
    ]
    assert rows[0].member_id == ready_plan.member_id


def test_the_region_reading_a_shared_plan_is_logged_with_the_consent_behind_it(
    as_user, agreed_plan, region_coordinator, consent
):
    as_user(region_coordinator).get(reverse("sip:plan_detail", args=[agreed_plan.pk]))
    row = AccessLogEntry.objects.filter(object_type="sip.plan", user=region_coordinator).get()
    assert (row.basis, row.consent_id) == ("share", consent.pk)


# --- Writing through the pages ----------------------------------------------------------------


def test_the_ombud_creates_a_plan_and_bad_input_keeps_what_was_typed(as_user, family, child, ombud):
    client = as_user(ombud)
    url = reverse("sip:plan_create", args=[family.pk])
    bad = client.post(
        url,
        {
            "member": child.pk,
            "initiator": "school",
            "need_noticed_on": "31-02-2026",
            "own_words": "Jag vill ha en kompis i skolan.",
        },
    )
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "Jag vill ha en kompis i skolan." in body
    assert "field-errors" in body
    assert not sm.Plan.objects.exists()

    good = client.post(
        url,
        {
            "member": child.pk,
            "initiator": "school",
            "need_noticed_on": timezone.localdate().isoformat(),
            "own_words": "Jag vill ha en kompis.",
        },
    )
    plan = sm.Plan.objects.get()
    assert good.status_code == 302
    assert good["Location"] == reverse("sip:plan_detail", args=[plan.pk])
    assert (plan.member, plan.status, plan.owner) == (child, Status.DRAFT, ombud.administration)


def test_agreeing_an_incomplete_plan_on_the_page_lists_every_reason(as_user, child, ombud):
    plan = PlanFactory(member=child, status=Status.PREPARED)
    SipInterventionFactory(plan=plan, description="Boendestöd", responsible_administration=None)
    response = as_user(ombud).post(
        reverse("sip:plan_transition", args=[plan.pk]), {"to_status": "agreed", "reason": ""}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "overall responsibility" in body
    assert "next follow-up" in body
    assert "covering consent" in body
    assert "Boendestöd" in body
    plan.refresh_from_db()
    assert plan.status == Status.PREPARED


def test_closing_on_the_page_without_a_reason_shows_a_message_at_the_field(
    as_user, ready_plan, ombud
):
    response = as_user(ombud).post(
        reverse("sip:plan_transition", args=[ready_plan.pk]), {"to_status": "closed", "reason": ""}
    )
    assert response.status_code == 400
    assert "Give a reason for closing the plan." in response.content.decode()


def test_a_stale_edit_on_the_page_shows_the_conflict_and_keeps_the_input(
    as_user, ready_plan, ombud
):
    client = as_user(ombud)
    stale = ready_plan.version
    services.plan_update(plan=ready_plan, expected_version=stale, by=ombud, own_words="Nyare text")
    response = client.post(
        reverse("sip:plan_edit", args=[ready_plan.pk]),
        {
            "version": stale,
            "initiator": "municipality",
            "need_noticed_on": ready_plan.need_noticed_on.isoformat(),
            "own_words": "Min text",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else saved this record" in body
    assert "Min text" in body
    ready_plan.refresh_from_db()
    assert ready_plan.own_words == "Nyare text"


def test_after_a_conflict_saving_again_keeps_the_users_text(as_user, ready_plan, ombud):
    """The conflict page tells the user to compare and save again: that second save goes
    through (the form now carries the version the user was shown), not a second conflict."""
    client = as_user(ombud)
    stale = ready_plan.version
    services.plan_update(plan=ready_plan, expected_version=stale, by=ombud, own_words="Nyare text")
    posted = {
        "version": stale,
        "initiator": "municipality",
        "need_noticed_on": ready_plan.need_noticed_on.isoformat(),
        "own_words": "Min text",
    }
    url = reverse("sip:plan_edit", args=[ready_plan.pk])
    shown = client.post(url, posted)
    ready_plan.refresh_from_db()
    assert shown.context["form"]["version"].value() == ready_plan.version
    again = client.post(url, {**posted, "version": shown.context["form"]["version"].value()})
    assert again.status_code == 302
    ready_plan.refresh_from_db()
    assert ready_plan.own_words == "Min text"


# --- The family perspective -------------------------------------------------------------------


def _count_family_page(client, family) -> int:
    url = reverse("sip:family", args=[family.pk])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_family_view_issues_the_same_number_of_queries_for_2_and_10_plans(
    as_user, ombud, adm_region, adm_school, django_assert_max_num_queries
):
    def build(n):
        family = FamilyFactory(responsible_ombud=ombud)
        today = timezone.localdate()
        for k in range(n):
            member = MemberFactory(family=family)
            consent = ConsentFactory(subject=member, receiving=[adm_region, adm_school])
            plan = PlanFactory(
                member=member,
                status=Status.AGREED,
                agreed_on=today - dt.timedelta(days=30),
                overall_responsible=adm_region,
                next_follow_up_on=today + dt.timedelta(days=7 + k),
                consent=consent,
            )
            SipInterventionFactory(plan=plan, responsible_administration=adm_region)
            SipInterventionFactory(
                plan=plan,
                responsible_administration=adm_school,
                start_on=today + dt.timedelta(days=40),
                end_on=None,
            )
        return family

    client = as_user(ombud)
    small, large = build(2), build(10)
    client.get(reverse("sip:family", args=[small.pk]))  # warm the session and content types
    two = _count_family_page(client, small)
    ten = _count_family_page(client, large)
    assert two == ten
    # 1 session, 2 user, 3 family with access basis, 4 plans with access basis, 5 their
    # interventions (one prefetch), 6 the members (names, protected identity), 7 access-log row
    # for the family, 8 one bulk insert for the plans, 9 the user's administration (page
    # header), 10-12 the session save (idle timeout) inside a savepoint.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("sip:family", args=[large.pk]))
    assert len(response.context["plans"]) == 10
    assert len(response.context["follow_ups_due"]) == 8  # within two weeks: days 7..14


def test_the_family_view_shows_overlaps_and_gaps(as_user, ready_plan, ombud, adm_region, family):
    services.plan_transition(plan=ready_plan, to_status=Status.AGREED, by=ombud)
    today = timezone.localdate()
    # A second Region intervention at the same time: an overlap for the Region.
    SipInterventionFactory(
        plan=ready_plan,
        description="Läkemedelsuppföljning",
        responsible_administration=adm_region,
        start_on=today,
        end_on=today + dt.timedelta(days=30),
    )
    # Every intervention ends before the follow-up in 90 days: a gap.
    ready_plan.interventions.update(end_on=today + dt.timedelta(days=30))
    response = as_user(ombud).get(reverse("sip:family", args=[family.pk]))
    context = response.context
    assert context["overlaps"]
    assert context["overlaps"][0]["administration"] == adm_region
    assert context["gaps"] == [
        {
            "member_label": "Kim Berglund",
            "from": today + dt.timedelta(days=31),
            "to": ready_plan.next_follow_up_on,
        }
    ]
    body = response.content.decode()
    assert "<svg" in body and '<title id="sip-timeline-title">' in body
    assert "no intervention in place" in body


def test_the_family_view_masks_a_protected_member_for_staff_outside_the_case_team(
    as_user, agreed_plan, child, region_coordinator, ombud
):
    child.protected_identity = True
    child.save()
    region_page = as_user(region_coordinator).get(reverse("sip:family", args=[child.family_id]))
    assert "Berglund" not in region_page.content.decode()
    assert "Protected identity" in region_page.content.decode()
    team_page = as_user(ombud).get(reverse("sip:family", args=[child.family_id]))
    assert "Kim Berglund" in team_page.content.decode()


# --- The PDF ---------------------------------------------------------------------------------


def test_the_sip_pdf_holds_the_interventions_and_masks_protected_identity(
    as_user, agreed_plan, child, ombud
):
    child.protected_identity = True
    child.save()
    response = as_user(ombud).get(reverse("sip:plan_pdf", args=[agreed_plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Berglund" not in response["Content-Disposition"]
    text = _pdf_text(response.content)
    assert "Utredning och behandling på BUP" in text
    assert "Särskilt stöd i matematik" in text
    assert "Regionen" in text and "Skolan" in text
    assert "Protected identity" in text
    assert "Kim" not in text and "Berglund" not in text
    assert child.personal_number not in text
    assert AccessLogEntry.objects.filter(action="export", object_type="sip.plan").count() == 1


def test_the_sip_pdf_names_an_unprotected_person_for_the_family(as_user, agreed_plan, ombud):
    text = _pdf_text(as_user(ombud).get(reverse("sip:plan_pdf", args=[agreed_plan.pk])).content)
    assert "Kim Berglund" in text
    with translation.override("en"):
        assert f"Next follow-up: {date_format(agreed_plan.next_follow_up_on)}" in text


# --- Interventions on the coordinators' start pages --------------------------------------------


def test_a_school_coordinator_sees_the_school_intervention_only_while_the_consent_lasts(
    agreed_plan, consent, school_coordinator, ombud
):
    rows = selectors.interventions_for_user(school_coordinator)
    assert [i.description for i in rows] == ["Särskilt stöd i matematik"]
    assert rows[0].plan.access_basis == "share"

    consent.revoked_on = timezone.localdate()
    consent.revoked_by = ombud
    consent.revoke_reason = "Vårdnadshavarna återkallade samtycket"
    consent.save()
    access.reconcile_shares(family_id=consent.family_id)

    assert selectors.interventions_for_user(school_coordinator) == []


def test_a_school_coordinator_no_longer_sees_the_intervention_once_the_consent_expired(
    agreed_plan, consent, school_coordinator
):
    assert selectors.interventions_for_user(school_coordinator)
    with time_machine.travel(consent.valid_until + dt.timedelta(days=1, hours=12), tick=False):
        assert selectors.interventions_for_user(school_coordinator) == []


def test_the_region_coordinator_sees_only_the_interventions_the_region_answers_for(
    as_user, agreed_plan, region_coordinator
):
    response = as_user(region_coordinator).get(reverse("sip:my_interventions"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Utredning och behandling på BUP" in body
    assert "Särskilt stöd i matematik" not in body
    assert AccessLogEntry.objects.filter(
        user=region_coordinator, object_type="sip.plan", object_id=agreed_plan.pk
    ).exists()


def test_a_school_coordinator_without_consent_sees_no_interventions(ready_plan, school_coordinator):
    # The plan is prepared, not agreed and not shared: nothing reaches school.
    assert selectors.interventions_for_user(school_coordinator) == []


def test_the_family_summary_counts_plans_and_lists_the_next_follow_ups(agreed_plan, family, ombud):
    summary = selectors.family_summary(ombud, family)
    assert summary["count"] == 1
    assert summary["next_follow_ups"][0]["date"] == agreed_plan.next_follow_up_on
    assert summary["url"] == reverse("sip:family", args=[family.pk])


# --- Forms log what they show ------------------------------------------------------------------


def test_the_new_plan_form_logs_the_family_and_each_member_named_once(
    as_user, family, child, ombud
):
    sibling = MemberFactory(family=family, first_name="Alva")
    response = as_user(ombud).get(reverse("sip:plan_create", args=[family.pk]))
    assert response.status_code == 200
    rows = AccessLogEntry.objects.filter(user=ombud)
    assert sorted((r.action, r.object_type, r.object_id, r.basis) for r in rows) == sorted(
        [
            ("view", "cases.family", family.pk, "case_team"),
            ("view", "cases.member", child.pk, "case_team"),
            ("view", "cases.member", sibling.pk, "case_team"),
        ]
    )


def test_the_family_perspective_logs_the_family_once(as_user, ready_plan, family, ombud):
    as_user(ombud).get(reverse("sip:family", args=[family.pk]))
    rows = AccessLogEntry.objects.filter(user=ombud)
    assert rows.filter(object_type="cases.family", object_id=family.pk).count() == 1
    assert rows.filter(object_type="sip.plan", object_id=ready_plan.pk).count() == 1


def test_a_plan_page_logs_each_family_member_taking_part(as_user, ready_plan, family, ombud):
    mother = MemberFactory(family=family, first_name="Mona", kind="custodian")
    services.participant_add(plan=ready_plan, by=ombud, kind="person", family_member=mother)
    as_user(ombud).get(reverse("sip:plan_detail", args=[ready_plan.pk]))
    rows = AccessLogEntry.objects.filter(user=ombud, action="view")
    assert rows.filter(object_type="sip.plan", object_id=ready_plan.pk).count() == 1
    assert rows.filter(object_type="cases.member", object_id=mother.pk).count() == 1


# --- The responsible administration records its intervention (issue 14, finding 7) -----------


def _intervention(plan, adm):
    return plan.interventions.get(responsible_administration=adm)


def test_the_region_records_the_status_of_the_intervention_it_answers_for(
    as_user, agreed_plan, region_coordinator, adm_region, consent
):
    intervention = _intervention(agreed_plan, adm_region)
    client = as_user(region_coordinator)
    page = client.get(reverse("sip:plan_detail", args=[agreed_plan.pk])).content.decode()
    url = reverse("sip:intervention_report", args=[agreed_plan.pk, intervention.pk])
    assert f'href="{url}"' in page
    edit_url = reverse("sip:intervention_edit", args=[agreed_plan.pk, intervention.pk])
    assert f'href="{edit_url}"' not in page

    assert client.get(url).status_code == 200
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "version": intervention.version,
            "unit": "BUP Linköping",
            "contact_person": "Dr Berg",
            "start_on": today.isoformat(),
            "end_on": "",
        },
    )
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert (intervention.contact_person, intervention.start_on) == ("Dr Berg", today)
    row = AccessLogEntry.objects.get(user=region_coordinator, action="change")
    assert (row.object_type, row.object_id, row.basis, row.consent_id) == (
        "sip.plan",
        agreed_plan.pk,
        "share",
        consent.pk,
    )


def test_the_region_records_the_outcome_of_its_intervention_at_the_latest_follow_up(
    as_user, agreed_plan, region_coordinator, adm_region, adm_school, ombud
):
    region_part = _intervention(agreed_plan, adm_region)
    school_part = _intervention(agreed_plan, adm_school)
    today = timezone.localdate()
    services.follow_up_record(
        plan=agreed_plan,
        by=ombud,
        held_on=today,
        next_follow_up_on=today + dt.timedelta(days=60),
        outcomes={
            region_part.pk: ("not_started", True, ""),
            school_part.pk: ("partly", True, ""),
        },
    )
    region_part.refresh_from_db()
    response = as_user(region_coordinator).post(
        reverse("sip:intervention_report", args=[agreed_plan.pk, region_part.pk]),
        {"version": region_part.version, "outcome": "achieved", "note": "Klar med utredningen"},
    )
    assert response.status_code == 302
    outcome = sm.FollowUpOutcome.objects.get(intervention=region_part)
    assert (outcome.outcome, outcome.note, outcome.continues) == (
        "achieved",
        "Klar med utredningen",
        False,
    )
    assert sm.FollowUpOutcome.objects.get(intervention=school_part).outcome == "partly"


def test_a_receiving_administration_cannot_record_another_administrations_intervention(
    as_user, agreed_plan, region_coordinator, school_coordinator, adm_school, adm_region
):
    school_part = _intervention(agreed_plan, adm_school)
    url = reverse("sip:intervention_report", args=[agreed_plan.pk, school_part.pk])
    assert as_user(region_coordinator).get(url).status_code == 403
    assert as_user(region_coordinator).post(url, {"version": 1}).status_code == 403
    assert as_user(school_coordinator).get(url).status_code == 200
    region_url = reverse(
        "sip:intervention_report", args=[agreed_plan.pk, _intervention(agreed_plan, adm_region).pk]
    )
    assert as_user(school_coordinator).get(region_url).status_code == 403
    # Recording an intervention is not writing the plan.
    assert (
        as_user(region_coordinator)
        .get(reverse("sip:intervention_edit", args=[agreed_plan.pk, school_part.pk]))
        .status_code
        == 403
    )


def test_only_those_who_see_the_plan_reach_the_intervention_form(
    as_user, ready_plan, colleague_not_on_team, team_lead, region_coordinator, adm_region
):
    intervention = _intervention(ready_plan, adm_region)
    url = reverse("sip:intervention_report", args=[ready_plan.pk, intervention.pk])
    # Not shared yet (no default share of a plan, no derivation ran): the Region gets 404.
    assert as_user(region_coordinator).get(url).status_code == 404
    assert as_user(colleague_not_on_team).get(url).status_code == 404
    # The team lead sees the plan but neither documents it nor answers for the intervention.
    assert as_user(team_lead).get(url).status_code == 403
    other = SipInterventionFactory(responsible_administration=adm_region)
    wrong_plan = reverse("sip:intervention_report", args=[ready_plan.pk, other.pk])
    assert as_user(team_lead).get(wrong_plan).status_code == 404


def test_the_my_interventions_page_offers_recording_the_status(
    as_user, agreed_plan, region_coordinator, adm_region
):
    intervention = _intervention(agreed_plan, adm_region)
    page = as_user(region_coordinator).get(reverse("sip:my_interventions")).content.decode()
    assert reverse("sip:intervention_report", args=[agreed_plan.pk, intervention.pk]) in page
