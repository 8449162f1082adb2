"""Every figure of every report, computed in SQL for one period (DESIGN.md "Reports").

One module, one entry point: `compute(period)` runs each figure once (GROUP BY, FILTER,
percentile_cont, window functions, ROLLUP/CUBE) and returns raw tables. Nothing here loops
over families in Python; Python only arranges the few aggregate rows into tables.

The raw tables still hold small numbers: they go through `reporting.suppression` before
anything is shown, printed or exported. Report kinds pick from the same tables; no figure
is computed twice for a report.

Definitions (a period is from `start` to `end`, both days included):
- in the programme during the period: started on or before the end and not ended before the
  start (`start_date <= end` and `end_date` empty or `>= start`);
- requested / started: the request / start date falls in the period;
- phasing out: phase-out began on or before the end and the case had not ended by the start;
- closed / declined / withdrawn: the case has that status and its end date falls in the period;
- caseload: families with a responsible ombud in the programme at the end of the period;
- ages are taken at the end of the period;
- goal progress and KASAM compare the first and the latest rating on or before the end of the
  period, for families in the programme during it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Sum,
)
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases import models as cm
from familjelotsen.models import Administration
from network import models as nm
from reporting.models import CostSettings, FunderShare
from sip import models as sm

# --- Raw tables ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    # A count of persons or families: 1–4 is shown as "<5". Other cells (events, hours, days,
    # means, money) are withheld when fewer than five persons or families lie behind them.
    count: bool = True
    # The column sums down the rows into the total row (secondary suppression follows it).
    additive: bool = True
    decimals: int = 0


@dataclass
class Cell:
    value: int | float | Decimal | None
    # How many persons or families lie behind a non-count cell (None: not about persons).
    base: int | None = None
    # Decimals for this cell when its column mixes kinds of figures.
    decimals: int | None = None


@dataclass
class Row:
    key: str
    label: str | Promise
    cells: dict[str, Cell]


@dataclass
class Table:
    key: str
    title: str | Promise
    columns: list[Column]
    rows: list[Row]
    total: Row | None = None
    # Within a row: these columns add up to that one, e.g. (("improved", "same", "worse"), "n").
    row_sums: tuple[tuple[tuple[str, ...], str], ...] = ()
    note: str | Promise = ""


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("period ends before it starts")

    @property
    def start_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def end_before(self) -> dt.datetime:
        """The first moment after the period (datetimes are compared with <)."""
        return timezone.make_aware(
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min)
        )

    def years_before_end(self, years: int) -> dt.date:
        try:
            return self.end.replace(year=self.end.year - years)
        except ValueError:  # 29 February in a year without one
            return self.end.replace(year=self.end.year - years, day=28)


@dataclass
class Figures:
    period: Period
    tables: dict[str, Table] = field(default_factory=dict)
    # Plain values the templates need besides the tables (planning figures, the key).
    facts: dict[str, object] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Table:
        return self.tables[key]


# --- SQL helpers --------------------------------------------------------------------------


class Percentile(Aggregate):
    """percentile_cont(p) WITHIN GROUP (ORDER BY expr), with FILTER support."""

    function = "percentile_cont"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, percentile: float, **extra):
        super().__init__(expression, percentile=float(percentile), **extra)


def _days_between(later: str, earlier: str) -> Func:
    # date - date is a whole number of days in PostgreSQL (Django would make an interval).
    return Func(
        F(later),
        F(earlier),
        template="(%(expressions)s)",
        arg_joiner=" - ",
        output_field=IntegerField(),
    )


def _in_programme_q(p: Period, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start_date__isnull": False, f"{prefix}start_date__lte": p.end}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": p.start})
    )


def _in_programme_ids(p: Period):
    return cm.Family.objects.filter(_in_programme_q(p)).values("id")


def _fetch(sql: str, params: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


T_FAMILY = cm.Family._meta.db_table
T_GOAL = cm.Goal._meta.db_table
T_FOLLOWUP = cm.GoalFollowUp._meta.db_table
T_ASSESSMENT = cm.Assessment._meta.db_table
T_OBSTACLE = cm.Obstacle._meta.db_table
T_JOURNAL = cm.JournalEntry._meta.db_table
T_TIME = cm.TimeEntry._meta.db_table
T_ADMIN = Administration._meta.db_table

IN_PROGRAMME_SQL = (
    f"SELECT id FROM {T_FAMILY} WHERE start_date IS NOT NULL "  # noqa: S608 -- a table name
    "AND start_date <= %(end)s AND (end_date IS NULL OR end_date >= %(start)s)"
)


def _cnt(value) -> Cell:
    return Cell(int(value or 0))


def _measure(value, base) -> Cell:
    return Cell(None if value is None else value, int(base or 0))


def _to_hours(minutes) -> float | None:
    return None if minutes is None else round(minutes / 60, 1)


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


def _flow(p: Period, fig: Figures) -> None:
    in_period = Q(end_date__range=(p.start, p.end))
    not_ended_before = Q(end_date__isnull=True) | Q(end_date__gte=p.start)
    S = cm.Family.Status
    rows = (
        cm.Family.objects.filter(Q(request_date__lte=p.end) & not_ended_before)
        .values("requesting_administration_id", "requesting_administration__name")
        .annotate(
            requested=Count("id", filter=Q(request_date__range=(p.start, p.end))),
            started=Count("id", filter=Q(start_date__range=(p.start, p.end))),
            active=Count("id", filter=_in_programme_q(p)),
            phasing_out=Count("id", filter=Q(phase_out_date__lte=p.end) & not_ended_before),
            closed=Count("id", filter=Q(status=S.CLOSED) & in_period),
            declined=Count("id", filter=Q(status=S.DECLINED) & in_period),
            withdrawn=Count("id", filter=Q(status=S.WITHDRAWN) & in_period),
        )
        .order_by("requesting_administration__name")
    )
    keys = [c.key for c in FLOW_COLUMNS]
    table_rows = [
        Row(
            str(r["requesting_administration_id"]),
            r["requesting_administration__name"],
            {k: _cnt(r[k]) for k in keys},
        )
        for r in rows
    ]
    total = Row(
        "total",
        _("All administrations"),
        {k: _cnt(sum(r.cells[k].value for r in table_rows)) for k in keys},
    )
    fig.tables["flow"] = Table(
        "flow",
        _("Families by requesting administration"),
        FLOW_COLUMNS,
        table_rows,
        total,
        note=_("Closed, declined and withdrawn count families whose case ended in the period."),
    )


# --- Monthly series (process level; the line chart) ---------------------------------------


def _monthly(p: Period, fig: Figures) -> None:
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
        GROUP BY months.month
        ORDER BY months.month
    """  # noqa: S608 -- table names from model meta; values are parameters
    data = _fetch(sql, {"start": p.start, "end": p.end})
    columns = [
        Column("requested", _("Requested")),
        Column("started", _("Started")),
        Column("in_programme", _("In the programme at the end of the month"), additive=False),
    ]
    rows = [
        Row(
            f"{r['month']:%Y-%m}",
            f"{r['month']:%Y-%m}",
            {k: _cnt(r[k]) for k in ("requested", "started", "in_programme")},
        )
        for r in data
    ]
    total = Row(
        "total",
        _("The whole period"),
        {
            "requested": _cnt(sum(r.cells["requested"].value for r in rows)),
            "started": _cnt(sum(r.cells["started"].value for r in rows)),
            "in_programme": Cell(None),
        },
    )
    fig.tables["monthly"] = Table("monthly", _("Families month by month"), columns, rows, total)


