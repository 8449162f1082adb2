"""Participants, needs, interventions and other actors of a plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Member
from familjelotsen.models import Administration, User
from familjelotsen.versioning import save_versioned
from sip import models as sm
from sip.services.common import (
    plan_share_with_participants,
    require_open,
)

Status = sm.Plan.Status


# --- Participants, needs, interventions, other actors ----------------------------------------


@transaction.atomic
def participant_add(
    *,
    plan: sm.Plan,
    by: User,
    kind: str,
    administration: Administration | None = None,
    family_member: Member | None = None,
    name: str = "",
    role: str = "",
    contact: str = "",
    person_agrees: bool = False,
    request=None,
) -> tuple[sm.Participant, list[str]]:
    require_open(plan)
    errors: dict[str, str] = {}
    if kind == sm.Participant.Kind.PROFESSIONAL and administration is None:
        errors["administration"] = _("Choose the professional's administration.")
    if family_member is not None and family_member.family_id != plan.family_id:
        errors["family_member"] = _("Choose a member of this family.")
    if family_member is None and not name.strip():
        errors["name"] = _("Give the participant's name.")
    if kind == sm.Participant.Kind.PRIVATE and not person_agrees:
        errors["person_agrees"] = _(
            "Next of kin take part only if the person agrees: confirm that they do."
        )
    if errors:
        raise ValidationError(errors)
    participant = sm.Participant.objects.create(
        plan=plan,
        kind=kind,
        administration=administration,
        family_member=family_member,
        name=name.strip(),
        role=role,
        contact=contact,
        person_agrees=person_agrees,
    )
    return participant, plan_share_with_participants(plan=plan, by=by, request=request)


@transaction.atomic
def participant_remove(
    *, plan: sm.Plan, participant: sm.Participant, by: User, request=None
) -> list[str]:
    require_open(plan)
    if participant.plan_id != plan.pk:
        raise ValidationError(_("The participant does not belong to this plan."))
    participant.delete()
    return plan_share_with_participants(plan=plan, by=by, request=request)


@transaction.atomic
def need_add(*, plan: sm.Plan, by: User, description: str) -> sm.Need:
    require_open(plan)
    if not description.strip():
        raise ValidationError({"description": _("Describe the need.")})
    return sm.Need.objects.create(plan=plan, description=description.strip())


INTERVENTION_FIELDS = frozenset(
    {
        "description",
        "goal",
        "responsible_administration",
        "unit",
        "contact_person",
        "start_on",
        "end_on",
        "need",
    }
)


def _check_intervention(plan: sm.Plan, fields: Mapping[str, Any]) -> None:
    errors = {}
    start, end = fields.get("start_on"), fields.get("end_on")
    if start and end and end < start:
        errors["end_on"] = _("The end cannot be before the start.")
    need = fields.get("need")
    if need is not None and need.plan_id != plan.pk:
        errors["need"] = _("Choose a need of this plan.")
    if not (fields.get("description") or "").strip():
        errors["description"] = _("Describe the intervention.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def intervention_add(
    *, plan: sm.Plan, by: User, request=None, **fields: Any
) -> tuple[sm.Intervention, list[str]]:
    require_open(plan)
    unknown = set(fields) - INTERVENTION_FIELDS
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    _check_intervention(plan, fields)
    if plan.status in sm.IN_FORCE and fields.get("responsible_administration") is None:
        raise ValidationError(
            {
                "responsible_administration": _(
                    "In an agreed plan every intervention names its responsible administration."
                )
            }
        )
    intervention = sm.Intervention.objects.create(plan=plan, **fields)
    return intervention, plan_share_with_participants(plan=plan, by=by, request=request)


@transaction.atomic
def intervention_update(
    *,
    intervention: sm.Intervention,
    expected_version: int,
    by: User,
    request=None,
    **fields: Any,
) -> list[str]:
    plan = intervention.plan
    require_open(plan)
    unknown = set(fields) - INTERVENTION_FIELDS
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    merged = {name: getattr(intervention, name) for name in INTERVENTION_FIELDS}
    merged.update(fields)
    _check_intervention(plan, merged)
    if plan.status in sm.IN_FORCE and merged["responsible_administration"] is None:
        raise ValidationError(
            {
                "responsible_administration": _(
                    "In an agreed plan every intervention names its responsible administration."
                )
            }
        )
    for name, value in fields.items():
        setattr(intervention, name, value)
    save_versioned(
        intervention,
        expected_version=expected_version,
        fields=[f"{n}_id" if n in ("responsible_administration", "need") else n for n in fields],
    )
    return plan_share_with_participants(plan=plan, by=by, request=request)


# What the administration responsible for an intervention records itself (SPEC §1: the
# coordinator "sees and contributes to ... SIP interventions they are responsible for"): how
# its intervention stands (unit, contact person, when it started and ended) and its outcome at
# the latest follow-up. What the intervention is, its goal and who answers for it are agreed in
# the plan and stay with the case team (`intervention_update`).
INTERVENTION_STATUS_FIELDS = frozenset({"unit", "contact_person", "start_on", "end_on"})


@transaction.atomic
def intervention_report(
    *,
    intervention: sm.Intervention,
    expected_version: int,
    by: User,
    outcome: str = "",
    continues: bool = True,
    note: str = "",
    **fields: Any,
) -> sm.FollowUpOutcome | None:
    """Record the status of one intervention and, when given, its outcome at the plan's latest
    follow-up (replacing the outcome recorded there). Who may do it is the caller's question
    (`access.intervention_writable`: the case team, or a receiving administration for the
    intervention it is responsible for); no DOCUMENT is needed. Returns the outcome row."""
    plan = intervention.plan
    require_open(plan)
    unknown = set(fields) - INTERVENTION_STATUS_FIELDS
    if unknown:
        raise ValueError(f"not recorded here: {sorted(unknown)}")
    start = fields.get("start_on", intervention.start_on)
    end = fields.get("end_on", intervention.end_on)
    errors: dict[str, str] = {}
    if start and end and end < start:
        errors["end_on"] = _("The end cannot be before the start.")
    latest = None
    if outcome:
        if outcome not in sm.FollowUpOutcome.Outcome.values:
            errors["outcome"] = _("Choose an outcome.")
        latest = plan.follow_ups.order_by("-held_on", "-id").first()
        if latest is None:
            errors["outcome"] = _(
                "The plan has not been followed up yet: the outcome is recorded at the follow-up."
            )
    if errors:
        raise ValidationError(errors)
    for name, value in fields.items():
        setattr(intervention, name, value)
    save_versioned(intervention, expected_version=expected_version, fields=list(fields))
    if latest is None:
        return None
    row, _created = sm.FollowUpOutcome.objects.update_or_create(
        follow_up=latest,
        intervention=intervention,
        defaults={"outcome": outcome, "continues": continues, "note": note.strip()},
    )
    return row


@transaction.atomic
def other_measure_add(
    *,
    plan: sm.Plan,
    by: User,
    actor: str,
    description: str,
    actor_name: str = "",
    contact_person: str = "",
    start_on: dt.date | None = None,
    end_on: dt.date | None = None,
) -> sm.OtherMeasure:
    require_open(plan)
    if start_on and end_on and end_on < start_on:
        raise ValidationError({"end_on": _("The end cannot be before the start.")})
    if not description.strip():
        raise ValidationError({"description": _("Describe the measure.")})
    return sm.OtherMeasure.objects.create(
        plan=plan,
        actor=actor,
        actor_name=actor_name,
        description=description.strip(),
        contact_person=contact_person,
        start_on=start_on,
        end_on=end_on,
    )
