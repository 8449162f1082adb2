"""The plan itself: creation, editing, the agreement checklist and the status flow."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Family, Member
from consent.models import Consent
from familjelotsen import access
from familjelotsen.models import Administration, User
from familjelotsen.versioning import save_versioned
from sip import models as sm
from sip.services.common import (
    participating_administrations,
    plan_share_with_participants,
    require_open,
    require_staff,
)

Status = sm.Plan.Status


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
    require_staff(by)
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
    require_open(plan)
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
