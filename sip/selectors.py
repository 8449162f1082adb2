"""Every read of SIP plans a page shows. Starts from the access policy's visibility filter;
owns the select_related / prefetch_related so the query count stays flat."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.labels import family_members, label_for, labels_of, masked_label, member_labels
from cases.models import Family
from familjelotsen import access, memo
from sip import charts
from sip import models as sm

Status = sm.Plan.Status
FOLLOW_UP_WARNING_DAYS = 14


def visible_plans(user) -> QuerySet:
    return access.visible_records(user, sm.Plan)


# --- One plan ----------------------------------------------------------------------------------


@dataclass
class PlanDetail:
    plan: sm.Plan
    member_label: str
    participants: list
    needs: list
    interventions: list
    other_measures: list
    meetings: list
    follow_ups: list
    distribution: list
    status_changes: list
    # Members of the family named on the page besides the person the plan is for (family
    # members taking part): the page logs one row for each.
    named_members: list


def plan_detail(user, plan: sm.Plan, *, for_export: bool = False) -> PlanDetail:
    """Everything about one plan, in a fixed number of queries."""
    members = family_members(user, plan.family_id)
    labels = labels_of(members, for_export=for_export)
    participants = list(
        plan.participants.select_related("administration", "family_member").order_by("kind", "id")
    )
    for p in participants:
        p.display_name = label_for(labels, p.family_member_id) if p.family_member_id else p.name
    meetings = list(plan.meetings.prefetch_related("present").order_by("held_on", "id"))
    for meeting in meetings:
        meeting.present_names = [
            label_for(labels, p.family_member_id) if p.family_member_id else p.name
            for p in meeting.present.all()
        ]
    named_ids = {p.family_member_id for p in participants if p.family_member_id} - {plan.member_id}
    return PlanDetail(
        plan=plan,
        member_label=label_for(labels, plan.member_id),
        participants=participants,
        needs=list(plan.needs.all()),
        interventions=list(
            plan.interventions.select_related("responsible_administration", "need").order_by(
                "start_on", "id"
            )
        ),
        other_measures=list(plan.other_measures.all()),
        meetings=meetings,
        follow_ups=list(
            plan.follow_ups.prefetch_related(
                Prefetch(
                    "outcomes",
                    queryset=sm.FollowUpOutcome.objects.select_related("intervention"),
                )
            ).order_by("-held_on", "-id")
        ),
        distribution=list(plan.distribution.select_related("administration")),
        status_changes=list(plan.status_changes.select_related("changed_by")),
        named_members=[m for m in members if m.pk in named_ids],
    )


# --- The family perspective --------------------------------------------------------------------


def _plans_of_family(user, family: Family) -> list[sm.Plan]:
    return list(
        visible_plans(user)
        .filter(family_id=family.pk)
        .select_related("member", "overall_responsible")
        .prefetch_related(
            Prefetch(
                "interventions",
                queryset=sm.Intervention.objects.select_related(
                    "responsible_administration"
                ).order_by("start_on", "id"),
            )
        )
        .order_by("member__kind", "member__birth_date", "member_id", "-need_noticed_on", "-id")
    )


def _merge(intervals: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    merged: list[tuple[dt.date, dt.date]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _gaps(
    covered: list[tuple[dt.date, dt.date]], start: dt.date, end: dt.date
) -> list[tuple[dt.date, dt.date]]:
    gaps, cursor = [], start
    for a, b in covered:
        if b < cursor:
            continue
        if a > cursor:
            gaps.append((cursor, min(a - dt.timedelta(days=1), end)))
        cursor = max(cursor, b + dt.timedelta(days=1))
        if cursor > end:
            break
    if cursor <= end:
        gaps.append((cursor, end))
    return [(a, b) for a, b in gaps if a <= b]


def family_perspective(user, family: Family, *, on: dt.date | None = None) -> dict:
    """All members' SIPs side by side (seed 004: the family perspective): the active
    interventions by responsible administration and by time, overlaps and gaps, the
    follow-ups due. A fixed number of queries, whatever the number of plans."""
    on = on or timezone.localdate()
    plans = _plans_of_family(user, family)
    labels = member_labels(user, family.pk)
    columns: dict[int, dict] = {}
    for plan in plans:
        plan.member_label = label_for(labels, plan.member_id)
        plan.overdue = plan.follow_up_overdue(on)
        columns.setdefault(plan.member_id, {"member_label": plan.member_label, "plans": []})[
            "plans"
        ].append(plan)

    # Active interventions: in a plan in force, not ended.
    active = []
    for plan in plans:
        if plan.status not in sm.IN_FORCE:
            continue
        for intervention in plan.interventions.all():
            if intervention.end_on is not None and intervention.end_on < on:
                continue
            intervention.member_label = plan.member_label
            intervention.plan_ref = plan
            active.append(intervention)

    horizon = on + dt.timedelta(days=90)
    follow_ups = [p.next_follow_up_on for p in plans if p.status in sm.IN_FORCE]
    window_end = max(
        [horizon, *[d for d in follow_ups if d], *[i.end_on for i in active if i.end_on]]
    )
    window_start = min([on - dt.timedelta(days=30), *[i.start_on for i in active if i.start_on]])

    def span(i) -> tuple[dt.date, dt.date]:
        return (
            i.start_on or i.plan_ref.agreed_on or window_start,
            i.end_on or window_end,
        )

    # Overlaps: one administration with several interventions in the family at once (often
    # worth coordinating into one contact for the family).
    by_adm: dict[int | None, list] = defaultdict(list)
    for i in active:
        by_adm[i.responsible_administration_id].append(i)
    overlaps = []
    for items in by_adm.values():
        for n, a in enumerate(items):
            for b in items[n + 1 :]:
                (a1, a2), (b1, b2) = span(a), span(b)
                lo, hi = max(a1, b1), min(a2, b2)
                if lo <= hi:
                    a.overlap = b.overlap = True
                    overlaps.append(
                        {
                            "administration": a.responsible_administration,
                            "first": a,
                            "second": b,
                            "from": lo,
                            # None: both run on with no end date set.
                            "to": None if a.end_on is None and b.end_on is None else hi,
                        }
                    )

    # Gaps: from today to the person's next follow-up, days when no intervention is in place.
    gaps, coverage_rows = [], []
    for member_id, column in columns.items():
        in_force = [p for p in column["plans"] if p.status in sm.IN_FORCE]
        if not in_force:
            continue
        until = max((p.next_follow_up_on for p in in_force if p.next_follow_up_on), default=None)
        if until is None or until < on:
            continue
        intervals = _merge([span(i) for i in active if i.plan_ref.member_id == member_id])
        member_gaps = _gaps(intervals, on, until)
        for a, b in member_gaps:
            gaps.append({"member_label": column["member_label"], "from": a, "to": b})
        coverage_rows.append(
            charts.CoverageRow(
                label=column["member_label"],
                covered=[
                    (max(a, on), min(b, until)) for a, b in intervals if b >= on and a <= until
                ],
                gaps=member_gaps,
            )
        )

    lanes_by_adm: dict[str, charts.Lane] = {}
    for i in sorted(
        active,
        key=lambda i: (
            i.responsible_administration.name if i.responsible_administration else "~",
            span(i)[0],
        ),
    ):
        heading = (
            i.responsible_administration.name
            if i.responsible_administration
            else _("No responsible administration")
        )
        lane = lanes_by_adm.setdefault(heading, charts.Lane(heading=heading))
        start, end = span(i)
        lane.bars.append(
            charts.Bar(
                label=f"{i.member_label}: {i.description}",
                start=start,
                end=end,
                open_start=i.start_on is None,
                open_end=i.end_on is None,
                overlap=getattr(i, "overlap", False),
            )
        )
    timeline = None
    if active:
        timeline = charts.timeline_svg(
            lanes=list(lanes_by_adm.values()),
            coverage=coverage_rows,
            start=window_start,
            end=window_end,
            today=on,
            title=_("Active SIP interventions by responsible administration and time"),
            desc=_(
                "%(n)s active interventions, %(o)s overlaps, %(g)s gaps until the next "
                "follow-up. The same facts are in the tables below."
            )
            % {"n": len(active), "o": len(overlaps), "g": len(gaps)},
        )

    due_by = on + dt.timedelta(days=FOLLOW_UP_WARNING_DAYS)
    follow_ups_due = sorted(
        (
            p
            for p in plans
            if p.status in sm.IN_FORCE
            and (
                p.status == Status.FOLLOW_UP_DUE
                or (p.next_follow_up_on is not None and p.next_follow_up_on <= due_by)
            )
        ),
        key=lambda p: p.next_follow_up_on or on,
    )
    return {
        "plans": plans,
        "columns": list(columns.values()),
        "active": sorted(active, key=lambda i: span(i)[0]),
        "active_by_administration": _group_active(active),
        "overlaps": overlaps,
        "gaps": gaps,
        "follow_ups_due": follow_ups_due,
        "timeline": timeline,
        "today": on,
    }


def _group_active(active: list) -> list[dict]:
    groups: dict[str, list] = defaultdict(list)
    for i in active:
        name = (
            i.responsible_administration.name
            if i.responsible_administration
            else _("No responsible administration")
        )
        groups[name].append(i)
    return [{"name": name, "interventions": items} for name, items in sorted(groups.items())]


# --- Integration points for pages the lead owns -----------------------------------------------


def family_summary(user, family: Family) -> dict:
    """For the family page: how many SIPs, the next follow-ups, a link to the family view.
    Expects to be rendered with templates/sip/_family_summary.html as `sip_summary`.
    `plans` are the plans summarised (with access basis), for the page's access log."""
    on = timezone.localdate()
    plans = list(access.family_records(user, sm.Plan, family).order_by("next_follow_up_on", "id"))
    # The consent panel names the shared plans from this read (familjelotsen.memo).
    memo.remember(memo.family_records_key(user, "sip.plan", family.pk), plans)
    labels = member_labels(user, family.pk) if plans else {}
    next_follow_ups = []
    for plan in plans:
        if plan.status in sm.IN_FORCE and plan.next_follow_up_on:
            next_follow_ups.append(
                {
                    "member_label": label_for(labels, plan.member_id),
                    "date": plan.next_follow_up_on,
                    "overdue": plan.follow_up_overdue(on),
                    "url": reverse("sip:plan_detail", args=[plan.pk]),
                }
            )
    return {
        "count": len(plans),
        "open_count": sum(1 for p in plans if p.is_open),
        "in_force_count": sum(1 for p in plans if p.status in sm.IN_FORCE),
        "draft_count": sum(1 for p in plans if p.status in (Status.DRAFT, Status.PREPARED)),
        "next_follow_ups": next_follow_ups[:5],
        "url": reverse("sip:family", args=[family.pk]),
        "plans": plans,
    }


