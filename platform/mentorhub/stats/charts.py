"""Inline SVG charts drawn on the server (no JavaScript): horizontal bars for the funnel, columns
for histograms and the weekly series. Every text is escaped; the SVG carries a title and a
description for screen readers, and each page also shows the figures as a table."""
from __future__ import annotations

from markupsafe import Markup, escape

BAR_H, GAP, LABEL_W, WIDTH = 22, 6, 170, 560


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    t = escape(title)
    return Markup(f'<svg class="chart" role="img" aria-label="{t}" viewBox="0 0 {width} {height}" '
                  f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>{"".join(body)}</svg>')


def bars(title: str, rows: list[tuple[str, int]]) -> Markup:
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    top = max([v for _l, v in rows] + [1])
    span = WIDTH - LABEL_W - 50
    body = []
    for i, (label, value) in enumerate(rows):
        y = i * (BAR_H + GAP)
        w = round(span * value / top)
        body.append(f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end" font-size="12">{escape(label)}</text>'
                    f'<rect x="{LABEL_W}" y="{y}" width="{w}" height="{BAR_H}" fill="#3b6ea8"></rect>'
                    f'<text x="{LABEL_W + w + 4}" y="{y + 15}" font-size="12">{value}</text>')
    return _svg(WIDTH, max(len(rows), 1) * (BAR_H + GAP), title, body)


def columns(title: str, rows: list[tuple[str, int]], height: int = 160) -> Markup:
    """Vertical columns, one per (label, value)."""
    top = max([v for _l, v in rows] + [1])
    n = max(len(rows), 1)
    slot = (WIDTH - 20) / n
    plot = height - 34
    body = []
    for i, (label, value) in enumerate(rows):
        h = round(plot * value / top)
        x = 10 + i * slot
        body.append(f'<rect x="{x + 2:.1f}" y="{plot - h + 14}" width="{max(slot - 4, 1):.1f}" height="{h}" '
                    f'fill="#3b6ea8"></rect>'
                    f'<text x="{x + slot / 2:.1f}" y="{plot - h + 11}" text-anchor="middle" font-size="10">{value}</text>'
                    f'<text x="{x + slot / 2:.1f}" y="{height - 4}" text-anchor="middle" font-size="10">{escape(label)}</text>')
    return _svg(WIDTH, height, title, body)
