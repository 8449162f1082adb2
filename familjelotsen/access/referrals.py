"""Requests to the team from school and social services (issue 20 part 2).

Who reads a request, and on what basis (each read is one access-log row):

- the referrer who wrote it (REFERRER), at every status: their own document and its status,
  and the reason when the team declined it;
- a team lead of the team's administration (TEAM_LEAD), once it is sent;
- the team's school-responsible member (SCHOOL_CONTACT, set by the team lead), once a request
  from a school is sent (seed 004, "Kontakt med skolan").

A draft is the referrer's alone. The referrer changes a request until the team decided; the
team lead and the school-responsible member decide a sent one. Nothing here opens the case: an
accepted request makes a family whose records reach the referrer's administration only through
the consents made from the attached form (`grants.family_derive`), like any other consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.db import models
from django.db.models import Case, Q, QuerySet, Value, When
from django.http import Http404

from familjelotsen.access.policy import NotForRole, ShortOfNeed, is_team_lead, sees_cases
from familjelotsen.audit import log_read
from familjelotsen.models import AccessLogEntry, Administration, User
from referrals.models import Referral, SchoolContact

Basis = AccessLogEntry.Basis
Role = User.Role
Status = Referral.Status

REFERRAL_ROLES = (Role.REFERRER,)  # the role gate of "My requests"


def files_referrals(user) -> bool:
    """The user writes requests to the team (a rektor, a pupil-health team, a case officer)."""
    return sees_cases(user) and user.role == Role.REFERRER


def is_school_contact(user) -> bool:
    return (
        sees_cases(user)
        and user.role == Role.FAMILY_OMBUD
        and SchoolContact.objects.filter(member_id=user.pk, team_id=user.administration_id).exists()
    )


def receives_referrals(user) -> bool:
    """The user decides requests sent to their team: its team lead, its school-responsible
    member."""
    return is_team_lead(user) or is_school_contact(user)


def referral_teams() -> QuerySet:
    """The administrations a request can go to: those with an active team lead."""
    leads = User.objects.filter(role=Role.TEAM_LEAD, is_active=True).values("administration_id")
    return Administration.objects.filter(pk__in=leads).order_by("name")


def visible_referrals(user) -> QuerySet:
    """Every request the user may read, annotated with `access_basis`."""
    if not sees_cases(user):
        return Referral.objects.none()
    own = Q(referrer_id=user.pk)
    whens = [When(own, then=Value(Basis.REFERRER))]
    condition = own
    sent = ~Q(status=Status.DRAFT)
    if is_team_lead(user):
        lead = sent & Q(team_id=user.administration_id)
        whens.append(When(lead, then=Value(Basis.TEAM_LEAD)))
        condition |= lead
    if is_school_contact(user):
        contact = sent & Q(
            team_id=user.administration_id, administration__kind=Administration.Kind.SCHOOL
        )
        whens.append(When(contact, then=Value(Basis.SCHOOL_CONTACT)))
        condition |= contact
    return Referral.objects.filter(condition).annotate(
        access_basis=Case(*whens, default=Value(None), output_field=models.CharField())
    )


def waiting_referrals(user) -> QuerySet:
    """Sent requests waiting for the user's decision (none for anyone who decides none)."""
    if not receives_referrals(user):
        return Referral.objects.none()
    return visible_referrals(user).filter(status=Status.SENT).exclude(referrer_id=user.pk)


@dataclass(frozen=True)
class ReferralPermissions:
    basis: str | None = None
    see: bool = False
    edit: bool = False  # the referrer changes (and sends) it until the team decided
    decide: bool = False  # accept or decline a sent request
    withdraw: bool = False  # the referrer takes a sent one back until the team decided


def referral_permissions(referral: Referral) -> ReferralPermissions:
    basis = getattr(referral, "access_basis", None)
    if basis is None:
        return ReferralPermissions()
    if basis == Basis.REFERRER:
        return ReferralPermissions(
            basis, True, referral.is_open, False, withdraw=referral.status == Status.SENT
        )
    return ReferralPermissions(basis, True, False, referral.status == Status.SENT)


def get_referral_for_user(request, pk, *, need: str = "see", log: bool = True) -> Referral:
    """The request with `.can` set; 404 when the user may not read it, 403 when they read it
    but may not `need` ("see", "edit", "decide" or "withdraw"). A GET writes the one
    access-log row."""
    try:
        referral = (
            visible_referrals(request.user)
            .select_related("referrer", "administration", "team", "decided_by", "family")
            .get(pk=pk)
        )
    except (Referral.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    referral.can = referral_permissions(referral)
    if not getattr(referral.can, need):
        raise ShortOfNeed
    if log and request.method in ("GET", "HEAD"):
        log_read(request, referral)
    return referral


def sets_school_contact(user) -> bool:
    """The team lead names the team's school-responsible member."""
    return is_team_lead(user)


def school_contact_candidates(user) -> QuerySet:
    """Active family ombud of the team lead's administration."""
    if not sets_school_contact(user):
        return User.objects.none()
    return User.objects.filter(
        role=Role.FAMILY_OMBUD, is_active=True, administration_id=user.administration_id
    ).order_by("first_name", "last_name")


def require_referrer(view):
    """The referrer's pages: others get 403 (a role gate, no record is decided here)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not files_referrals(request.user):
            raise NotForRole
        return view(request, *args, **kwargs)

    return wrapped


def require_receiver(view):
    """The incoming requests: the team lead and the school-responsible member."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not receives_referrals(request.user):
            raise NotForRole
        return view(request, *args, **kwargs)

    return wrapped
