"""What each report kind shows: sections over the same suppressed tables, by evaluation level.

The three evaluation levels of the project plan (seed 000 §2.2, §9.2): the family level
(effects for the families), the process and method level (how the work is done) and the actor
level (how the organisations work together). A section belongs to one level and names the
tables and charts it shows and the report kinds it appears in. The HTML preview, the PDF and
the CSV all walk the same `document()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import WorkKind
from reporting import charts
from reporting.models import ReportKind
from reporting.suppression import ShownTable, legend

K = ReportKind
ALL_KINDS = frozenset(K.values)

LEVELS = [
    (
        "family",
        _("Family level"),
        _(
            "Effects for the families: the children, the parents' occupation, goals, sense of "
            "coherence and placements."
        ),
    ),
    (
        "process",
        _("Process and method level"),
        _(
            "How the work is done: requests and throughput, waiting times, caseload, contacts, "
            "hours, SIPs and network work."
        ),
    ),
    (
        "actor",
        _("Actor level"),
        _(
            "How the organisations work together: requests and SIP interventions by "
            "administration, and the obstacles the family ombud reported."
        ),
    ),
]

Tables = dict[str, ShownTable]


def _points(table: ShownTable, column: str) -> list[charts.Point]:
    return [charts.Point(label, cell.value, cell.display) for label, cell in table.column(column)]


def _labels(table: ShownTable) -> list[str]:
    return [row.label for row in table.rows if not row.is_total]


def _chart_monthly(t: Tables) -> list[SafeString]:
    table = t["monthly"]
    # The axis names months short ("Dec 2025"): the table's "December 2025" ran off the edge.
    months = [
        date_format(dt.date.fromisoformat(f"{row.key}-01"), "M Y")
        for row in table.rows
        if not row.is_total
    ]
    return [
        charts.line_chart(
            "chart-monthly",
            table.title,
            months,
            [(c["label"], _points(table, c["key"])) for c in table.columns],
            desc=gettext(
                "Requests, starts and families in the programme, month by month. The same "
                "figures are in the table below."
            ),
        )
    ]


def _chart_age(t: Tables) -> list[SafeString]:
    table = t["children_by_age"]
    return [charts.bar_chart("chart-age", table.title, _points(table, "children"))]


def _chart_goals(t: Tables) -> list[SafeString]:
    table = t["goal_progress"]
    return [
        charts.grouped_bar_chart(
            "chart-goals",
            table.title,
            _labels(table),
            [
                (gettext("First rating (mean)"), _points(table, "first")),
                (gettext("Latest rating (mean)"), _points(table, "latest")),
            ],
            maximum=5,
        )
    ]


def _chart_occupation(t: Tables) -> list[SafeString]:
    table = t["occupation"]
    return [
        charts.grouped_bar_chart(
            "chart-occupation",
            table.title,
            _labels(table),
            [
                (gettext("At start"), _points(table, "start")),
                (gettext("Now"), _points(table, "now")),
            ],
        )
    ]


def _chart_placements(t: Tables) -> list[SafeString]:
    table = t["placements"]
    row = table.rows[0]
    points = [
        charts.Point(c["label"], cell.value, cell.display)
        for c, cell in zip(table.columns[1:], row.cells[1:], strict=True)
    ]
    return [charts.bar_chart("chart-placements", table.title, points)]


def _is_long(table: ShownTable) -> bool:
    """More rows than a report shows one by one (`Section.condensed`)."""
    return sum(1 for row in table.rows if not row.is_total) > settings.REPORT_ROWS_LISTED


def _chart_caseload(t: Tables) -> list[SafeString]:
    planning = settings.CASELOAD_PLANNING_FIGURE
    table = t["caseload"]
    if _is_long(table):
        # A large team: how many ombud carry how many families, not one bar each.
        bands = t["caseload_bands"]
        return [charts.bar_chart("chart-caseload", bands.title, _points(bands, "ombud"))]
    return [
        charts.bar_chart(
            "chart-caseload",
            table.title,
            _points(table, "families"),
            reference=(planning, gettext("Planning figure %(n)s") % {"n": planning}),
        )
    ]


def _chart_hours(t: Tables) -> list[SafeString]:
    table = t["hours"]
    return [charts.bar_chart("chart-hours", table.title, _points(table, "hours"))]


def _chart_network(t: Tables) -> list[SafeString]:
    table = t["network_process_hours"]
    planning = settings.NETWORK_HOURS_PLANNING_FIGURE
    points = [
        charts.Point(c["label"], cell.value, cell.display)
        for c, cell in zip(table.columns, table.rows[0].cells, strict=True)
        if c["key"] in ("mean", "median")
    ]
    return [
        charts.bar_chart(
            "chart-network",
            table.title,
            points,
            reference=(planning, gettext("Planning figure %(n)s h") % {"n": planning}),
        )
    ]


def _chart_administrations(t: Tables) -> list[SafeString]:
    table = t["flow"]
    if not _labels(table):
        return []
    return [
        charts.grouped_bar_chart(
            "chart-administrations",
            table.title,
            _labels(table),
            [
                (gettext("Requested"), _points(table, "requested")),
                (gettext("In the programme"), _points(table, "active")),
            ],
        )
    ]


def _chart_cost(t: Tables) -> list[SafeString]:
    table = t["cost"]
    if not _labels(table):
        return []
    return [charts.bar_chart("chart-cost", table.title, _points(table, "cost"))]


def _chart_volume(t: Tables) -> list[SafeString]:
    table = t["volume_targets"]
    if not _labels(table):
        return []
    return [
        charts.grouped_bar_chart(
            "chart-volume",
            table.title,
            _labels(table),
            [
                (gettext("Target"), _points(table, "target")),
                (gettext("Actual"), _points(table, "actual")),
            ],
        )
    ]


@dataclass(frozen=True)
class Section:
    key: str
    level: str
    title: str | Promise
    tables: tuple[str, ...]
    chart: Callable[[Tables], list[SafeString]] | None = None
    kinds: frozenset[str] = ALL_KINDS
    # Tables with one row per administration: a committee report keeps its own row only.
    per_administration: tuple[str, ...] = ()
    # (long table, its summary): the report shows the long table when it has at most
    # settings.REPORT_ROWS_LISTED rows, else the summary in its place (one or the other).
    condensed: tuple[tuple[str, str], ...] = ()


SECTIONS: list[Section] = [
    # Family level
    Section(
        "children", "family", _("Children and diagnoses"), ("children_by_age", "npf"), _chart_age
    ),
    Section("goals", "family", _("Goal progress"), ("goal_progress",), _chart_goals),
    Section("kasam", "family", _("Sense of coherence (KASAM)"), ("kasam",)),
    Section(
        "occupation",
        "family",
        _("Parents' occupation and economy"),
        ("occupation", "income_support"),
        _chart_occupation,
    ),
    Section("placements", "family", _("Placements"), ("placements",), _chart_placements),
    # The family questionnaires at start, closure and six months after (evaluation, issue 19).
    Section(
        "family_follow_up",
        "family",
        _("The families' own view"),
        ("family_follow_up", "family_follow_up_count"),
    ),
    # Process and method level
    # The team's two assignments side by side (seed 004): coordinated support and network
    # work only.
    Section("kinds", "process", _("Kinds of work"), ("kinds",)),
    Section(
        "throughput",
        "process",
        _("Requests and throughput"),
        ("monthly", "durations"),
        _chart_monthly,
    ),
    Section(
        "caseload",
        "process",
        _("Caseload"),
        ("caseload_summary", "caseload", "caseload_bands"),
        _chart_caseload,
        kinds=frozenset({K.STEERING_GROUP}),
        condensed=(("caseload", "caseload_bands"),),
    ),
    Section(
        "sip",
        "process",
        _("Coordinated individual plans (SIP)"),
        ("sip", "sip_follow_ups", "sip_time"),
    ),
    Section(
        "network",
        "process",
        _("Network work"),
        ("network", "network_meetings", "network_hours", "network_process_hours"),
        _chart_network,
    ),
    Section(
        "work",
        "process",
        _("Contacts and hours"),
        ("contacts", "hours"),
        _chart_hours,
        kinds=frozenset({K.STEERING_GROUP, K.FUNDER}),
    ),
    Section(
        "cost",
        "process",
        _("Hours and cost per funder"),
        ("cost_summary", "cost"),
        _chart_cost,
        kinds=frozenset({K.STEERING_GROUP, K.FUNDER}),
    ),
    # The money (issue 19): the agreed price, the funders' contributions, cost per family and
    # per network process, placements avoided in money, volume targets against actuals.
    Section(
        "money",
        "process",
        _("The money: cost, budget and volume"),
        (
            "money_summary",
            "volume_targets",
            "placements_value",
            "budget",
            "team_cost_monthly",
            "price_index",
        ),
        _chart_volume,
        kinds=frozenset({K.STEERING_GROUP, K.FUNDER}),
    ),
    # The team's work outside the cases (issue 20): consultations and parenting courses.
    Section(
        "outreach",
        "process",
        _("Consultations and parenting-support courses"),
        ("consultations", "consultation_follow_up", "courses"),
        per_administration=("courses",),
    ),
    # Actor level
    Section(
        "administrations",
        "actor",
        _("Requests by administration"),
        ("flow",),
        _chart_administrations,
        per_administration=("flow",),
    ),
    Section(
        "sip_actors",
        "actor",
        _("SIP interventions by administration"),
        ("sip_interventions",),
        kinds=frozenset({K.STEERING_GROUP, K.COMMITTEE}),
        per_administration=("sip_interventions",),
    ),
    Section(
        "obstacles",
        "actor",
        _("Obstacles"),
        ("obstacles",),
        kinds=frozenset({K.STEERING_GROUP, K.COMMITTEE}),
        per_administration=("obstacles",),
    ),
    # The collaboration survey of the professionals, round by round (evaluation, issue 19).
    Section(
        "collaboration_survey",
        "actor",
        _("Collaboration survey"),
        ("survey_rounds", "survey_by_kind"),
        kinds=frozenset({K.STEERING_GROUP, K.COMMITTEE}),
    ),
]
SECTION_KEYS = [s.key for s in SECTIONS]
SECTIONS_BY_KEY = {s.key: s for s in SECTIONS}


def sections_for(kind: str) -> list[Section]:
    return [s for s in SECTIONS if kind in s.kinds]


@dataclass
class ShownSection:
    key: str
    title: str
    tables: list[ShownTable]
    charts: list[SafeString] = field(default_factory=list)
    comment: str = ""
    # The bound comment field on the preview page (None in the PDF and the CSV).
    form_field: object = None


def key_figures(t: Tables, kind: str | None = None) -> list[tuple[str, str]]:
    """The handful of figures on the dashboard and at the top of every report; the steering
    group and the funder also get the money's headline figures."""
    flow, durations, hours = t["flow"], t["durations"], t["hours"]
    figures = [
        (gettext("Families in the programme"), flow.cell("total", "active").display),
        (gettext("Requested"), flow.cell("total", "requested").display),
        (gettext("Started"), flow.cell("total", "started").display),
        (gettext("Closed"), flow.cell("total", "closed").display),
        (gettext("Waiting time, median (days)"), durations.cell("waiting", "median").display),
        (gettext("Hours"), hours.cell("total", "hours").display),
    ]
    kinds = t.get("kinds")
    if kinds is not None:
        # The programme above is coordinated support; network work only beside it.
        figures.insert(
            1,
            (
                gettext("Families in network work only"),
                kinds.cell(WorkKind.NETWORK_WORK, "active").display,
            ),
        )
    money = t.get("money_summary")
    if money is not None and kind in (K.STEERING_GROUP, K.FUNDER):
        for key in ("cost", "per_family", "per_process"):
            cell = money.cell(key, "value")
            if cell is not None:
                label = next(r.label for r in money.rows if r.key == key)
                figures.append((label, cell.display))
    return figures


