"""What changed and what stood in the way: goal progress and KASAM, first against latest
rating (family level), and the obstacles reported per administration (actor level)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases import models as cm
from reporting.figures.sql import T_ADMIN, family_in_scope, fetch, in_programme_sql, scope_params
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
)

T_GOAL = cm.Goal._meta.db_table
T_FOLLOWUP = cm.GoalFollowUp._meta.db_table
T_ASSESSMENT = cm.Assessment._meta.db_table
T_OBSTACLE = cm.Obstacle._meta.db_table

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


def goal_progress(p: Period, fig: Figures) -> None:
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
          WHERE fu.date <= %(end)s AND g.family_id IN ({in_programme_sql(p)})
          WINDOW w AS (PARTITION BY fu.goal_id ORDER BY fu.date, fu.id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
          ORDER BY fu.goal_id
        ) per_goal
        GROUP BY ROLLUP (area)
    """  # noqa: S608 -- table names from model meta; values are parameters
    data = {
        (r["area"] if not r["is_total"] else None): r
        for r in fetch(sql, {"start": p.start, "end": p.end, **scope_params(p)})
    }

    def row(key, label, r):
        r = r or {}
        base = r.get("families") or 0
        return Row(
            key,
            label,
            {
                "followed": cnt(r.get("followed")),
                "first": measure(one_decimal(r.get("first")), base),
                "latest": measure(one_decimal(r.get("latest")), base),
                "better": cnt(r.get("better")),
                "same": cnt(r.get("same")),
                "worse": cnt(r.get("worse")),
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


def kasam(p: Period, fig: Figures) -> None:
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
          WHERE a.assessed_on <= %(end)s AND a.family_id IN ({in_programme_sql(p)})
          WINDOW w AS (PARTITION BY a.member_id, a.instrument ORDER BY a.assessed_on, a.id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
          ORDER BY a.member_id, a.instrument
        ) per_person
        GROUP BY instrument
    """  # noqa: S608 -- table names from model meta; values are parameters
    params = {"start": p.start, "end": p.end, **scope_params(p)}
    data = {r["instrument"]: r for r in fetch(sql, params)}
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
        first, latest = one_decimal(r.get("first")), one_decimal(r.get("latest"))
        change = None if first is None or latest is None else round(latest - first, 1)
        rows.append(
            Row(
                instrument.value,
                instrument.label,
                {
                    "followed": cnt(n),
                    "first": measure(first, n),
                    "latest": measure(latest, n),
                    "change": measure(change, n),
                    "better": cnt(r.get("better")),
                    "same": cnt(r.get("same")),
                    "worse": cnt(r.get("worse")),
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


# --- Obstacles reported, by kind and administration concerned (actor level) --------------


def obstacles(p: Period, fig: Figures) -> None:
    sql = f"""
        SELECT o.administration_id, a.name, o.kind,
               GROUPING(o.administration_id) AS all_adm, GROUPING(o.kind) AS all_kinds,
               count(*) AS n, count(DISTINCT o.family_id) AS families
        FROM {T_OBSTACLE} o LEFT JOIN {T_ADMIN} a ON a.id = o.administration_id
        WHERE o.observed_on BETWEEN %(start)s AND %(end)s
          AND {family_in_scope(p, "o.family_id")}
        GROUP BY CUBE ((o.administration_id, a.name), o.kind)
    """  # noqa: S608 -- table names from model meta; values are parameters
    data = fetch(sql, {"start": p.start, "end": p.end, **scope_params(p)})
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
        note=_(
            "Obstacles to coordination the case team recorded in the period, by the "
            "administration they concern; withheld where fewer than five families lie behind."
        ),
    )
