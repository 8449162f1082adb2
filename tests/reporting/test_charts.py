"""The report charts: accessible SVG, text as text, withheld values drawn as their mark."""

from __future__ import annotations

from reporting import charts
from reporting.charts import Point


def test_a_bar_chart_is_an_accessible_svg_with_its_labels_as_text():
    svg = charts.bar_chart(
        "c1",
        "Timmar per aktivitet",
        [Point("Hembesök", 12.0, "12"), Point("Resor", 3.5, "3,5")],
        desc="Timmar per aktivitet under perioden",
    )
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'role="img" aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Timmar per aktivitet</title>' in svg
    assert '<desc id="c1-desc">Timmar per aktivitet under perioden</desc>' in svg
    assert ">Hembesök</text>" in svg and ">12</text>" in svg and ">3,5</text>" in svg
    assert svg.count("<rect") == 2
    assert "style" not in svg and "<script" not in svg


def test_a_withheld_value_draws_no_bar_only_its_mark():
    svg = charts.bar_chart("c2", "Barn", [Point("6–9 år", None, "<5"), Point("10–12 år", 7, "7")])
    assert svg.count("<rect") == 1
    assert "&lt;5</text>" in svg


def test_labels_are_escaped():
    svg = charts.bar_chart("c3", "<b>", [Point("<script>", 5, "5")])
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_a_chart_of_nothing_but_zeros_or_withheld_values_is_left_out():
    assert charts.bar_chart("c4", "Tomt", [Point("a", 0, "0"), Point("b", None, "<5")]) == ""
    assert (
        charts.line_chart("c5", "Tomt", ["2025-01"], [("x", [Point("2025-01", None, "..")])]) == ""
    )


def test_a_reference_line_marks_the_planning_figure():
    svg = charts.bar_chart(
        "c6", "Ärenden per ombud", [Point("Ombud 1", 9, "9")], reference=(8, "Planeringstal 8")
    )
    assert 'stroke-dasharray="5 3"' in svg and ">Planeringstal 8</text>" in svg


def test_a_line_chart_leaves_a_gap_for_a_withheld_value():
    points = [
        Point("m1", 6, "6"),
        Point("m2", 7, "7"),
        Point("m3", None, ".."),
        Point("m4", 8, "8"),
        Point("m5", 9, "9"),
    ]
    svg = charts.line_chart(
        "c7", "Familjer", ["m1", "m2", "m3", "m4", "m5"], [("I programmet", points)]
    )
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 4
    assert ">I programmet</text>" in svg


def test_grouped_bars_show_one_bar_per_series_and_a_legend():
    svg = charts.grouped_bar_chart(
        "c8",
        "Sysselsättning",
        ["Arbete", "Studier"],
        [
            ("Vid start", [Point("Arbete", 5, "5"), Point("Studier", 6, "6")]),
            ("Nu", [Point("Arbete", 9, "9"), Point("Studier", 6, "6")]),
        ],
    )
    assert svg.count('height="12"') == 4  # four bars
    assert ">Vid start</text>" in svg and ">Nu</text>" in svg
