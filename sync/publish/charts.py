"""Inline SVG charts for the staff pages: drawn in Python, no scripts, no external assets.

Every chart is a ``<figure>`` whose SVG has ``role="img"`` with a ``<title>`` and
``<desc>``, and a ``<details>`` table with the same numbers, so a screen-reader
user (or anyone who prefers numbers) gets the values and not only the picture.
Zero is never just "no bar": it gets a dashed outline and a word, so a
community area nobody has reached yet stands out instead of disappearing.
Every label is escaped here; callers pass plain text.
"""

from __future__ import annotations

import math
from html import escape
from typing import NamedTuple

from sync.locate.geography import Geography

#: Light to dark (ColorBrewer "Blues"); the map uses the darkest ones first when there are few buckets.
_BLUES = ("#c6dbef", "#6baed6", "#2171b5", "#08306b")

#: Chart styles shared by every page that shows charts (inline SVG picks up the page's CSS).
CSS = """
.chart{margin:0}.chart svg{display:block;width:100%;height:auto;font:12px system-ui,sans-serif}
.chart text{fill:#1d1d1f}.chart .value{font-weight:600}.chart .muted{fill:#5b5b66}
.chart .bar{fill:#2f6db5}.chart .bar.upcoming{fill:#a9c5e8}.chart .bar.current{fill:#174a8b}
.chart .zero-box{fill:none;stroke:#b3261e;stroke-dasharray:3 2}.chart text.zero{fill:#b3261e;font-weight:600}
.chart .axis{stroke:#8a8a94}.chart .area{stroke:#fff;stroke-width:.6}
.chart details{margin:.25rem 0 0;font-size:.9rem}.chart summary{cursor:pointer;color:#2f6db5}
.chart table{margin-top:.4rem}.chart td.num,.chart th.num{text-align:right}
.chart tr.zero td{color:#b3261e}
"""


def plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def table(headers: tuple[str, ...], rows: list[tuple], *, numeric: tuple[int, ...] = (), row_class=None) -> str:
    """A plain data table; ``numeric`` column indexes are right-aligned, ``row_class(row)`` may mark rows."""
    head = "".join(f'<th scope="col"{" class=num" if i in numeric else ""}>{escape(h)}</th>'
                   for i, h in enumerate(headers))
    body = []
    for row in rows:
        css = row_class(row) if row_class else ""
        cells = "".join(
            (f'<th scope="row">{escape(str(v))}</th>' if i == 0 else
             f'<td{" class=num" if i in numeric else ""}>{escape(str(v))}</td>')
            for i, v in enumerate(row))
        body.append(f'<tr{f" class={css}" if css else ""}>{cells}</tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _figure(key: str, title: str, desc: str, width: float, height: float, body: str, fallback: str) -> str:
    return (
        f'<figure class="chart" id="{key}">'
        f'<svg viewBox="0 0 {width:g} {height:g}" style="max-width:{width:g}px" role="img" '
        f'aria-labelledby="{key}-title {key}-desc">'
        f'<title id="{key}-title">{escape(title)}</title><desc id="{key}-desc">{escape(desc)}</desc>'
        f"{body}</svg>{fallback}</figure>"
    )


def _zero_row(row: tuple) -> str:
    """Mark table rows whose count (the last cell) is zero."""
    return "" if row[-1] else "zero"


def _details(summary: str, content: str) -> str:
    return f"<details><summary>{escape(summary)}</summary>{content}</details>"


def bar_chart(key: str, title: str, items: list[tuple[str, int]], *, label_header: str,
              unit: tuple[str, str] = ("activity", "activities"), zero_note: str = "none",
              columns: int = 1, width: int = 560, row_height: int = 20) -> str:
    """Horizontal bars in the order given, split into ``columns`` side by side for long lists."""
    if not items:
        return '<p class="note">Nothing to show yet.</p>'
    per_column, bar_h, column_w = math.ceil(len(items) / columns), row_height - 6, width / columns
    label_w = min(200, 14 + 7.2 * max(len(label) for label, _ in items))
    track = column_w - label_w - 70
    largest = max(v for _, v in items)
    parts = []
    for index, (label, value) in enumerate(items):
        x0 = (index // per_column) * column_w
        y = (index % per_column) * row_height
        baseline = y + row_height / 2 + 4
        shown = label if len(label) <= 28 else label[:27] + "…"
        text = f"{label}: {plural(value, *unit)}" + (f" ({zero_note})" if not value else "")
        parts.append(f"<g><title>{escape(text)}</title>"
                     f'<text x="{x0 + label_w - 8:g}" y="{baseline:g}" text-anchor="end">{escape(shown)}</text>')
        if value:
            length = max(2.0, track * value / largest)
            parts.append(f'<rect class="bar" x="{x0 + label_w:g}" y="{y + 3}" width="{length:.1f}" '
                         f'height="{bar_h}" rx="2"/><text class="value" x="{x0 + label_w + length + 5:.1f}" '
                         f'y="{baseline:g}">{value:,}</text></g>')
        else:
            parts.append(f'<rect class="zero-box" x="{x0 + label_w + .5:g}" y="{y + 3.5}" width="{bar_h}" '
                         f'height="{bar_h - 1}"/><text class="zero" x="{x0 + label_w + bar_h + 6:g}" '
                         f'y="{baseline:g}">0 · {escape(zero_note)}</text></g>')
    height = per_column * row_height + 4
    zeros = sum(1 for _, v in items if not v)
    desc = f"{len(items)} bars; largest {largest:,}" + (f"; {zeros} with none ({zero_note})" if zeros else "") + "."
    fallback = _details("The numbers as a table", table(
        (label_header, unit[1].capitalize()), items, numeric=(1,), row_class=_zero_row))
    return _figure(key, title, desc, width, height, "".join(parts), fallback)


#: What a column's tense adds to its tooltip and table row.
_TENSE_NOTE = {"past": "", "current": " (this week)", "upcoming": " (upcoming)"}


class Column(NamedTuple):
    """One bar of a column chart: ``tense`` is past, current or upcoming (drawn lighter)."""

    label: str
    axis: str
    detail: str
    value: int
    tense: str = "past"


def column_chart(key: str, title: str, columns: list[Column], *, headers: tuple[str, str, str],
                 unit: tuple[str, str] = ("activity", "activities"), width: int = 720, height: int = 200) -> str:
    """Vertical bars with the value on top and two axis lines below (e.g. week number and first day)."""
    plot_top, plot_bottom = 18, height - 34
    slot = width / max(1, len(columns))
    largest = max((c.value for c in columns), default=0)
    parts = [f'<line class="axis" x1="0" x2="{width}" y1="{plot_bottom + .5}" y2="{plot_bottom + .5}"/>']
    for index, c in enumerate(columns):
        cx = slot * index + slot / 2
        bar_w = min(48.0, slot * .7)
        parts.append(f"<g><title>{escape(f'{c.detail}: {plural(c.value, *unit)}{_TENSE_NOTE[c.tense]}')}</title>")
        if c.value:
            bar_h = (plot_bottom - plot_top) * c.value / largest
            parts.append(f'<rect class="bar {c.tense}" x="{cx - bar_w / 2:.1f}" y="{plot_bottom - bar_h:.1f}" '
                         f'width="{bar_w:.1f}" height="{bar_h:.1f}" rx="2"/>'
                         f'<text class="value" x="{cx:.1f}" y="{plot_bottom - bar_h - 4:.1f}" '
                         f'text-anchor="middle">{c.value:,}</text>')
        else:
            parts.append(f'<text class="zero" x="{cx:.1f}" y="{plot_bottom - 4}" text-anchor="middle">0</text>')
        weight = ' font-weight="700"' if c.tense == "current" else ""
        parts.append(f'<text x="{cx:.1f}" y="{plot_bottom + 15}" text-anchor="middle"{weight}>{escape(c.label)}</text>'
                     f'<text class="muted" x="{cx:.1f}" y="{plot_bottom + 29}" text-anchor="middle">'
                     f"{escape(c.axis)}</text></g>")
    total = sum(c.value for c in columns)
    desc = f"{len(columns)} columns, {plural(total, *unit)} in all; the largest is {largest:,}."
    rows = [(c.label, c.detail + _TENSE_NOTE[c.tense], c.value) for c in columns]
    fallback = _details("The numbers as a table", table(headers, rows, numeric=(2,)))
    return _figure(key, title, desc, width, height, "".join(parts), fallback)


def share_ring(key: str, title: str, part: int, whole: int, *, caption: str) -> str:
    """A ring filled to ``part / whole`` with the count and percentage in its middle."""
    r, stroke, size = 52, 16, 140
    circumference = 2 * math.pi * r
    filled = circumference * part / whole if whole else 0
    percent = percentage(part, whole)
    body = (f'<circle cx="70" cy="70" r="{r}" fill="none" stroke="#e4e7ee" stroke-width="{stroke}"/>'
            f'<circle cx="70" cy="70" r="{r}" fill="none" stroke="#2f6db5" stroke-width="{stroke}" '
            f'stroke-dasharray="{filled:.2f} {circumference:.2f}" transform="rotate(-90 70 70)"/>'
            f'<text x="70" y="68" text-anchor="middle" font-size="26" font-weight="700">{part}</text>'
            f'<text class="muted" x="70" y="88" text-anchor="middle" font-size="13">of {whole} · {percent}</text>')
    desc = f"{part} of {whole} ({percent})."
    return _figure(key, title, desc, size, size, body, f"<figcaption>{caption}</figcaption>")


def percentage(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def _buckets(top: int) -> list[tuple[int, int]]:
    """Up to four count ranges covering 1..top, for the map's colours and legend."""
    lows = sorted({1 + math.ceil((top - 1) * i / 4) for i in range(4)})
    return [(low, (lows[i + 1] - 1) if i + 1 < len(lows) else top) for i, low in enumerate(lows)]


def area_map(key: str, title: str, counts: dict[int, int], geography: Geography, *, width: int = 420) -> str:
    """A choropleth of the community areas by number of activities; areas with none are hatched."""
    min_lon, min_lat, max_lon, max_lat = geography.bounds
    squash = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = width / ((max_lon - min_lon) * squash)
    map_h = (max_lat - min_lat) * scale
    top = max(counts.values(), default=0)
    buckets = _buckets(top) if top else []
    colours = _BLUES[len(_BLUES) - len(buckets):]

    def colour(n: int) -> str:
        if not n:
            return f"url(#{key}-hatch)"
        return next(colours[i] for i, (low, high) in enumerate(buckets) if low <= n <= high)

    def path(geometry) -> str:
        polygons = getattr(geometry, "geoms", [geometry])
        rings = [ring for p in polygons for ring in (p.exterior, *p.interiors)]
        return "".join("M" + "L".join(f"{(x - min_lon) * squash * scale:.1f} {(max_lat - y) * scale:.1f}"
                                      for x, y in ring.coords[:-1]) + "Z" for ring in rings)

    parts = [f'<defs><pattern id="{key}-hatch" width="5" height="5" patternUnits="userSpaceOnUse" '
             f'patternTransform="rotate(45)"><rect width="5" height="5" fill="#f6f6f8"/>'
             f'<line x1="0" y1="0" x2="0" y2="5" stroke="#b3261e" stroke-width="1.2" opacity=".55"/></pattern></defs>']
    for number, area in geography.areas.items():
        n = counts.get(number, 0)
        text = f"{area.name}: {plural(n, 'activity', 'activities')}" + ("" if n else " (not reached yet)")
        parts.append(f'<path class="area" fill-rule="evenodd" fill="{colour(n)}" '
                     f'd="{path(area.polygon.simplify(0.0007, preserve_topology=True))}">'
                     f"<title>{escape(text)}</title></path>")
    legend = [(f"url(#{key}-hatch)", "0 (not reached)")]
    legend += [(c, f"{low}" if low == high else f"{low}–{high}") for c, (low, high) in zip(colours, buckets)]
    x, y = 0.0, map_h + 16
    for fill, text in legend:
        item_w = 28 + 6.5 * len(text)
        if x and x + item_w > width:  # wrap the legend rather than let it run off a narrow map
            x, y = 0.0, y + 20
        parts.append(f'<rect x="{x:g}" y="{y - 11:.1f}" width="14" height="14" fill="{fill}" stroke="#8a8a94" '
                     f'stroke-width=".5"/><text x="{x + 19:g}" y="{y:.1f}">{escape(text)}</text>')
        x += item_w
    reached = sum(1 for n in counts.values() if n)
    desc = (f"Map of Chicago's {len(geography.areas)} community areas shaded by activities; {reached} reached, "
            f"{len(geography.areas) - reached} hatched with none yet.")
    rows = [(area.name, area.number, counts.get(number, 0)) for number, area in geography.areas.items()]
    fallback = _details("The numbers as a table", table(("Community area", "No.", "Activities"), rows,
                                                        numeric=(1, 2), row_class=_zero_row))
    return _figure(key, title, desc, width, round(y + 6), "".join(parts), fallback)