def interventions_for_user(
    user, *, on: dt.date | None = None, plans_limit: int | None = None
) -> list[sm.Intervention]:
    """The SIP interventions the user's administration is responsible for, in the plans the
    user may see (for a school coordinator: only while the consent behind the share lasts).

    Each intervention's `plan` carries `access_basis` / `access_consent_id`, so the page
    can log: `audit.log_list(user=..., objects={i.plan for i in rows}, request=...)`;
    `writable` says whether the user may record its status and follow-up outcome
    (`access.intervention_writable`). `plans_limit`: only the plans followed up first.
    Rendered by templates/sip/_my_interventions.html as `my_interventions`.
    """
    if user.administration_id is None:
        return []
    on = on or timezone.localdate()
    mine = sm.Intervention.objects.filter(
        responsible_administration_id=user.administration_id
    ).filter(Q(end_on__isnull=True) | Q(end_on__gte=on))
    plans_qs = (
        visible_plans(user)
        .filter(status__in=sm.IN_FORCE, id__in=mine.values("plan_id"))
        .select_related("member", "family")
        .prefetch_related(
            Prefetch(
                "interventions",
                queryset=mine.select_related("responsible_administration").order_by(
                    "start_on", "id"
                ),
                to_attr="my_interventions",
            )
        )
        .order_by("next_follow_up_on", "id")
    )
    plans = list(plans_qs[:plans_limit] if plans_limit is not None else plans_qs)
    if not plans:
        return []
    member_ids = {p.member_id for p in plans}
    shown = {
        m.pk: (f"{m.first_name} {m.last_name}" if m.identity_visible else masked_label())
        for m in access.visible_members(user)
        .filter(id__in=member_ids)
        .only("id", "first_name", "last_name", "protected_identity")
    }
    rows = []
    for plan in plans:
        plan.member_label = shown.get(plan.member_id, _("(not shown)"))
        for intervention in plan.my_interventions:
            intervention.plan = plan
            intervention.writable = access.intervention_writable(user, plan, intervention)
            rows.append(intervention)
    return rows


