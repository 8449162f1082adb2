"""The system administrator and the staff accounts (SPEC §1, §3.6): who runs the
administration area, what they may change about a staff account, and when an ombud's families
must first be handed over.

The system administrator manages staff, administrations and reference data, and sees no case:
`policy.sees_cases` is false for the role, so every visibility selector gives them nothing.
Here are the decisions of the administration area; views and services ask these, never the
role.
"""

from __future__ import annotations

from functools import wraps

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import models as cm
from familjelotsen.access.policy import NotForRole, is_team_lead
from familjelotsen.models import AccessLogEntry, User

Role = User.Role

# A family the responsible ombud still holds: every status but the three that end a case.
HELD_STATUSES = (
    cm.Family.Status.REQUEST,
    cm.Family.Status.ASSESSMENT,
    cm.Family.Status.ACTIVE,
    cm.Family.Status.PHASING_OUT,
    cm.Family.Status.PRE_MEETING,
    cm.Family.Status.NETWORK_MEETING,
    cm.Family.Status.FOLLOW_UP,
)


def administers(user) -> bool:
    """The user runs the administration area (staff, administrations, reference data)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role == Role.SYSTEM_ADMIN
    )


def require_administrator(view):
    """The administration area's pages: the system administrator only, 403 for anyone else."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not administers(request.user):
            raise NotForRole
        return view(request, *args, **kwargs)

    return wrapped


def staff_flag(role: str) -> bool:
    """Django's `is_staff`: the system administrator only (it opens the health details)."""
    return role == Role.SYSTEM_ADMIN


def needs_administration(role: str) -> bool:
    """Everyone but the system administrator works for an administration."""
    return role != Role.SYSTEM_ADMIN


def has_report_scope(role: str) -> bool:
    """Only a project leader is given organisations to report on (a team lead reports on
    their own administration's organisation; see `report_scope`)."""
    return role == Role.PROJECT_LEADER


def granted_by_identity_provider(role: str) -> bool:
    """A role an organisation's identity provider may give through its claims (single
    sign-on): every staff role but the system administrator's, which stays a local account
    given by another system administrator."""
    return role in Role.values and role != Role.SYSTEM_ADMIN


def administration_log_basis() -> str:
    """The basis of the system administrator's reads of staff accounts in the access log."""
    return AccessLogEntry.Basis.ADMINISTRATION


# --- Changes of a staff account ----------------------------------------------------------------


def held_families(user) -> QuerySet:
    """The families the user is responsible for and that are not over (ids only are read by
    the administration area: the count, never the families themselves)."""
    return cm.Family.objects.filter(responsible_ombud_id=user.pk, status__in=HELD_STATUSES)


def hand_over_refusal(user) -> str | None:
    """Why the account cannot be deactivated or moved yet: an ombud's families go to another
    ombud first, picked by the team lead of the ombud's administration."""
    count = held_families(user).count()
    if not count:
        return None
    return ngettext(
        "%(name)s is responsible for %(count)s family. The team lead of %(administration)s "
        "must hand it over to another family ombud first (Waiting list → Hand over families), "
        "then the account can be changed.",
        "%(name)s is responsible for %(count)s families. The team lead of %(administration)s "
        "must hand them over to another family ombud first (Waiting list → Hand over families), "
        "then the account can be changed.",
        count,
    ) % {
        "name": user.get_full_name() or user.username,
        "count": count,
        "administration": user.administration or "–",
    }


def self_change_refusal(actor, user, *, role: str, administration_id: int | None) -> str | None:
    """The system administrator does not change their own role or administration: that would
    give them a case role (and so cases) by their own hand."""
    if actor.pk != user.pk:
        return None
    if role != user.role or administration_id != user.administration_id:
        return _(
            "You cannot change your own role or administration. Another system administrator "
            "must do it, so that nobody gives themselves access to cases."
        )
    return None


def self_deactivation_refusal(actor, user) -> str | None:
    if actor.pk == user.pk:
        return _("You cannot deactivate your own account.")
    return None


def staff_change_refusal(actor, user, *, role: str, administration_id: int | None) -> str | None:
    """Why this change of role or administration is refused, or None."""
    refusal = self_change_refusal(actor, user, role=role, administration_id=administration_id)
    if refusal:
        return refusal
    moves = role != user.role or administration_id != user.administration_id
    if moves and user.pk is not None:
        return hand_over_refusal(user)
    return None


def deactivation_refusal(actor, user) -> str | None:
    return self_deactivation_refusal(actor, user) or hand_over_refusal(user)


# --- The hand-over of an ombud's families (the team lead's) -----------------------------------


def may_hand_over(lead, ombud) -> bool:
    """A team lead hands over the families of an ombud of their own administration."""
    return bool(
        is_team_lead(lead)
        and ombud.administration_id is not None
        and ombud.administration_id == lead.administration_id
        and ombud.pk != lead.pk
    )


def hand_over_sources(lead) -> QuerySet:
    """Staff of the lead's administration who are responsible for families not over."""
    if not is_team_lead(lead):
        return User.objects.none()
    return User.objects.filter(
        administration_id=lead.administration_id,
        pk__in=cm.Family.objects.filter(status__in=HELD_STATUSES).values("responsible_ombud_id"),
    ).exclude(pk=lead.pk)
