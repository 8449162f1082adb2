"""Families: registering a request, eligibility, details, the status flow, the ombud."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import models as cm
from familjelotsen import access, slots
from familjelotsen.models import Administration, Organisation, User
from familjelotsen.versioning import save_versioned

# --- Families ---------------------------------------------------------------------------------


def _next_reference(organisation: Organisation, year: int) -> str:
    """The next FL-<code>-<year>-<nnnn> of the organisation that owns the family: each
    municipality counts its own families. The counter row is locked until the transaction
    ends, so two registrations never get the same number and none is skipped."""
    counter, _created = cm.ReferenceCounter.objects.select_for_update().get_or_create(
        organisation=organisation, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"FL-{organisation.code}-{year}-{counter.last:04d}"


@transaction.atomic
def family_create_from_request(
    *,
    by: User,
    requesting_administration: Administration,
    request_date: dt.date,
    requesting_contact: str = "",
    priority: int = cm.Family.Priority.NORMAL,
    background: str = "",
    placements_at_risk_at_start: int = 0,
    eligibility: Mapping[str, tuple[str, str]] | None = None,
    responsible_ombud: User | None = None,
    kind: str = cm.WorkKind.COORDINATED_SUPPORT,
    provision: str = "",
) -> cm.Family:
    if by.administration_id is None:
        raise ValidationError(_("Only staff of an administration can register a request."))
    provision = _check_kind(kind, provision)
    if responsible_ombud is None and access.is_ombud(by):
        responsible_ombud = by
    family = cm.Family.objects.create(
        reference=_next_reference(by.administration.organisation, request_date.year),
        kind=kind,
        provision=provision,
        owner_id=by.administration_id,
        requesting_administration=requesting_administration,
        requesting_contact=requesting_contact,
        priority=priority,
        background=background,
        request_date=request_date,
        placements_at_risk_at_start=placements_at_risk_at_start,
        responsible_ombud=responsible_ombud,
    )
    cm.StatusChange.objects.create(
        family=family, from_status="", to_status=family.status, changed_by=by, kind=kind
    )
    family_set_eligibility(family=family, answers=eligibility or {})
    if responsible_ombud is not None:
        access.team_set_responsible(family=family, ombud=responsible_ombud, by=by)
    return family


def _check_kind(kind: str, provision: str) -> str:
    """The kind of work and, for network work only, how it is given (required there: it
    orders the waiting list). Coordinated support carries no provision."""
    if kind not in cm.WorkKind.values:
        raise ValidationError({"kind": _("Choose the kind of work.")})
    if kind == cm.WorkKind.COORDINATED_SUPPORT:
        return ""
    if provision not in cm.Provision.values:
        raise ValidationError(
            {"provision": _("Say whether the network work is a decided intervention or a service.")}
        )
    return provision


@transaction.atomic
def family_set_eligibility(*, family: cm.Family, answers: Mapping[str, tuple[str, str]]) -> None:
    for criterion in cm.Eligibility.Criterion.values:
        answer, note = answers.get(criterion, (cm.Eligibility.Answer.UNKNOWN, ""))
        cm.Eligibility.objects.update_or_create(
            family=family, criterion=criterion, defaults={"answer": answer, "note": note}
        )


@transaction.atomic
def family_update(*, family: cm.Family, expected_version: int, **fields) -> cm.Family:
    allowed = {
        "requesting_administration",
        "requesting_contact",
        "priority",
        "background",
        "placements_at_risk_at_start",
        "placements_happened",
        "request_date",
        "provision",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    if "provision" in fields:
        fields["provision"] = _check_kind(family.kind, fields["provision"])
    for name, value in fields.items():
        setattr(family, name, value)
    save_versioned(family, expected_version=expected_version, fields=fields)
    return family


def mandatory_criteria_missing(family: cm.Family) -> list[str]:
    confirmed = set(
        family.eligibility.filter(answer=cm.Eligibility.Answer.YES).values_list(
            "criterion", flat=True
        )
    )
    return [c for c in cm.MANDATORY_CRITERIA if c not in confirmed]


def transitions_of(family: cm.Family) -> dict[str, frozenset[str]]:
    """The status flow of the family's kind of work."""
    return cm.TRANSITIONS_BY_KIND[family.kind]


