"""The SIP process: what the law requires before a plan is agreed, and the transition table."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from familjelotsen import access
from familjelotsen.versioning import Conflict
from sip import models as sm
from sip import services
from tests.factories import (
    AdministrationFactory,
    ConsentFactory,
    PlanFactory,
    SipInterventionFactory,
)

pytestmark = pytest.mark.django_db
Status = sm.Plan.Status


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def test_a_complete_plan_is_agreed_and_shared_with_the_participating_administrations(
    ready_plan, ombud, region_coordinator, school_coordinator
):
    warnings = services.plan_transition(plan=ready_plan, to_status=Status.AGREED, by=ombud)

    ready_plan.refresh_from_db()
    assert warnings == []
    assert ready_plan.status == Status.AGREED
    assert ready_plan.agreed_on == timezone.localdate()
    assert ready_plan.first_meeting_on == timezone.localdate()
    assert ready_plan.days_to_first_meeting == 60
    change = ready_plan.status_changes.last()
    assert (change.from_status, change.to_status, change.changed_by) == (
        Status.PREPARED,
        Status.AGREED,
        ombud,
    )
    assert list(access.visible(region_coordinator, sm.Plan)) == [ready_plan]
    assert list(access.visible(school_coordinator, sm.Plan)) == [ready_plan]


def test_a_plan_cannot_be_agreed_without_an_overall_responsible_huvudman(ready_plan, ombud):
    ready_plan.overall_responsible = None
    ready_plan.save()
    with pytest.raises(ValidationError) as exc:
        services.plan_transition(plan=ready_plan, to_status=Status.AGREED, by=ombud)
    assert "overall responsibility" in _messages(exc.value)
    ready_plan.refresh_from_db()
    assert ready_plan.status == Status.PREPARED


def test_a_plan_cannot_be_agreed_without_a_follow_up_date(ready_plan, ombud):
    ready_plan.next_follow_up_on = None
    ready_plan.save()
    with pytest.raises(ValidationError) as exc:
        services.plan_transition(plan=ready_plan, to_status=Status.AGREED, by=ombud)
    assert "Set the date of the next follow-up." in exc.value.messages


def test_a_plan_cannot_be_agreed_without_a_linked_consent(ready_plan, ombud):
    ready_plan.consent = None
    ready_plan.save()
    with pytest.raises(ValidationError) as exc:
        services.plan_transition(plan=ready_plan, to_status=Status.AGREED, by=ombud)
    assert "cannot be agreed without a covering consent" in _messages(exc.value)


def test_a_plan_cannot_be_agreed_when_the_consent_was_revoked(ready_plan, consent, ombud):
    consent.revoked_on = timezone.localdate()
    consent.revoked_by = ombud
    consent.revoke_reason = "Vårdnadshavarna återkallade"
    consent.save()
    with pytest.raises(ValidationError) as exc:
        services.plan_transition(plan=ready_plan, to_status=Status.AGREED, by=ombud)
    assert "not valid" in _messages(exc.value)


def test_a_plan_cannot_be_agreed_when_the_consent_does_not_cover_a_participating_administration(
    ready_plan, ombud
):
    employment = AdministrationFactory(name="Jobb- och kunskapstorget", kind="employment")
    SipInterventionFactory(
        plan=ready_plan, description="Praktikplats", responsible_administration=employment
    )
    with pytest.raises(ValidationError) as exc:
        services.plan_transition(plan=ready_plan, to_status=Status.AGREED, by=ombud)
    assert "Jobb- och kunskapstorget" in _messages(exc.value)


def test_a_plan_cannot_be_agreed_with_an_intervention_lacking_a_responsible_administration(
    ready_plan, ombud
):
    SipInterventionFactory(
        plan=ready_plan, description="Stöd i hemmet", responsible_administration=None
    )
    with pytest.raises(ValidationError) as exc:
        services.plan_transition(plan=ready_plan, to_status=Status.AGREED, by=ombud)
    assert "The intervention “Stöd i hemmet” has no responsible administration." in (
        exc.value.messages
    )


def test_every_missing_requirement_gets_its_own_message(child, ombud):
    plan = PlanFactory(member=child, status=Status.PREPARED)
    SipInterventionFactory(plan=plan, description="Boendestöd", responsible_administration=None)

    problems = services.agreement_problems(plan)

    assert len(problems) == 4
    assert any("overall responsibility" in p for p in problems)
    assert any("follow-up" in p for p in problems)
    assert any("consent" in p for p in problems)
    assert any("Boendestöd" in p for p in problems)


def test_the_consent_must_be_the_consent_of_the_person_the_plan_is_for(ready_plan, family, ombud):
    from tests.factories import MemberFactory

    sibling = MemberFactory(family=family)
    ready_plan.consent = ConsentFactory(subject=sibling, receiving=[])
    ready_plan.save()
    with pytest.raises(ValidationError) as exc:
        services.plan_transition(plan=ready_plan, to_status=Status.AGREED, by=ombud)
    assert "not the consent of the person" in _messages(exc.value)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.DRAFT, Status.AGREED),
        (Status.DRAFT, Status.FOLLOWED_UP),
        (Status.PREPARED, Status.FOLLOWED_UP),
        (Status.AGREED, Status.DRAFT),
        (Status.FOLLOW_UP_DUE, Status.AGREED),
        (Status.CLOSED, Status.DRAFT),
        (Status.CLOSED, Status.AGREED),
    ],
)
def test_the_process_refuses_illegal_steps(ready_plan, ombud, start, target):
    sm.Plan.objects.filter(pk=ready_plan.pk).update(status=start, close_reason="x")
    with pytest.raises(ValidationError) as exc:
        services.plan_transition(plan=ready_plan, to_status=target, by=ombud, reason="x")
    assert "cannot move from" in _messages(exc.value)
    ready_plan.refresh_from_db()
    assert ready_plan.status == start


def test_an_unknown_status_is_refused_with_a_message(ready_plan, ombud):
    with pytest.raises(ValidationError):
        services.plan_transition(plan=ready_plan, to_status="approved", by=ombud)


def test_closing_needs_a_reason_and_records_it(ready_plan, ombud):
    with pytest.raises(ValidationError) as exc:
        services.plan_transition(plan=ready_plan, to_status=Status.CLOSED, by=ombud, reason=" ")
    assert "reason" in _messages(exc.value)

    services.plan_transition(
        plan=ready_plan, to_status=Status.CLOSED, by=ombud, reason="Personen avböjde SIP"
    )
    ready_plan.refresh_from_db()
    assert ready_plan.status == Status.CLOSED
    assert ready_plan.close_reason == "Personen avböjde SIP"
    assert ready_plan.closed_on == timezone.localdate()


def test_the_whole_process_runs_from_draft_to_closed(child, consent, adm_region, ombud):
    today = timezone.localdate()
    plan = services.plan_create(
        family=child.family,
        member=child,
        by=ombud,
        initiator=sm.Plan.Initiator.SCHOOL,
        need_noticed_on=today - dt.timedelta(days=20),
        own_words="Jag vill ha lugn på morgonen.",
    )
    assert plan.status == Status.DRAFT
    services.plan_transition(
        plan=plan, to_status=Status.PREPARED, by=ombud, on=today - dt.timedelta(days=10)
    )
    intervention, _warnings = services.intervention_add(
        plan=plan,
        by=ombud,
        description="Samtalsstöd",
        responsible_administration=adm_region,
        start_on=today,
    )
    plan.refresh_from_db()
    services.plan_update(
        plan=plan,
        expected_version=plan.version,
        by=ombud,
        overall_responsible=adm_region,
        next_follow_up_on=today + dt.timedelta(days=60),
        consent=consent,
    )
    services.plan_transition(plan=plan, to_status=Status.AGREED, by=ombud, on=today)
    with time_machine.travel(today + dt.timedelta(days=60, hours=12), tick=False):
        assert services.plans_mark_follow_up_due() == 1
    plan.refresh_from_db()
    assert plan.status == Status.FOLLOW_UP_DUE
    assert plan.status_changes.last().changed_by is None

    follow_up, _warnings = services.follow_up_record(
        plan=plan,
        by=ombud,
        held_on=today,
        next_follow_up_on=today + dt.timedelta(days=120),
        outcomes={intervention.pk: ("partly", True, "Bättre sömn")},
    )
    plan.refresh_from_db()
    assert plan.status == Status.FOLLOWED_UP
    assert follow_up.due_on == today + dt.timedelta(days=60)
    assert follow_up.outcomes.get().outcome == "partly"
    assert plan.next_follow_up_on == today + dt.timedelta(days=120)

    services.plan_transition(plan=plan, to_status=Status.CLOSED, by=ombud, reason="Målen nådda")
    plan.refresh_from_db()
    assert [c.to_status for c in plan.status_changes.order_by("id")] == [
        Status.DRAFT,
        Status.PREPARED,
        Status.AGREED,
        Status.FOLLOW_UP_DUE,
        Status.FOLLOWED_UP,
        Status.CLOSED,
    ]


def test_a_follow_up_records_the_outcome_of_every_intervention(ready_plan, ombud):
    services.plan_transition(plan=ready_plan, to_status=Status.AGREED, by=ombud)
    first = ready_plan.interventions.first()
    with pytest.raises(ValidationError) as exc:
        services.follow_up_record(
            plan=ready_plan,
            by=ombud,
            held_on=timezone.localdate(),
            next_follow_up_on=timezone.localdate() + dt.timedelta(days=30),
            outcomes={first.pk: ("achieved", False, "")},
        )
    assert "Särskilt stöd i matematik" in _messages(exc.value)


def test_an_edit_from_a_stale_version_is_refused_and_nothing_is_overwritten(ready_plan, ombud):
    version = ready_plan.version
    services.plan_update(
        plan=ready_plan, expected_version=version, by=ombud, own_words="Första versionen"
    )
    with pytest.raises(Conflict):
        services.plan_update(
            plan=ready_plan, expected_version=version, by=ombud, own_words="Andra versionen"
        )
    ready_plan.refresh_from_db()
    assert ready_plan.own_words == "Första versionen"


def test_next_of_kin_take_part_only_when_the_person_agrees(ready_plan, ombud):
    with pytest.raises(ValidationError) as exc:
        services.participant_add(
            plan=ready_plan, by=ombud, kind="private", name="Moster Eva", role="Moster"
        )
    assert "person_agrees" in exc.value.message_dict
    participant, _w = services.participant_add(
        plan=ready_plan,
        by=ombud,
        kind="private",
        name="Moster Eva",
        role="Moster",
        person_agrees=True,
    )
    assert participant.pk


def test_a_share_the_consent_does_not_allow_is_a_warning_not_a_crash(ready_plan, ombud):
    employment = AdministrationFactory(name="Jobb- och kunskapstorget", kind="employment")
    _participant, warnings = services.participant_add(
        plan=ready_plan,
        by=ombud,
        kind="professional",
        administration=employment,
        name="Handläggare",
    )
    assert len(warnings) == 1
    assert "Jobb- och kunskapstorget" in warnings[0]


def test_a_sip_meeting_keeps_the_time_from_need_noticed_to_first_meeting(ready_plan, ombud):
    held = ready_plan.need_noticed_on + dt.timedelta(days=12)
    services.meeting_record(plan=ready_plan, by=ombud, kind="sip_meeting", held_on=held)
    ready_plan.refresh_from_db()
    assert ready_plan.first_meeting_on == held
    assert ready_plan.days_to_first_meeting == 12


def test_every_change_of_a_plan_is_kept_in_an_append_only_history(ready_plan, ombud):
    from django.apps import apps
    from django.db import DatabaseError, transaction

    plan_event = apps.get_model("sip", "PlanEvent")
    services.plan_transition(plan=ready_plan, to_status=Status.AGREED, by=ombud)
    events = list(plan_event.objects.filter(pgh_obj_id=ready_plan.pk).order_by("pgh_id"))
    assert [e.status for e in events] == [Status.PREPARED, Status.AGREED]
    with pytest.raises(DatabaseError), transaction.atomic():
        plan_event.objects.filter(pk=events[0].pk).update(status=Status.CLOSED)


def test_the_daily_command_moves_plans_whose_follow_up_date_has_come(ready_plan, ombud):
    from io import StringIO

    from django.core.management import call_command

    services.plan_transition(plan=ready_plan, to_status=Status.AGREED, by=ombud)
    out = StringIO()
    call_command("sip_follow_ups_due", stdout=out)
    assert "0 plan(s)" in out.getvalue()
    with time_machine.travel(ready_plan.next_follow_up_on + dt.timedelta(hours=12), tick=False):
        call_command("sip_follow_ups_due", stdout=out)
    ready_plan.refresh_from_db()
    assert ready_plan.status == Status.FOLLOW_UP_DUE
    assert "1 plan(s)" in out.getvalue()


def test_editing_an_agreed_plan_does_not_share_it_again(ready_plan, ombud):
    from familjelotsen.models import AccessLogEntry

    services.plan_transition(plan=ready_plan, to_status=Status.AGREED, by=ombud)
    shares = AccessLogEntry.objects.filter(action="share", object_type="sip.plan").count()
    assert shares == 2  # the Region and school
    ready_plan.refresh_from_db()
    services.plan_update(
        plan=ready_plan, expected_version=ready_plan.version, by=ombud, own_words="Ny formulering"
    )
    assert AccessLogEntry.objects.filter(action="share", object_type="sip.plan").count() == shares


def test_an_administration_that_leaves_the_plan_loses_its_default_share(
    ready_plan, ombud, region_coordinator, adm_region
):
    services.plan_transition(plan=ready_plan, to_status=Status.AGREED, by=ombud)
    assert list(access.visible(region_coordinator, sm.Plan)) == [ready_plan]
    ready_plan.refresh_from_db()
    # The Region's intervention moves to school, and the municipality takes the overall
    # responsibility: the Region no longer takes part.
    school = ready_plan.interventions.exclude(responsible_administration=adm_region).first()
    for intervention in ready_plan.interventions.filter(responsible_administration=adm_region):
        services.intervention_update(
            intervention=intervention,
            expected_version=intervention.version,
            by=ombud,
            responsible_administration=school.responsible_administration,
        )
    services.plan_update(
        plan=ready_plan,
        expected_version=ready_plan.version,
        by=ombud,
        overall_responsible=ready_plan.family.owner,
    )
    assert list(access.visible(region_coordinator, sm.Plan)) == []
