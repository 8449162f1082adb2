"""Report figures computed once per period and data version, kept in the shared cache.

Computing a year's figures reads every family of the period (about a second at 50,000
families). They change only when the data they read changes: statement-level triggers count
every write to those tables (`FiguresVersion`, migration reporting 0002), and figures cached
at an older count are stale.

- `exact(period)`: figures that include every committed write (a report's preview and CSV);
  computed now when the cache is stale.
- `recent(period)`: the dashboard's figures: the cached ones when they are current or were
  computed less than `RECENT` ago, else computed now. Under a steady stream of writes the
  dashboard is at most a minute behind and says when its figures were computed.

Cached in the default cache (PostgreSQL, shared by every web worker), keyed by the period, its
organisations in scope (one municipality's figures are never served to another's project
leader), the language (labels are translated when computed) and the data version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone, translation

from familjelotsen.db import on_primary, on_replica
from reporting import figures as fig
from reporting import suppression
from reporting.models import FiguresVersion
from reporting.suppression import ShownTable

RECENT = dt.timedelta(seconds=60)
TIMEOUT = 60 * 60 * 24 * 7  # a period nobody looks at for a week is computed again


@dataclass(frozen=True)
class Snapshot:
    tables: dict[str, ShownTable]
    computed_at: dt.datetime
    current: bool  # no write since the figures were computed


def _version() -> tuple[str, int]:
    """The data version, read where the figures will be read (the replica when there is one:
    its count moves with the data it has replayed)."""
    row = FiguresVersion.objects.filter(pk=1).values_list("epoch", "generation").first()
    if row is None:  # an emptied database (the test suite's flush): start a new epoch
        created = FiguresVersion.objects.get_or_create(pk=1)[0]
        row = (created.epoch, created.generation)
    return str(row[0]), row[1]


# The shape of the cached tables: raised when a release adds or changes a table, so figures
# cached by the code before it are not read as if complete (2: the caseload bands).
FORMAT = 2


def _key(period: fig.Period) -> str:
    language = translation.get_language() or "sv"
    return (
        f"reporting:figures:v{FORMAT}:{period.start.isoformat()}:{period.end.isoformat()}:"
        f"{period.scope_key}:{language}"
    )


def _compute(period: fig.Period, key: str, epoch: str, generation: int) -> Snapshot:
    tables = suppression.suppress(fig.compute(period))
    computed_at = timezone.now()
    with on_primary():  # the cache is the primary's table
        _store(key, epoch, generation, computed_at, tables)
    return Snapshot(tables, computed_at, current=True)


def _store(key, epoch, generation, computed_at, tables) -> None:
    cache.set(
        key,
        {
            "epoch": epoch,
            "generation": generation,
            "computed_at": computed_at,
            "tables": suppression.to_json(tables),
        },
        TIMEOUT,
    )


def _snapshot(period: fig.Period, *, allowed_age: dt.timedelta | None) -> Snapshot:
    key = _key(period)
    with on_replica():
        # The version before the figures: a write committed while they are computed makes
        # them stale, never current.
        epoch, generation = _version()
        with on_primary():
            cached = cache.get(key)
        if cached and cached["epoch"] == epoch:
            current = cached["generation"] == generation
            young = allowed_age is not None and timezone.now() - cached["computed_at"] < allowed_age
            if current or young:
                tables = suppression.from_json(cached["tables"])
                return Snapshot(tables, cached["computed_at"], current=current)
        return _compute(period, key, epoch, generation)


def exact(period: fig.Period) -> Snapshot:
    return _snapshot(period, allowed_age=None)


def recent(period: fig.Period) -> Snapshot:
    return _snapshot(period, allowed_age=RECENT)
