"""How families move through the programme: the flow by requesting administration, the
month-by-month series, waiting time and time in the programme, placements."""

from __future__ import annotations

from django.db.models import Count, F, Func, IntegerField, Q, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases import models as cm
from reporting.figures.sql import (
    COORDINATED,
    T_FAMILY,
    Percentile,
    coordinated_q,
    days_between,
    family_in_scope,
    family_scope_q,
    fetch,
    in_programme_q,
    in_work_q,
    scope_params,
)
from reporting.figures.tables import Cell, Column, Figures, Period, Row, Table, cnt, measure

# --- Family flow, by requesting administration (actor level) -------------------------------

FLOW_COLUMNS = [
    Column("requested", _("Requested")),
    Column("started", _("Started")),
    Column("active", _("In the programme")),
    Column("phasing_out", _("Phasing out")),
    Column("closed", _("Closed")),
    Column("declined", _("Declined")),
    Column("withdrawn", _("Withdrawn")),
]


def flow(p: Period, fig: Figures) -> None:
    """One query, by requesting administration and kind of work: the flow table is
    coordinated support (the programme); the kinds table sets the two kinds side by side."""
    in_period = Q(end_date__range=(p.start, p.end))
    not_ended_before = Q(end_date__isnull=True) | Q(end_date__gte=p.start)
    S = cm.Family.Status
    rows = list(
        cm.Family.objects.filter(Q(request_date__lte=p.end) & not_ended_before & family_scope_q(p))
        .values("requesting_administration_id", "requesting_administration__name", "kind")
        .annotate(
            requested=Count("id", filter=Q(request_date__range=(p.start, p.end))),
            started=Count("id", filter=Q(start_date__range=(p.start, p.end))),
            # In the work; for coordinated support that is "in the programme".
            active=Count("id", filter=in_work_q(p)),
            phasing_out=Count("id", filter=Q(phase_out_date__lte=p.end) & not_ended_before),
            closed=Count("id", filter=Q(status=S.CLOSED) & in_period),
            declined=Count("id", filter=Q(status=S.DECLINED) & in_period),
            withdrawn=Count("id", filter=Q(status=S.WITHDRAWN) & in_period),
        )
        .order_by("requesting_administration__name", "kind")
    )
    keys = [c.key for c in FLOW_COLUMNS]
    table_rows = [
        Row(
            str(r["requesting_administration_id"]),
            r["requesting_administration__name"],
            {k: cnt(r[k]) for k in keys},
        )
        for r in rows
        if r["kind"] == COORDINATED
    ]
    total = Row(
        "total",
        _("All administrations"),
        {k: cnt(sum(r.cells[k].value for r in table_rows)) for k in keys},
    )
    fig.tables["flow"] = Table(
        "flow",
        _("Families by requesting administration"),
        FLOW_COLUMNS,
        table_rows,
        total,
        note=_(
            "Coordinated support. Closed, declined and withdrawn count families whose case "
            "ended in the period."
        ),
    )
    kinds(fig, rows)


# --- Each kind of work on its own (the team's two assignments, seed 004) --------------------

KIND_COLUMNS = [
    Column("requested", _("Requested")),
    Column("started", _("Started")),
    Column("active", _("In the work")),
    Column("closed", _("Closed")),
    Column("declined", _("Declined")),
    Column("withdrawn", _("Withdrawn")),
]


def kinds(fig: Figures, rows: list[dict]) -> None:
    """Coordinated support and network work only side by side, from the flow's rows."""
    keys = [c.key for c in KIND_COLUMNS]
    by_kind = [
        Row(
            kind.value,
            kind.label,
            {k: cnt(sum(r[k] for r in rows if r["kind"] == kind.value)) for k in keys},
        )
        for kind in cm.WorkKind
    ]
    total = Row(
        "total",
        _("Both kinds of work"),
        {k: cnt(sum(r.cells[k].value for r in by_kind)) for k in keys},
    )
    fig.tables["kinds"] = Table(
        "kinds",
        _("Families by kind of work"),
        KIND_COLUMNS,
        by_kind,
        total,
        note=_(
            "Started: coordinated support when it became active, network work when the family "
            "was taken in (pre-meeting). A family that moved from network work into "
            "coordinated support counts under coordinated support."
        ),
    )


# --- Monthly series (process level; the line chart) ---------------------------------------