def allowed_transitions(family: cm.Family) -> list[str]:
    return sorted(
        transitions_of(family).get(family.status, ()), key=list(cm.Family.Status.values).index
    )


def age_on(member: cm.Member, on: dt.date) -> int:
    born = member.birth_date
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def in_network_ages(member: cm.Member, on: dt.date) -> bool:
    """Whether the member is of the ages network work is for (a setting per deployment)."""
    return settings.NETWORK_WORK_MIN_AGE <= age_on(member, on) <= settings.NETWORK_WORK_MAX_AGE


def network_ages_message() -> str:
    return _("Network work is for children and young people from %(min)s to %(max)s years.") % {
        "min": settings.NETWORK_WORK_MIN_AGE,
        "max": settings.NETWORK_WORK_MAX_AGE,
    }


def network_ages_missing(family: cm.Family, on: dt.date) -> bool:
    """Whether no child or young person of the family is of the ages network work is for."""
    return not any(
        in_network_ages(m, on)
        for m in family.members.filter(kind__in=[cm.Member.Kind.CHILD, cm.Member.Kind.SIBLING])
    )


@transaction.atomic
def family_transition(
    *, family: cm.Family, to_status: str, by: User, reason: str = "", on: dt.date | None = None
) -> cm.Family:
    """Apply one step of the status flow; refuses illegal steps with a message."""
    family = cm.Family.objects.select_for_update().get(pk=family.pk)
    on = on or timezone.localdate()
    reason = (reason or "").strip()
    if to_status not in transitions_of(family).get(family.status, ()):
        raise ValidationError(
            _("A family cannot move from %(from)s to %(to)s.")
            % {
                "from": cm.Family.Status(family.status).label,
                "to": cm.Family.Status(to_status).label
                if to_status in cm.Family.Status.values
                else to_status,
            }
        )
    if to_status in cm.REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Give a reason for this change.")})
    if family.status == cm.Family.Status.REQUEST and to_status == cm.Family.Status.ASSESSMENT:
        missing = mandatory_criteria_missing(family)
        if missing:
            raise ValidationError(
                _(
                    "The three mandatory criteria must be confirmed before the request can move "
                    "on. Not confirmed: %(list)s."
                )
                % {"list": "; ".join(str(cm.Eligibility.Criterion(c).label) for c in missing)}
            )
    starts = to_status in (cm.Family.Status.ACTIVE, cm.Family.Status.PRE_MEETING)
    if starts and family.responsible_ombud_id is None:
        raise ValidationError(_("Assign a responsible family ombud before the support starts."))
    if to_status == cm.Family.Status.PRE_MEETING and network_ages_missing(family, on):
        register = _("Register the child or young person before the network work starts.")
        raise ValidationError(f"{network_ages_message()} {register}")
    previous = family.status
    family.status = to_status
    if starts and family.start_date is None:
        family.start_date = max(on, family.request_date)
    if to_status == cm.Family.Status.PHASING_OUT:
        family.phase_out_date = on
    if to_status in cm.CLOSED_STATUSES:
        family.end_date = on
        family.end_reason = reason
    family.version += 1
    family.save(
        update_fields=[
            "status",
            "start_date",
            "phase_out_date",
            "end_date",
            "end_reason",
            "version",
            "updated_at",
        ]
    )
    cm.StatusChange.objects.create(
        family=family,
        from_status=previous,
        to_status=to_status,
        changed_by=by,
        reason=reason,
        kind=family.kind,
    )
    if to_status in cm.CLOSED_STATUSES:
        # What the apps above keep running for the family ends with it (network work only:
        # its network processes), through the slot they registered.
        slots.gather(slots.FAMILY_ENDED, family=family, by=by, reason=reason, on=on)
    return family


