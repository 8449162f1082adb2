"""The money (funder report, steering group): the agreed price indexed by OPI, the funders'
contributions, the team's cost by month, cost per family and per network process (network
hours included), placements avoided valued in money, and volume targets against actuals.

Every row carries its definition, printed beside the figure. Money divided by families or
processes is withheld when fewer than five lie behind it (`reporting.suppression`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases import models as cm
from network import models as nm
from reporting.figures.agreements import (
    agreements,
    contributions,
    minutes_by_organisation,
    volume_targets,
)
from reporting.figures.sql import (
    COORDINATED,
    family_in_scope,
    fetch,
    in_programme_sql,
    scope_params,
)
from reporting.figures.tables import Cell, Column, Figures, Period, Row, Table, cnt
from reporting.models import PriceIndexYear, VolumeWork

T_TIME = cm.TimeEntry._meta.db_table
T_NET_TIME = nm.NetworkTimeEntry._meta.db_table
T_NET_PROCESS = nm.NetworkProcess._meta.db_table
T_FAMILY = cm.Family._meta.db_table
NETWORK = cm.WorkKind.NETWORK_WORK.value

ONE = Decimal("1")


def whole(value: Decimal) -> Decimal:
    return value.quantize(ONE, rounding=ROUND_HALF_UP)


# --- Pure arithmetic (tested against hand-computed examples) ---------------------------------


def indexed_price(
    base: Decimal, level_year: int, year: int, changes: Mapping[int, Decimal]
) -> tuple[Decimal, list[int]]:
    """The agreed yearly price for `year`: the base price at the price level of `level_year`,
    raised by each following year's OPI change up to and including `year`. A year without
    an OPI figure counts as 0 % and is returned in the list of missing years."""
    price = Decimal(base)
    missing = []
    for y in range(level_year + 1, year + 1):
        change = changes.get(y)
        if change is None:
            missing.append(y)
            continue
        price = price * (1 + Decimal(change) / 100)
    return whole(price), missing


def month_fractions(p: Period) -> list[tuple[dt.date, Decimal]]:
    """Each month the period touches, with the share of that month inside the period."""
    out = []
    month = p.start.replace(day=1)
    while month <= p.end:
        days = calendar.monthrange(month.year, month.month)[1]
        last = month.replace(day=days)
        inside = (min(last, p.end) - max(month, p.start)).days + 1
        out.append((month, Decimal(inside) / Decimal(days)))
        month = last + dt.timedelta(days=1)
    return out


def period_years(p: Period) -> Decimal:
    """The period's length in years, by months (a calendar year is exactly 1)."""
    return sum((f for _m, f in month_fractions(p)), Decimal(0)) / 12


def placements_value(avoided: int, months: int, cost_per_month: Decimal) -> Decimal:
    return whole(Decimal(avoided) * months * Decimal(cost_per_month))


# --- The figure -----------------------------------------------------------------------------


def _hours_by_month(p: Period) -> dict[str, dict]:
    sql = f"""
        SELECT to_char(date_trunc('month', d), 'YYYY-MM') AS month, kind,
               sum(minutes) AS minutes, count(DISTINCT unit) AS units
        FROM (
          SELECT date AS d, 'family' AS kind, minutes, family_id AS unit FROM {T_TIME}
           WHERE date BETWEEN %(start)s AND %(end)s AND {family_in_scope(p, "family_id")}
          UNION ALL
          SELECT t."on" AS d, 'network' AS kind, t.minutes, t.process_id AS unit
            FROM {T_NET_TIME} t JOIN {T_NET_PROCESS} pr ON pr.id = t.process_id
           WHERE t."on" BETWEEN %(start)s AND %(end)s AND {family_in_scope(p, "pr.family_id")}
        ) t
        GROUP BY 1, 2
    """  # noqa: S608 -- table names from model meta; values are parameters
    out: dict[str, dict] = {}
    for r in fetch(sql, {"start": p.start, "end": p.end, **scope_params(p)}):
        out.setdefault(r["month"], {})[r["kind"]] = r
    return out


