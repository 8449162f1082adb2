"""The needs inventory as a radar ("spindel") chart, drawn by hand as SVG.

Eight axes, one per GIRFEC wellbeing area, rated 1–5. Text stays text; the SVG has a
<title> and <desc>, and the page shows the same ratings as a table. Colours and dashes are
presentation attributes (allowed by a strict CSP); series differ by dash pattern as well as
colour, so the chart reads without colour vision.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

SIZE = 600
CX, CY = SIZE / 2, 250
RADIUS = 170
MAX = 5
INK = "#1b1f24"
GRID = "#c9d0d8"
MUTED = "#4a5360"
PALETTE = [("#0b5c7a", ""), ("#8a4b00", "6 4"), ("#4a5360", "2 3")]


@dataclass
class Series:
    label: str
    values: dict[str, int]


def _point(i: int, n: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * i / n
    r = RADIUS * value / MAX
    return CX + r * math.cos(angle), CY + r * math.sin(angle)


def radar_svg(
    *, areas: list[tuple[str, str]], series: list[Series], title: str, desc: str, svg_id: str
) -> SafeString:
    """`areas`: (key, label) in wheel order; `series`: up to three rating sets."""
    n = len(areas)
    legend_h = 24 * len(series)
    height = CY + RADIUS + 50 + legend_h
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {height:.0f}" '
        f'width="{SIZE}" height="{height:.0f}" role="img" '
        f'aria-labelledby="{svg_id}-title {svg_id}-desc" class="radar" '
        'font-family="DejaVu Sans, sans-serif" font-size="13">',
        f'<title id="{svg_id}-title">{escape(title)}</title>',
        f'<desc id="{svg_id}-desc">{escape(desc)}</desc>',
    ]
    for level in range(1, MAX + 1):
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (_point(i, n, level) for i in range(n)))
        out.append(f'<polygon points="{points}" fill="none" stroke="{GRID}" stroke-width="1"/>')
        x, y = _point(0, n, level)
        out.append(
            f'<text x="{x + 4:.1f}" y="{y + 4:.1f}" fill="{MUTED}" font-size="10">{level}</text>'
        )
    for i, (_key, label) in enumerate(areas):
        x, y = _point(i, n, MAX)
        out.append(
            f'<line x1="{CX}" y1="{CY}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}" '
            'stroke-width="1"/>'
        )
        lx, ly = _point(i, n, MAX + 0.55)
        anchor = "middle" if abs(lx - CX) < 5 else ("start" if lx > CX else "end")
        out.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="{anchor}" fill="{INK}">'
            f"{escape(label)}</text>"
        )
    for k, s in enumerate(series[: len(PALETTE)]):
        colour, dash = PALETTE[k]
        pts = [_point(i, n, s.values.get(key, 0)) for i, (key, _label) in enumerate(areas)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<polygon points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in pts)}" '
            f'fill="{colour}" fill-opacity="0.12" stroke="{colour}" stroke-width="2.5"'
            f"{dash_attr}><title>{escape(s.label)}</title></polygon>"
        )
        for x, y in pts:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
        ly = CY + RADIUS + 50 + 24 * k
        out.append(
            f'<line x1="20" y1="{ly:.1f}" x2="60" y2="{ly:.1f}" stroke="{colour}" '
            f'stroke-width="3"{dash_attr}/>'
        )
        out.append(f'<text x="70" y="{ly + 5:.1f}" fill="{INK}">{escape(s.label)}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text node above is escaped
