"""Small horizontal bar charts as inline SVG: no chart library, nothing fetched at view time.

A chart is drawn here rather than in the template because its geometry is arithmetic; every
label still goes through `markupsafe.escape`, so the SVG is as safe as the rest of the page.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

ROW_HEIGHT = 20
LABEL_WIDTH = 96
BAR_WIDTH = 220
COUNT_WIDTH = 48


def bar_chart(rows: Sequence[tuple[str, str, int]], title: str, css_prefix: str = "") -> Markup:
    """An SVG with one bar per (key, label, count) row; the label is shown cut to its first
    word (e.g. 'CWE-89') and in full as the bar's tooltip. `css_prefix` + key names each
    bar's class, so the stylesheet can colour severities."""
    if not rows:
        return Markup("")
    longest = max(count for _, _, count in rows) or 1
    height = ROW_HEIGHT * len(rows)
    width = LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    ]
    for position, (key, label, count) in enumerate(rows):
        top = position * ROW_HEIGHT
        bar = round(BAR_WIDTH * count / longest)
        short = label.split(" ", 1)[0]
        parts.append(
            f'<g class="bar {escape(css_prefix + key)}"><title>{escape(label)}: {count}</title>'
            f'<text x="0" y="{top + 14}">{escape(short)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{top + 3}" width="{bar}" height="{ROW_HEIGHT - 6}"/>'
            f'<text x="{LABEL_WIDTH + bar + 6}" y="{top + 14}">{count}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