# --- Durations and placements: one aggregate over families -------------------------------

DURATION_COLUMNS = [
    Column("n", _("Number")),
    Column("q1", _("Lower quartile (days)"), count=False, additive=False),
    Column("median", _("Median (days)"), count=False, additive=False),
    Column("q3", _("Upper quartile (days)"), count=False, additive=False),
]


def _durations_and_placements(p: Period, fig: Figures) -> None:
    started = Q(start_date__range=(p.start, p.end))
    ended = Q(start_date__isnull=False, end_date__range=(p.start, p.end))
    in_prog = _in_programme_q(p)
    wait = _days_between("start_date", "request_date")
    stay = _days_between("end_date", "start_date")
    placements_avoided = Func(
        F("placements_at_risk_at_start"),
        F("placements_happened"),
        template="GREATEST(%(expressions)s, 0)",
        arg_joiner=" - ",
        output_field=IntegerField(),
    )
    agg = cm.Family.objects.aggregate(
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
        cells = {"n": _cnt(n)}
        for q in ("q1", "median", "q3"):
            value = agg[f"{prefix}_{q}"]
            cells[q] = _measure(None if value is None else round(value), n)
        return Row(key, label, cells)

    fig.tables["durations"] = Table(
        "durations",
        _("Waiting time and time in the programme"),
        columns,
        [
            duration_row("waiting", _("From request to start (families started)"), "wait"),
            duration_row("programme", _("From start to end (families that ended)"), "stay"),
        ],
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
                {k: _cnt(agg[k]) for k in ("risk_families", "at_risk", "happened", "avoided")},
            )
        ],
        # Treated as adding up so that one small cell cannot be worked out from the others.
        row_sums=((("happened", "avoided"), "at_risk"),),
        note=_("Avoided: placements at risk at start that had not happened, family by family."),
    )


