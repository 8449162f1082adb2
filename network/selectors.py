"""Every read of network work a page shows. Starts from the access policy's visibility
filter; owns the select_related / prefetch_related so the query count stays flat."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Case,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.labels import label_for, member_labels
from cases.models import Family
from familjelotsen import access, memo
from network import charts
from network import models as nm

# Decided interventions (bistånd) take precedence over service: they are listed first.
DECIDED_FIRST = Case(
    When(provision=nm.NetworkProcess.Provision.DECIDED, then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)


def visible_processes(user) -> QuerySet:
    return access.visible_records(user, nm.NetworkProcess)


def _count_of(qs: QuerySet) -> Coalesce:
    """The number of rows of `qs` (correlated to the outer process) as a subquery."""
    counted = qs.order_by().annotate(n=Func("id", function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def family_processes(user, family: Family) -> list[nm.NetworkProcess]:
    """The family's processes the user may see, decided ones first, with their hours,
    meetings held, open and overdue actions (one query)."""
    open_actions = nm.Action.objects.filter(process_id=OuterRef("pk"), status=nm.Action.Status.OPEN)
    processes = list(
        access.family_records(user, nm.NetworkProcess, family)
        .annotate(
            decided_first=DECIDED_FIRST,
            minutes=Sum("time_entries__minutes", distinct=False),
            meeting_count=_count_of(nm.NetworkMeeting.objects.filter(process_id=OuterRef("pk"))),
            open_action_count=_count_of(open_actions),
            overdue_action_count=_count_of(open_actions.filter(due_on__lt=timezone.localdate())),
        )
        .order_by("decided_first", "status", "-started_on", "-id")
    )
    # The consent panel names the shared processes from this read (familjelotsen.memo).
    memo.remember(memo.family_records_key(user, "network.networkprocess", family.pk), processes)
    if not processes:
        return []
    labels = member_labels(user, family.pk)
    for p in processes:
        p.member_label = label_for(labels, p.member_id)
        p.hours = round((p.minutes or 0) / 60, 1)
    return processes


@dataclass
class ProcessDetail:
    process: nm.NetworkProcess
    member_label: str
    private: list
    professional: list
    meetings: list
    actions: list
    inventories: list
    radar: str | None
    rating_table: list
    time_by_activity: list
    total_hours: float
    planning_hours: int


def _series_label(inventory: nm.NeedsInventory) -> str:
    return f"{inventory.get_rated_by_display()}, {date_format(inventory.made_on)}"


def process_detail(user, process: nm.NetworkProcess) -> ProcessDetail:
    """Everything about one process, in a fixed number of queries."""
    labels = member_labels(user, process.family_id)
    participants = list(process.participants.select_related("administration"))
    meetings = list(
        process.meetings.select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "attendance",
                queryset=nm.Attendance.objects.select_related("participant").order_by(
                    "participant__side", "participant__name"
                ),
            )
        )
        .order_by("held_on", "id")
    )
    for meeting in meetings:
        meeting.attended_names = [
            a.participant.name for a in meeting.attendance.all() if a.attended
        ]
    actions = list(
        process.actions.select_related(
            "meeting", "responsible_participant", "responsible_administration"
        ).order_by("status", "due_on", "id")
    )
    inventories = list(
        process.inventories.prefetch_related("ratings").order_by("made_on", "rated_by", "id")
    )
    radar, table = _needs_chart(inventories, process.pk)
    totals = {
        row["activity"]: row["minutes"]
        for row in process.time_entries.values("activity").annotate(minutes=Sum("minutes"))
    }
    time_by_activity = [
        {"label": label, "hours": round(totals.get(key, 0) / 60, 1)}
        for key, label in nm.Stage.choices
    ]
    return ProcessDetail(
        process=process,
        member_label=label_for(labels, process.member_id),
        private=[p for p in participants if p.side == nm.NetworkParticipant.Side.PRIVATE],
        professional=[p for p in participants if p.side == nm.NetworkParticipant.Side.PROFESSIONAL],
        meetings=meetings,
        actions=actions,
        inventories=inventories,
        radar=radar,
        rating_table=table,
        time_by_activity=time_by_activity,
        total_hours=round(sum(totals.values()) / 60, 1),
        planning_hours=settings.NETWORK_HOURS_PLANNING_FIGURE,
    )


def _needs_chart(inventories: list, svg_key: int) -> tuple[str | None, list]:
    """The radar: the latest inventory by the family, the latest by the ombud, and the
    family's first one for comparison over time; and the full table of every inventory."""
    if not inventories:
        return None, []
    areas = list(nm.GirfecArea.choices)
    values = {inv.pk: {r.area: r for r in inv.ratings.all()} for inv in inventories}
    family = [i for i in inventories if i.rated_by == nm.NeedsInventory.RatedBy.FAMILY]
    ombud = [i for i in inventories if i.rated_by == nm.NeedsInventory.RatedBy.OMBUD]
    shown = []
    if family:
        shown.append(family[-1])
    if ombud:
        shown.append(ombud[-1])
    if len(family) > 1:
        shown.append(family[0])
    series = [
        charts.Series(
            label=_series_label(inv),
            values={area: r.rating for area, r in values[inv.pk].items()},
        )
        for inv in shown
    ]
    desc = "; ".join(
        f"{s.label}: " + ", ".join(f"{label} {s.values.get(key, '–')}" for key, label in areas)
        for s in series
    )
    svg = charts.radar_svg(
        areas=[(k, str(v)) for k, v in areas],
        series=series,
        title=_("Needs inventory: the eight wellbeing areas rated 1–5"),
        desc=desc,
        svg_id=f"radar-{svg_key}",
    )
    table = [
        {
            "area": label,
            "cells": [values[inv.pk].get(key) for inv in inventories],
        }
        for key, label in areas
    ]
    return svg, table


def meeting_detail(process: nm.NetworkProcess, meeting: nm.NetworkMeeting) -> dict:
    """A meeting with its attendance, the actions agreed at it, and the open actions carried
    over to it from earlier meetings."""
    related = ("responsible_participant", "responsible_administration", "meeting")
    return {
        "meeting": meeting,
        "attendance": list(
            meeting.attendance.select_related("participant").order_by(
                "participant__side", "participant__name"
            )
        ),
        "agreed": list(meeting.actions.select_related(*related).order_by("due_on", "id")),
        "carried_over": list(
            meeting.carried_actions.select_related(*related).order_by("due_on", "id")
        ),
        "participants": list(process.participants.all()),
    }


# --- Integration point for the family page ------------------------------------------------------


def family_summary(user, family: Family) -> dict:
    """For the family page: processes (decided first), the next meeting, open actions and the
    hours against the planning figure. Rendered by templates/network/_family_summary.html as
    `network_summary`; `processes` carry the access basis, for the page's access log."""
    processes = family_processes(user, family)
    return {
        "processes": processes,
        "count": len(processes),
        "active_count": sum(1 for p in processes if p.status == nm.NetworkProcess.Status.ACTIVE),
        "open_actions": sum(p.open_action_count for p in processes),
        "overdue_actions": sum(p.overdue_action_count for p in processes),
        "planning_hours": settings.NETWORK_HOURS_PLANNING_FIGURE,
        "url": reverse("network:family", args=[family.pk]),
    }
