"""Small-number suppression: the ONE place that decides what a report may show.

Rules (DOMAIN.md §4.2, SPEC.md §6):
- a count of 1–4 persons or families is shown as "<5" (primary suppression);
- a figure that is not such a count (events, hours, days, means, money) is withheld, shown as
  "..", when fewer than five persons or families lie behind it;
- secondary suppression: wherever numbers add up (a column into its total row, parts of a row
  into its row total), a line with exactly one withheld cell gets a second one withheld, so
  that no withheld cell can be worked out by subtraction. Secondarily withheld cells show
  "..", never "<5" (their true value may be large).

The HTML preview, the PDF and the CSV all read the `ShownTable`s made here, and an archived
report stores them (never the raw numbers), so the three always agree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from reporting.figures import Cell, Figures, Row, Table

THRESHOLD = 5
SMALL = "<5"
WITHHELD = ".."
NO_DATA = "–"

PRIMARY = "primary"
SECONDARY = "secondary"


@dataclass
class ShownCell:
    display: str
    # The number, only when it may be shown (charts read it); None when withheld or empty.
    value: float | None = None
    suppressed: str | None = None


@dataclass
class ShownRow:
    key: str
    label: str
    cells: list[ShownCell]
    is_total: bool = False
    definition: str = ""


@dataclass
class ShownTable:
    key: str
    title: str
    columns: list[dict]  # {"key", "label"}
    rows: list[ShownRow]
    note: str = ""
    has_small: bool = False
    has_withheld: bool = False
    column_keys: list[str] = field(default_factory=list)

    @property
    def has_definitions(self) -> bool:
        return any(r.definition for r in self.rows)

    def cell(self, row_key: str, column_key: str) -> ShownCell | None:
        index = self.column_keys.index(column_key)
        for row in self.rows:
            if row.key == row_key:
                return row.cells[index]
        return None

    def column(self, column_key: str, *, totals: bool = False) -> list[tuple[str, ShownCell]]:
        index = self.column_keys.index(column_key)
        return [(r.label, r.cells[index]) for r in self.rows if totals or not r.is_total]

    def only_rows(self, keys: set[str]) -> ShownTable:
        """The same suppressed table with fewer rows (the total row is kept). Hiding rows of
        a protected table reveals nothing more than the table itself."""
        rows = [r for r in self.rows if r.is_total or r.key in keys]
        return ShownTable(
            self.key,
            self.title,
            self.columns,
            rows,
            self.note,
            self.has_small,
            self.has_withheld,
            self.column_keys,
        )

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> ShownTable:
        rows = [
            ShownRow(
                r["key"],
                r["label"],
                [ShownCell(**c) for c in r["cells"]],
                r["is_total"],
                r.get("definition", ""),
            )
            for r in data["rows"]
        ]
        return cls(
            data["key"],
            data["title"],
            data["columns"],
            rows,
            data.get("note", ""),
            data.get("has_small", False),
            data.get("has_withheld", False),
            data.get("column_keys") or [c["key"] for c in data["columns"]],
        )


# --- The rules -------------------------------------------------------------------------------


@dataclass
class _Slot:
    """One cell while deciding: its number, whether it is a count, and its verdict."""

    value: float | None
    is_count: bool
    base: int | None
    is_total: bool
    verdict: str | None = None


def _primary(cell: Cell, is_count: bool) -> str | None:
    if cell.value is None:
        return None
    if is_count:
        return PRIMARY if 1 <= cell.value < THRESHOLD else None
    if cell.base is not None and 1 <= cell.base < THRESHOLD:
        return PRIMARY
    return None


def _lines(table: Table, grid: dict[tuple[str, str], _Slot]) -> list[list[_Slot]]:
    """Every set of cells that adds up to a total cell within the set."""
    lines: list[list[_Slot]] = []
    rows = table.rows + ([table.total] if table.total else [])
    if table.total is not None:
        for column in table.columns:
            if column.additive:
                lines.append([grid[(r.key, column.key)] for r in rows])
    for parts, total in table.row_sums:
        for r in rows:
            lines.append([grid[(r.key, k)] for k in (*parts, total)])
    return lines


def _secondary(lines: list[list[_Slot]]) -> None:
    changed = True
    while changed:
        changed = False
        for line in lines:
            withheld = [s for s in line if s.verdict]
            if len(withheld) != 1:
                continue
            candidates = [s for s in line if not s.verdict and s.value is not None]
            if not candidates:
                continue
            # The smallest non-zero part hides the most with the least loss; a zero or the
            # total only when nothing else is left.
            candidates.sort(key=lambda s: (s.is_total, s.value == 0, s.value))
            candidates[0].verdict = SECONDARY
            changed = True


def _format(value, decimals: int) -> str:
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and value.is_integer() and decimals == 0:
        value = int(value)
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _decimals(cell: Cell, column_decimals: int) -> int:
    if cell.decimals is not None:
        return cell.decimals
    # Counts and whole days print without decimals even in a column of means.
    return 0 if isinstance(cell.value, int) else column_decimals


def suppress_table(table: Table) -> ShownTable:
    rows: list[Row] = table.rows + ([table.total] if table.total else [])
    columns = {c.key: c for c in table.columns}
    grid: dict[tuple[str, str], _Slot] = {}
    for r in rows:
        for key, column in columns.items():
            cell = r.cells[key]
            grid[(r.key, key)] = _Slot(
                None if cell.value is None else float(cell.value),
                column.count,
                cell.base,
                r is table.total,
                _primary(cell, column.count),
            )
    _secondary(_lines(table, grid))

    shown_rows = []
    has_small = has_withheld = False
    for r in rows:
        cells = []
        for key, column in columns.items():
            slot, raw = grid[(r.key, key)], r.cells[key]
            if slot.verdict == PRIMARY and column.count:
                cells.append(ShownCell(SMALL, None, PRIMARY))
                has_small = True
            elif slot.verdict:
                cells.append(ShownCell(WITHHELD, None, slot.verdict))
                has_withheld = True
            elif raw.value is None:
                # A total row leaves empty what has no total (e.g. a stock at month end).
                cells.append(ShownCell("" if r is table.total else NO_DATA, None))
            else:
                cells.append(
                    ShownCell(_format(raw.value, _decimals(raw, column.decimals)), float(raw.value))
                )
        shown_rows.append(
            ShownRow(r.key, str(r.label), cells, r is table.total, str(r.definition or ""))
        )
    return ShownTable(
        key=table.key,
        title=str(table.title),
        columns=[{"key": c.key, "label": str(c.label)} for c in table.columns],
        rows=shown_rows,
        note=str(table.note),
        has_small=has_small,
        has_withheld=has_withheld,
        column_keys=[c.key for c in table.columns],
    )


def suppress(figures: Figures) -> dict[str, ShownTable]:
    """Every table of the figures, suppressed. Run under the report's language."""
    return {key: suppress_table(table) for key, table in figures.tables.items()}


def legend() -> list[tuple[str, str]]:
    return [
        (SMALL, _("1–4 persons or families")),
        (
            WITHHELD,
            _(
                "not shown: fewer than 5 persons or families behind the figure, or it "
                "could reveal a figure that is not shown"
            ),
        ),
        (NO_DATA, _("no data")),
    ]


def to_json(tables: dict[str, ShownTable]) -> dict:
    return {key: table.to_json() for key, table in tables.items()}


def from_json(data: dict) -> dict[str, ShownTable]:
    return {key: ShownTable.from_json(value) for key, value in data.items()}
