"""The report charts: accessible SVG, text as text, withheld values drawn as their mark."""

from __future__ import annotations

import re

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


def test_a_withheld_value_is_a_dashed_bar_with_its_mark_never_a_gap():
    svg = charts.bar_chart("c2", "Barn", [Point("6–9 år", None, "<5"), Point("10–12 år", 7, "7")])
    # One filled bar, one dashed unfilled bar, and the key's dashed box under the chart.
    assert svg.count("<rect") == 3
    assert svg.count('stroke-dasharray="3 2"') == 2
    assert "&lt;5</text>" in svg


def test_chart_type_is_at_least_9_pt_in_the_pdf_and_labels_are_never_cut():
    label = "Familjer med samordnat stöd, per år"
    svg = charts.bar_chart("c9", "Volym", [Point(label, 30, "30")])
    sizes = [int(size) for size in re.findall(r'font-size="(\d+)"', svg)]
    # The PDF prints the 640 px chart 480 pt wide: 12 px is 9 pt.
    assert min(sizes) >= 12
    assert "…" not in svg
    assert ">Familjer med samordnat stöd,</text>" in svg and ">per år</text>" in svg


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


def test_a_line_chart_draws_small_months_as_open_points_and_marks_withheld_ones():
    points = [
        Point("m1", 6, "6"),
        Point("m2", None, "<5"),
        Point("m3", None, ".."),
        Point("m4", 8, "8"),
        Point("m5", 9, "9"),
    ]
    svg = charts.line_chart(
        "c7", "Familjer", ["m1", "m2", "m3", "m4", "m5"], [("I programmet", points)]
    )
    # Four points (one open, "<5"), plus the key's open point; "..": its mark on the axis.
    assert svg.count("<circle") == 5 and svg.count('fill="#ffffff"') == 2
    assert 'stroke-dasharray="4 3"' in svg  # the line into the "<5" month is dashed
    assert ">..</text>" in svg
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
    assert svg.count('height="14"') == 4  # four bars
    assert ">Vid start</text>" in svg and ">Nu</text>" in svg
