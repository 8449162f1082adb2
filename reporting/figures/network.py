"""Network work: processes, meetings by stage, hours by activity and hours per closed
process against the planning figure (process level)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from network import models as nm
from reporting.figures.sql import family_in_scope, family_scope_q, fetch, scope_params
from reporting.figures.tables import (
    Cell,
    Column,
    Figures,
    Period,
    Row,
    Table,
    cnt,
    measure,
    one_decimal,
    to_hours,
)

T_NET_PROCESS = nm.NetworkProcess._meta.db_table
T_NET_MEETING = nm.NetworkMeeting._meta.db_table
T_NET_TIME = nm.NetworkTimeEntry._meta.db_table


def network(p: Period, fig: Figures) -> None:
    active = Q(started_on__lte=p.end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=p.start))
    rows = (
        nm.NetworkProcess.objects.filter(active & family_scope_q(p, "family__"))
        .values("provision")
        .annotate(
            started=Count("id", filter=Q(started_on__range=(p.start, p.end))),
            active=Count("id"),
            closed=Count("id", filter=Q(closed_on__range=(p.start, p.end))),
        )
    )
    by_provision = {r["provision"]: r for r in rows}
    keys = ("started", "active", "closed")
    table_rows = [
        Row(prov.value, prov.label, {k: cnt(by_provision.get(prov.value, {}).get(k)) for k in keys})
        for prov in nm.NetworkProcess.Provision
    ]
    fig.tables["network"] = Table(
        "network",
        _("Network processes"),
        [
            Column("started", _("Started")),
            Column("active", _("Under way in the period")),
            Column("closed", _("Closed")),
        ],
        table_rows,
        Row(
            "total",
            _("All network processes"),
            {k: cnt(sum(r.cells[k].value for r in table_rows)) for k in keys},
        ),
        note=_("One network process is one child's or young person's."),
    )
    sql = f"""
        SELECT stage, GROUPING(stage) AS is_total, count(*) AS n,
               count(DISTINCT process_id) AS processes
        FROM {T_NET_MEETING}
        WHERE held_on BETWEEN %(start)s AND %(end)s
          AND process_id IN (SELECT id FROM {T_NET_PROCESS}
                              WHERE {family_in_scope(p, "family_id")})
        GROUP BY ROLLUP (stage)
    """  # noqa: S608 -- table names from model meta; values are parameters
    meetings = {
        (None if r["is_total"] else r["stage"]): r
        for r in fetch(sql, {"start": p.start, "end": p.end, **scope_params(p)})
    }

    def meeting_cell(r):
        return Cell(r["n"], r["processes"]) if r else Cell(0, 0)

    fig.tables["network_meetings"] = Table(
        "network_meetings",
        _("Network meetings held, by stage"),
        [Column("meetings", _("Meetings"), count=False)],
        [
            Row(s.value, s.label, {"meetings": meeting_cell(meetings.get(s.value))})
            for s in nm.Stage
        ],
        Row("total", _("All meetings"), {"meetings": meeting_cell(meetings.get(None))}),
        note=_("Meetings of network processes held in the period, by the process's stage."),
    )
    sql = f"""
        SELECT activity, GROUPING(activity) AS is_total, sum(minutes) AS minutes,
               count(DISTINCT process_id) AS processes
        FROM {T_NET_TIME}
        WHERE "on" BETWEEN %(start)s AND %(end)s
          AND process_id IN (SELECT id FROM {T_NET_PROCESS}
                              WHERE {family_in_scope(p, "family_id")})
        GROUP BY ROLLUP (activity)
    """  # noqa: S608 -- table names from model meta; values are parameters
    time = {
        (None if r["is_total"] else r["activity"]): r
        for r in fetch(sql, {"start": p.start, "end": p.end, **scope_params(p)})
    }

    def time_cell(r):
        return Cell(to_hours(r["minutes"] or 0), r["processes"]) if r else Cell(0, 0)

    fig.tables["network_hours"] = Table(
        "network_hours",
        _("Hours of network work by activity"),
        [Column("hours", _("Hours"), count=False, decimals=1)],
        [Row(s.value, s.label, {"hours": time_cell(time.get(s.value))}) for s in nm.Stage],
        Row("total", _("All activities"), {"hours": time_cell(time.get(None))}),
        note=_("Time entered on network processes, dated in the period, by stage."),
    )
    planning = settings.NETWORK_HOURS_PLANNING_FIGURE
    sql = f"""
        SELECT count(*) AS n, avg(hours) AS mean,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) AS median,
               count(*) FILTER (WHERE hours > %(planning)s) AS over
        FROM (
          SELECT pr.id, COALESCE(sum(t.minutes), 0) / 60.0 AS hours
          FROM {T_NET_PROCESS} pr LEFT JOIN {T_NET_TIME} t ON t.process_id = pr.id
          WHERE pr.closed_on BETWEEN %(start)s AND %(end)s
            AND {family_in_scope(p, "pr.family_id")}
          GROUP BY pr.id
        ) per_process
    """  # noqa: S608 -- table names from model meta; values are parameters
    params = {"start": p.start, "end": p.end, "planning": planning, **scope_params(p)}
    r = fetch(sql, params)[0]
    n = r["n"] or 0
    fig.tables["network_process_hours"] = Table(
        "network_process_hours",
        _("Hours per network process against the planning figure"),
        [
            Column("n", _("Processes closed in the period")),
            Column("mean", _("Hours per process (mean)"), count=False, additive=False, decimals=1),
            Column(
                "median", _("Hours per process (median)"), count=False, additive=False, decimals=1
            ),
            Column("over", _("Processes above the planning figure"), additive=False),
        ],
        [
            Row(
                "closed",
                _("Closed network processes"),
                {
                    "n": cnt(n),
                    "mean": measure(one_decimal(r["mean"]), n),
                    "median": measure(one_decimal(r["median"]), n),
                    "over": cnt(r["over"]),
                },
            )
        ],
        note=_("Planning figure: %(n)s hours per family, from coordination to follow-up.")
        % {"n": planning},
    )
    fig.facts["network_planning_figure"] = planning
