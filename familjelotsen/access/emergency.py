"""Emergency access (break-the-glass, issue 21 part 3): who may open a family not shared with
them, what it opens, who is told and who reviews it.

- Who asks: case-working staff (family ombud, team lead, school coordinator, coordinator,
  referrer: the roles a share reaches), never the project leader or the system administrator.
  A family the user already sees is not opened again.
- What it opens (in `policy.visible` and `policy.with_basis`): for the user alone, until the
  access ends, every record of the family that the team lead of its owning administration
  sees (the family, its members, journal, goals, assessments, obstacles, pupil support,
  reports of concern, consents, SIP plans and network processes), to read only: no
  documenting, signing, changing, sharing or running the case. Protected identity (skyddad
  identitet) stays masked, as it is for everyone outside the case team. Every read is logged
  with the basis EMERGENCY.
- Who is told: the case team and the team leads of the owning administration get an e-mail at
  once (`told_of_emergency`: the reference code, who and until when; never the reason), and
  see a notice on the family page (who, when, until when) and in their daily digest while
  the access runs and until it is reviewed.
- Who reviews: a team lead of the administration that owns the family, never the one who
  opened it: accepted, or reported as unjustified.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from cases import models as cm
from familjelotsen.access.policy import (
    Basis,
    NotForRole,
    Role,
    family_permissions,
    is_team_lead,
    receives_shares,
    sees_cases,
    team_family_ids,
    visible,
    with_basis,
)
from familjelotsen.audit import log_read
from familjelotsen.models import User

EmergencyAccess = cm.EmergencyAccess


def requests_emergency_access(user) -> bool:
    """The user may open a family in an emergency: case-working staff only."""
    return receives_shares(user)


def require_emergency_requester(view):
    """The emergency access page is for case-working staff; others get the role's 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not requests_emergency_access(request.user):
            raise NotForRole
        return view(request, *args, **kwargs)

    return wrapped


def emergency_log_basis() -> str:
    """The basis of what is logged about an emergency access (the request, its end)."""
    return Basis.EMERGENCY


@dataclass(frozen=True)
class EmergencyTargets:
    """The families a child's personnummer leads to, split by whether the user sees them."""

    seen: list
    unseen: list


def emergency_targets(user, personal_number: str) -> EmergencyTargets:
    """The families (not anonymised) with a child of this personnummer (12 digits): those the
    user already sees (annotated with their basis, for the log) and those they do not."""
    matching = cm.Family.objects.filter(
        anonymised_at__isnull=True,
        members__kind=cm.Member.Kind.CHILD,
        members__personal_number=personal_number,
    ).distinct()
    ids = list(matching.order_by("pk").values_list("pk", flat=True))
    seen = list(with_basis(user, visible(user, cm.Family)).filter(pk__in=ids).order_by("pk"))
    seen_ids = {f.pk for f in seen}
    unseen = list(cm.Family.objects.filter(pk__in=[i for i in ids if i not in seen_ids]))
    return EmergencyTargets(seen=seen, unseen=sorted(unseen, key=lambda f: f.pk))


def _active_q(at=None) -> Q:
    at = at or timezone.now()
    return Q(starts_at__lte=at, ends_at__gt=at)


def own_emergency_accesses(user) -> QuerySet:
    """The user's own emergency accesses, newest first (their page lists them)."""
    return (
        EmergencyAccess.objects.filter(user_id=user.pk)
        .select_related("family", "reviewed_by")
        .annotate(access_basis=Value(Basis.EMERGENCY))
        .order_by("-starts_at", "-id")
    )


