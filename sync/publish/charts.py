"""Inline SVG charts for the staff pages: laid out here, drawn by ``templates/charts.html``.

This module only does the arithmetic: where each bar, column, ring and area goes, and what
its tooltip says, as plain values. The macros in ``templates/charts.html`` turn a layout
into markup, escaping every label, so callers pass plain text and no chart has markup in
Python. Every chart is a ``<figure>`` whose SVG has ``role="img"`` with a ``<title>`` and
``<desc>``, and a ``<details>`` table with the same numbers, so a screen-reader user (or
anyone who prefers numbers) gets the values and not only the picture. Zero is never just
"no bar": it gets a dashed outline and a word, so a community area nobody has reached yet
stands out instead of disappearing. The area map shades counts with
:mod:`sync.publish.rules`, exactly as the public map does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

from sync.locate.geography import Geography
from sync.publish.rules import HATCH, class_label, coverage_classes, shade
from sync.publish.templating import percentage, plural


@dataclass(frozen=True)
class Table:
    """A plain data table: the first cell of a row is its header; ``numeric`` columns are right-aligned."""

    headers: tuple[str, ...]
    rows: list[tuple]
    numeric: tuple[int, ...] = ()
    #: Rows whose last cell (the count) is zero are marked, so "none" stands out in the table too.
    mark_zeros: bool = False


@dataclass(frozen=True)
class Chart:
    """What every chart figure has: its id, accessible title and description, size, and its table."""

    key: str
    title: str
    desc: str
    width: float
    height: float
    table: Table | None = None


@dataclass(frozen=True)
class BarChart(Chart):
    rows: list[BarRow] = field(default_factory=list)
    bar_height: int = 14
    zero_note: str = "none"


class BarRow(NamedTuple):
    """One horizontal bar: ``x`` is where the track starts, ``y`` the row's top."""

    label: str
    tooltip: str
    value: int
    x: float
    y: float
    baseline: float
    length: float


