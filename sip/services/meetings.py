"""Meetings, follow-ups and the distribution of the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from familjelotsen.models import Administration, User
from sip import models as sm
from sip.services.common import require_open
from sip.services.plan import plan_transition

Status = sm.Plan.Status


# --- Meetings, follow-ups, distribution ------------------------------------------------------


@transaction.atomic
def meeting_record(
    *,
    plan: sm.Plan,
    by: User,
    kind: str,
    held_on: dt.date,
    place: str = "",
    minutes: str = "",
    present: Iterable[sm.Participant] = (),
) -> sm.Meeting:
    require_open(plan)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Record a meeting once it has been held.")})
    if held_on < plan.need_noticed_on:
        raise ValidationError({"held_on": _("The meeting cannot be before the need was noticed.")})
    present = list(present)
    if any(p.plan_id != plan.pk for p in present):
        raise ValidationError({"present": _("Choose participants of this plan.")})
    meeting = sm.Meeting.objects.create(
        plan=plan, kind=kind, held_on=held_on, place=place, minutes=minutes, recorded_by=by
    )
    meeting.present.set(present)
    if kind == sm.Meeting.Kind.SIP_MEETING and (
        plan.first_meeting_on is None or held_on < plan.first_meeting_on
    ):
        sm.Plan.objects.filter(pk=plan.pk).update(first_meeting_on=held_on)
        plan.first_meeting_on = held_on
    return meeting


@transaction.atomic
def follow_up_record(
    *,
    plan: sm.Plan,
    by: User,
    held_on: dt.date,
    next_follow_up_on: dt.date,
    outcomes: Mapping[int, tuple[str, bool, str]],
    summary: str = "",
    meeting: sm.Meeting | None = None,
    request=None,
) -> tuple[sm.FollowUp, list[str]]:
    """Record a follow-up: the outcome of every intervention, and the next follow-up date.

    `outcomes` maps intervention id → (outcome, continues, note). Moves the plan to
    "followed up".
    """
    plan = sm.Plan.objects.select_for_update().get(pk=plan.pk)
    if Status.FOLLOWED_UP not in sm.TRANSITIONS[plan.status]:
        raise ValidationError(_("Only an agreed plan can be followed up."))
    errors: dict[str, str] = {}
    if held_on > timezone.localdate():
        errors["held_on"] = _("Record the follow-up once it has been held.")
    if next_follow_up_on <= held_on:
        errors["next_follow_up_on"] = _("The next follow-up must come after this one.")
    interventions = {i.pk: i for i in plan.interventions.all()}
    missing = [i for pk, i in interventions.items() if pk not in outcomes]
    if missing:
        errors["__all__"] = _("Record the outcome of every intervention. Missing: %(list)s.") % {
            "list": "; ".join(i.description for i in missing)
        }
    if set(outcomes) - set(interventions):
        errors["__all__"] = _("An outcome was given for an intervention of another plan.")
    if errors:
        raise ValidationError(errors)
    follow_up = sm.FollowUp.objects.create(
        plan=plan,
        meeting=meeting,
        held_on=held_on,
        due_on=plan.next_follow_up_on,
        summary=summary,
        recorded_by=by,
    )
    sm.FollowUpOutcome.objects.bulk_create(
        sm.FollowUpOutcome(
            follow_up=follow_up,
            intervention_id=pk,
            outcome=outcome,
            continues=continues,
            note=note,
        )
        for pk, (outcome, continues, note) in outcomes.items()
    )
    sm.Plan.objects.filter(pk=plan.pk).update(
        next_follow_up_on=next_follow_up_on, version=F("version") + 1
    )
    return follow_up, plan_transition(
        plan=plan,
        to_status=Status.FOLLOWED_UP,
        by=by,
        reason=_("Follow-up recorded"),
        on=held_on,
        request=request,
    )


@transaction.atomic
def distribution_add(
    *,
    plan: sm.Plan,
    by: User,
    recipient: str,
    copy_kind: str,
    sent_on: dt.date,
    administration: Administration | None = None,
) -> sm.Distribution:
    if plan.status in (Status.DRAFT, Status.PREPARED):
        raise ValidationError(_("Only an agreed plan is sent out."))
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": _("The date cannot be in the future.")})
    if not recipient.strip():
        raise ValidationError({"recipient": _("Say who received the plan.")})
    return sm.Distribution.objects.create(
        plan=plan,
        recipient=recipient.strip(),
        administration=administration,
        copy_kind=copy_kind,
        sent_on=sent_on,
        sent_by=by,
    )
