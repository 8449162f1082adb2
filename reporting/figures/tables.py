"""The raw tables the figures fill (columns, cells, rows), the period and the result of
`compute`; the small constructors of cells.

Raw tables still hold small numbers: `reporting.suppression` works on them before anything
is shown, printed or exported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.functional import Promise


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
    # What the figures of the row mean, printed beside them (the money figures).
    definition: str | Promise = ""


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
    """The days the figures cover, and whose families: `organisations` holds the ids of the
    organisations (municipalities, regions) in scope; the figures count only the families
    whose owning administration belongs to one of them, and the consultations and courses of
    their administrations (issue 21). An empty set counts nothing. None counts every
    organisation: for the tests and the benchmarks only; the report pages always pass the
    scope the access module gives the user (`access.report_scope`)."""

    start: dt.date
    end: dt.date
    organisations: frozenset[int] | None = None

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("period ends before it starts")
        if self.organisations is not None and not isinstance(self.organisations, frozenset):
            object.__setattr__(self, "organisations", frozenset(self.organisations))

    @property
    def scope_key(self) -> str:
        """The scope as text, for cache keys: "all" or the sorted organisation ids."""
        if self.organisations is None:
            return "all"
        return ",".join(str(i) for i in sorted(self.organisations)) or "none"

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


# --- Cells ---------------------------------------------------------------------------------


def cnt(value) -> Cell:
    return Cell(int(value or 0))


def measure(value, base) -> Cell:
    return Cell(None if value is None else value, int(base or 0))


def to_hours(minutes) -> float | None:
    return None if minutes is None else round(minutes / 60, 1)


def one_decimal(value) -> float | None:
    return None if value is None else round(float(value), 1)
