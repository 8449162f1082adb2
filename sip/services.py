"""Every write to SIP plans: typed, keyword-only, atomic.

A SIP is shared with the administrations that take part in it (participants, responsible
huvudmän, the overall-responsible huvudman), within consent: the plan is a source of shares,
and every change to who takes part re-derives the family's shares (`access.family_derive`);
a share the consents do not allow comes back as a warning for the user, never as a crash.

Services do not ask who the user is: the views ask the access policy (DOCUMENT for writing
the plan; `access.intervention_writable` for `intervention_report`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Family, Member
from consent.models import Consent
from familjelotsen import access
from familjelotsen.models import Administration, User
from familjelotsen.versioning import save_versioned
from sip import models as sm

Status = sm.Plan.Status


def _require_open(plan: sm.Plan) -> None:
    if plan.status == Status.CLOSED:
        raise ValidationError(_("The plan is closed and can no longer be changed."))


def _require_staff(by: User) -> None:
    if by.administration_id is None:
        raise ValidationError(_("Only staff of an administration can write a SIP."))


# --- Sharing with the participating administrations ------------------------------------------


def participating_administrations(plan: sm.Plan) -> list[Administration]:
    """Every administration that takes part: professional participants, the huvudmän
    responsible for interventions, the overall-responsible huvudman. The case owner and the
    plan's owner already hold the plan and are left out."""
    ids = access.grants.sip_administration_ids(plan)
    return list(Administration.objects.filter(pk__in=ids).order_by("name"))


def plan_share_with_participants(*, plan: sm.Plan, by: User, request=None) -> list[str]:
    """Re-derive the family's shares after a change to the plan's participants (the access
    module shares the plan with every participating administration the consents cover and
    withdraws the rest). Returns a warning for each administration the consents leave out."""
    access.family_derive(family=plan.family, by=by, request=request)
    warnings: list[str] = []
    for administration in participating_administrations(plan):
        refused = access.share_check(plan, administration)
        if refused:
            warnings.append(
                _("The plan was not shared with %(adm)s: %(why)s")
                % {"adm": administration.name, "why": refused}
            )
    return warnings


# --- The plan --------------------------------------------------------------------------------

PLAN_TEXT_FIELDS = (
    "own_words",
    "child_participation",
    "current_situation",
    "questions",
    "own_actions",
    "coordinator_name",
    "coordinator_contact",
)
PLAN_EDITABLE = frozenset(
    {
        *PLAN_TEXT_FIELDS,
        "initiator",
        "initiator_administration",
        "need_noticed_on",
        "overall_responsible",
        "next_follow_up_on",
        "consent",
    }
)

_FK_FIELDS = frozenset({"initiator_administration", "overall_responsible", "consent"})


def _check_consent_belongs(plan: sm.Plan, consent: Consent | None) -> None:
    if consent is not None and (
        consent.family_id != plan.family_id or consent.subject_id != plan.member_id
    ):
        raise ValidationError(
            {"consent": _("Choose a consent given for the person the plan is for.")}
        )


