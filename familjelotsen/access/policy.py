"""Who may do what with a record: the vocabulary of needs and the selectors that answer it.

The bases (why a user reaches a record), strongest first:

- CASE_TEAM: the user is on the family's case team (drawn from the owning administration).
- TEAM_LEAD: the user is a team lead of the administration that owns the family.
- DUTY: the user reported concern about a child and keeps sight of that report.
- SHARE: the record is shared with the user's administration under a valid consent, and the
  user is case-working staff there (never the project leader or the system administrator).
- EMERGENCY: the user, case-working staff, opened the family for themselves in an emergency
  (break-the-glass, `access.emergency`) and the access has not ended: every record of the
  family the team lead of its owner sees, for SEE only (no documenting, signing or changing;
  protected identity stays masked). A record also shared with the user keeps the basis SHARE.

The needs a view asks for, and which bases meet them:

- SEE       read the record: every basis above.
- OVERSEE   run the case around the record (visits, case team, time, SMS, consents):
            CASE_TEAM or TEAM_LEAD.
- DOCUMENT  write the case's records (journal, goals, members, plans): CASE_TEAM.
- CHANGE    change this one record: DOCUMENT, plus the narrow grants: the team lead on the
            family itself (prioritise, assign, move), the reporter on their report, a receiving
            administration on a record shared with it for change (pupil support with school).

Protected identity (names, personnummer, address of a member with skyddad identitet) is
shown to the case team only, in pages, exports and prints alike.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Case, Exists, Lookup, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils import timezone

from cases import models as cm
from consent.models import Share
from familjelotsen.access.registry import REGISTRY
from familjelotsen.audit import log_read
from familjelotsen.models import AccessLogEntry, Administration, User

Basis = AccessLogEntry.Basis
Role = User.Role


class Need(enum.StrEnum):
    SEE = "see"
    OVERSEE = "oversee"
    DOCUMENT = "document"
    CHANGE = "change"


# Staff who work with cases in their administration: the ones a share reaches. The referrer
# (a rektor, a social-services case officer) works with the family in their own administration:
# what a consent shares with it reaches them as it reaches their colleagues, and nothing more.
CASE_WORKING_ROLES = frozenset(
    {Role.FAMILY_OMBUD, Role.TEAM_LEAD, Role.SCHOOL_COORDINATOR, Role.COORDINATOR, Role.REFERRER}
)
# Roles that may sit on a case team of their own administration's family. The project leader
# is there only when added on purpose, as a case worker.
CASE_TEAM_ROLES = frozenset(
    {Role.FAMILY_OMBUD, Role.TEAM_LEAD, Role.COORDINATOR, Role.PROJECT_LEADER}
)
# Every role that has a page about cases (the role gate of home pages, not an access rule).
CASE_ROLES = frozenset(
    {
        Role.FAMILY_OMBUD,
        Role.TEAM_LEAD,
        Role.SCHOOL_COORDINATOR,
        Role.COORDINATOR,
        Role.PROJECT_LEADER,
        Role.REFERRER,
    }
)


# --- Who the user is --------------------------------------------------------------------------


class ShortOfNeed(PermissionDenied):
    """The user sees the record but may not do this with it (the 403 page says so)."""


class NotForRole(PermissionDenied):
    """A page meant for other roles (a role's home page): the 403 page says that, and nothing
    about any record."""


def sees_cases(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.administration_id is not None
        and user.role != Role.SYSTEM_ADMIN
    )


def is_team_lead(user) -> bool:
    return sees_cases(user) and user.role == Role.TEAM_LEAD


def receives_shares(user) -> bool:
    return sees_cases(user) and user.role in CASE_WORKING_ROLES


def leads(user, family) -> bool:
    """The user is a team lead of the administration that owns the family."""
    return is_team_lead(user) and family.owner_id == user.administration_id


def _group_id(user) -> int | Subquery:
    """The permission group of the user's administration: the value when the request loaded
    the administration with the user (it does, `two_factor.AuthenticationBackend`), a
    subquery otherwise."""
    if User.administration.is_cached(user) and user.administration is not None:
        return user.administration.group_id
    return Subquery(
        Administration.objects.filter(pk=user.administration_id).order_by().values("group_id")
    )


@models.Field.register_lookup
class InArray(Lookup):
    """`column = ANY(ARRAY(subquery))`: the visibility filter's form.

    `a IN (subquery) OR b IN (subquery)` leaves PostgreSQL one plan: read every row of the
    table and test both hashed subqueries (the whole pupil-support table for a pupil list of
    twenty). With each arm as `= ANY(ARRAY(...))` the subqueries run first, once, and each arm
    becomes an index condition: a BitmapOr of two index scans over the rows the user reaches.
    Unlike a UNION of ids it still applies after a narrower filter (one family's journal).
    """

    lookup_name = "in_array"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


# Relation fields keep a lookup table of their own (Django reads it only up to ForeignObject).
models.ForeignObject.register_lookup(InArray)


# --- Visibility selectors ----------------------------------------------------------------------


def team_family_ids(user) -> QuerySet:
    return cm.CaseTeamMember.objects.filter(user_id=user.pk).values("family_id")


def _lead_family_ids(user) -> QuerySet:
    return cm.Family.objects.filter(owner_id=user.administration_id).values("id")


def _shared_ids(user, model, action: str = "view", on: dt.date | None = None) -> QuerySet:
    spec = REGISTRY[model]
    return spec.group_perm.objects.filter(
        group_id=_group_id(user),
        permission__codename=f"{action}_{model._meta.model_name}",
        valid_until__gte=on or timezone.localdate(),
    ).values("content_object_id")


def _user_granted_ids(user, model) -> QuerySet | None:
    spec = REGISTRY[model]
    if spec.user_perm is None:
        return None
    return spec.user_perm.objects.filter(
        user_id=user.pk, permission__codename=f"view_{model._meta.model_name}"
    ).values("content_object_id")


def emergency_family_ids(user, at: dt.datetime | None = None) -> QuerySet:
    """Families the user opened in an emergency whose access runs at `at` (now)."""
    at = at or timezone.now()
    return cm.EmergencyAccess.objects.filter(
        user_id=user.pk, starts_at__lte=at, ends_at__gt=at
    ).values("family_id")


def _family_ids(user, need: Need, model) -> QuerySet:
    """Families whose every record of `model` the user reaches for `need` by membership (or,
    to read, by an emergency access of their own)."""
    ids = team_family_ids(user)
    lead_counts = need in (Need.SEE, Need.OVERSEE) or (need == Need.CHANGE and model is cm.Family)
    if lead_counts and is_team_lead(user):
        ids = ids.union(_lead_family_ids(user))
    if need == Need.SEE and receives_shares(user):
        ids = ids.union(emergency_family_ids(user))
    return ids


def visible(user, model: type[models.Model], need: Need = Need.SEE) -> QuerySet:
    """Every record of `model` the user may reach for `need`, as one queryset (one statement)."""
    if not sees_cases(user):
        return model.objects.none()
    need = Need(need)
    spec = REGISTRY[model]
    family_ids = _family_ids(user, need, model)
    condition = Q(**{f"{spec.family_ref}__in_array": family_ids})
    if need in (Need.SEE, Need.CHANGE) and receives_shares(user):
        action = "view" if need == Need.SEE else "change"
        condition |= Q(id__in_array=_shared_ids(user, model, action))
    if need in (Need.SEE, Need.CHANGE):
        granted = _user_granted_ids(user, model)
        if granted is not None:
            condition |= Q(id__in_array=granted)
    return model.objects.filter(condition)


def _on_team(user, model) -> Exists:
    return Exists(
        cm.CaseTeamMember.objects.filter(
            user_id=user.pk, family_id=OuterRef(REGISTRY[model].family_ref)
        )
    )


def _shared_exists(user, model, action: str = "view") -> Exists:
    """Whether the outer record is shared with the user's administration for `action` today."""
    return Exists(
        REGISTRY[model].group_perm.objects.filter(
            group_id=_group_id(user),
            content_object_id=OuterRef("pk"),
            permission__codename=f"{action}_{model._meta.model_name}",
            valid_until__gte=timezone.localdate(),
        )
    )


def _share_consent(user, model) -> Subquery:
    """The consent behind the share of the outer record with the user's administration."""
    return Subquery(
        Share.consents.through.objects.filter(
            share__content_type=ContentType.objects.get_for_model(model),
            share__object_id=OuterRef("pk"),
            share__administration_id=user.administration_id,
            share__withdrawn_at__isnull=True,
        ).values("consent_id")[:1]
    )


def _duty_exists(user, model) -> Exists:
    """Whether the user holds a grant of their own on the outer record (a reporter's)."""
    return Exists(
        REGISTRY[model].user_perm.objects.filter(user_id=user.pk, content_object_id=OuterRef("pk"))
    )


def _annotate_basis(user, qs: QuerySet, whens: list[When]) -> QuerySet:
    """`access_basis` from `whens` (strongest first; a share when none holds), the consent
    behind a share and whether the share lets the user change the record."""
    model = qs.model
    return qs.annotate(
        access_basis=Case(*whens, default=Value(Basis.SHARE), output_field=models.CharField()),
        access_consent_id=Case(
            *[When(w.condition, then=Value(None)) for w in whens],
            default=_share_consent(user, model),
            output_field=models.BigIntegerField(),
        ),
        access_share_change=(
            _shared_exists(user, model, "change") if receives_shares(user) else Value(False)
        ),
    )


def with_basis(user, qs: QuerySet) -> QuerySet:
    """Annotate why the user reaches each record: `access_basis`, the consent behind a share
    (`access_consent_id`, for the log) and whether a share lets them change it."""
    model = qs.model
    if not sees_cases(user):
        return qs
    spec = REGISTRY[model]
    family_owner = "owner_id" if not spec.family_field else f"{spec.family_field}__owner_id"
    whens = [When(_on_team(user, model), then=Value(Basis.CASE_TEAM))]
    if is_team_lead(user):
        whens.append(When(Q(**{family_owner: user.administration_id}), then=Value(Basis.TEAM_LEAD)))
    if spec.user_perm is not None:
        whens.append(When(_duty_exists(user, model), then=Value(Basis.DUTY)))
    if receives_shares(user):
        # Under an emergency access, unless a share (with its consent) reaches the record too.
        in_emergency = Q(**{f"{spec.family_ref}__in": emergency_family_ids(user)})
        whens.append(When(in_emergency & ~_shared_exists(user, model), then=Value(Basis.EMERGENCY)))
    return _annotate_basis(user, qs, whens)


def with_identity(user, qs: QuerySet) -> QuerySet:
    """Annotate `on_team` and `identity_visible` on members: protected identity and sensitive
    fields (the NPF diagnosis) are for the case team only (SPEC §3.7)."""
    if not sees_cases(user):
        return qs.annotate(on_team=Value(False), identity_visible=Value(False))
    on_team = _on_team(user, cm.Member)
    return qs.annotate(
        on_team=on_team,
        identity_visible=Case(
            When(protected_identity=False, then=Value(True)),
            When(on_team, then=Value(True)),
            default=Value(False),
            output_field=models.BooleanField(),
        ),
    )


def identity_visible_expression(user, member_path: str = "member") -> Case:
    """The same masking rule as an expression over a related member (`<path>__...`), for
    selectors of other records that show a member's name."""
    if not sees_cases(user):
        return Value(False)
    on_team = Exists(
        cm.CaseTeamMember.objects.filter(user_id=user.pk, family_id=OuterRef("family_id"))
    )
    return Case(
        When(**{f"{member_path}__protected_identity": False}, then=Value(True)),
        When(on_team, then=Value(True)),
        default=Value(False),
        output_field=models.BooleanField(),
    )


def visible_families(user, need: Need = Need.SEE) -> QuerySet:
    return visible_records(user, cm.Family, need)


def visible_members(user, need: Need = Need.SEE) -> QuerySet:
    return visible_records(user, cm.Member, need)


def visible_records(user, model, need: Need = Need.SEE) -> QuerySet:
    """`visible` with the basis of each record (`with_basis`; for members the identity flags
    of `with_identity` too)."""
    need = Need(need)
    if need == Need.DOCUMENT and sees_cases(user):
        # Only the case team documents (`_family_ids`: no lead, share, grant or emergency
        # arm), so every record reached is reached on that basis: a constant, instead of the
        # basis statement the lists of one's own work ("Mina familjer") would build for it.
        return with_constant_basis(visible(user, model, need), Basis.CASE_TEAM)
    qs = with_basis(user, visible(user, model, need))
    if model is cm.Member:
        qs = with_identity(user, qs)
    return qs


def with_constant_basis(qs: QuerySet, basis: str) -> QuerySet:
    """`with_basis` (and for members `with_identity`) for records all reached on one basis by
    membership (the case team's or the owning team lead's): no consent, no share to change
    them by, the identity visible to the case team only."""
    qs = qs.annotate(
        access_basis=Value(basis, output_field=models.CharField()),
        access_consent_id=Value(None, output_field=models.BigIntegerField()),
        access_share_change=Value(False),
    )
    if qs.model is cm.Member:
        qs = qs.annotate(**_identity_flags(on_team=basis == Basis.CASE_TEAM))
    return qs


def _identity_flags(*, on_team: bool) -> dict:
    """`with_identity`'s annotations for a member of a family whose case team the user is
    known to be on, or known not to be on."""
    return {
        "on_team": Value(on_team),
        "identity_visible": Value(True)
        if on_team
        else Case(
            When(protected_identity=False, then=Value(True)),
            default=Value(False),
            output_field=models.BooleanField(),
        ),
    }


# --- Permissions of one record -------------------------------------------------------------


@dataclass(frozen=True)
class Permissions:
    """What the user may do with one record; templates read this, never a role or basis."""

    basis: str | None = None
    consent_id: int | None = None
    see: bool = False
    oversee: bool = False
    document: bool = False
    change: bool = False

    @property
    def shared(self) -> bool:
        """Reached through a share: the page says so, and who shared it."""
        return self.basis == Basis.SHARE

    @property
    def emergency(self) -> bool:
        """Reached through the user's own emergency access: the page says so, until when."""
        return self.basis == Basis.EMERGENCY

    @property
    def identity(self) -> bool:
        """May see the protected identity of the family's members."""
        return self.document

    def allows(self, need: Need) -> bool:
        return bool(getattr(self, Need(need).value))


NONE = Permissions()


def permissions_of(obj) -> Permissions:
    """The permissions of a record looked up through `with_basis`."""
    basis = getattr(obj, "access_basis", None)
    if basis is None:
        return NONE
    consent_id = getattr(obj, "access_consent_id", None)
    if basis == Basis.CASE_TEAM:
        return Permissions(basis, None, True, True, True, True)
    if basis == Basis.TEAM_LEAD:
        return Permissions(basis, None, True, True, False, isinstance(obj, cm.Family))
    if basis == Basis.DUTY:
        return Permissions(basis, None, True, False, False, isinstance(obj, cm.ReportOfConcern))
    if basis == Basis.EMERGENCY:
        return Permissions(basis, None, True, False, False, False)
    return Permissions(
        basis, consent_id, True, False, False, bool(getattr(obj, "access_share_change", False))
    )


def family_permissions(user, family) -> Permissions:
    """The permissions on a family (and so on the records a view lists under it)."""
    if getattr(family, "access_basis", None) is not None:
        return permissions_of(family)
    found = visible_families(user).filter(pk=family.pk).first()
    return permissions_of(found) if found is not None else NONE


def acting_basis(user, obj) -> str:
    """The access-log basis of a person acting on a record or its family, as the policy finds
    it. A service called outside a page (the demo seed, a test, a job) by someone the policy
    gives no basis is logged as the case team's act: only the case team changes sources."""
    basis = permissions_of(obj).basis
    if basis is None:
        family = obj if isinstance(obj, cm.Family) else getattr(obj, "family", None)
        if family is None:
            return Basis.CASE_TEAM
        # The case team comes first in `with_basis`; asking it directly spares the services
        # the whole visibility statement in the usual case.
        if sees_cases(user) and family.team.filter(user_id=user.pk).exists():
            return Basis.CASE_TEAM
        basis = family_permissions(user, family).basis
    return basis or Basis.CASE_TEAM


def outside_team_q(field: str = "basis") -> Q:
    """Log rows of a family read on any basis but the case team's (a review flag)."""
    return ~Q(**{field: Basis.CASE_TEAM})


def intervention_writable(user, plan, intervention) -> bool:
    """A receiving administration records the status and follow-up of the SIP intervention it
    is responsible for (SPEC §1); the case team records all of them."""
    can = permissions_of(plan)
    if can.document:
        return True
    return bool(
        can.see
        and can.shared
        and receives_shares(user)
        and intervention.responsible_administration_id == user.administration_id
    )


# --- Lookup: 404 when not visible, 403 when visible but short of the need -------------------


def _split(request_or_user):
    if hasattr(request_or_user, "user") and hasattr(request_or_user, "method"):
        return request_or_user, request_or_user.user
    return None, request_or_user


def get_for_user(
    request_or_user,
    model: type[models.Model],
    pk,
    *,
    need: Need = Need.SEE,
    queryset: QuerySet | None = None,
    log: bool = True,
    write: bool = False,
    related: tuple[str, ...] = (),
):
    """The record, with `.can` (its Permissions) set; 404 when the user may not see it, 403
    when they see it but are short of `need`. `related` are loaded with it (select_related).

    Given a request, a GET (or HEAD) writes the one access-log row of the read, with the basis
    the policy found; a POST logs what it did through its service or view.
    """
    request, user = _split(request_or_user)
    if write and need == Need.SEE:
        need = Need.CHANGE
    qs = queryset if queryset is not None else visible_records(user, model)
    if related:
        qs = qs.select_related(*related)
    try:
        obj = qs.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    obj.can = permissions_of(obj)
    if not obj.can.allows(need):
        raise ShortOfNeed
    if log and request is not None and request.method in ("GET", "HEAD"):
        log_read(request, obj)
    return obj


def can_write(user, obj) -> bool:
    return permissions_of(obj).change


def is_on_team(user, family) -> bool:
    return cm.CaseTeamMember.objects.filter(user_id=user.pk, family_id=family.pk).exists()


# Role home pages: the roles that have a page of their own. A gate, not a decision on any
# record (what a user sees there comes from `visible` and the report functions below).
REPORT_ROLES = (Role.PROJECT_LEADER, Role.TEAM_LEAD)
PLANNING_ROLES = (Role.FAMILY_OMBUD, Role.TEAM_LEAD)  # reminders, outbox, daily digest
REQUEST_ROLES = (Role.FAMILY_OMBUD, Role.TEAM_LEAD)  # register a request
FAMILY_LIST_ROLES = (Role.FAMILY_OMBUD, Role.TEAM_LEAD, Role.PROJECT_LEADER)
PUPIL_LIST_ROLES = (Role.SCHOOL_COORDINATOR, Role.TEAM_LEAD, Role.FAMILY_OMBUD)
LEAD_ROLES = (Role.TEAM_LEAD,)  # the waiting list, failed sends, the log review


def in_role_gate(user, roles) -> bool:
    """The same test as `require_roles(*roles)`, for showing a link to that page."""
    return getattr(user, "role", None) in roles


def require_roles(*roles):
    """A page meant for some roles only (a role home page); others get 403."""
    allowed = frozenset(roles)

    def decorator(view):
        from functools import wraps

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if getattr(request.user, "role", None) not in allowed:
                raise NotForRole
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