# --- Caseload per ombud, against the planning figure (process level) ---------------------


def _caseload(p: Period, fig: Figures) -> None:
    at_end = (
        cm.Family.objects.filter(
            responsible_ombud__isnull=False, start_date__isnull=False, start_date__lte=p.end
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=p.end))
        .values("responsible_ombud_id")
        .annotate(n=Count("id"))
        .order_by("-n", "responsible_ombud_id")
    )
    planning = settings.CASELOAD_PLANNING_FIGURE
    # Staff are numbered, not named: the report is about the work, not the person.
    rows = [
        Row(f"ombud-{i}", _("Family ombud %(n)s") % {"n": i}, {"families": _cnt(r["n"])})
        for i, r in enumerate(at_end, start=1)
    ]
    total_families = sum(r.cells["families"].value for r in rows)
    fig.tables["caseload"] = Table(
        "caseload",
        _("Caseload per family ombud at the end of the period"),
        [Column("families", _("Families"))],
        rows,
        Row("total", _("All family ombud"), {"families": _cnt(total_families)}),
        note=_("Planning figure: %(n)s families per family ombud.") % {"n": planning},
    )
    ombud = len(rows)
    mean = round(total_families / ombud, 1) if ombud else None
    fig.tables["caseload_summary"] = Table(
        "caseload_summary",
        _("Caseload against the planning figure"),
        [Column("value", _("Value"), count=False, additive=False, decimals=1)],
        [
            Row("ombud", _("Family ombud with families"), {"value": Cell(ombud)}),
            Row(
                "mean",
                _("Families per family ombud (mean)"),
                {"value": _measure(mean, total_families)},
            ),
            Row("planning", _("Planning figure"), {"value": Cell(planning)}),
            Row(
                "over",
                _("Family ombud above the planning figure"),
                {"value": Cell(sum(1 for r in at_end if r["n"] > planning))},
            ),
        ],
    )
    fig.facts["caseload_planning_figure"] = planning


# --- Members: children by age band, NPF, occupation, income support (family level) -------

AGE_BANDS = (("6_9", 6, 9), ("10_12", 10, 12), ("13_16", 13, 16))