def get_own_emergency_access(request, pk):
    """The user's own emergency access that still runs (to end it early); 404 otherwise."""
    try:
        return own_emergency_accesses(request.user).filter(_active_q()).get(pk=pk)
    except (EmergencyAccess.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def reviews_emergency_accesses(user) -> bool:
    """The user has a review list: a team lead."""
    return is_team_lead(user)


def emergency_reviews(user) -> QuerySet:
    """The emergency accesses the user reviews: to the families of their administration, by
    someone else; not reviewed first. Annotated with the basis of reading them."""
    if not reviews_emergency_accesses(user):
        return EmergencyAccess.objects.none()
    return (
        EmergencyAccess.objects.filter(family__owner_id=user.administration_id)
        .exclude(user_id=user.pk)
        .select_related("family", "user", "administration", "reviewed_by")
        .annotate(access_basis=Value(Basis.TEAM_LEAD))
        .order_by("-starts_at", "-id")
    )


def unreviewed_emergency_accesses(user) -> QuerySet:
    """Those still waiting for the user's review (running or ended): the team lead's start
    page lists them."""
    return emergency_reviews(user).filter(review=EmergencyAccess.Review.PENDING)


def get_emergency_access_for_review(request, pk, *, log=True):
    """One emergency access for its review: a team lead of the owning administration only
    (404 for everyone else, the one who opened it included). A GET logs the read."""
    try:
        obj = emergency_reviews(request.user).get(pk=pk)
    except (EmergencyAccess.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if log and request.method in ("GET", "HEAD"):
        log_read(request, obj)
    return obj


def emergency_notices(user, family) -> list:
    """What the family page tells the case team and the owning team lead: the emergency
    accesses that run now or wait for review (who, when, until when). Nobody else sees them."""
    return family_page_emergency(user, family)["notices"]


def family_page_emergency(user, family) -> dict:
    """The family page's part in one query: the notices (as `emergency_notices`, each marked
    `reviewable` when the user is the owning team lead who reviews it) and the user's own
    running access to the family (`own`, as `emergency_of_family`)."""
    oversee = family_permissions(user, family).oversee
    now = timezone.now()
    wanted = Q(user_id=user.pk) & _active_q(now)
    if oversee:
        wanted |= _active_q(now) | Q(review=EmergencyAccess.Review.PENDING)
    rows = list(
        EmergencyAccess.objects.filter(family_id=family.pk)
        .filter(wanted)
        .select_related("user", "administration")
        .order_by("-starts_at", "-id")
    )
    reviews = reviews_emergency_accesses(user) and family.owner_id == user.administration_id
    notices = rows if oversee else []
    for row in notices:
        row.reviewable = reviews and row.user_id != user.pk
    own = [r for r in rows if r.user_id == user.pk and r.starts_at <= now < r.ends_at]
    return {"notices": notices, "own": max(own, key=lambda r: r.ends_at) if own else None}


def told_of_emergency(emergency) -> QuerySet:
    """Who is told at once that an emergency access was opened: those its notice reaches
    (`emergency_notices_for`), that is the family's case team and the team leads of the
    administration that owns the family, active staff of an administration; never the one
    who opened it."""
    family = emergency.family
    return (
        User.objects.filter(is_active=True, administration__isnull=False)
        .exclude(role=Role.SYSTEM_ADMIN)
        .filter(
            Q(case_teams__family_id=family.pk)
            | Q(role=Role.TEAM_LEAD, administration_id=family.owner_id)
        )
        .exclude(pk=emergency.user_id)
        .distinct()
        .order_by("pk")
    )


def emergency_notices_for(user) -> QuerySet:
    """Every emergency access the user is told of (the daily digest): to the families on
    their case teams and, for a team lead, the families their administration owns; running or
    waiting for review. Annotated with the basis the user reads them on."""
    if not sees_cases(user):
        return EmergencyAccess.objects.none()
    reach = Q(family_id__in=team_family_ids(user))
    if is_team_lead(user):
        reach |= Q(family__owner_id=user.administration_id)
    on_team = Exists(
        cm.CaseTeamMember.objects.filter(user_id=user.pk, family_id=OuterRef("family_id"))
    )
    return (
        EmergencyAccess.objects.filter(reach)
        .filter(_active_q() | Q(review=EmergencyAccess.Review.PENDING))
        .exclude(user_id=user.pk)
        .select_related("family", "user", "administration")
        .annotate(
            access_basis=Case(
                When(on_team, then=Value(Basis.CASE_TEAM)),
                default=Value(Basis.TEAM_LEAD),
                output_field=CharField(),
            )
        )
        .order_by("-starts_at", "-id")
    )