def monthly(p: Period, fig: Figures) -> None:
    sql = f"""
        WITH months AS (
            SELECT m::date AS month,
                   LEAST((m + interval '1 month' - interval '1 day')::date, %(end)s) AS month_end
            FROM generate_series(date_trunc('month', %(start)s::date),
                                 %(end)s::date, interval '1 month') AS m
        )
        SELECT months.month,
          count(f.id) FILTER (WHERE f.request_date BETWEEN GREATEST(months.month, %(start)s)
                                                      AND months.month_end) AS requested,
          count(f.id) FILTER (WHERE f.start_date BETWEEN GREATEST(months.month, %(start)s)
                                                    AND months.month_end) AS started,
          count(f.id) FILTER (WHERE f.start_date <= months.month_end
                                AND (f.end_date IS NULL OR f.end_date > months.month_end))
                                                                            AS in_programme
        FROM months
        LEFT JOIN {T_FAMILY} f
          ON f.request_date <= months.month_end
         AND (f.end_date IS NULL OR f.end_date >= GREATEST(months.month, %(start)s))
         AND f.kind = '{COORDINATED}'
         AND {family_in_scope(p, "f.id")}
        GROUP BY months.month
        ORDER BY months.month
    """  # noqa: S608 -- table names from model meta; values are parameters
    data = fetch(sql, {"start": p.start, "end": p.end, **scope_params(p)})
    columns = [
        Column("requested", _("Requested")),
        Column("started", _("Started")),
        Column("in_programme", _("In the programme at the end of the month"), additive=False),
    ]
    rows = [
        Row(
            f"{r['month']:%Y-%m}",
            # "April 2025" in the language the figures are computed in (cached per language).
            date_format(r["month"], "F Y").capitalize(),
            {k: cnt(r[k]) for k in ("requested", "started", "in_programme")},
        )
        for r in data
    ]
    total = Row(
        "total",
        _("The whole period"),
        {
            "requested": cnt(sum(r.cells["requested"].value for r in rows)),
            "started": cnt(sum(r.cells["started"].value for r in rows)),
            "in_programme": Cell(None),
        },
    )
    fig.tables["monthly"] = Table(
        "monthly",
        _("Families month by month"),
        columns,
        rows,
        total,
        note=_(
            "Coordinated support. Requested: requests received in the month; started: "
            "families whose support started in the month; in the programme: families started "
            "and not ended on the month's last day."
        ),
    )


# --- Durations and placements: one aggregate over families -------------------------------

DURATION_COLUMNS = [
    Column("n", _("Number")),
    Column("q1", _("Lower quartile (days)"), count=False, additive=False),
    Column("median", _("Median (days)"), count=False, additive=False),
    Column("q3", _("Upper quartile (days)"), count=False, additive=False),
]


def durations_and_placements(p: Period, fig: Figures) -> None:
    started = Q(start_date__range=(p.start, p.end))
    ended = Q(start_date__isnull=False, end_date__range=(p.start, p.end))
    in_prog = in_programme_q(p)
    wait = days_between("start_date", "request_date")
    stay = days_between("end_date", "start_date")
    placements_avoided = Func(
        F("placements_at_risk_at_start"),
        F("placements_happened"),
        template="GREATEST(%(expressions)s, 0)",
        arg_joiner=" - ",
        output_field=IntegerField(),
    )
    agg = cm.Family.objects.filter(coordinated_q() & family_scope_q(p)).aggregate(
        wait_n=Count("id", filter=started),
        wait_q1=Percentile(wait, 0.25, filter=started),
        wait_median=Percentile(wait, 0.5, filter=started),
        wait_q3=Percentile(wait, 0.75, filter=started),
        stay_n=Count("id", filter=ended),
        stay_q1=Percentile(stay, 0.25, filter=ended),
        stay_median=Percentile(stay, 0.5, filter=ended),
        stay_q3=Percentile(stay, 0.75, filter=ended),
        risk_families=Count("id", filter=in_prog & Q(placements_at_risk_at_start__gt=0)),
        at_risk=Sum("placements_at_risk_at_start", filter=in_prog),
        happened=Sum("placements_happened", filter=in_prog),
        avoided=Sum(placements_avoided, filter=in_prog),
    )
    columns = DURATION_COLUMNS

    def duration_row(key, label, prefix):
        n = agg[f"{prefix}_n"]
        cells = {"n": cnt(n)}
        for q in ("q1", "median", "q3"):
            value = agg[f"{prefix}_{q}"]
            cells[q] = measure(None if value is None else round(value), n)
        return Row(key, label, cells)

    fig.tables["durations"] = Table(
        "durations",
        _("Waiting time and time in the programme"),
        columns,
        [
            duration_row("waiting", _("From request to start (families started)"), "wait"),
            duration_row("programme", _("From start to end (families that ended)"), "stay"),
        ],
        note=_(
            "Calendar days. Waiting: from the request to the start, for the families whose "
            "support started in the period; in the programme: from the start to the end, for "
            "the families whose support ended in the period. Half of the families lie between "
            "the quartiles."
        ),
    )
    fig.tables["placements"] = Table(
        "placements",
        _("Placements outside the home"),
        [
            Column("risk_families", _("Families with a placement at risk at start")),
            Column("at_risk", _("Placements at risk at start")),
            Column("happened", _("Placements that happened")),
            Column("avoided", _("Placements avoided")),
        ],
        [
            Row(
                "families",
                _("Families in the programme"),
                {k: cnt(agg[k]) for k in ("risk_families", "at_risk", "happened", "avoided")},
            )
        ],
        # Treated as adding up so that one small cell cannot be worked out from the others.
        row_sums=((("happened", "avoided"), "at_risk"),),
        note=_("Avoided: placements at risk at start that had not happened, family by family."),
    )