def _members(p: Period, fig: Figures) -> None:
    K = cm.Member.Kind
    child = Q(kind__in=[K.CHILD, K.SIBLING])
    adult = Q(kind__in=[K.CUSTODIAN, K.OTHER_ADULT])
    bands: dict[str, Q] = {}
    for key, low, high in AGE_BANDS:
        # Age at the end of the period is in [low, high]: born after the day one turns high+1.
        bands[key] = Q(
            birth_date__lte=p.years_before_end(low), birth_date__gt=p.years_before_end(high + 1)
        )
    any_band = bands["6_9"] | bands["10_12"] | bands["13_16"]
    Occ = cm.Member.Occupation
    occupations = [o for o in Occ if o != Occ.UNKNOWN]
    aggregates = {f"age_{k}": Count("id", filter=child & q) for k, q in bands.items()}
    aggregates["age_other"] = Count("id", filter=child & ~any_band)
    aggregates["npf_children"] = Count("id", filter=child & ~Q(npf_diagnosis=""))
    aggregates["npf_adults"] = Count("id", filter=~child & ~Q(npf_diagnosis=""))
    for o in occupations:
        aggregates[f"start_{o.value}"] = Count("id", filter=adult & Q(occupation_at_start=o))
        aggregates[f"now_{o.value}"] = Count("id", filter=adult & Q(occupation=o))
    unknown = [Occ.UNKNOWN, ""]
    aggregates["start_unknown"] = Count("id", filter=adult & Q(occupation_at_start__in=unknown))
    aggregates["now_unknown"] = Count("id", filter=adult & Q(occupation__in=unknown))
    aggregates["support_start"] = Count(
        "family_id", distinct=True, filter=adult & Q(income_support_at_start=True)
    )
    aggregates["support_now"] = Count(
        "family_id", distinct=True, filter=adult & Q(income_support=True)
    )
    agg = cm.Member.objects.filter(family_id__in=_in_programme_ids(p)).aggregate(**aggregates)

    band_labels = {
        "6_9": _("6–9 years"),
        "10_12": _("10–12 years"),
        "13_16": _("13–16 years"),
        "other": _("Other ages"),
    }
    age_rows = [
        Row(k, band_labels[k], {"children": _cnt(agg[f"age_{k}"])})
        for k in ("6_9", "10_12", "13_16", "other")
    ]
    fig.tables["children_by_age"] = Table(
        "children_by_age",
        _("Children by age"),
        [Column("children", _("Children"))],
        age_rows,
        Row(
            "total",
            _("All children"),
            {"children": _cnt(sum(r.cells["children"].value for r in age_rows))},
        ),
        note=_("Children in families in the programme; age at the end of the period."),
    )
    npf_rows = [
        Row("children", _("Children"), {"persons": _cnt(agg["npf_children"])}),
        Row("adults", _("Adults"), {"persons": _cnt(agg["npf_adults"])}),
    ]
    fig.tables["npf"] = Table(
        "npf",
        _("Family members with a neuropsychiatric diagnosis"),
        [Column("persons", _("Persons"))],
        npf_rows,
        Row("total", _("All"), {"persons": _cnt(agg["npf_children"] + agg["npf_adults"])}),
        note=_("A count only: no diagnosis is named in a report."),
    )
    occ_rows = [
        Row(
            o.value,
            o.label,
            {"start": _cnt(agg[f"start_{o.value}"]), "now": _cnt(agg[f"now_{o.value}"])},
        )
        for o in occupations
    ]
    occ_rows.append(
        Row(
            "unknown",
            Occ.UNKNOWN.label,
            {"start": _cnt(agg["start_unknown"]), "now": _cnt(agg["now_unknown"])},
        )
    )
    fig.tables["occupation"] = Table(
        "occupation",
        _("Parents' occupation at start and now"),
        [Column("start", _("At start")), Column("now", _("Now"))],
        occ_rows,
        Row(
            "total",
            _("All parents and other adults"),
            {
                "start": _cnt(sum(r.cells["start"].value for r in occ_rows)),
                "now": _cnt(sum(r.cells["now"].value for r in occ_rows)),
            },
        ),
    )
    fig.tables["income_support"] = Table(
        "income_support",
        _("Families with income support"),
        [Column("families", _("Families"), additive=False)],
        [
            Row("start", _("At start"), {"families": _cnt(agg["support_start"])}),
            Row("now", _("Now"), {"families": _cnt(agg["support_now"])}),
        ],
    )


# --- Goal progress and KASAM: first vs latest, window functions (family level) -----------

PROGRESS_COLUMNS = [
    Column("followed", _("Followed up at least twice")),
    Column("first", _("First rating (mean)"), count=False, additive=False, decimals=1),
    Column("latest", _("Latest rating (mean)"), count=False, additive=False, decimals=1),
    Column("better", _("Better")),
    Column("same", _("Unchanged")),
    Column("worse", _("Worse")),
]
PROGRESS_SUMS = ((("better", "same", "worse"), "followed"),)


