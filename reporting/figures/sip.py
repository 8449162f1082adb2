"""Coordinated individual plans (SIP): plans, time to the first meeting, follow-ups and
interventions by responsible administration (process and actor level)."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from reporting.figures.flow import DURATION_COLUMNS
from reporting.figures.sql import (
    T_ADMIN,
    Percentile,
    days_between,
    family_in_scope,
    family_scope_q,
    fetch,
    scope_params,
)
from reporting.figures.tables import Cell, Column, Figures, Period, Row, Table, cnt, measure
from sip import models as sm

T_SIP_PLAN = sm.Plan._meta.db_table
T_SIP_INTERVENTION = sm.Intervention._meta.db_table


def sip(p: Period, fig: Figures) -> None:
    in_force_at_end = Q(agreed_on__isnull=False, agreed_on__lte=p.end) & (
        Q(closed_on__isnull=True) | Q(closed_on__gt=p.end)
    )
    # Overdue at the end of the period: a follow-up planned before the end that had not been
    # held by then (held later, or still pending with the next follow-up date passed).
    held_late = Exists(
        sm.FollowUp.objects.filter(plan_id=OuterRef("pk"), due_on__lt=p.end, held_on__gt=p.end)
    )
    overdue = in_force_at_end & (held_late | Q(next_follow_up_on__lt=p.end))
    first_meeting = Q(first_meeting_on__range=(p.start, p.end))
    to_meeting = days_between("first_meeting_on", "need_noticed_on")
    agg = sm.Plan.objects.filter(family_scope_q(p, "family__")).aggregate(
        agreed=Count("id", filter=Q(agreed_on__range=(p.start, p.end))),
        in_force=Count("id", filter=in_force_at_end),
        overdue=Count("id", filter=overdue),
        meet_n=Count("id", filter=first_meeting),
        meet_q1=Percentile(to_meeting, 0.25, filter=first_meeting),
        meet_median=Percentile(to_meeting, 0.5, filter=first_meeting),
        meet_q3=Percentile(to_meeting, 0.75, filter=first_meeting),
    )
    fig.tables["sip"] = Table(
        "sip",
        _("Coordinated individual plans (SIP)"),
        [Column("plans", _("SIPs"), additive=False)],
        [
            Row("agreed", _("Agreed in the period"), {"plans": cnt(agg["agreed"])}),
            Row(
                "in_force", _("In force at the end of the period"), {"plans": cnt(agg["in_force"])}
            ),
            Row(
                "overdue",
                _("Follow-up overdue at the end of the period"),
                {"plans": cnt(agg["overdue"])},
            ),
        ],
        note=_("One SIP is one person's plan."),
    )
    n = agg["meet_n"]
    fig.tables["sip_time"] = Table(
        "sip_time",
        _("From need noticed to the first SIP meeting"),
        DURATION_COLUMNS,
        [
            Row(
                "first_meeting",
                _("SIPs whose first meeting was in the period"),
                {
                    "n": cnt(n),
                    **{
                        q: measure(None if agg[f"meet_{q}"] is None else round(agg[f"meet_{q}"]), n)
                        for q in ("q1", "median", "q3")
                    },
                },
            )
        ],
        note=_("The law says the work on a SIP starts without delay."),
    )
    fu = sm.FollowUp.objects.filter(
        Q(held_on__range=(p.start, p.end)) & family_scope_q(p, "plan__family__")
    ).aggregate(
        held=Count("id"),
        on_time=Count("id", filter=Q(due_on__isnull=False, held_on__lte=F("due_on"))),
        late=Count("id", filter=Q(due_on__isnull=False, held_on__gt=F("due_on"))),
        undated=Count("id", filter=Q(due_on__isnull=True)),
    )
    fig.tables["sip_follow_ups"] = Table(
        "sip_follow_ups",
        _("SIP follow-ups held in the period"),
        [
            Column("on_time", _("On time")),
            Column("late", _("Late")),
            Column("undated", _("Without a planned date")),
            Column("held", _("All follow-ups")),
        ],
        [
            Row(
                "held",
                _("Follow-ups"),
                {k: cnt(fu[k]) for k in ("on_time", "late", "undated", "held")},
            )
        ],
        row_sums=((("on_time", "late", "undated"), "held"),),
        note=_(
            "On time: held on or before the date planned when the plan was agreed or "
            "last followed up."
        ),
    )
    sql = f"""
        SELECT i.responsible_administration_id AS adm, a.name,
               GROUPING(i.responsible_administration_id) AS is_total,
               count(*) AS n, count(DISTINCT pl.member_id) AS persons
        FROM {T_SIP_INTERVENTION} i
        JOIN {T_SIP_PLAN} pl ON pl.id = i.plan_id
        LEFT JOIN {T_ADMIN} a ON a.id = i.responsible_administration_id
        WHERE pl.agreed_on IS NOT NULL AND pl.agreed_on <= %(end)s
          AND (pl.closed_on IS NULL OR pl.closed_on >= %(start)s)
          AND (i.start_on IS NULL OR i.start_on <= %(end)s)
          AND (i.end_on IS NULL OR i.end_on >= %(start)s)
          AND {family_in_scope(p, "pl.family_id")}
        GROUP BY ROLLUP ((i.responsible_administration_id, a.name))
    """  # noqa: S608 -- table names from model meta; values are parameters
    data = fetch(sql, {"start": p.start, "end": p.end, **scope_params(p)})
    rows = sorted(
        (r for r in data if not r["is_total"]), key=lambda r: (r["name"] is None, r["name"] or "")
    )
    total = next((r for r in data if r["is_total"]), None)
    fig.tables["sip_interventions"] = Table(
        "sip_interventions",
        _("SIP interventions by responsible administration"),
        [Column("interventions", _("Interventions"), count=False)],
        [
            Row(
                str(r["adm"] or "none"),
                r["name"] or _("No administration named"),
                {"interventions": Cell(r["n"], r["persons"])},
            )
            for r in rows
        ],
        Row(
            "total",
            _("All administrations"),
            {"interventions": Cell(total["n"], total["persons"]) if total else Cell(0, 0)},
        ),
        note=_("Interventions under way during the period in agreed SIPs."),
    )
