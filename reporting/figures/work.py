"""The ombud's work: caseload against the planning figure, contacts in the journal, hours
by activity and their cost per funder by the distribution key."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from cases import models as cm
from network import models as nm
from reporting.figures.agreements import agreements, minutes_by_organisation, shares
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
    to_hours,
)

T_JOURNAL = cm.JournalEntry._meta.db_table
T_TIME = cm.TimeEntry._meta.db_table
T_NET_TIME = nm.NetworkTimeEntry._meta.db_table
T_NET_PROCESS = nm.NetworkProcess._meta.db_table

# --- Caseload per ombud, against the planning figure (process level) ---------------------


def _caseload_bands(loads: list[int], planning: int) -> Table:
    """How many family ombud carry how many families of coordinated support, in bands of two
    up to four above the planning figure: what a steering group reads of a large team, where
    one row per ombud would run over pages (`sections.Section.condensed`)."""
    top = planning + 5
    bands = [(lo, lo + 1) for lo in range(1, top, 2)] + [(top, None)]
    rows = []
    for lo, hi in bands:
        n = sum(1 for load in loads if load >= lo and (hi is None or load <= hi))
        label = (
            _("%(lo)s or more families") % {"lo": lo}
            if hi is None
            else _("%(lo)s–%(hi)s families") % {"lo": lo, "hi": hi}
        )
        rows.append(Row(f"band-{lo}", label, {"ombud": cnt(n)}))
    return Table(
        "caseload_bands",
        _("Family ombud by caseload at the end of the period"),
        [Column("ombud", _("Family ombud"))],
        rows,
        Row("total", _("All family ombud with families"), {"ombud": cnt(len(loads))}),
        note=_("Families of coordinated support per family ombud; planning figure %(n)s.")
        % {"n": planning},
    )


def caseload(p: Period, fig: Figures) -> None:
    coordinated = Q(kind=cm.WorkKind.COORDINATED_SUPPORT)
    at_end = (
        cm.Family.objects.filter(
            responsible_ombud__isnull=False, start_date__isnull=False, start_date__lte=p.end
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=p.end))
        .filter(family_scope_q(p))
        .values("responsible_ombud_id")
        .annotate(
            n=Count("id", filter=coordinated),
            network=Count("id", filter=Q(kind=cm.WorkKind.NETWORK_WORK)),
        )
        .order_by("-n", "-network", "responsible_ombud_id")
    )
    planning = settings.CASELOAD_PLANNING_FIGURE
    # Staff are numbered, not named: the report is about the work, not the person.
    rows = [
        Row(
            f"ombud-{i}",
            _("Family ombud %(n)s") % {"n": i},
            {"families": cnt(r["n"]), "network": cnt(r["network"])},
        )
        for i, r in enumerate(at_end, start=1)
    ]
    total_families = sum(r.cells["families"].value for r in rows)
    fig.tables["caseload"] = Table(
        "caseload",
        _("Caseload per family ombud at the end of the period"),
        [
            Column("families", _("Coordinated support")),
            Column("network", _("Network work only")),
        ],
        rows,
        Row(
            "total",
            _("All family ombud"),
            {
                "families": cnt(total_families),
                "network": cnt(sum(r.cells["network"].value for r in rows)),
            },
        ),
        note=_(
            "Planning figure: %(n)s families per family ombud. It is for coordinated support; "
            "network work only is counted beside it."
        )
        % {"n": planning},
    )
    at_end = [r for r in at_end if r["n"]]
    fig.tables["caseload_bands"] = _caseload_bands([r["n"] for r in at_end], planning)
    ombud = len(at_end)
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
                {"value": measure(mean, total_families)},
            ),
            Row("planning", _("Planning figure"), {"value": Cell(planning)}),
            Row(
                "over",
                _("Family ombud above the planning figure"),
                {"value": Cell(sum(1 for r in at_end if r["n"] > planning))},
            ),
        ],
        note=_(
            "At the end of the period: family ombud responsible for at least one family in "
            "coordinated support, and their families of coordinated support per ombud."
        ),
    )
    fig.facts["caseload_planning_figure"] = planning


# --- Contacts and hours (actor and process level) -------------------------------------------


def journal(p: Period, fig: Figures) -> None:
    sql = f"""
        SELECT kind, GROUPING(kind) AS is_total, count(*) AS n,
               count(DISTINCT family_id) AS families
        FROM {T_JOURNAL}
        WHERE event_at >= %(from)s AND event_at < %(before)s AND corrects_id IS NULL
          AND {family_in_scope(p, "family_id")}
        GROUP BY ROLLUP (kind)
    """  # noqa: S608 -- table names from model meta; values are parameters
    data = {
        (None if r["is_total"] else r["kind"]): r
        for r in fetch(sql, {"from": p.start_at, "before": p.end_before, **scope_params(p)})
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


def hours_by_activity(p: Period, fig: Figures) -> None:
    sql = f"""
        SELECT activity, GROUPING(activity) AS is_total, sum(minutes) AS minutes,
               count(DISTINCT family_id) AS families
        FROM {T_TIME}
        WHERE date BETWEEN %(start)s AND %(end)s AND {family_in_scope(p, "family_id")}
        GROUP BY ROLLUP (activity)
    """  # noqa: S608 -- table names from model meta; values are parameters
    data = {
        (None if r["is_total"] else r["activity"]): r
        for r in fetch(sql, {"start": p.start, "end": p.end, **scope_params(p)})
    }

    def cell(r):
        return Cell(to_hours(r["minutes"] or 0), r["families"]) if r else Cell(0, 0)

    total = data.get(None)
    fig.tables["hours"] = Table(
        "hours",
        _("Hours by activity"),
        [Column("hours", _("Hours"), count=False, decimals=1)],
        [Row(a.value, a.label, {"hours": cell(data.get(a.value))}) for a in cm.TimeEntry.Activity],
        Row("total", _("All activities"), {"hours": cell(total)}),
        note=_(
            "The family ombud's time entries on families, dated in the period, by activity "
            "(network work is counted in its own table)."
        ),
    )
    fig.facts["hours_total"] = to_hours(total["minutes"]) if total else 0
    fig.facts["hours_families"] = total["families"] if total else 0


# --- Cost per funder by the distribution key (funder report) ------------------------------


def cost(p: Period, fig: Figures) -> None:
    a = agreements(p, fig)
    key = shares(a)
    # Network work is the team's work too (issue 19): its hours are priced with the rest.
    # The base: the distinct families behind any of the hours (a family in both kinds of
    # work counts once, so two families never pass for five).
    sql = f"""
        SELECT
          (SELECT COALESCE(sum(t.minutes), 0) FROM {T_NET_TIME} t
             JOIN {T_NET_PROCESS} pr ON pr.id = t.process_id
            WHERE t."on" BETWEEN %(start)s AND %(end)s
              AND {family_in_scope(p, "pr.family_id")}) AS minutes,
          (SELECT count(DISTINCT family_id) FROM (
             SELECT family_id FROM {T_TIME} WHERE date BETWEEN %(start)s AND %(end)s
             UNION
             SELECT pr.family_id FROM {T_NET_TIME} t
               JOIN {T_NET_PROCESS} pr ON pr.id = t.process_id
              WHERE t."on" BETWEEN %(start)s AND %(end)s
          ) f WHERE {family_in_scope(p, "f.family_id")}) AS families
    """  # noqa: S608 -- table names from model meta; values are parameters
    network_time = fetch(sql, {"start": p.start, "end": p.end, **scope_params(p)})[0]
    network_hours = Decimal(str(to_hours(network_time["minutes"]) or 0))
    hours = Decimal(str(fig.facts.get("hours_total") or 0)) + network_hours
    base = network_time["families"] or 0
    # Each organisation's hours, priced at its own hourly cost and divided by its own key.
    if a.several:
        per_org = {
            org: Decimal(str(to_hours(minutes) or 0))
            for org, minutes in minutes_by_organisation(p).items()
            if org in a.settings
        }
    else:
        per_org = dict.fromkeys(a.settings, hours)
    org_cost = {
        org: (org_hours * a.settings[org].hourly_cost).quantize(Decimal("1"))
        for org, org_hours in per_org.items()
    }
    total_cost = sum(org_cost.values(), Decimal(0))
    hourly = a.uniform("hourly_cost")
    columns = [
        Column("share", _("Share (%)"), count=False, decimals=2),
        Column("hours", _("Hours"), count=False, decimals=1),
        Column("cost", _("Cost (SEK)"), count=False),
    ]
    rows = []
    for s in key:
        fraction = s.share_percent / 100
        org_hours = per_org.get(s.organisation_id, Decimal(0))
        rows.append(
            Row(
                str(s.pk),
                a.label(s.organisation_id, s.name),
                {
                    "share": Cell(s.share_percent),
                    "hours": Cell((org_hours * fraction).quantize(Decimal("0.1")), base),
                    "cost": Cell(
                        (org_cost.get(s.organisation_id, Decimal(0)) * fraction).quantize(
                            Decimal("1")
                        ),
                        base,
                    ),
                },
            )
        )
    share_sum = sum((s.share_percent for s in key), Decimal(0))
    fig.tables["cost"] = Table(
        "cost",
        _("Hours and cost per funder by the distribution key"),
        columns,
        rows,
        Row(
            "total",
            _("All funders"),
            {
                # Each organisation's key adds up to 100 %, not several keys together.
                "share": Cell(None if a.several else share_sum),
                "hours": Cell(hours, base),
                "cost": Cell(total_cost, base),
            },
        ),
        note=_(
            "Hours from the time entries of the period, network work included, priced at "
            "%(cost)s SEK per hour and divided by each funder's share."
        )
        % {"cost": _amount(hourly)}
        if hourly is not None
        else _(
            "Hours from the time entries of the period, network work included: each "
            "organisation's hours priced at its own hourly cost and divided by its own "
            "funders' shares."
        ),
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
        note=_(
            "The hours of the period (network work included) priced at the hourly cost of the "
            "distribution key; per family: divided by the families in the programme during "
            "the period."
        ),
    )


def _amount(value: Decimal) -> str:
    """An amount in the reader's number format: "700", "712,50" in Swedish, never "700.00"."""
    value = Decimal(value)
    decimals = 0 if value == value.to_integral_value() else 2
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
