"""The family page's reads (`cases.selectors` re-exports them): the page and the panels of
the apps above it in one memo scope, each list through the access module's visibility filter,
in a number of queries that does not grow with the family (tests/cases/
test_family_page_queries.py lists them)."""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Case, Exists, OuterRef, Subquery, Sum, Value, When
from django.http import QueryDict
from django.utils import timezone

from cases import labels
from cases import models as cm
from familjelotsen import access, memo, slots
from familjelotsen.models import Administration, User
from familjelotsen.paging import page_of
from familjelotsen.rows import from_json, json_rows


def _named_user(row: dict, prefix: str) -> User | None:
    if row.get(f"{prefix}_id") is None:
        return None
    return from_json(
        User,
        {
            "id": row[f"{prefix}_id"],
            "first_name": row[f"{prefix}_first_name"],
            "last_name": row[f"{prefix}_last_name"],
        },
    )


def _named_administration(row: dict, prefix: str) -> Administration | None:
    if row.get(f"{prefix}_id") is None:
        return None
    return from_json(Administration, {"id": row[f"{prefix}_id"], "name": row[f"{prefix}_name"]})


def _family_lists(user: User, family: cm.Family, *, oversee: bool) -> dict:
    """The family page's small lists in one statement: reports of concern, open obstacles and
    KASAM scores as the access policy lets the user see them, and for those who run the case
    (`oversee`) the next visits, the case team, the status history and the time recorded.

    Each list is an array of JSON rows made into model instances (with the related names the
    page shows); the visibility filters are the same querysets as when each was read alone."""
    lists = {
        "concern_reports": json_rows(
            access.family_records(user, cm.ReportOfConcern, family).order_by("-reported_at", "-id"),
            id="id",
            family_id="family_id",
            reported_at="reported_at",
            recipient_unit="recipient_unit",
            feedback_received_on="feedback_received_on",
        ),
        "obstacles": json_rows(
            access.family_records(user, cm.Obstacle, family)
            .filter(resolved_on__isnull=True)
            .order_by("-observed_on", "-id"),
            id="id",
            family_id="family_id",
            kind="kind",
            description="description",
            observed_on="observed_on",
            administration_id="administration_id",
            administration_name="administration__name",
        ),
        "assessments": json_rows(
            access.family_records(user, cm.Assessment, family).order_by("assessed_on", "id"),
            id="id",
            family_id="family_id",
            member_id="member_id",
            instrument="instrument",
            score="score",
            assessed_on="assessed_on",
        ),
    }
    if oversee:
        now = timezone.now()
        lists |= {
            "next_visits": json_rows(
                cm.Visit.objects.filter(
                    family_id=OuterRef("pk"), cancelled_at__isnull=True, starts_at__gte=now
                ).order_by("starts_at", "id")[:3],
                id="id",
                family_id="family_id",
                kind="kind",
                starts_at="starts_at",
                place="place",
            ),
            "team": json_rows(
                cm.CaseTeamMember.objects.filter(family_id=OuterRef("pk")).order_by("id"),
                id="id",
                family_id="family_id",
                role="role",
                user_id="user_id",
                user_first_name="user__first_name",
                user_last_name="user__last_name",
                administration_id="user__administration_id",
                administration_name="user__administration__name",
            ),
            "history": json_rows(
                cm.StatusChange.objects.filter(family_id=OuterRef("pk")).order_by(
                    "changed_at", "id"
                ),
                id="id",
                family_id="family_id",
                from_status="from_status",
                to_status="to_status",
                changed_at="changed_at",
                reason="reason",
                kind="kind",
                changed_by_id="changed_by_id",
                changed_by_first_name="changed_by__first_name",
                changed_by_last_name="changed_by__last_name",
            ),
            "time_minutes": Subquery(
                cm.TimeEntry.objects.filter(family_id=OuterRef("pk"))
                .order_by()
                .values("family_id")
                .annotate(total=Sum("minutes"))
                .values("total")
            ),
        }
    # Prefixed: the family has fields of some of these names (its reverse relations).
    found = cm.Family.objects.filter(pk=family.pk).values(
        **{f"page_{k}": v for k, v in lists.items()}
    )
    row = {k.removeprefix("page_"): v for k, v in found.get().items()}
    out = {
        "concern_reports": [from_json(cm.ReportOfConcern, r) for r in row["concern_reports"]],
        "obstacles": [
            from_json(cm.Obstacle, r, administration=_named_administration(r, "administration"))
            for r in row["obstacles"]
        ],
        # The member of a score is set by `family_page_context` from the members it read.
        "assessments": [from_json(cm.Assessment, r) for r in row["assessments"]],
        "next_visits": [],
        "team": [],
        "history": [],
        "time_minutes": None,
    }
    if oversee:
        team = []
        for r in row["team"]:
            member_user = _named_user(r, "user")
            member_user.administration = _named_administration(r, "administration")
            team.append(from_json(cm.CaseTeamMember, r, user=member_user))
        out |= {
            "next_visits": [from_json(cm.Visit, r) for r in row["next_visits"]],
            "team": team,
            "history": [
                from_json(cm.StatusChange, r, changed_by=_named_user(r, "changed_by"))
                for r in row["history"]
            ],
            "time_minutes": row["time_minutes"] or 0,
        }
    return out