def _goal_progress(p: Period, fig: Figures) -> None:
    sql = f"""
        SELECT area, GROUPING(area) AS is_total,
          count(*) FILTER (WHERE n >= 2) AS followed,
          count(DISTINCT family_id) FILTER (WHERE n >= 2) AS families,
          avg(first_rating) FILTER (WHERE n >= 2) AS first,
          avg(last_rating) FILTER (WHERE n >= 2) AS latest,
          count(*) FILTER (WHERE n >= 2 AND last_rating > first_rating) AS better,
          count(*) FILTER (WHERE n >= 2 AND last_rating = first_rating) AS same,
          count(*) FILTER (WHERE n >= 2 AND last_rating < first_rating) AS worse
        FROM (
          SELECT DISTINCT ON (fu.goal_id) g.area, g.family_id,
            first_value(fu.rating) OVER w AS first_rating,
            last_value(fu.rating) OVER w AS last_rating,
            count(*) OVER w AS n
          FROM {T_FOLLOWUP} fu JOIN {T_GOAL} g ON g.id = fu.goal_id
          WHERE fu.date <= %(end)s AND g.family_id IN ({IN_PROGRAMME_SQL})
          WINDOW w AS (PARTITION BY fu.goal_id ORDER BY fu.date, fu.id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
          ORDER BY fu.goal_id
        ) per_goal
        GROUP BY ROLLUP (area)
    """  # noqa: S608 -- table names from model meta; values are parameters
    data = {
        (r["area"] if not r["is_total"] else None): r
        for r in _fetch(sql, {"start": p.start, "end": p.end})
    }

    def row(key, label, r):
        r = r or {}
        base = r.get("families") or 0
        return Row(
            key,
            label,
            {
                "followed": _cnt(r.get("followed")),
                "first": _measure(_round(r.get("first")), base),
                "latest": _measure(_round(r.get("latest")), base),
                "better": _cnt(r.get("better")),
                "same": _cnt(r.get("same")),
                "worse": _cnt(r.get("worse")),
            },
        )

    rows = [row(area.value, area.label, data.get(area.value)) for area in cm.OutcomeArea]
    fig.tables["goal_progress"] = Table(
        "goal_progress",
        _("Goal progress per outcome area"),
        PROGRESS_COLUMNS,
        rows,
        row("total", _("All outcome areas"), data.get(None)),
        row_sums=PROGRESS_SUMS,
        note=_(
            "Goals rated at least twice: the first against the latest follow-up "
            "(1 much worse – 5 goal reached)."
        ),
    )


def _kasam(p: Period, fig: Figures) -> None:
    sql = f"""
        SELECT instrument,
          count(*) FILTER (WHERE n >= 2) AS followed,
          avg(first_score) FILTER (WHERE n >= 2) AS first,
          avg(last_score) FILTER (WHERE n >= 2) AS latest,
          count(*) FILTER (WHERE n >= 2 AND last_score > first_score) AS better,
          count(*) FILTER (WHERE n >= 2 AND last_score = first_score) AS same,
          count(*) FILTER (WHERE n >= 2 AND last_score < first_score) AS worse
        FROM (
          SELECT DISTINCT ON (a.member_id, a.instrument) a.instrument,
            first_value(a.score) OVER w AS first_score,
            last_value(a.score) OVER w AS last_score,
            count(*) OVER w AS n
          FROM {T_ASSESSMENT} a
          WHERE a.assessed_on <= %(end)s AND a.family_id IN ({IN_PROGRAMME_SQL})
          WINDOW w AS (PARTITION BY a.member_id, a.instrument ORDER BY a.assessed_on, a.id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
          ORDER BY a.member_id, a.instrument
        ) per_person
        GROUP BY instrument
    """  # noqa: S608 -- table names from model meta; values are parameters
    data = {r["instrument"]: r for r in _fetch(sql, {"start": p.start, "end": p.end})}
    columns = [
        Column("followed", _("Persons assessed at start and later")),
        Column("first", _("At start (mean)"), count=False, additive=False, decimals=1),
        Column("latest", _("Latest (mean)"), count=False, additive=False, decimals=1),
        Column("change", _("Change (mean)"), count=False, additive=False, decimals=1),
        Column("better", _("Higher")),
        Column("same", _("Unchanged")),
        Column("worse", _("Lower")),
    ]
    rows = []
    for instrument in cm.Assessment.Instrument:
        r = data.get(instrument.value, {})
        n = r.get("followed") or 0
        first, latest = _round(r.get("first")), _round(r.get("latest"))
        change = None if first is None or latest is None else round(latest - first, 1)
        rows.append(
            Row(
                instrument.value,
                instrument.label,
                {
                    "followed": _cnt(n),
                    "first": _measure(first, n),
                    "latest": _measure(latest, n),
                    "change": _measure(change, n),
                    "better": _cnt(r.get("better")),
                    "same": _cnt(r.get("same")),
                    "worse": _cnt(r.get("worse")),
                },
            )
        )
    fig.tables["kasam"] = Table(
        "kasam",
        _("Sense of coherence (KASAM), start against latest"),
        columns,
        rows,
        row_sums=((("better", "same", "worse"), "followed"),),
        note=_(
            "Persons with a KASAM total score at start and at least one later; the two "
            "forms have different scales and are not added together."
        ),
    )


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)