@transaction.atomic
def family_move_to_coordinated_support(
    *, family: cm.Family, by: User, reason: str = ""
) -> cm.Family:
    """A family in network work only moves into coordinated support. Nothing is entered again:
    members, consents, the network process (it goes on) and the journal stay. The family
    comes back as a request of coordinated support, so the criteria checklist applies before
    the assessment starts; the ombud and the priority stay. The status history records the
    move, who made it and when."""
    family = cm.Family.objects.select_for_update().get(pk=family.pk)
    if family.kind != cm.WorkKind.NETWORK_WORK:
        raise ValidationError(_("The family already has coordinated support."))
    if family.status not in cm.MOVES_TO_COORDINATED_SUPPORT:
        raise ValidationError(
            _("A family whose network work is over cannot move into coordinated support.")
        )
    previous = family.status
    family.kind = cm.WorkKind.COORDINATED_SUPPORT
    family.provision = ""
    family.status = cm.Family.Status.REQUEST
    # Coordinated support starts when it becomes active; the network work's start is kept
    # in the status history and on the network process.
    family.start_date = None
    family.version += 1
    family.save(
        update_fields=["kind", "provision", "status", "start_date", "version", "updated_at"]
    )
    cm.StatusChange.objects.create(
        family=family,
        from_status=previous,
        to_status=family.status,
        changed_by=by,
        reason=(reason or "").strip(),
        kind=family.kind,
    )
    return family


@transaction.atomic
def family_follow_network_stage(
    *, family: cm.Family, to_status: str, by: User, on: dt.date
) -> bool:
    """A network-only family follows its network process: a recorded pre-meeting, network
    meeting or follow-up moves the family to that stage when its flow allows the step (a
    meeting recorded again, or out of order, leaves the status as it is). Returns whether
    the family moved."""
    family = cm.Family.objects.select_for_update().get(pk=family.pk)
    if family.kind != cm.WorkKind.NETWORK_WORK or family.status == to_status:
        return False
    flow = list(cm.NETWORK_TRANSITIONS)
    if to_status not in cm.NETWORK_TRANSITIONS[family.status] or (
        # Forward only, except a further network meeting after a follow-up.
        flow.index(to_status) < flow.index(family.status)
        and to_status != cm.Family.Status.NETWORK_MEETING
    ):
        return False
    try:
        family_transition(family=family, to_status=to_status, by=by, on=on)
    except ValidationError:
        # Taking the family in needs what the team lead decides (the ombud, the ages): the
        # meeting is recorded all the same and the family waits for the step by hand.
        return False
    return True


@transaction.atomic
def family_assign_ombud(*, family: cm.Family, ombud: User, by: User) -> cm.Family:
    if not access.is_ombud(ombud):
        raise ValidationError({"ombud": _("Choose an active family ombud.")})
    family.responsible_ombud = ombud
    family.version += 1
    family.save(update_fields=["responsible_ombud", "version", "updated_at"])
    access.team_set_responsible(family=family, ombud=ombud, by=by)
    return family


@transaction.atomic
def family_hand_over(*, by: User, from_ombud: User, to_ombud: User) -> list[cm.Family]:
    """The team lead hands every family an ombud holds to another ombud of the same
    administration (before the first ombud leaves or moves). The new ombud becomes
    responsible and joins the case team; the departing one leaves it. Each family is changed
    with its version bumped, so an open edit of it is shown as a conflict, not overwritten."""
    if not access.may_hand_over(by, from_ombud):
        raise PermissionDenied(_("Only the team lead of the ombud's administration hands over."))
    if to_ombud.pk == from_ombud.pk:
        raise ValidationError({"to_ombud": _("Choose another family ombud than the one leaving.")})
    if not access.is_ombud(to_ombud) or to_ombud.administration_id != by.administration_id:
        raise ValidationError(
            {"to_ombud": _("Choose an active family ombud of your own administration.")}
        )
    families = list(access.held_families(from_ombud).select_for_update().order_by("reference"))
    for family in families:
        family_assign_ombud(family=family, ombud=to_ombud, by=by)
        cm.CaseTeamMember.objects.filter(family=family, user=from_ombud).delete()
    return families
