"""Families: registering a request, eligibility, details, the status flow, the ombud."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import models as cm
from familjelotsen import access
from familjelotsen.models import Administration, User
from familjelotsen.versioning import save_versioned

# --- Families ---------------------------------------------------------------------------------


def _next_reference(year: int) -> str:
    counter, _created = cm.ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"FL-{year}-{counter.last:04d}"


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
) -> cm.Family:
    if by.administration_id is None:
        raise ValidationError(_("Only staff of an administration can register a request."))
    if responsible_ombud is None and access.is_ombud(by):
        responsible_ombud = by
    family = cm.Family.objects.create(
        reference=_next_reference(request_date.year),
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
        family=family, from_status="", to_status=family.status, changed_by=by
    )
    family_set_eligibility(family=family, answers=eligibility or {})
    if responsible_ombud is not None:
        access.team_set_responsible(family=family, ombud=responsible_ombud, by=by)
    return family


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
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
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


def allowed_transitions(family: cm.Family) -> list[str]:
    return sorted(cm.TRANSITIONS[family.status], key=list(cm.Family.Status.values).index)


@transaction.atomic
def family_transition(
    *, family: cm.Family, to_status: str, by: User, reason: str = "", on: dt.date | None = None
) -> cm.Family:
    """Apply one step of the status flow; refuses illegal steps with a message."""
    family = cm.Family.objects.select_for_update().get(pk=family.pk)
    on = on or timezone.localdate()
    reason = (reason or "").strip()
    if to_status not in cm.TRANSITIONS.get(family.status, ()):
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
    if to_status == cm.Family.Status.ACTIVE and family.responsible_ombud_id is None:
        raise ValidationError(_("Assign a responsible family ombud before the support starts."))
    previous = family.status
    family.status = to_status
    if to_status == cm.Family.Status.ACTIVE and family.start_date is None:
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
        family=family, from_status=previous, to_status=to_status, changed_by=by, reason=reason
    )
    return family


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
