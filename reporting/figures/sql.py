"""SQL helpers shared by the figure modules: percentiles, day differences, "in the
programme during the period", raw queries and the shared table names."""

from __future__ import annotations

from django.db import connections
from django.db.models import Aggregate, F, FloatField, Func, IntegerField, Q

from cases import models as cm
from familjelotsen.db import read_alias
from familjelotsen.models import Administration
from reporting.figures.tables import Period


class Percentile(Aggregate):
    """percentile_cont(p) WITHIN GROUP (ORDER BY expr), with FILTER support."""

    function = "percentile_cont"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, percentile: float, **extra):
        super().__init__(expression, percentile=float(percentile), **extra)


def days_between(later: str, earlier: str) -> Func:
    # date - date is a whole number of days in PostgreSQL (Django would make an interval).
    return Func(
        F(later),
        F(earlier),
        template="(%(expressions)s)",
        arg_joiner=" - ",
        output_field=IntegerField(),
    )


def in_work_q(p: Period, prefix: str = "") -> Q:
    """Families whose work (of either kind) was under way at some time in the period."""
    return Q(**{f"{prefix}start_date__isnull": False, f"{prefix}start_date__lte": p.end}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": p.start})
    )


# "The programme" is coordinated support (the Familjelotsen criteria): its figures leave out
# the families of network work only, which are counted on their own (flow.kinds, money).
COORDINATED = cm.WorkKind.COORDINATED_SUPPORT.value


def coordinated_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}kind": COORDINATED})


def in_programme_q(p: Period, prefix: str = "") -> Q:
    return in_work_q(p, prefix) & coordinated_q(prefix)


def in_programme_ids(p: Period):
    return cm.Family.objects.filter(in_programme_q(p) & family_scope_q(p)).values("id")


# --- The organisations in scope (Period.organisations, issue 21) -----------------------------
# Families count for the organisation of their owning administration; records about a family
# (journal, time, goals, plans, network processes) follow their family; consultations and
# courses follow the administration that holds them.


def family_scope_q(p: Period, prefix: str = "") -> Q:
    """Families (through `prefix`, e.g. "family__") owned by an organisation in scope."""
    if p.organisations is None:
        return Q()
    return Q(**{f"{prefix}owner__organisation_id__in": sorted(p.organisations)})


def administration_scope_q(p: Period, field: str) -> Q:
    """Rows whose administration (`field`, e.g. "administration") is in scope."""
    if p.organisations is None:
        return Q()
    return Q(**{f"{field}__organisation_id__in": sorted(p.organisations)})


def scope_params(p: Period) -> dict:
    """The parameter the scope conditions below read: %(orgs)s."""
    return {"orgs": sorted(p.organisations or ())}


def family_in_scope(p: Period, column: str) -> str:
    """An SQL condition: the family id in `column` is of a family in scope ("TRUE" when
    every organisation is). Reads %(orgs)s: pass `scope_params(p)`."""
    if p.organisations is None:
        return "TRUE"
    return f"{column} IN ({FAMILY_IN_SCOPE_SQL})"


def administration_in_scope(p: Period, column: str) -> str:
    """An SQL condition: the administration id in `column` is of an organisation in scope."""
    if p.organisations is None:
        return "TRUE"
    return f"{column} IN ({ADMINISTRATION_IN_SCOPE_SQL})"


def fetch(sql: str, params: dict) -> list[dict]:
    # Raw SQL passes no router: ask which database reads go to now (the replica inside
    # familjelotsen.db.on_replica(), where the figures are computed).
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


T_FAMILY = cm.Family._meta.db_table
T_ADMIN = Administration._meta.db_table

ADMINISTRATION_IN_SCOPE_SQL = f"SELECT id FROM {T_ADMIN} WHERE organisation_id = ANY(%(orgs)s)"  # noqa: S608 -- a table
FAMILY_IN_SCOPE_SQL = f"SELECT id FROM {T_FAMILY} WHERE owner_id IN ({ADMINISTRATION_IN_SCOPE_SQL})"  # noqa: S608


def in_programme_sql(p: Period) -> str:
    """The ids of the families in the programme during the period, in scope."""
    return (
        f"SELECT id FROM {T_FAMILY} WHERE start_date IS NOT NULL "  # noqa: S608 -- a table name
        "AND start_date <= %(end)s AND (end_date IS NULL OR end_date >= %(start)s) "
        f"AND kind = '{COORDINATED}' AND {family_in_scope(p, 'id')}"
    )