# --- Obstacles, contacts, hours (actor and process level) ---------------------------------


def _obstacles(p: Period, fig: Figures) -> None:
    sql = f"""
        SELECT o.administration_id, a.name, o.kind,
               GROUPING(o.administration_id) AS all_adm, GROUPING(o.kind) AS all_kinds,
               count(*) AS n, count(DISTINCT o.family_id) AS families
        FROM {T_OBSTACLE} o LEFT JOIN {T_ADMIN} a ON a.id = o.administration_id
        WHERE o.observed_on BETWEEN %(start)s AND %(end)s
        GROUP BY CUBE ((o.administration_id, a.name), o.kind)
    """  # noqa: S608 -- table names from model meta; values are parameters
    data = _fetch(sql, {"start": p.start, "end": p.end})
    kinds = list(cm.Obstacle.Kind)
    columns = [Column(k.value, k.label, count=False) for k in kinds]
    columns.append(Column("all", _("All obstacles"), count=False))

    by_adm: dict[object, dict[str, Cell]] = {}
    names: dict[object, str] = {}
    for r in data:
        adm = "total" if r["all_adm"] else (r["administration_id"] or "none")
        col = "all" if r["all_kinds"] else r["kind"]
        by_adm.setdefault(adm, {})[col] = Cell(r["n"], r["families"])
        if not r["all_adm"]:
            names[adm] = r["name"] or _("No administration named")

    def cells(adm):
        got = by_adm.get(adm, {})
        return {c.key: got.get(c.key, Cell(0, 0)) for c in columns}

    ordered = sorted((k for k in names if k != "none"), key=lambda k: names[k])
    if "none" in names:
        ordered.append("none")
    fig.tables["obstacles"] = Table(
        "obstacles",
        _("Obstacles reported, by kind and administration concerned"),
        columns,
        [Row(str(adm), names[adm], cells(adm)) for adm in ordered],
        Row("total", _("All administrations"), cells("total")),
        row_sums=(((tuple(k.value for k in kinds)), "all"),),
    )


def _journal(p: Period, fig: Figures) -> None:
    sql = f"""
        SELECT kind, GROUPING(kind) AS is_total, count(*) AS n,
               count(DISTINCT family_id) AS families
        FROM {T_JOURNAL}
        WHERE event_at >= %(from)s AND event_at < %(before)s AND corrects_id IS NULL
        GROUP BY ROLLUP (kind)
    """  # noqa: S608 -- table names from model meta; values are parameters
    data = {
        (None if r["is_total"] else r["kind"]): r
        for r in _fetch(sql, {"from": p.start_at, "before": p.end_before})
    }

    def cell(r):
        return Cell(r["n"], r["families"]) if r else Cell(0, 0)

    fig.tables["contacts"] = Table(
        "contacts",
        _("Contacts documented in the journal, by kind"),
        [Column("contacts", _("Contacts"), count=False)],
        [
            Row(k.value, k.label, {"contacts": cell(data.get(k.value))})
            for k in cm.JournalEntry.Kind
        ],
        Row("total", _("All contacts"), {"contacts": cell(data.get(None))}),
        note=_("Corrections (addenda) are not counted as contacts."),
    )


