"""Every read a cases page shows. Each starts from the access module's visibility filter and
owns its select_related/prefetch_related, so query counts stay constant in the data size."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from cases import models as cm
from cases.family_page import family_page as family_page  # the family page's reads
from familjelotsen import access
from familjelotsen.models import User


def _visible_members_prefetch(user, to_attr="visible_members") -> Prefetch:
    return Prefetch(
        "members",
        queryset=access.visible_members(user).order_by("kind", "birth_date", "id"),
        to_attr=to_attr,
    )


def _with_contact_dates(qs: QuerySet) -> QuerySet:
    now = timezone.now()
    next_visit = (
        cm.Visit.objects.filter(
            family_id=OuterRef("pk"), cancelled_at__isnull=True, starts_at__gte=now
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    last_contact = (
        cm.JournalEntry.objects.filter(family_id=OuterRef("pk"), event_at__lte=now)
        .order_by("-event_at")
        .values("event_at")[:1]
    )
    return qs.annotate(next_visit=Subquery(next_visit), last_contact=Subquery(last_contact))


def _name_match(user: User, q: str, **outer) -> Exists:
    """Members whose name holds every word of `q` (up to four). A protected member is found
    by name only by those who may see the name."""
    match = access.visible_members(user).filter(identity_visible=True, **outer)
    for word in q.split()[:4]:
        match = match.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return Exists(match)


def search_families(user: User, qs: QuerySet, q: str) -> QuerySet:
    """Families whose reference or a visible member's name matches `q`."""
    q = (q or "").strip()
    if not q:
        return qs
    return qs.filter(Q(reference__icontains=q) | _name_match(user, q, family_id=OuterRef("pk")))


def caseload_only(user: User) -> bool:
    """Whether the family list is the user's own caseload ("My families": the families of
    their case teams) rather than every family they see (a team lead's list)."""
    return not access.is_team_lead(user)


def family_list(
    user: User, *, status: str = "", q: str = "", mine_only: bool | None = None
) -> QuerySet:
    """Mina familjer: the user's caseload; a team lead's list is every family they see.

    Queries: 1 families (with next visit and last contact as subqueries) + 1 visible members.
    """
    qs = access.visible_families(user)
    if mine_only is None:
        mine_only = caseload_only(user)
    if mine_only:
        qs = qs.filter(id__in=access.team_family_ids(user))
    if status == "open":
        qs = qs.exclude(status__in=cm.CLOSED_STATUSES)
    elif status in cm.Family.Status.values:
        qs = qs.filter(status=status)
    qs = search_families(user, qs, q)
    return (
        _with_contact_dates(qs)
        .select_related("responsible_ombud")
        .prefetch_related(_visible_members_prefetch(user))
        .order_by("status", "reference")
    )


def waiting_list(user: User, *, q: str = "", kind: str = "") -> QuerySet:
    """Open requests: decided interventions first (seed 004: a decided intervention goes
    before a service), then by priority, then the youngest child, then request date (seed 000
    §2.4: younger children first): the requests the user may act on (assign, prioritise).
    `kind` keeps one kind of work."""
    youngest = (
        cm.Member.objects.filter(
            family_id=OuterRef("pk"), kind__in=[cm.Member.Kind.CHILD, cm.Member.Kind.SIBLING]
        )
        .order_by("-birth_date")
        .values("birth_date")[:1]
    )
    qs = access.visible_families(user, access.CHANGE).filter(status=cm.Family.Status.REQUEST)
    if kind in cm.WorkKind.values:
        qs = qs.filter(kind=kind)
    return (
        search_families(user, qs, q)
        .annotate(
            youngest_child_birth=Subquery(youngest),
            decided_first=Case(
                When(provision=cm.Provision.DECIDED, then=Value(0)), default=Value(1)
            ),
        )
        .select_related("requesting_administration", "responsible_ombud")
        .prefetch_related(_visible_members_prefetch(user))
        .order_by("decided_first", "priority", "-youngest_child_birth", "request_date", "id")
    )