def document(
    kind: str,
    tables: Tables,
    *,
    administration_id: int | None = None,
    comments: dict | None = None,
) -> dict:
    """The report as the templates and the CSV walk it: levels → sections → tables/charts."""
    comments = comments or {}
    levels = []
    for level_key, title, description in LEVELS:
        shown = []
        for section in sections_for(kind):
            if section.level != level_key or any(k not in tables for k in section.tables):
                continue
            section_tables = {k: tables[k] for k in section.tables}
            for long, summary in section.condensed:
                section_tables.pop(summary if not _is_long(tables[long]) else long)
            if kind == K.COMMITTEE and administration_id is not None:
                for k in section.per_administration:
                    section_tables[k] = section_tables[k].only_rows({str(administration_id)})
            shown.append(
                ShownSection(
                    section.key,
                    str(section.title),
                    list(section_tables.values()),
                    [c for c in section.chart({**tables, **section_tables}) if c]
                    if section.chart
                    else [],
                    str(comments.get(section.key, "")),
                )
            )
        if shown:
            levels.append(
                {
                    "key": level_key,
                    "title": str(title),
                    "description": str(description),
                    "sections": shown,
                }
            )
    return {
        "levels": levels,
        "key_figures": key_figures(tables, kind),
        "legend": legend(),
        "has_small": any(t.has_small for t in tables.values()),
    }
