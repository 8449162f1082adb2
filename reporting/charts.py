"""Small SVG charts for reports: the same markup in the page, the dashboard and the PDF.

Hand-written SVG rather than a plotting library: a few horizontal bars and lines, text kept
as text (searchable in the PDF, read by screen readers), a <title> and <desc> on each chart,
no style attributes or <style> blocks (strict CSP), and only already-suppressed values: a
withheld value is drawn as a dashed, unfilled bar (up to 4 for "<5", a stub for "..") with
its mark beside it, never as a gap or a zero. Type is at least 12 px: the PDF prints the
640 px chart 480 pt wide, so 12 px is 9 pt. Labels wrap onto two lines rather than being cut.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

INK = "#1b1f24"
MUTED = "#4a5360"
GRID = "#c9d0d8"
# Distinguishable in grey scale and for the common colour-vision deficiencies.
PALETTE = ("#0b5c7a", "#c2570c", "#5b3d99", "#2f7d32")
FONT = 'font-family="DejaVu Sans, sans-serif"'

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 70
BAR_HEIGHT = 18
GAP = 10
TEXT = 12  # px; 9 pt in the PDF
LABEL_CHARS = 30  # a label line at 12 px in LABEL_WIDTH
SMALL_MARK = "<5"  # reporting.suppression.SMALL: a count of 1–4


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
    size: int = TEXT,
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
        parts.append(_text(x + 14, y, name))
        x += 28 + 7.5 * len(name)
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
    legend_height = 24 if len(series) > 1 else 0
    wrapped = [_wrap(c) for c in categories]
    group_heights = [max(len(series) * BAR_HEIGHT, len(lines) * 15) + GAP for lines in wrapped]
    plot_top = 10 + legend_height
    suppressed = any(p.value is None and p.display for _n, points in series for p in points)
    footer = 32 + (18 if suppressed else 0)
    height = plot_top + sum(group_heights) + footer
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    out = [_open(chart_id, height, title, desc or title)]
    if legend_height:
        out.append(_legend([name for name, _points in series], 18))
    # Grid and axis labels: 0, ½ and the top of the scale.
    axis_y = plot_top + sum(group_heights)
    for fraction in (0, 0.5, 1):
        x = LABEL_WIDTH + plot_width * fraction
        out.append(
            f'<line x1="{x:.1f}" y1="{plot_top - 4}" x2="{x:.1f}" y2="{axis_y}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(_text(x, axis_y + 15, _number(top * fraction), anchor="middle", fill=MUTED))
    y0 = plot_top
    for c, lines in enumerate(wrapped):
        bars = len(series) * BAR_HEIGHT
        first = y0 + bars / 2 + 4 - (len(lines) - 1) * 7.5
        for n, line in enumerate(lines):
            out.append(_text(LABEL_WIDTH - 8, first + n * 15, line, anchor="end"))
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
            elif point.value is None and point.display in (SMALL_MARK, ".."):
                # Withheld: a dashed, unfilled bar, never a gap or a zero. "<5" reaches 4.
                upper = 4 if point.display == SMALL_MARK else 0
                width = max(plot_width * min(upper / top, 1), 14)
                out.append(
                    f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width:.1f}" '
                    f'height="{BAR_HEIGHT - 6}" fill="#ffffff" stroke="{colour}" '
                    f'stroke-width="1.2" stroke-dasharray="3 2"/>'
                )
                label_x = LABEL_WIDTH + width + 4
            else:
                label_x = LABEL_WIDTH + 4
            out.append(_text(label_x, y + BAR_HEIGHT - 5, point.display))
        y0 += group_heights[c]
    if suppressed:
        out.append(_suppressed_key(LABEL_WIDTH, axis_y + 34))
    if reference:
        x = LABEL_WIDTH + plot_width * min(reference[0] / top, 1)
        out.append(
            f'<line x1="{x:.1f}" y1="{plot_top - 6}" x2="{x:.1f}" y2="{axis_y}" '
            f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="5 3"/>'
        )
        out.append(
            _text(
                x,
                plot_top - 8 if not legend_height else axis_y + 28,
                reference[1],
                anchor="middle",
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
    """Lines over time. A "<5" month is drawn as an open point in the 1–4 band joined by a
    dashed line, so it never looks like zero; a ".." month (withheld, any size) prints its
    mark on the axis and the line breaks there."""
    values = [p.value for _name, points in series for p in points]
    if not _has_data(values):
        return NO_CHART
    suppressed = any(p.value is None and p.display for _n, points in series for p in points)
    height = 260 + (18 if suppressed else 0)
    left, right, top_y, bottom = 52, WIDTH - 32, 38, 226
    top = _scale_max(values + [4])
    out = [_open(chart_id, height, title, desc or title)]
    out.append(_legend([name for name, _points in series], 18, x=left))
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        y = bottom - (bottom - top_y) * fraction
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(_text(left - 6, y + 4, _number(top * fraction), anchor="end", fill=MUTED))
    count = len(x_labels)
    step = (right - left) / max(count - 1, 1)

    def x_at(i: int) -> float:
        return left + (step * i if count > 1 else (right - left) / 2)

    def y_at(value: float) -> float:
        return bottom - (bottom - top_y) * min(value / top, 1)

    every = max(1, (count + 5) // 6)
    for i, label in enumerate(x_labels):
        # The last label too, unless it would run into the one before it.
        last = i == count - 1 and (i % every) * step > 60
        if i % every == 0 or last:
            out.append(_text(x_at(i), bottom + 18, label, anchor="middle", fill=MUTED))
    for s, (_name, points) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        # (x, y, estimated): estimated points are "<5" months drawn at 2.5.
        segment: list[tuple[float, float, bool]] = []
        segments: list[list[tuple[float, float, bool]]] = []
        for i, point in enumerate(points):
            if point.value is None and point.display == SMALL_MARK:
                y = y_at(2.5)
                segment.append((x_at(i), y, True))
                out.append(
                    f'<circle cx="{x_at(i):.1f}" cy="{y:.1f}" r="3.5" fill="#ffffff" '
                    f'stroke="{colour}" stroke-width="1.5"/>'
                )
                continue
            if point.value is None:
                if segment:
                    segments.append(segment)
                segment = []
                if point.display:
                    out.append(_text(x_at(i), bottom - 4, point.display, anchor="middle"))
                continue
            y = y_at(point.value)
            segment.append((x_at(i), y, False))
            out.append(f'<circle cx="{x_at(i):.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
        if segment:
            segments.append(segment)
        for seg in segments:
            for (x1, y1, e1), (x2, y2, e2) in zip(seg, seg[1:], strict=False):
                dash = ' stroke-dasharray="4 3"' if e1 or e2 else ""
                out.append(
                    f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                    f'stroke="{colour}" stroke-width="2"{dash}/>'
                )
    if suppressed:
        out.append(_suppressed_key(left, height - 8, line=True))
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 -- every text above went through escape()


def _suppressed_key(x: float, y: float, *, line: bool = False) -> str:
    """What a dashed bar or an open point means, under the chart."""
    if line:
        mark = (
            f'<circle cx="{x + 5}" cy="{y - 4}" r="3.5" fill="#ffffff" stroke="{INK}" '
            f'stroke-width="1.5"/>'
        )
        words = gettext("Open point: 1–4 (<5), not shown exactly. “..”: not shown.")
    else:
        mark = (
            f'<rect x="{x}" y="{y - 10}" width="12" height="10" fill="#ffffff" stroke="{INK}" '
            f'stroke-width="1.2" stroke-dasharray="3 2"/>'
        )
        words = gettext("Dashed bar: not shown exactly (<5: 1–4; “..”: not shown).")
    return mark + _text(x + 16, y, words, fill=MUTED)


def _wrap(label: str, limit: int = LABEL_CHARS) -> list[str]:
    """The whole label on at most two lines, broken between words."""
    if len(label) <= limit:
        return [label]
    cut = label.rfind(" ", 0, limit + 1)
    if cut <= 0:
        cut = limit
    return [label[:cut].rstrip(), label[cut:].strip()]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")