def _counts(p: Period, project_start: dt.date | None) -> dict:
    sql = f"""
        SELECT
          (SELECT count(*) FROM ({in_programme_sql(p)}) f) AS families,
          (SELECT count(*) FROM (
             SELECT id FROM {T_FAMILY} WHERE kind = '{NETWORK}' AND start_date IS NOT NULL
               AND start_date <= %(end)s AND (end_date IS NULL OR end_date >= %(start)s)
             UNION
             SELECT family_id FROM {T_NET_PROCESS}
              WHERE started_on <= %(end)s AND (closed_on IS NULL OR closed_on >= %(start)s)
           ) n WHERE {family_in_scope(p, "n.id")}) AS network_families,
          (SELECT count(*) FROM {T_NET_PROCESS}
            WHERE started_on <= %(end)s AND (closed_on IS NULL OR closed_on >= %(start)s)
              AND {family_in_scope(p, "family_id")})
            AS network_processes,
          (SELECT count(DISTINCT t.process_id) FROM {T_NET_TIME} t
             JOIN {T_NET_PROCESS} pr ON pr.id = t.process_id
            WHERE t."on" BETWEEN %(start)s AND %(end)s
              AND {family_in_scope(p, "pr.family_id")}) AS network_processes_with_hours,
          (SELECT count(*) FROM {T_FAMILY} WHERE start_date IS NOT NULL
            AND kind = '{COORDINATED}' AND start_date <= %(end)s
            AND (%(project_start)s::date IS NULL OR start_date >= %(project_start)s::date)
            AND {family_in_scope(p, "id")})
            AS project_families
    """  # noqa: S608 -- table names from model meta; values are parameters
    params = {"start": p.start, "end": p.end, "project_start": project_start, **scope_params(p)}
    return fetch(sql, params)[0]


def _closed_process_hours(p: Period) -> dict:
    sql = f"""
        SELECT count(*) AS n, avg(hours) AS mean FROM (
          SELECT pr.id, COALESCE(sum(t.minutes), 0) / 60.0 AS hours
          FROM {T_NET_PROCESS} pr LEFT JOIN {T_NET_TIME} t ON t.process_id = pr.id
          WHERE pr.closed_on BETWEEN %(start)s AND %(end)s
            AND {family_in_scope(p, "pr.family_id")}
          GROUP BY pr.id
        ) per_process
    """  # noqa: S608 -- table names from model meta; values are parameters
    return fetch(sql, {"start": p.start, "end": p.end, **scope_params(p)})[0]