def _hours_by_activity(p: Period, fig: Figures) -> None:
    sql = f"""
        SELECT activity, GROUPING(activity) AS is_total, sum(minutes) AS minutes,
               count(DISTINCT family_id) AS families
        FROM {T_TIME}
        WHERE date BETWEEN %(start)s AND %(end)s
        GROUP BY ROLLUP (activity)
    """  # noqa: S608 -- table names from model meta; values are parameters
    data = {
        (None if r["is_total"] else r["activity"]): r
        for r in _fetch(sql, {"start": p.start, "end": p.end})
    }

    def cell(r):
        return Cell(_to_hours(r["minutes"] or 0), r["families"]) if r else Cell(0, 0)

    total = data.get(None)
    fig.tables["hours"] = Table(
        "hours",
        _("Hours by activity"),
        [Column("hours", _("Hours"), count=False, decimals=1)],
        [Row(a.value, a.label, {"hours": cell(data.get(a.value))}) for a in cm.TimeEntry.Activity],
        Row("total", _("All activities"), {"hours": cell(total)}),
    )
    fig.facts["hours_total"] = _to_hours(total["minutes"]) if total else 0
    fig.facts["hours_families"] = total["families"] if total else 0


# --- Cost per funder by the distribution key (funder report) ------------------------------


def _cost(p: Period, fig: Figures) -> None:
    settings_row = CostSettings.objects.filter(pk=1).first()
    hourly = (
        settings_row.hourly_cost
        if settings_row
        else CostSettings._meta.get_field("hourly_cost").default
    )
    shares = list(FunderShare.objects.select_related("administration"))
    hours = Decimal(str(fig.facts.get("hours_total") or 0))
    base = fig.facts.get("hours_families") or 0
    total_cost = (hours * hourly).quantize(Decimal("1"))
    columns = [
        Column("share", _("Share (%)"), count=False, decimals=2),
        Column("hours", _("Hours"), count=False, decimals=1),
        Column("cost", _("Cost (SEK)"), count=False),
    ]
    rows = []
    for s in shares:
        fraction = s.share_percent / 100
        rows.append(
            Row(
                str(s.pk),
                s.name,
                {
                    "share": Cell(s.share_percent),
                    "hours": Cell((hours * fraction).quantize(Decimal("0.1")), base),
                    "cost": Cell((total_cost * fraction).quantize(Decimal("1")), base),
                },
            )
        )
    share_sum = sum((s.share_percent for s in shares), Decimal(0))
    fig.tables["cost"] = Table(
        "cost",
        _("Hours and cost per funder by the distribution key"),
        columns,
        rows,
        Row(
            "total",
            _("All funders"),
            {
                "share": Cell(share_sum),
                "hours": Cell(hours, base),
                "cost": Cell(total_cost, base),
            },
        ),
        note=_(
            "Hours from the time entries of the period priced at %(cost)s SEK per hour "
            "and divided by each funder's share."
        )
        % {"cost": hourly},
    )
    fig.facts["hourly_cost"] = hourly
    fig.facts["shares_sum"] = share_sum
    families = fig.tables["flow"].total.cells["active"].value
    fig.tables["cost_summary"] = Table(
        "cost_summary",
        _("Cost of the period"),
        [Column("value", _("Value"), count=False, additive=False)],
        [
            Row("hours", _("Hours"), {"value": Cell(hours, base, decimals=1)}),
            Row("hourly", _("Hourly cost (SEK)"), {"value": Cell(hourly, decimals=2)}),
            Row("cost", _("Cost (SEK)"), {"value": Cell(total_cost, base)}),
            Row(
                "per_family",
                _("Cost per family in the programme (SEK)"),
                {
                    "value": Cell(
                        (total_cost / families).quantize(Decimal("1")) if families else None,
                        families,
                    ),
                },
            ),
        ],
    )


# --- SIP (process and actor level) ---------------------------------------------------------

T_SIP_PLAN = sm.Plan._meta.db_table
T_SIP_INTERVENTION = sm.Intervention._meta.db_table


