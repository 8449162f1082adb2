"""Small-number suppression: 1–4 shown as "<5", and secondary suppression so that no total
reveals a suppressed cell."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reporting import figures, suppression
from reporting.figures import Cell, Column, Row, Table
from reporting.suppression import SMALL, WITHHELD


def counts_table(values: list[int], *, with_total: bool = True) -> Table:
    rows = [Row(f"r{i}", f"Row {i}", {"n": Cell(v)}) for i, v in enumerate(values)]
    total = Row("total", "All", {"n": Cell(sum(values))}) if with_total else None
    return Table("t", "Test", [Column("n", "Number")], rows, total)


def shown(table: Table) -> list[str]:
    return [row.cells[0].display for row in suppression.suppress_table(table).rows]


def test_counts_of_one_to_four_persons_are_shown_as_less_than_five():
    assert shown(counts_table([1, 4, 5, 0, 12], with_total=False)) == [
        SMALL,
        SMALL,
        "5",
        "0",
        "12",
    ]


def test_a_single_small_cell_gets_the_smallest_other_cell_withheld_so_the_total_cannot_reveal_it():
    # 3 + 7 + 20 = 30: with 7 and 20 and the total shown, 3 would follow by subtraction.
    assert shown(counts_table([3, 7, 20])) == [SMALL, WITHHELD, "20", "30"]


def test_secondary_suppression_never_picks_a_zero_while_a_non_zero_cell_is_left():
    assert shown(counts_table([2, 0, 9, 6])) == [SMALL, "0", "9", WITHHELD, "17"]


def test_two_small_cells_protect_each_other_and_need_no_secondary_suppression():
    assert shown(counts_table([2, 3, 20])) == [SMALL, SMALL, "20", "25"]


def test_a_small_total_is_itself_suppressed():
    assert shown(counts_table([0, 3, 0])) == ["0", SMALL, "0", SMALL]


@pytest.mark.swedish
def test_a_mean_or_a_number_of_hours_behind_fewer_than_five_families_is_withheld():
    table = Table(
        "t",
        "Test",
        [Column("hours", "Hours", count=False, additive=False, decimals=1)],
        [
            Row("a", "A", {"hours": Cell(12.5, base=2)}),
            Row("b", "B", {"hours": Cell(40.0, 5)}),
            Row("c", "C", {"hours": Cell(None, 0)}),
        ],
    )
    assert shown(table) == [WITHHELD, "40,0", "–"]


def test_parts_of_a_row_that_add_up_to_its_total_are_protected_within_the_row():
    table = Table(
        "t",
        "Test",
        [
            Column("better", "Better"),
            Column("same", "Same"),
            Column("worse", "Worse"),
            Column("n", "All"),
        ],
        [Row("a", "A", {"better": Cell(2), "same": Cell(6), "worse": Cell(9), "n": Cell(17)})],
        row_sums=((("better", "same", "worse"), "n"),),
    )
    cells = [c.display for c in suppression.suppress_table(table).rows[0].cells]
    assert cells == [SMALL, WITHHELD, "9", "17"]


def test_suppression_in_one_direction_is_protected_in_the_other_too():
    # A 2 x 2 table with row and column totals: withholding the second cell of a row makes
    # its column show a single withheld cell, which must be protected in turn.
    def row(key, a, b):
        return Row(key, key, {"a": Cell(a), "b": Cell(b), "all": Cell(a + b)})

    table = Table(
        "t",
        "Test",
        [Column("a", "A"), Column("b", "B"), Column("all", "All")],
        [row("x", 2, 10), row("y", 8, 12)],
        row("total", 10, 22),
        row_sums=((("a", "b"), "all"),),
    )
    result = suppression.suppress_table(table)
    grid = [[c.suppressed for c in r.cells] for r in result.rows]
    lines = [*grid, *map(list, zip(*grid, strict=True))]
    for line in lines:
        assert sum(1 for s in line if s) != 1, grid


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=30), min_size=3, max_size=3),
        min_size=1,
        max_size=6,
    )
)
def test_no_additive_line_ever_has_exactly_one_withheld_cell(rows):
    table = Table(
        "t",
        "Test",
        [Column("a", "A"), Column("b", "B"), Column("c", "C"), Column("all", "All")],
        [
            Row(
                f"r{i}", f"r{i}", {"a": Cell(a), "b": Cell(b), "c": Cell(c), "all": Cell(a + b + c)}
            )
            for i, (a, b, c) in enumerate(rows)
        ],
        Row(
            "total",
            "All",
            {k: Cell(sum(r[i] for r in rows)) for i, k in enumerate("abc")}
            | {"all": Cell(sum(map(sum, rows)))},
        ),
        row_sums=((("a", "b", "c"), "all"),),
    )
    result = suppression.suppress_table(table)
    grid = [[c.suppressed for c in r.cells] for r in result.rows]
    raw = [[r.cells[k].value for k in ("a", "b", "c", "all")] for r in [*table.rows, table.total]]
    for line in [*grid, *map(list, zip(*grid, strict=True))]:
        assert sum(1 for s in line if s) != 1
    # Every count of 1–4 is withheld, and nothing shown is a number of 1–4.
    for raw_row, shown_row in zip(raw, result.rows, strict=True):
        for number, cell in zip(raw_row, shown_row.cells, strict=True):
            if 1 <= number <= 4:
                assert cell.display == SMALL
            assert cell.value is None or not 1 <= cell.value <= 4


def test_suppressed_tables_survive_the_archive_unchanged():
    result = suppression.suppress_table(counts_table([3, 7, 20]))
    again = suppression.ShownTable.from_json(result.to_json())
    assert again == result
    assert again.cell("r0", "n").display == SMALL


@pytest.mark.django_db
def test_the_project_figures_come_out_suppressed(world, period):
    tables = suppression.suppress(figures.compute(period))
    flow = tables["flow"]
    assert flow.cell("total", "requested").display == "5"
    assert flow.cell("total", "active").display == "6"
    assert flow.cell(str(world.adm_soc.pk), "requested").display == SMALL
    # 3 + 2 + 0 = 5: no single small cell in the requested column.
    column = [cell.suppressed for _label, cell in flow.column("requested", totals=True)]
    assert column.count(None) != len(column) - 1
    # A mean over two families is withheld; so are two families' hours.
    assert tables["goal_progress"].cell("home", "first").display == WITHHELD
    assert tables["hours"].cell("total", "hours").display == WITHHELD
    assert tables["cost"].cell("total", "cost").display == WITHHELD
    assert tables["flow"].has_small