def waiting_counts(user: User) -> dict[str, int]:
    """The open requests the user may act on, per kind of work. Queries: 1."""
    rows = (
        access.visible_families(user, access.CHANGE)
        .filter(status=cm.Family.Status.REQUEST)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = dict.fromkeys(cm.WorkKind.values, 0)
    counts.update({r["kind"]: r["n"] for r in rows})
    return counts


def caseloads(user: User) -> list[dict]:
    """Each ombud of the administration with their open families and the requests assigned
    to them that have not started yet, each kind of work counted apart. The planning figure
    is for coordinated support: its families and requests make the load (an assignment counts
    at once: the team lead sees the load change as they assign); network work only (about
    13 hours a family) is shown beside it.

    Queries: 1."""
    figure = settings.CASELOAD_PLANNING_FIGURE
    coordinated = Q(responsible_families__kind=cm.WorkKind.COORDINATED_SUPPORT)
    network = Q(responsible_families__kind=cm.WorkKind.NETWORK_WORK)
    request = Q(responsible_families__status=cm.Family.Status.REQUEST)
    ombuds = (
        access.ombuds(user.administration_id)
        .annotate(
            open_families=Count(
                "responsible_families",
                filter=coordinated
                & Q(
                    responsible_families__status__in=cm.WORKING_STATUSES[
                        cm.WorkKind.COORDINATED_SUPPORT
                    ]
                ),
            ),
            assigned_requests=Count("responsible_families", filter=coordinated & request),
            open_network=Count(
                "responsible_families",
                filter=network
                & Q(responsible_families__status__in=cm.WORKING_STATUSES[cm.WorkKind.NETWORK_WORK]),
            ),
            assigned_network=Count("responsible_families", filter=network & request),
        )
        .order_by("last_name", "first_name")
    )
    rows = []
    for o in ombuds:
        load = o.open_families + o.assigned_requests
        rows.append(
            {
                "ombud": o,
                "open": o.open_families,
                "assigned": o.assigned_requests,
                "network_open": o.open_network,
                "network_assigned": o.assigned_network,
                "load": load,
                "figure": figure,
                "over": load > figure,
                "free": max(figure - load, 0),
            }
        )
    return rows


NETWORK_STEPS = (
    cm.Family.Status.REQUEST,
    cm.Family.Status.PRE_MEETING,
    cm.Family.Status.NETWORK_MEETING,
    cm.Family.Status.FOLLOW_UP,
    cm.Family.Status.CLOSED,
)


def network_steps(family: cm.Family) -> list[dict]:
    """The steps of network work only, the family's current one marked (none when the work
    was declined or withdrawn). No query."""
    current = NETWORK_STEPS.index(family.status) if family.status in NETWORK_STEPS else -1
    return [
        {"label": cm.Family.Status(s).label, "current": i == current, "done": i < current}
        for i, s in enumerate(NETWORK_STEPS)
    ]


def member_choices(user: User, family: cm.Family) -> QuerySet:
    return access.visible_members(user).filter(family=family).order_by("kind", "birth_date")


def pupils(user: User, *, q: str = "") -> QuerySet:
    """The school coordinator's list: exactly the pupil support records shared with school,
    found by the pupil's name (where the user may see it), the school or the reference.

    Queries: 1 (pupil support joined with pupil and family; identity masking annotated).
    """
    qs = access.visible_pupil_support(user)
    q = (q or "").strip()
    if q:
        # The school is shown (and so searched) only beside a pupil whose name is visible.
        named = _name_match(user, q, pk=OuterRef("member_id"))
        school = Q(school__icontains=q) & _name_match(user, "", pk=OuterRef("member_id"))
        qs = qs.filter(Q(family__reference__icontains=q) | named | school)
    return (
        qs.select_related("member", "family")
        .annotate(member_identity_visible=access.identity_visible_expression(user, "member"))
        .order_by("school", "grade", "member__last_name", "id")
    )


def shared_families(user: User, *, q: str = "") -> QuerySet:
    """Families another administration shared with the user's administration (the user's
    own administration's families are on their own list)."""
    return (
        _with_contact_dates(
            search_families(
                user, access.visible_families(user).exclude(owner_id=user.administration_id), q
            )
        )
        .select_related("responsible_ombud", "owner")
        .prefetch_related(_visible_members_prefetch(user))
        .order_by("reference")
    )


def family_history(family: cm.Family, *, limit: int = 200) -> list[dict]:
    """The change history of a family's records, newest first: what changed, when, by whom.

    Queries: 2 (events of the family and of the records that reference it) + 1 (users).
    """
    from django.apps import apps
    from pghistory.models import Events

    rows = list(Events.objects.tracks(family).order_by("-pgh_created_at")[:limit])
    rows += list(Events.objects.references(family).order_by("-pgh_created_at")[:limit])
    rows.sort(key=lambda e: e.pgh_created_at, reverse=True)
    rows = rows[:limit]
    user_ids = {(e.pgh_context or {}).get("user") for e in rows if isinstance(e.pgh_context, dict)}
    users = {u.pk: u for u in User.objects.filter(pk__in=[i for i in user_ids if i])}
    out = []
    for e in rows:
        tracked = apps.get_model(e.pgh_obj_model) if e.pgh_obj_model else None
        fields = []
        for name in e.pgh_diff or {}:
            if name in ("updated_at", "version", "created_at"):
                continue
            try:
                label = tracked._meta.get_field(name).verbose_name
            except Exception:  # noqa: BLE001 - a field that no longer exists
                label = None
            # A field named only in code (no translated name) is not shown by its code name.
            label = str(label if isinstance(label, Promise) else _("other details"))
            if label not in fields:
                fields.append(label)
        context = e.pgh_context if isinstance(e.pgh_context, dict) else {}
        out.append(
            {
                "at": e.pgh_created_at,
                "record": tracked._meta.verbose_name if tracked else e.pgh_obj_model,
                "record_id": int(e.pgh_obj_id) if str(e.pgh_obj_id).isdigit() else e.pgh_obj_id,
                # The family by its reference code, other records by their date.
                "record_ref": (e.pgh_data or {}).get("reference") if tracked is cm.Family else "",
                "record_date": None if tracked is cm.Family else _record_date(tracked, e.pgh_data),
                "created": e.pgh_label == "insert",
                "fields": fields,
                "by": users.get(context.get("user")),
                "task": context.get("task") or context.get("command"),
            }
        )
    return out


# Bookkeeping dates that say nothing about which record it is.
# Bookkeeping dates that say nothing about which record it is, and a birth date, which is
# no label for a person.
_NOT_RECORD_DATES = frozenset(
    {"created_at", "updated_at", "anonymised_at", "revoked_on", "birth_date"}
)


def _record_date(model, data) -> dt.date | None:
    """The date a person recognises a record by (the visit of a journal entry, a consent's
    first day, the request date), from the event's own copy of the record: never another
    read, so the history shows nothing the event row does not already hold."""
    if model is None or not isinstance(data, dict):
        return None
    for field in model._meta.concrete_fields:
        if field.name in _NOT_RECORD_DATES or not isinstance(field, models.DateField):
            continue
        value = data.get(field.attname)
        if not value:
            continue
        try:
            parsed = dt.datetime.fromisoformat(str(value))
        except ValueError:
            continue
        if isinstance(field, models.DateTimeField):
            return timezone.localtime(parsed).date() if timezone.is_aware(parsed) else parsed.date()
        return parsed.date()
    return None


def hand_over_sources(user: User) -> QuerySet:
    """Staff of the team lead's administration who hold families (as responsible ombud)
    that are not over, with how many: whose families the lead may hand over. Queries: 1."""
    return (
        access.hand_over_sources(user)
        .annotate(
            held=Count(
                "responsible_families",
                filter=Q(responsible_families__status__in=access.HELD_STATUSES),
            )
        )
        .order_by("-is_active", "last_name", "first_name")
    )


def held_families(user: User, departing: User) -> QuerySet:
    """The families `departing` holds, as the team lead sees them (with the basis for the
    log). Queries: 1."""
    return (
        access.visible_families(user)
        .filter(responsible_ombud=departing, status__in=access.HELD_STATUSES)
        .order_by("reference")
    )


# --- Emergency access (break-the-glass, issue 21) ----------------------------------------------


def emergency_panel(user: User, family: cm.Family) -> dict:
    """The family page's emergency-access part: the notices the case team and the owning
    team lead get (who opened the family, when, until when; the team lead's marked for their
    review), and the user's own running access when that is how they read the family."""
    return access.family_page_emergency(user, family)


def emergency_unreviewed(user: User) -> list:
    """The team lead's start page: the emergency accesses waiting for their review."""
    return list(access.unreviewed_emergency_accesses(user))