# The work lists (pupil list, shared families) show the plans followed up first; the whole
# list is its own page (`sip:my_interventions`).
PANEL_PLANS = 10


def interventions_panel(user) -> dict:
    """For the work lists: the interventions of the `PANEL_PLANS` plans followed up first,
    and the link to all of them when there are more (a large school has hundreds: the list
    page would render and log them all)."""
    rows = interventions_for_user(user, plans_limit=PANEL_PLANS + 1)
    plans = list(dict.fromkeys(i.plan.pk for i in rows))  # in their order, once each
    shown = set(plans[:PANEL_PLANS])
    return {
        "rows": [i for i in rows if i.plan.pk in shown],
        "all_url": reverse("sip:my_interventions") if len(plans) > PANEL_PLANS else None,
    }


def interventions_for_member(user, member_id: int) -> list[sm.Intervention]:
    """The interventions of the SIPs in force for one person that the user may see (for the
    pupil page: what the school and the others do, and who answers for it).

    Each intervention's `plan` carries the plan's access basis, so the page logs the plans it
    shows with `audit.log_list(..., objects={i.plan for i in rows})`; `writable` says whether
    the user may record its status and outcome.
    """
    plans = list(
        visible_plans(user)
        .filter(member_id=member_id, status__in=sm.IN_FORCE)
        .prefetch_related(
            Prefetch(
                "interventions",
                queryset=sm.Intervention.objects.select_related(
                    "responsible_administration"
                ).order_by("start_on", "id"),
            )
        )
        .order_by("next_follow_up_on", "id")
    )
    rows = []
    for plan in plans:
        for intervention in plan.interventions.all():
            intervention.plan = plan
            intervention.writable = access.intervention_writable(user, plan, intervention)
            rows.append(intervention)
    return rows
