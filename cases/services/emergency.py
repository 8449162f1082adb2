"""Emergency access (break-the-glass, issue 21 part 3): opening a family in an emergency,
ending it early, and the owning team lead's review. Who may do each is asked of
familjelotsen.access; what the access opens is decided there too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import models as cm
from familjelotsen import access
from familjelotsen.audit import Action, log_access
from familjelotsen.models import User

EmergencyAccess = cm.EmergencyAccess
Review = EmergencyAccess.Review


@dataclass
class EmergencyOutcome:
    """What became of a request: the accesses opened, or the families the user already sees
    (no access opened), or neither (no family has a child with that number)."""

    opened: list = field(default_factory=list)
    already_seen: list = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.opened or self.already_seen)


def _validate(reason: str, days: int) -> str:
    reason = (reason or "").strip()
    errors = {}
    if len(reason) < cm.EMERGENCY_REASON_MIN_LENGTH:
        errors["reason"] = _(
            "Describe the emergency and why you need the records now (at least %(n)s characters)."
        ) % {"n": cm.EMERGENCY_REASON_MIN_LENGTH}
    if not isinstance(days, int) or not 1 <= days <= cm.EMERGENCY_MAX_DAYS:
        errors["days"] = _("Emergency access lasts from 1 to %(n)s days.") % {
            "n": cm.EMERGENCY_MAX_DAYS
        }
    if errors:
        raise ValidationError(errors)
    return reason


@transaction.atomic
def emergency_access_request(
    *, user: User, personal_number: str, reason: str, days: int, request=None
) -> EmergencyOutcome:
    """Open, for `user` alone, every family with a child of this personnummer (12 digits) that
    they do not already see, for `days` (1-7) from now. The request is logged either way
    (ids only): the accesses opened, or an attempt that found nothing."""
    if not access.requests_emergency_access(user):
        raise PermissionDenied
    reason = _validate(reason, days)
    targets = access.emergency_targets(user, personal_number)
    basis = access.emergency_log_basis()
    outcome = EmergencyOutcome(already_seen=targets.seen)
    if not targets.seen and not targets.unseen:
        # Nothing found: the attempt is still on record, without the number.
        log_access(
            user=user,
            action=Action.VIEW,
            basis=basis,
            object_type=EmergencyAccess._meta.label_lower,
            request=request,
        )
        return outcome
    now = timezone.now()
    for family in targets.unseen:
        opened = EmergencyAccess.objects.create(
            user=user,
            administration_id=user.administration_id,
            family=family,
            reason=reason,
            days=days,
            starts_at=now,
            ends_at=now + dt.timedelta(days=days),
        )
        log_access(user=user, action=Action.CREATE, obj=opened, basis=basis, request=request)
        outcome.opened.append(opened)
    return outcome


@transaction.atomic
def emergency_access_end(*, emergency: EmergencyAccess, by: User, request=None) -> None:
    """The user ends their own emergency access before its time."""
    if emergency.user_id != by.pk:
        raise PermissionDenied
    now = timezone.now()
    if emergency.ends_at <= now:
        return
    emergency.ends_at = max(now, emergency.starts_at)
    emergency.ended_early = True
    emergency.save(update_fields=["ends_at", "ended_early", "updated_at"])
    log_access(
        user=by,
        action=Action.CHANGE,
        obj=emergency,
        basis=access.emergency_log_basis(),
        request=request,
    )


@transaction.atomic
def emergency_access_review(
    *, emergency: EmergencyAccess, by: User, decision: str, note: str, request=None
) -> EmergencyAccess:
    """The owning team lead's review: accepted, or reported as unjustified (with a note). A
    reported access that still runs ends at once. A review is final."""
    reviewable = access.emergency_reviews(by).filter(pk=emergency.pk).first()
    if reviewable is None:
        raise PermissionDenied
    emergency = EmergencyAccess.objects.select_for_update().get(pk=emergency.pk)
    if emergency.review != Review.PENDING:
        raise ValidationError(_("This emergency access has already been reviewed."))
    note = (note or "").strip()
    if decision not in (Review.ACCEPTED, Review.REPORTED):
        raise ValidationError({"decision": _("Choose accepted or reported.")})
    if decision == Review.REPORTED and not note:
        raise ValidationError({"note": _("Say why the emergency access is reported.")})
    now = timezone.now()
    emergency.review = decision
    emergency.reviewed_by = by
    emergency.reviewed_at = now
    emergency.review_note = note
    fields = ["review", "reviewed_by", "reviewed_at", "review_note", "updated_at"]
    if decision == Review.REPORTED and emergency.ends_at > now:
        emergency.ends_at = max(now, emergency.starts_at)
        emergency.ended_early = True
        fields += ["ends_at", "ended_early"]
    emergency.save(update_fields=fields)
    log_access(
        user=by,
        action=Action.CHANGE,
        obj=emergency,
        basis=reviewable.access_basis,
        request=request,
    )
    return emergency