def bar_chart(key: str, title: str, items: list[tuple[str, int]], *, label_header: str,
              unit: tuple[str, str] = ("activity", "activities"), zero_note: str = "none",
              columns: int = 1, width: int = 560, row_height: int = 20) -> BarChart | None:
    """Horizontal bars in the order given, split into ``columns`` side by side for long lists.

    ``None`` when there is nothing to draw (the template says so).
    """
    if not items:
        return None
    per_column, column_w = math.ceil(len(items) / columns), width / columns
    label_w = min(200, 14 + 7.2 * max(len(label) for label, _ in items))
    track = column_w - label_w - 70
    largest = max(v for _, v in items)
    rows = []
    for index, (label, value) in enumerate(items):
        y = (index % per_column) * row_height
        tooltip = f"{label}: {plural(value, *unit)}" + (f" ({zero_note})" if not value else "")
        rows.append(BarRow(label if len(label) <= 28 else label[:27] + "…", tooltip, value,
                           (index // per_column) * column_w + label_w, y, y + row_height / 2 + 4,
                           max(2.0, track * value / largest) if value else 0.0))
    zeros = sum(1 for _, v in items if not v)
    desc = f"{len(items)} bars; largest {largest:,}" + (f"; {zeros} with none ({zero_note})" if zeros else "") + "."
    return BarChart(key, title, desc, width, per_column * row_height + 4,
                    Table((label_header, unit[1].capitalize()), items, numeric=(1,), mark_zeros=True),
                    rows=rows, bar_height=row_height - 6, zero_note=zero_note)


#: What a column's tense adds to its tooltip and table row.
_TENSE_NOTE = {"past": "", "current": " (this week)", "upcoming": " (upcoming)"}


class Column(NamedTuple):
    """One bar of a column chart: ``tense`` is past, current or upcoming (drawn lighter)."""

    label: str
    axis: str
    detail: str
    value: int
    tense: str = "past"


@dataclass(frozen=True)
class ColumnChart(Chart):
    columns: list[PlacedColumn] = field(default_factory=list)
    plot_bottom: int = 0


class PlacedColumn(NamedTuple):
    """A column with its place: centre ``cx``, bar width and height (0: none), and its tooltip."""

    column: Column
    tooltip: str
    cx: float
    bar_width: float
    bar_height: float


def column_chart(key: str, title: str, columns: list[Column], *, headers: tuple[str, str, str],
                 unit: tuple[str, str] = ("activity", "activities"), width: int = 720,
                 height: int = 200) -> ColumnChart:
    """Vertical bars with the value on top and two axis lines below (e.g. week number and first day)."""
    plot_top, plot_bottom = 18, height - 34
    slot = width / max(1, len(columns))
    largest = max((c.value for c in columns), default=0)
    placed = [PlacedColumn(c, f"{c.detail}: {plural(c.value, *unit)}{_TENSE_NOTE[c.tense]}", slot * i + slot / 2,
                           min(48.0, slot * .7), (plot_bottom - plot_top) * c.value / largest if c.value else 0)
              for i, c in enumerate(columns)]
    total = sum(c.value for c in columns)
    desc = f"{len(columns)} columns, {plural(total, *unit)} in all; the largest is {largest:,}."
    rows = [(c.label, c.detail + _TENSE_NOTE[c.tense], c.value) for c in columns]
    return ColumnChart(key, title, desc, width, height, Table(headers, rows, numeric=(2,)),
                       columns=placed, plot_bottom=plot_bottom)


@dataclass(frozen=True)
class Ring(Chart):
    """A ring filled to ``part / whole``; the page supplies its caption."""

    part: int = 0
    whole: int = 0
    radius: int = 52
    stroke: int = 16
    filled: float = 0.0
    circumference: float = 0.0

    @property
    def percent(self) -> str:
        return percentage(self.part, self.whole)


def share_ring(key: str, title: str, part: int, whole: int) -> Ring:
    """A ring filled to ``part / whole`` with the count and percentage in its middle."""
    radius, size = 52, 140
    circumference = 2 * math.pi * radius
    return Ring(key, title, f"{part} of {whole} ({percentage(part, whole)}).", size, size, part=part, whole=whole,
                radius=radius, filled=circumference * part / whole if whole else 0, circumference=circumference)


class Area(NamedTuple):
    """One community area on the map: its SVG path, its colour (``None``: hatched) and its tooltip."""

    path: str
    fill: str | None
    tooltip: str


@dataclass(frozen=True)
class AreaMap(Chart):
    areas: list[Area] = field(default_factory=list)
    legend: list[LegendItem] = field(default_factory=list)
    hatch: dict = field(default_factory=lambda: dict(HATCH))


class LegendItem(NamedTuple):
    fill: str | None
    text: str
    x: float
    y: float


def area_map(key: str, title: str, counts: dict[int, int], geography: Geography, *, width: int = 420) -> AreaMap:
    """A choropleth of the community areas by number of activities; areas with none are hatched.

    The classes and colours are the public map's (:mod:`sync.publish.rules`): the same
    counts get the same shade on both.
    """
    min_lon, min_lat, max_lon, max_lat = geography.bounds
    squash = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = width / ((max_lon - min_lon) * squash)
    map_h = (max_lat - min_lat) * scale
    classes = coverage_classes(counts)

    def path(geometry) -> str:
        polygons = getattr(geometry, "geoms", [geometry])
        rings = [ring for p in polygons for ring in (p.exterior, *p.interiors)]
        return "".join("M" + "L".join(f"{(x - min_lon) * squash * scale:.1f} {(max_lat - y) * scale:.1f}"
                                      for x, y in ring.coords[:-1]) + "Z" for ring in rings)

    areas = []
    for number, area in geography.areas.items():
        n = counts.get(number, 0)
        text = f"{area.name}: {plural(n, 'activity', 'activities')}" + ("" if n else " (not reached yet)")
        areas.append(Area(path(area.polygon.simplify(0.0007, preserve_topology=True)), shade(n, classes), text))
    legend, x, y = [], 0.0, map_h + 16
    for fill, text in [(None, "0 (not reached)"), *((shade(high, classes), class_label(low, high))
                                                    for low, high in classes)]:
        item_w = 28 + 6.5 * len(text)
        if x and x + item_w > width:  # wrap the legend rather than let it run off a narrow map
            x, y = 0.0, y + 20
        legend.append(LegendItem(fill, text, x, y))
        x += item_w
    reached = sum(1 for n in counts.values() if n)
    desc = (f"Map of Chicago's {len(geography.areas)} community areas shaded by activities; {reached} reached, "
            f"{len(geography.areas) - reached} hatched with none yet.")
    rows = [(area.name, area.number, counts.get(number, 0)) for number, area in geography.areas.items()]
    return AreaMap(key, title, desc, width, round(y + 6),
                   Table(("Community area", "No.", "Activities"), rows, numeric=(1, 2), mark_zeros=True),
                   areas=areas, legend=legend)