@transaction.atomic
def plan_create(
    *,
    family: Family,
    member: Member,
    by: User,
    initiator: str,
    need_noticed_on: dt.date,
    initiator_administration: Administration | None = None,
    overall_responsible: Administration | None = None,
    next_follow_up_on: dt.date | None = None,
    consent: Consent | None = None,
    **texts: str,
) -> sm.Plan:
    _require_staff(by)
    unknown = set(texts) - set(PLAN_TEXT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    if member.family_id != family.pk:
        raise ValidationError({"member": _("Choose a member of this family.")})
    if need_noticed_on > timezone.localdate():
        raise ValidationError({"need_noticed_on": _("The date cannot be in the future.")})
    plan = sm.Plan(
        family=family,
        owner_id=by.administration_id,
        member=member,
        initiator=initiator,
        initiator_administration=initiator_administration,
        need_noticed_on=need_noticed_on,
        overall_responsible=overall_responsible,
        next_follow_up_on=next_follow_up_on,
        consent=consent,
        created_by=by,
        **texts,
    )
    _check_consent_belongs(plan, consent)
    plan.save()
    sm.PlanStatusChange.objects.create(
        plan=plan,
        from_status="",
        to_status=Status.DRAFT,
        on=timezone.localdate(),
        changed_by=by,
    )
    access.family_derive(family=family, by=by)
    return plan


@transaction.atomic
def plan_update(
    *, plan: sm.Plan, expected_version: int, by: User, request=None, **fields: Any
) -> list[str]:
    """Edit the plan's own fields. Returns sharing warnings (the overall-responsible
    huvudman takes part in the plan)."""
    _require_open(plan)
    unknown = set(fields) - PLAN_EDITABLE
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    if "consent" in fields:
        _check_consent_belongs(plan, fields["consent"])
    in_force = plan.status in sm.IN_FORCE
    if in_force and fields.get("overall_responsible", plan.overall_responsible) is None:
        raise ValidationError(
            {"overall_responsible": _("An agreed plan must name the overall-responsible huvudman.")}
        )
    if in_force and fields.get("next_follow_up_on", plan.next_follow_up_on) is None:
        raise ValidationError(
            {"next_follow_up_on": _("An agreed plan must have a next follow-up date.")}
        )
    if in_force and "consent" in fields and fields["consent"] is None:
        raise ValidationError({"consent": _("An agreed plan must keep its consent.")})
    for name, value in fields.items():
        setattr(plan, name, value)
    save_versioned(
        plan,
        expected_version=expected_version,
        fields=[f"{n}_id" if n in _FK_FIELDS else n for n in fields],
    )
    return plan_share_with_participants(plan=plan, by=by, request=request)


def agreement_problems(plan: sm.Plan, on: dt.date | None = None) -> list[str]:
    """Why the plan cannot be agreed yet, one clear message each (empty when it can).

    The law's minimum content (DOMAIN.md §1.2): the interventions and who answers for each,
    the overall-responsible huvudman, the follow-up; and the person's consent, which must
    cover every administration taking part.
    """
    on = on or timezone.localdate()
    problems: list[str] = []
    if plan.overall_responsible_id is None:
        problems.append(_("Choose which huvudman has the overall responsibility for the plan."))
    if plan.next_follow_up_on is None:
        problems.append(_("Set the date of the next follow-up."))
    elif plan.next_follow_up_on < on:
        problems.append(_("The next follow-up date has already passed."))
    interventions = list(plan.interventions.all())
    if not interventions:
        problems.append(_("Add at least one intervention: the plan must say what is to be done."))
    for intervention in interventions:
        if intervention.responsible_administration_id is None:
            problems.append(
                _("The intervention “%(what)s” has no responsible administration.")
                % {"what": intervention.description}
            )
    consent = plan.consent
    if consent is None:
        problems.append(
            _("Link the person's consent: a SIP cannot be agreed without a covering consent.")
        )
        return problems
    if not consent.is_active(on):
        problems.append(_("The linked consent is not valid (revoked, expired or not yet valid)."))
        return problems
    if consent.subject_id != plan.member_id:
        problems.append(_("The linked consent is not the consent of the person the plan is for."))
        return problems
    receiving = set(consent.receiving.values_list("id", flat=True))
    cover = access.consent_cover(plan, on=on)
    for administration in participating_administrations(plan):
        try:
            cover.covering(plan, administration)
        except access.ShareRefused as refused:
            problems.append(str(refused))
            continue
        if administration.pk not in receiving:
            problems.append(
                _("The linked consent does not cover %(adm)s.") % {"adm": administration.name}
            )
    return problems


_DATED = ("prepared_on", "agreed_on", "first_meeting_on", "closed_on", "close_reason")


def allowed_transitions(plan: sm.Plan) -> list[str]:
    return sorted(sm.TRANSITIONS[plan.status], key=list(Status.values).index)


@transaction.atomic
def plan_transition(
    *,
    plan: sm.Plan,
    to_status: str,
    by: User | None,
    reason: str = "",
    on: dt.date | None = None,
    request=None,
) -> list[str]:
    """Apply one step of the SIP process (sm.TRANSITIONS), dated, recording who and why.

    Refuses illegal steps and an agreement without the law's minimum content. Returns the
    sharing warnings (agreeing shares the plan with the participating administrations).
    """
    caller_copy = plan
    plan = sm.Plan.objects.select_for_update().select_related("family").get(pk=plan.pk)
    on = on or timezone.localdate()
    reason = (reason or "").strip()
    if to_status not in sm.TRANSITIONS.get(plan.status, ()):
        label = Status(to_status).label if to_status in Status.values else to_status
        raise ValidationError(
            _("A SIP cannot move from %(from)s to %(to)s.")
            % {"from": Status(plan.status).label, "to": label}
        )
    if to_status in sm.REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Give a reason for closing the plan.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if to_status == Status.AGREED:
        problems = agreement_problems(plan, on=on)
        if problems:
            raise ValidationError(problems)
        if on < plan.need_noticed_on:
            raise ValidationError(
                {"on": _("The plan cannot be agreed before the need was noticed.")}
            )
    previous = plan.status
    plan.status = to_status
    if to_status == Status.PREPARED:
        plan.prepared_on = on
    elif to_status == Status.AGREED:
        plan.agreed_on = on
        # Agreeing is the SIP meeting: keep the first one for "need noticed → first meeting".
        if plan.first_meeting_on is None:
            plan.first_meeting_on = on
    elif to_status == Status.CLOSED:
        plan.closed_on = on
        plan.close_reason = reason
    plan.version += 1
    plan.save(update_fields=["status", *_DATED, "version", "updated_at"])
    sm.PlanStatusChange.objects.create(
        plan=plan, from_status=previous, to_status=to_status, on=on, changed_by=by, reason=reason
    )
    # The caller's instance follows, so it is not left with the old status and version.
    for name in ("status", *_DATED, "next_follow_up_on", "version"):
        setattr(caller_copy, name, getattr(plan, name))
    if to_status == Status.AGREED and by is not None:
        return plan_share_with_participants(plan=plan, by=by, request=request)
    return []


@transaction.atomic
def plans_mark_follow_up_due(*, on: dt.date | None = None) -> int:
    """The daily step: plans whose follow-up date has come move to "follow-up due"."""
    on = on or timezone.localdate()
    due = sm.Plan.objects.filter(
        status__in=[Status.AGREED, Status.FOLLOWED_UP], next_follow_up_on__lte=on
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        plan = sm.Plan(pk=pk)
        plan_transition(
            plan=plan,
            to_status=Status.FOLLOW_UP_DUE,
            by=None,
            reason="the follow-up date was reached",
            on=on,
        )
        count += 1
    return count


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
    _require_open(plan)
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
    _require_open(plan)
    if participant.plan_id != plan.pk:
        raise ValidationError(_("The participant does not belong to this plan."))
    participant.delete()
    return plan_share_with_participants(plan=plan, by=by, request=request)


@transaction.atomic
def need_add(*, plan: sm.Plan, by: User, description: str) -> sm.Need:
    _require_open(plan)
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
    _require_open(plan)
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
    _require_open(plan)
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
    _require_open(plan)
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
    _require_open(plan)
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
    _require_open(plan)
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