def _hours(minutes) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def money(p: Period, fig: Figures) -> None:
    a = agreements(p, fig)
    changes = {r.year: r.change_percent for r in PriceIndexYear.objects.all()}
    months = month_fractions(p)

    def level_of(row) -> int:
        return row.price_level_year or p.start.year

    def price_of(row, year: int) -> tuple[Decimal, list[int]]:
        if row.indexed:
            return indexed_price(row.base_price, level_of(row), year, changes)
        return whole(Decimal(row.base_price)), []

    # The agreed price per year of the period, indexed by OPI (each organisation's agreement
    # at its own price level; several in scope: their sum).
    prices: dict[int, Decimal] = {}
    missing: set[int] = set()
    if a.priced:
        for year in sorted({m.year for m, _f in months}):
            prices[year] = Decimal(0)
            for row in a.priced:
                price, gaps = price_of(row, year)
                prices[year] += price
                missing.update(gaps)
    indexed = [row for row in a.priced if row.indexed]
    level = min((level_of(row) for row in indexed), default=p.start.year)
    index_rows = []
    if indexed:
        for year in range(level, p.end.year + 1):
            price = sum((price_of(row, year)[0] for row in indexed), Decimal(0))
            change = changes.get(year) if year > level else None
            index_rows.append(
                Row(
                    str(year),
                    str(year),
                    {
                        "change": Cell(change, decimals=2),
                        "price": Cell(price),
                    },
                )
            )
    fig.tables["price_index"] = Table(
        "price_index",
        _("The agreed price indexed by the care price index (OPI)"),
        [
            Column("change", _("OPI change (%)"), count=False, additive=False, decimals=2),
            Column("price", _("Agreed yearly price (SEK)"), count=False, additive=False),
        ],
        index_rows,
        note=_(
            "The agreed price of %(base)s SEK a year at %(level)s's price level, raised each "
            "following year by that year's OPI change (SKR). A year without an OPI figure "
            "is not raised."
        )
        % {"base": f"{indexed[0].base_price:,.0f}".replace(",", "\u00a0"), "level": level}
        if len(indexed) == 1
        else _(
            "The agreed prices of the organisations in the report, each at its own price "
            "level and raised each following year by that year's OPI change (SKR), added "
            "together. A year without an OPI figure is not raised."
        )
        if indexed
        else _("No agreed price indexed by OPI is set in the reference data."),
    )

    # The team's cost and hours by month.
    hours = _hours_by_month(p)
    month_rows = []
    total_cost = Decimal(0)
    family_minutes = network_minutes = 0
    for month, fraction in months:
        key = f"{month:%Y-%m}"
        cost_cell = Cell(None)
        if month.year in prices:
            # Rounded for the month's row only: the period's total is the exact sum.
            month_cost = prices[month.year] / 12 * fraction
            total_cost += month_cost
            cost_cell = Cell(whole(month_cost))
        fam = hours.get(key, {}).get("family")
        net = hours.get(key, {}).get("network")
        family_minutes += (fam or {}).get("minutes") or 0
        network_minutes += (net or {}).get("minutes") or 0
        month_rows.append(
            Row(
                key,
                date_format(month, "F Y").capitalize(),
                {
                    "cost": cost_cell,
                    "family_hours": Cell(
                        _hours((fam or {}).get("minutes")), (fam or {}).get("units", 0)
                    ),
                    "network_hours": Cell(
                        _hours((net or {}).get("minutes")), (net or {}).get("units", 0)
                    ),
                },
            )
        )
    total_cost = whole(total_cost)
    counts = _counts(p, a.project_start)
    family_hours, network_hours = _hours(family_minutes), _hours(network_minutes)
    all_hours = family_hours + network_hours
    by_price = bool(prices)
    if not by_price:
        # No agreed price: the hours priced at the hourly cost of the distribution key.
        # Several organisations in scope: each one's hours at its own hourly cost.
        total_cost = whole(
            sum(
                (
                    _hours(minutes) * a.settings[org].hourly_cost
                    for org, minutes in minutes_by_organisation(p).items()
                    if org in a.settings
                ),
                Decimal(0),
            )
            if a.several
            else all_hours * a.only.hourly_cost
            if a.settings
            else Decimal(0)
        )
    fig.tables["team_cost_monthly"] = Table(
        "team_cost_monthly",
        _("The team's cost and hours by month"),
        [
            Column("cost", _("Cost (SEK)"), count=False),
            Column("family_hours", _("Hours with families"), count=False, decimals=1),
            Column("network_hours", _("Hours of network work"), count=False, decimals=1),
        ],
        month_rows,
        Row(
            "total",
            _("The whole period"),
            {
                "cost": Cell(total_cost if by_price else None),
                "family_hours": Cell(family_hours, counts["families"]),
                "network_hours": Cell(network_hours, counts["network_processes_with_hours"]),
            },
        ),
        note=_(
            "Cost: one twelfth of the year's agreed price for each month, in proportion to "
            "the days of the month inside the period. Hours: the time entries of the family "
            "ombud and of network work."
        )
        if by_price
        else _("No agreed price is set: the cost is shown in the cost summary only."),
    )

    # Contributions of the funders in the period (each year's contribution by the month).
    funders: dict[str, Decimal] = {}
    for c in contributions(a, p.start.year, p.end.year):
        part = sum((f for m, f in months if m.year == c.year), Decimal(0)) / 12
        funder = a.label(c.organisation_id, c.funder)
        funders[funder] = funders.get(funder, Decimal(0)) + c.amount * part
    budget = sum(funders.values(), Decimal(0))
    fig.tables["budget"] = Table(
        "budget",
        _("The funders' contributions in the period"),
        [
            Column("amount", _("Contribution (SEK)"), count=False),
            Column("share", _("Share of the budget (%)"), count=False, decimals=1),
        ],
        [
            Row(
                f"funder-{i}",
                name,
                {
                    "amount": Cell(whole(amount)),
                    "share": Cell(
                        (amount / budget * 100).quantize(Decimal("0.1")) if budget else None
                    ),
                },
            )
            for i, (name, amount) in enumerate(sorted(funders.items()), start=1)
        ],
        Row(
            "total",
            _("The whole budget"),
            {"amount": Cell(whole(budget)), "share": Cell(Decimal(100) if budget else None)},
        ),
        note=_(
            "Each funder's contribution to the year's budget, one twelfth for each month "
            "of the period."
        ),
    )

    # Cost per family and per network process: the cost divided by the hours' shares.
    families = counts["families"]
    processes = counts["network_processes"]
    family_share = family_hours / all_hours if all_hours else None
    cost_family = (
        whole(total_cost * family_share / families)
        if family_share is not None and families
        else None
    )
    cost_process = (
        whole(total_cost * (1 - family_share) / processes)
        if family_share is not None and processes
        else None
    )
    cost_definition = (
        _("The agreed yearly price indexed by OPI, one twelfth per month of the period.")
        if by_price
        else _("All hours (with families and network work) priced at the hourly cost.")
    )
    rows = [
        Row("cost", _("The team's cost (SEK)"), {"value": Cell(total_cost)}, cost_definition),
        Row(
            "budget",
            _("Budget: the funders' contributions (SEK)"),
            {"value": Cell(whole(budget))},
            _("The contributions in the table below, for the months of the period."),
        ),
        Row(
            "balance",
            _("Budget less cost (SEK)"),
            {"value": Cell(whole(budget - total_cost))},
            _("Negative: the cost is larger than the contributions."),
        ),
        Row(
            "family_hours",
            _("Hours with families"),
            {"value": Cell(family_hours, families, decimals=1)},
            _("The family ombud's time entries in the period."),
        ),
        Row(
            "network_hours",
            _("Hours of network work"),
            {"value": Cell(network_hours, counts["network_processes_with_hours"], decimals=1)},
            _("The time entries of network work in the period, all stages."),
        ),
        Row(
            "per_hour",
            _("Cost per hour (SEK)"),
            {"value": Cell(whole(total_cost / all_hours) if all_hours else None)},
            _("The team's cost divided by all hours, network work included."),
        ),
        Row(
            "per_family",
            _("Cost per family with coordinated support (SEK)"),
            {"value": Cell(cost_family, families)},
            _(
                "The cost times the share of hours spent with families, divided by the "
                "families in the programme in the period."
            ),
        ),
        Row(
            "per_process",
            _("Cost per network process (SEK)"),
            {"value": Cell(cost_process, processes)},
            _(
                "The cost times the share of hours spent on network work, divided by the "
                "network processes under way in the period."
            ),
        ),
    ]
    fig.tables["money_summary"] = Table(
        "money_summary",
        _("Cost, budget and cost per family"),
        [Column("value", _("Value"), count=False, additive=False)],
        rows,
        note=_("Missing OPI figures for %(years)s: those years are not indexed.")
        % {"years": ", ".join(str(y) for y in sorted(missing))}
        if missing
        else "",
    )

    # Placements avoided, valued at the cost of a placement-month.
    placements = fig.tables["placements"].rows[0].cells
    avoided = placements["avoided"].value or 0
    risk_families = placements["risk_families"].value or 0
    # A valuation only when every organisation in the report values a placement alike.
    per_month = a.uniform("cost_per_placement_month")
    months_each = a.uniform("months_per_placement")
    fig.tables["placements_value"] = Table(
        "placements_value",
        _("Placements avoided, valued in money"),
        [
            Column("avoided", _("Placements avoided"), additive=False),
            Column("months", _("Months per placement"), count=False, additive=False),
            Column("per_month", _("Cost per placement-month (SEK)"), count=False, additive=False),
            Column("value", _("Value (SEK)"), count=False, additive=False),
        ],
        [
            Row(
                "avoided",
                _("Families in the programme"),
                {
                    "avoided": cnt(avoided),
                    "months": Cell(months_each),
                    "per_month": Cell(per_month),
                    "value": Cell(
                        placements_value(avoided, months_each, per_month)
                        if per_month is not None and months_each is not None
                        else None,
                        risk_families,
                    ),
                },
            )
        ],
        note=_(
            "Value: placements avoided × the months an avoided placement is counted as × the "
            "cost of one placement-month (reference data). Avoided: placements at risk at "
            "start that had not happened."
        ),
    )

    # Volume targets against actuals: yearly targets are scaled to the period's length.
    years = period_years(p)
    targets = volume_targets(a)
    closed = _closed_process_hours(p)
    actuals = {
        VolumeWork.COORDINATED_SUPPORT: (Cell(families, families, decimals=0), True),
        VolumeWork.NETWORK_FAMILIES: (
            Cell(counts["network_families"], counts["network_families"], decimals=0),
            True,
        ),
        VolumeWork.NETWORK_HOURS: (
            Cell(
                None
                if closed["mean"] is None
                else Decimal(closed["mean"]).quantize(Decimal("0.1")),
                closed["n"] or 0,
                decimals=1,
            ),
            False,
        ),
        VolumeWork.PROJECT_FAMILIES: (
            Cell(counts["project_families"], counts["project_families"], decimals=0),
            False,
        ),
        # Consultations and course places are counted like persons (1–4 shown as "<5");
        # courses are no persons but show only where enough parents lie behind them.
        VolumeWork.CONSULTATIONS: (
            Cell(fig.facts["consultations"], fig.facts["consultations"], decimals=0),
            True,
        ),
        VolumeWork.COURSES: (
            Cell(fig.facts["courses"], fig.facts["course_participants"], decimals=0),
            True,
        ),
        VolumeWork.COURSE_PARTICIPANTS: (
            Cell(fig.facts["course_participants"], fig.facts["course_participants"], decimals=0),
            True,
        ),
    }
    definitions = {
        VolumeWork.COORDINATED_SUPPORT: _(
            "Families with coordinated support in the programme in the period (not the "
            "families of network work only); the yearly target scaled to the period."
        ),
        VolumeWork.NETWORK_FAMILIES: _(
            "Families of network work only taken in and not ended before the period, and "
            "any other family with a network process under way in the period, each family "
            "once; the yearly target scaled to the period."
        ),
        VolumeWork.NETWORK_HOURS: _(
            "Mean hours per network process closed in the period, from coordination to follow-up."
        ),
        VolumeWork.PROJECT_FAMILIES: _(
            "Families with coordinated support started from the project start up to the end "
            "of the period."
        ),
        VolumeWork.CONSULTATIONS: _(
            "Consultations for professionals held in the period; the yearly target scaled to "
            "the period."
        ),
        VolumeWork.COURSES: _(
            "Parenting-support courses that started in the period; the yearly target scaled to "
            "the period."
        ),
        VolumeWork.COURSE_PARTICIPANTS: _(
            "Places on the parenting-support courses that started in the period, registered "
            "and anonymous parents together; the yearly target scaled to the period."
        ),
    }
    target_rows = []
    for work in VolumeWork:
        target = targets.get(work.value)
        if target is None:
            continue
        actual, per_year = actuals[work]
        scale = years if per_year else Decimal(1)
        goal = (target.target * scale).quantize(Decimal("0.1"))
        low = (target.low * scale).quantize(Decimal("0.1")) if target.low is not None else None
        share = (
            (Decimal(str(actual.value)) / goal * 100).quantize(ONE)
            if actual.value is not None and goal
            else None
        )
        target_rows.append(
            Row(
                work.value,
                work.label,
                {
                    "low": Cell(low, decimals=1),
                    "target": Cell(goal, decimals=1),
                    "actual": Cell(actual.value, actual.base, decimals=actual.decimals),
                    "share": Cell(share, actual.base),
                },
                definitions[work],
            )
        )
    fig.tables["volume_targets"] = Table(
        "volume_targets",
        _("Volume targets against actuals"),
        [
            Column("low", _("Target, lower end"), count=False, additive=False, decimals=1),
            Column("target", _("Target"), count=False, additive=False, decimals=1),
            # Counts here carry their own base: 1–4 families are withheld like a measure.
            Column("actual", _("Actual"), count=False, additive=False, decimals=1),
            Column("share", _("Share of target (%)"), count=False, additive=False),
        ],
        target_rows,
        note=_("The period is %(years)s years long.")
        % {"years": f"{years.quantize(Decimal('0.01'))}".replace(".", ",")},
    )
    fig.facts["team_cost"] = total_cost