def _resolve_members(rows, attr: str, to: str, by_pk: dict, user: User) -> None:
    """Set `row.<to>` to the members named by `row.<attr>` (ids, see `labels.member_ids`) as
    the user may see them: those of the family from the members already read (a member not
    among them is not visible to the user), those of another family (never in practice)
    through the visibility filter, in one query for all rows."""
    other = {i for row in rows for i in (getattr(row, attr) or {}).get("other") or []}
    found = dict(by_pk)
    if other - found.keys():
        found |= {m.pk: m for m in access.visible_members(user).filter(pk__in=other)}
    for row in rows:
        ids = getattr(row, attr) or {}
        setattr(
            row,
            to,
            [
                found[i]
                for i in [*(ids.get("family") or []), *(ids.get("other") or [])]
                if i in found
            ],
        )


def family_members(user: User, family: cm.Family | int) -> list:
    """The family's members the user may see (with `identity_visible` and the basis), each with
    `custodian_list`: the custodians the user may see. Read once per page (`cases.labels`
    names members from the same read). Queries: 1 (+1 for a custodian of another family)."""

    members = labels.family_members(user, family)
    if members and not hasattr(members[0], "custodian_list"):
        by_pk = {m.pk: m for m in members}
        _resolve_members(members, "custodian_ids", "custodian_list", by_pk, user)
    return members


def family_detail(user: User, family: cm.Family, *, params: QueryDict | None = None) -> dict:
    """Everything the family page shows; a constant number of queries whatever the size.

    `params` are the request's query parameters: the journal page (`sida`), fetched without
    counting the journal.

    Queries: members 1, journal page 1, goals 1, pupil support 1, the small lists 1
    (`_family_lists`). Run inside the page's `memo.scope()` (`family_page`), the panels of
    the apps above reuse the members and the pupil support read here."""
    members = family_members(user, family)
    by_pk = {m.pk: m for m in members}
    journal_qs = (
        access.family_records(user, cm.JournalEntry, family)
        .select_related("author", "signed_by", "corrects")
        .annotate(
            concern_ids=labels.member_ids(
                cm.JournalEntry.concerns.through.objects.filter(journalentry_id=OuterRef("pk")),
                "member",
            ),
            has_objection=Exists(cm.JournalObjection.objects.filter(entry_id=OuterRef("pk"))),
        )
        # Drafts first (work to finish), then the timeline, newest first.
        .order_by(
            Case(When(signed_at__isnull=True, then=Value(0)), default=Value(1)), "-event_at", "-id"
        )
    )
    journal = page_of(journal_qs, params if params is not None else QueryDict(), per_page=20)
    _resolve_members(journal.items, "concern_ids", "concerned", by_pk, user)
    goals = list(
        access.family_records(user, cm.Goal, family).annotate(
            ratings=ArraySubquery(
                cm.GoalFollowUp.objects.filter(goal_id=OuterRef("pk"))
                .order_by("date", "id")
                .values("rating")
            )
        )
    )
    for goal in goals:
        # The member as read above, with the identity flag; one not among them stays masked.
        if goal.member_id is not None:
            goal.member = _member_or_masked(goal.member_id, by_pk)
        ratings = goal.ratings or []
        goal.trend = ratings[-1] - ratings[0] if len(ratings) >= 2 else None
        goal.latest = ratings[-1] if ratings else None
    memo.remember(memo.family_records_key(user, "cases.goal", family.pk), goals)
    pupil_support = list(
        access.family_records(user, cm.PupilSupport, family)
        .select_related("member")
        .annotate(member_identity_visible=access.identity_visible_expression(user, "member"))
    )
    memo.remember(memo.family_records_key(user, "cases.pupilsupport", family.pk), pupil_support)
    # What the user may do with the family (no query: the lookup annotated it). Visits, the
    # case team, the status history and time are for those who run the case (OVERSEE).
    can = access.family_permissions(user, family)
    lists = _family_lists(user, family, oversee=can.oversee)
    for assessment in lists["assessments"]:
        if assessment.member_id is not None:
            assessment.member = _member_or_masked(assessment.member_id, by_pk)
    return {
        "members": members,
        "journal": journal,
        "goals": goals,
        "pupil_support": pupil_support,
        **lists,
        "can": can,
    }


def _member_or_masked(member_id: int, by_pk: dict):
    """The family's member as the user may see them (`family_members`), or a stand-in without
    the identity flag (shown masked) for one the user may not see."""
    return by_pk.get(member_id) or cm.Member(id=member_id)


def family_page(user: User, family: cm.Family, *, params: QueryDict | None = None):
    """The family page with its panels (`slots.FAMILY_PAGE`): (context, the records the panels
    show, for the access log). One memo scope for the page and its panels, so a read they
    share is made once."""
    with memo.scope():
        context = family_detail(user, family, params=params)
        panels, shown = slots.gather(slots.FAMILY_PAGE, user, family)
    return context | panels, shown
