"""Whose money a scope's figures use (issue 21): every municipality or region has its own
agreement with the team (hourly cost, agreed price, valuation of placements, distribution key,
funders' contributions, volume targets). Figures for one organisation use its agreement; for
several (a project leader reporting on more than one) the agreements are combined where their
sum means something (prices, contributions, volume targets, each organisation's hours priced
at its own hourly cost) and a rate is given only when every organisation sets the same.

The care price index (OPI) is one national series and belongs to no organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cases import models as cm
from familjelotsen.models import Administration, Organisation
from network import models as nm
from reporting.figures.sql import family_in_scope, fetch, scope_params
from reporting.figures.tables import Period
from reporting.models import CostSettings, FunderContribution, FunderShare, VolumeTarget, VolumeWork

T_TIME = cm.TimeEntry._meta.db_table
T_NET_TIME = nm.NetworkTimeEntry._meta.db_table
T_NET_PROCESS = nm.NetworkProcess._meta.db_table
T_FAMILY = cm.Family._meta.db_table
T_ADMIN = Administration._meta.db_table

#: Volume targets that are rates, not amounts: never summed over organisations.
RATE_TARGETS = {VolumeWork.NETWORK_HOURS.value}


@dataclass(frozen=True)
class Agreements:
    """The agreements of the organisations in scope, read once per computation."""

    organisations: list[Organisation]
    settings: dict[int, CostSettings]

    @property
    def several(self) -> bool:
        return len(self.organisations) > 1

    @property
    def only(self) -> CostSettings:
        """The one organisation's settings (a scope of one)."""
        return next(iter(self.settings.values()))

    def uniform(self, field: str):
        """The value every organisation's settings give `field`, or None when they differ."""
        values = {getattr(row, field) for row in self.settings.values()}
        return values.pop() if len(values) == 1 else None

    @property
    def priced(self) -> list[CostSettings]:
        """The settings that set an agreed price."""
        return [row for row in self.settings.values() if row.base_price is not None]

    @property
    def project_start(self):
        """The earliest project start set (the project's families are counted from it)."""
        starts = [row.project_start for row in self.settings.values() if row.project_start]
        return min(starts) if starts else None

    def label(self, organisation_id: int, name: str) -> str:
        """A row of one organisation's money, named with its organisation when several are
        in scope (two municipalities may both have a "Socialnämnden")."""
        if not self.several:
            return name
        org = next((o for o in self.organisations if o.pk == organisation_id), None)
        return f"{org.name}: {name}" if org else name


def agreements(p: Period, fig=None) -> Agreements:
    """The agreements in scope; read once per computation of the figures (kept on `fig`)."""
    cached = getattr(fig, "_agreements", None)
    if cached is not None:
        return cached
    organisations = Organisation.objects.order_by("name")
    if p.organisations is not None:
        organisations = organisations.filter(pk__in=sorted(p.organisations))
    organisations = list(organisations)
    rows = {
        row.organisation_id: row
        for row in CostSettings.objects.filter(organisation__in=[o.pk for o in organisations])
    }
    settings = {o.pk: rows.get(o.pk) or CostSettings(organisation=o) for o in organisations}
    found = Agreements(organisations, settings)
    if fig is not None:
        fig._agreements = found
    return found


def shares(a: Agreements) -> list[FunderShare]:
    return list(
        FunderShare.objects.filter(organisation_id__in=list(a.settings))
        .select_related("administration")
        .order_by("organisation__name", "position", "name")
    )


def contributions(a: Agreements, first_year: int, last_year: int) -> list[FunderContribution]:
    return list(
        FunderContribution.objects.filter(
            organisation_id__in=list(a.settings), year__gte=first_year, year__lte=last_year
        )
    )


@dataclass(frozen=True)
class CombinedTarget:
    target: Decimal
    low: Decimal | None


def volume_targets(a: Agreements) -> dict[str, CombinedTarget]:
    """Each kind of work's target over the organisations in scope: amounts summed over the
    organisations that set one (the lower end only when each of them sets one); a rate only
    when they agree."""
    by_work: dict[str, list[VolumeTarget]] = {}
    for t in VolumeTarget.objects.filter(organisation_id__in=list(a.settings)):
        by_work.setdefault(t.work, []).append(t)
    combined = {}
    for work, rows in by_work.items():
        if work in RATE_TARGETS:
            values = {(t.target, t.low) for t in rows}
            if len(values) == 1:
                target, low = values.pop()
                combined[work] = CombinedTarget(target, low)
            continue
        lows = [t.low for t in rows]
        combined[work] = CombinedTarget(
            sum((t.target for t in rows), Decimal(0)),
            sum(lows, Decimal(0)) if all(low is not None for low in lows) else None,
        )
    return combined


def minutes_by_organisation(p: Period) -> dict[int, int]:
    """The team's minutes in the period (family time entries and network work) by the
    organisation of the family's owning administration."""
    sql = f"""
        SELECT a.organisation_id AS organisation, sum(t.minutes) AS minutes
        FROM (
          SELECT family_id, minutes FROM {T_TIME}
           WHERE date BETWEEN %(start)s AND %(end)s AND {family_in_scope(p, "family_id")}
          UNION ALL
          SELECT pr.family_id, t.minutes FROM {T_NET_TIME} t
            JOIN {T_NET_PROCESS} pr ON pr.id = t.process_id
           WHERE t."on" BETWEEN %(start)s AND %(end)s AND {family_in_scope(p, "pr.family_id")}
        ) t
        JOIN {T_FAMILY} f ON f.id = t.family_id
        JOIN {T_ADMIN} a ON a.id = f.owner_id
        GROUP BY a.organisation_id
    """  # noqa: S608 -- table names from model meta; values are parameters
    return {
        r["organisation"]: int(r["minutes"] or 0)
        for r in fetch(sql, {"start": p.start, "end": p.end, **scope_params(p)})
    }