def _sip(p: Period, fig: Figures) -> None:
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
    to_meeting = _days_between("first_meeting_on", "need_noticed_on")
    agg = sm.Plan.objects.aggregate(
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
            Row("agreed", _("Agreed in the period"), {"plans": _cnt(agg["agreed"])}),
            Row(
                "in_force", _("In force at the end of the period"), {"plans": _cnt(agg["in_force"])}
            ),
            Row(
                "overdue",
                _("Follow-up overdue at the end of the period"),
                {"plans": _cnt(agg["overdue"])},
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
                    "n": _cnt(n),
                    **{
                        q: _measure(
                            None if agg[f"meet_{q}"] is None else round(agg[f"meet_{q}"]), n
                        )
                        for q in ("q1", "median", "q3")
                    },
                },
            )
        ],
        note=_("The law says the work on a SIP starts without delay."),
    )
    fu = sm.FollowUp.objects.filter(held_on__range=(p.start, p.end)).aggregate(
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
                {k: _cnt(fu[k]) for k in ("on_time", "late", "undated", "held")},
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
        GROUP BY ROLLUP ((i.responsible_administration_id, a.name))
    """  # noqa: S608 -- table names from model meta; values are parameters
    data = _fetch(sql, {"start": p.start, "end": p.end})
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


# --- Network work (process level) ------------------------------------------------------------

T_NET_PROCESS = nm.NetworkProcess._meta.db_table
T_NET_MEETING = nm.NetworkMeeting._meta.db_table
T_NET_TIME = nm.NetworkTimeEntry._meta.db_table


def _network(p: Period, fig: Figures) -> None:
    active = Q(started_on__lte=p.end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=p.start))
    rows = (
        nm.NetworkProcess.objects.filter(active)
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
        Row(
            prov.value, prov.label, {k: _cnt(by_provision.get(prov.value, {}).get(k)) for k in keys}
        )
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
            {k: _cnt(sum(r.cells[k].value for r in table_rows)) for k in keys},
        ),
        note=_("One network process is one child's or young person's."),
    )
    sql = f"""
        SELECT stage, GROUPING(stage) AS is_total, count(*) AS n,
               count(DISTINCT process_id) AS processes
        FROM {T_NET_MEETING}
        WHERE held_on BETWEEN %(start)s AND %(end)s
        GROUP BY ROLLUP (stage)
    """  # noqa: S608 -- table names from model meta; values are parameters
    meetings = {
        (None if r["is_total"] else r["stage"]): r
        for r in _fetch(sql, {"start": p.start, "end": p.end})
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
    )
    sql = f"""
        SELECT activity, GROUPING(activity) AS is_total, sum(minutes) AS minutes,
               count(DISTINCT process_id) AS processes
        FROM {T_NET_TIME}
        WHERE "on" BETWEEN %(start)s AND %(end)s
        GROUP BY ROLLUP (activity)
    """  # noqa: S608 -- table names from model meta; values are parameters
    time = {
        (None if r["is_total"] else r["activity"]): r
        for r in _fetch(sql, {"start": p.start, "end": p.end})
    }

    def time_cell(r):
        return Cell(_to_hours(r["minutes"] or 0), r["processes"]) if r else Cell(0, 0)

    fig.tables["network_hours"] = Table(
        "network_hours",
        _("Hours of network work by activity"),
        [Column("hours", _("Hours"), count=False, decimals=1)],
        [Row(s.value, s.label, {"hours": time_cell(time.get(s.value))}) for s in nm.Stage],
        Row("total", _("All activities"), {"hours": time_cell(time.get(None))}),
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
          GROUP BY pr.id
        ) per_process
    """  # noqa: S608 -- table names from model meta; values are parameters
    r = _fetch(sql, {"start": p.start, "end": p.end, "planning": planning})[0]
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
                    "n": _cnt(n),
                    "mean": _measure(_round(r["mean"]), n),
                    "median": _measure(_round(r["median"]), n),
                    "over": _cnt(r["over"]),
                },
            )
        ],
        note=_("Planning figure: %(n)s hours per family, from coordination to follow-up.")
        % {"n": planning},
    )
    fig.facts["network_planning_figure"] = planning


# --- Entry point ---------------------------------------------------------------------------

# In order: later figures may read earlier ones (cost reads hours and flow).
FIGURES: list[Callable[[Period, Figures], None]] = [
    _flow,
    _monthly,
    _durations_and_placements,
    _caseload,
    _members,
    _goal_progress,
    _kasam,
    _obstacles,
    _journal,
    _hours_by_activity,
    _cost,
    _sip,
    _network,
]


def compute(period: Period) -> Figures:
    """Every figure for the period, each computed once."""
    fig = Figures(period)
    for figure in FIGURES:
        figure(period, fig)
    return fig
