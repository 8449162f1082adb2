"""The case team: need to know inside the owning administration (SPEC §3.2).

Only staff of the administration that owns the family, in a case role, can be on its case
team. Staff of another administration reach a family only through shares that a consent
covers; staff who work in the team but are employed elsewhere (seed 004's mixed team) are
users of the operation they work in, and are created there.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cases import models as cm
from familjelotsen.access.policy import CASE_TEAM_ROLES
from familjelotsen.models import User


def ombuds(administration_id: int | None = None) -> QuerySet:
    """Active family ombud, of one administration when given: who may be made responsible
    for a family (of that administration; `team_set_responsible` refuses anyone else)."""
    qs = User.objects.filter(role=User.Role.FAMILY_OMBUD, is_active=True)
    if administration_id is not None:
        qs = qs.filter(administration_id=administration_id)
    return qs


def is_ombud(user) -> bool:
    """An active family ombud: a request they register is theirs to hold."""
    return bool(user.is_active and user.role == User.Role.FAMILY_OMBUD)


def team_candidates(family: cm.Family) -> QuerySet:
    """Who may be added to the family's case team."""
    return User.objects.filter(
        administration_id=family.owner_id, role__in=CASE_TEAM_ROLES, is_active=True
    )


def team_refusal(family: cm.Family, user: User) -> str | None:
    """Why the user cannot join the case team, in words for the person adding them."""
    if user.administration_id != family.owner_id:
        return _(
            "Only staff of the administration that holds the case can be on its case team. "
            "Staff of another administration see the family only when a valid consent covers "
            "sharing with their administration: register the consent and share the records "
            "they need."
        )
    if user.role not in CASE_TEAM_ROLES or not user.is_active:
        return _("Only active staff in a case role can be on a case team.")
    return None


@transaction.atomic
def team_add(
    *, family: cm.Family, user: User, added_by: User, role: str = cm.CaseTeamMember.Role.OMBUD
) -> cm.CaseTeamMember:
    refusal = team_refusal(family, user)
    if refusal:
        raise ValidationError({"user": refusal})
    member, _created = cm.CaseTeamMember.objects.get_or_create(
        family=family, user=user, defaults={"role": role, "added_by": added_by}
    )
    return member


@transaction.atomic
def team_remove(*, family: cm.Family, user: User) -> None:
    if family.responsible_ombud_id == user.pk:
        raise PermissionDenied(_("The responsible family ombud stays on the case team."))
    cm.CaseTeamMember.objects.filter(family=family, user=user).delete()


@transaction.atomic
def team_set_responsible(*, family: cm.Family, ombud: User, by: User) -> None:
    """The responsible ombud is always on the case team (and only one is responsible)."""
    refusal = team_refusal(family, ombud)
    if refusal:
        raise ValidationError({"ombud": refusal})
    cm.CaseTeamMember.objects.filter(
        family=family, role=cm.CaseTeamMember.Role.RESPONSIBLE_OMBUD
    ).exclude(user=ombud).update(role=cm.CaseTeamMember.Role.OMBUD)
    row, created = cm.CaseTeamMember.objects.get_or_create(
        family=family,
        user=ombud,
        defaults={"role": cm.CaseTeamMember.Role.RESPONSIBLE_OMBUD, "added_by": by},
    )
    if not created and row.role != cm.CaseTeamMember.Role.RESPONSIBLE_OMBUD:
        row.role = cm.CaseTeamMember.Role.RESPONSIBLE_OMBUD
        row.save(update_fields=["role", "updated_at"])


@transaction.atomic
def team_leave_other_administrations(user: User) -> int:
    """A user who moved to another administration leaves the case teams of their former one:
    the case team is drawn from the owning administration only. (Responsible ombud are
    handed over first: `staff.hand_over_refusal`.)"""
    deleted, _rows = (
        cm.CaseTeamMember.objects.filter(user=user)
        .exclude(family__owner_id=user.administration_id)
        .delete()
    )
    return deleted
