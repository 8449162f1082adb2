"""Small SVG charts for reports: the same markup in the page, the dashboard and the PDF.

Hand-written SVG rather than a plotting library: a few horizontal bars and lines, text kept
as text (searchable in the PDF, read by screen readers), a <title> and <desc> on each chart,
no style attributes or <style> blocks (strict CSP), and only already-suppressed values: a
withheld value draws no bar and prints its mark ("<5", "..") instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#1b1f24"
MUTED = "#4a5360"
GRID = "#c9d0d8"
# Distinguishable in grey scale and for the common colour-vision deficiencies.
PALETTE = ("#0b5c7a", "#c2570c", "#5b3d99", "#2f7d32")
FONT = 'font-family="DejaVu Sans, sans-serif"'

WIDTH = 640
LABEL_WIDTH = 210
VALUE_WIDTH = 70
BAR_HEIGHT = 16
GAP = 8


# A chart of nothing but zeros and withheld values says nothing: the table says it better.
NO_CHART = mark_safe("")


def _has_data(values: list[float | None]) -> bool:
    return any(v for v in values if v is not None)


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None  # None: withheld or no data
    display: str  # what the table shows: "12", "<5", ".."


def _scale_max(values: list[float | None]) -> float:
    """A round number at or just above the largest value, so the grid reads easily."""
    top = max([v for v in values if v is not None] + [0])
    if top <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(top))
    for multiple in (1, 2, 2.5, 5, 10):
        if top <= multiple * magnitude:
            return multiple * magnitude
    return 10.0 * magnitude


def _open(chart_id: str, height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart-svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: int = 11,
    fill: str = INK,
    weight: str = "normal",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" {FONT} font-size="{size}" fill="{fill}" '
        f'text-anchor="{anchor}" font-weight="{weight}">{escape(content)}</text>'
    )


def _legend(names: list[str], y: float, x: float = LABEL_WIDTH) -> str:
    parts = []
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(_text(x + 14, y, name, size=10))
        x += 24 + 7 * len(name)
    return "".join(parts)


def bar_chart(
    chart_id: str,
    title: str,
    points: list[Point],
    *,
    desc: str = "",
    reference: tuple[float, str] | None = None,
) -> SafeString:
    """Horizontal bars, one per point; `reference` draws a dashed line (a planning figure)."""
    return grouped_bar_chart(
        chart_id,
        title,
        [p.label for p in points],
        [("", points)],
        desc=desc,
        reference=reference,
    )


def grouped_bar_chart(
    chart_id: str,
    title: str,
    categories: list[str],
    series: list[tuple[str, list[Point]]],
    *,
    desc: str = "",
    reference: tuple[float, str] | None = None,
    maximum: float | None = None,
) -> SafeString:
    """Horizontal bars, one group per category and one bar per series in each group."""
    values = [p.value for _name, points in series for p in points]
    if not _has_data(values):
        return NO_CHART
    if reference:
        values.append(reference[0])
    top = maximum or _scale_max(values)
    legend_height = 22 if len(series) > 1 else 0
    group_height = len(series) * BAR_HEIGHT + GAP
    plot_top = 10 + legend_height
    height = plot_top + len(categories) * group_height + 28
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    out = [_open(chart_id, height, title, desc or title)]
    if legend_height:
        out.append(_legend([name for name, _points in series], 18))
    # Grid and axis labels: 0, ½ and the top of the scale.
    axis_y = plot_top + len(categories) * group_height
    for fraction in (0, 0.5, 1):
        x = LABEL_WIDTH + plot_width * fraction
        out.append(
            f'<line x1="{x:.1f}" y1="{plot_top - 4}" x2="{x:.1f}" y2="{axis_y}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            _text(x, axis_y + 14, _number(top * fraction), anchor="middle", size=9, fill=MUTED)
        )
    for c, category in enumerate(categories):
        y0 = plot_top + c * group_height
        out.append(_text(LABEL_WIDTH - 8, y0 + group_height / 2 + 2, _clip(category), anchor="end"))
        for s, (_name, points) in enumerate(series):
            point = points[c]
            y = y0 + s * BAR_HEIGHT
            colour = PALETTE[s % len(PALETTE)]
            if point.value is not None and point.value > 0:
                width = max(plot_width * min(point.value / top, 1), 1.5)
                out.append(
                    f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{width:.1f}" '
                    f'height="{BAR_HEIGHT - 4}" fill="{colour}"/>'
                )
                label_x = LABEL_WIDTH + width + 4
            else:
                label_x = LABEL_WIDTH + 4
            out.append(_text(label_x, y + BAR_HEIGHT - 4, point.display, size=10))
    if reference:
        x = LABEL_WIDTH + plot_width * min(reference[0] / top, 1)
        out.append(
            f'<line x1="{x:.1f}" y1="{plot_top - 6}" x2="{x:.1f}" y2="{axis_y}" '
            f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="5 3"/>'
        )
        out.append(
            _text(
                x,
                plot_top - 8 if not legend_height else axis_y + 24,
                reference[1],
                anchor="middle",
                size=9,
            )
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 -- every text above went through escape()


def line_chart(
    chart_id: str,
    title: str,
    x_labels: list[str],
    series: list[tuple[str, list[Point]]],
    *,
    desc: str = "",
) -> SafeString:
    """Lines over time; a withheld value leaves a gap rather than a guessed point."""
    height = 240
    left, right, top_y, bottom = 48, WIDTH - 32, 34, height - 34
    values = [p.value for _name, points in series for p in points]
    if not _has_data(values):
        return NO_CHART
    top = _scale_max(values)
    out = [_open(chart_id, height, title, desc or title)]
    out.append(_legend([name for name, _points in series], 16, x=left))
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        y = bottom - (bottom - top_y) * fraction
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            _text(left - 6, y + 3, _number(top * fraction), anchor="end", size=9, fill=MUTED)
        )
    count = len(x_labels)
    step = (right - left) / max(count - 1, 1)

    def x_at(i: int) -> float:
        return left + (step * i if count > 1 else (right - left) / 2)

    every = max(1, (count + 11) // 12)
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == count - 1:
            out.append(_text(x_at(i), bottom + 16, label, anchor="middle", size=9, fill=MUTED))
    for s, (_name, points) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        segment: list[str] = []
        segments: list[list[str]] = []
        for i, point in enumerate(points):
            if point.value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            y = bottom - (bottom - top_y) * min(point.value / top, 1)
            segment.append(f"{x_at(i):.1f},{y:.1f}")
            out.append(f'<circle cx="{x_at(i):.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>')
        if segment:
            segments.append(segment)
        for seg in segments:
            if len(seg) > 1:
                out.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" '
                    f'stroke="{colour}" stroke-width="2"/>'
                )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 -- every text above went through escape()


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


def _clip(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
