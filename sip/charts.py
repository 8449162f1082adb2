"""The family perspective's timeline as SVG, drawn by hand (no chart library needed for bars).

Text stays text (selectable, translatable, read by screen readers); the SVG carries a
<title> and <desc>, and every page that shows it also shows the same facts as a table.
Colours are presentation attributes, not style attributes, so a strict CSP allows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 960
LABEL_W = 300
ROW_H = 26
HEADER_H = 34
GROUP_H = 26
BAR_FILL = "#0b5c7a"
OVERLAP_FILL = "#8a4b00"
GAP_FILL = "#b3261e"
COVER_FILL = "#1e6b34"
GRID = "#c9d0d8"
INK = "#1b1f24"
MUTED = "#4a5360"


@dataclass
class Bar:
    label: str
    start: dt.date
    end: dt.date
    open_start: bool = False
    open_end: bool = False
    overlap: bool = False
    note: str = ""


@dataclass
class Lane:
    heading: str
    bars: list[Bar] = field(default_factory=list)


@dataclass
class CoverageRow:
    label: str
    covered: list[tuple[dt.date, dt.date]]
    gaps: list[tuple[dt.date, dt.date]]


def _x(day: dt.date, start: dt.date, end: dt.date) -> float:
    span = max((end - start).days, 1)
    return LABEL_W + (WIDTH - LABEL_W - 10) * ((day - start).days / span)


def _month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    months = []
    day = start.replace(day=1)
    while day <= end:
        if day >= start:
            months.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def _clip(text: str, limit: int = 42) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def timeline_svg(
    *,
    lanes: list[Lane],
    coverage: list[CoverageRow],
    start: dt.date,
    end: dt.date,
    today: dt.date,
    title: str,
    desc: str,
) -> SafeString:
    rows = sum(1 + len(lane.bars) for lane in lanes) + (1 + len(coverage) if coverage else 0)
    height = HEADER_H + rows * ROW_H + 10
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" '
        'aria-labelledby="sip-timeline-title sip-timeline-desc" class="timeline" '
        'font-family="DejaVu Sans, sans-serif" font-size="13">',
        f'<title id="sip-timeline-title">{escape(title)}</title>',
        f'<desc id="sip-timeline-desc">{escape(desc)}</desc>',
    ]
    # Month grid and labels.
    for month in _month_starts(start, end):
        x = _x(month, start, end)
        out.append(
            f'<line x1="{x:.1f}" y1="{HEADER_H - 6}" x2="{x:.1f}" y2="{height - 6}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        if x > WIDTH - 60:
            continue  # no room for the label at the right edge
        out.append(
            f'<text x="{x + 3:.1f}" y="{HEADER_H - 12}" fill="{MUTED}" font-size="11">'
            f"{escape(date_format(month, 'M Y'))}</text>"
        )
    y = HEADER_H
    for lane in lanes:
        out.append(
            f'<text x="4" y="{y + 17}" fill="{INK}" font-weight="bold">'
            f"{escape(_clip(lane.heading, 60))}</text>"
        )
        y += GROUP_H
        for bar in lane.bars:
            out.append(f'<text x="14" y="{y + 17}" fill="{INK}">{escape(_clip(bar.label))}</text>')
            x1 = _x(max(bar.start, start), start, end)
            x2 = _x(min(bar.end, end), start, end)
            fill = OVERLAP_FILL if bar.overlap else BAR_FILL
            tip = f"{bar.label}: {date_format(bar.start)} – {date_format(bar.end)}"
            if bar.note:
                tip += f" ({bar.note})"
            out.append(
                f'<rect x="{x1:.1f}" y="{y + 5}" width="{max(x2 - x1, 3):.1f}" height="16" '
                f'rx="3" fill="{fill}"><title>{escape(tip)}</title></rect>'
            )
            if bar.open_end:
                out.append(
                    f'<polygon points="{x2:.1f},{y + 5} {x2 + 8:.1f},{y + 13} {x2:.1f},{y + 21}" '
                    f'fill="{fill}"/>'
                )
            if bar.overlap:
                overlap = _("overlap")
                out.append(
                    f'<text x="{x2 + 10:.1f}" y="{y + 17}" fill="{OVERLAP_FILL}" '
                    f'font-weight="bold">{escape(overlap)}</text>'
                )
            y += ROW_H
    if coverage:
        heading = _("Support in place until the next follow-up")
        out.append(
            f'<text x="4" y="{y + 17}" fill="{INK}" font-weight="bold">{escape(heading)}</text>'
        )
        y += GROUP_H
        for row in coverage:
            out.append(f'<text x="14" y="{y + 17}" fill="{INK}">{escape(_clip(row.label))}</text>')
            for a, b in row.covered:
                x1, x2 = _x(max(a, start), start, end), _x(min(b, end), start, end)
                out.append(
                    f'<rect x="{x1:.1f}" y="{y + 8}" width="{max(x2 - x1, 2):.1f}" height="10" '
                    f'fill="{COVER_FILL}"/>'
                )
            for a, b in row.gaps:
                x1, x2 = _x(max(a, start), start, end), _x(min(b, end), start, end)
                tip = _("Gap: no intervention %(from)s – %(to)s") % {
                    "from": date_format(a),
                    "to": date_format(b),
                }
                out.append(
                    f'<rect x="{x1:.1f}" y="{y + 5}" width="{max(x2 - x1, 3):.1f}" height="16" '
                    f'fill="none" stroke="{GAP_FILL}" stroke-width="2" stroke-dasharray="4 3">'
                    f"<title>{escape(tip)}</title></rect>"
                )
                gap = _("gap")
                out.append(
                    f'<text x="{x1 + 4:.1f}" y="{y + 17}" fill="{GAP_FILL}" font-weight="bold">'
                    f"{escape(gap)}</text>"
                )
            y += ROW_H
    # Today.
    if start <= today <= end:
        x = _x(today, start, end)
        out.append(
            f'<line x1="{x:.1f}" y1="{HEADER_H - 6}" x2="{x:.1f}" y2="{height - 6}" '
            f'stroke="{GAP_FILL}" stroke-width="2"/>'
        )
        today_label = _("today")
        out.append(
            f'<text x="{x + 3:.1f}" y="{height - 8}" fill="{GAP_FILL}" font-size="11">'
            f"{escape(today_label)}</text>"
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text node above is escaped
