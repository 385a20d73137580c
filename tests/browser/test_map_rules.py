"""The public map applies the rules of sync/publish/rules.py exactly as the staff pages do.

The page's own functions (``HealingMap.rules``) are evaluated in the browser against rules.py's
output and the staff map (charts.area_map) for several count sets; then the map's drawn areas
and legend are compared with the staff map for activities placed to give known counts.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from sync.locate.geography import load_geography
from sync.publish.charts import area_map
from sync.publish.map_page import within_limit
from sync.publish.rules import HATCH, class_label, coverage_classes, fold, is_upcoming, is_web_url, page_rules, shade
from tests.browser.pages import NOW, event, render

GEO = load_geography()
#: Count sets: empty, one area, ties, skewed, all 77 distinct, zeros among them, large numbers.
COUNT_SETS = [
    {},
    {1: 5},
    {1: 1, 2: 2, 3: 3, 4: 8},
    {1: 3, 2: 3, 3: 3},
    dict(enumerate([1, 1, 1, 2, 2, 5, 9, 20], start=1)),
    {n: n for n in range(1, 78)},
    {n: (n * 37) % 11 for n in range(1, 78)},
    {n: 1000 + n * n for n in range(1, 30)},
    {8: 40, 32: 1, 24: 1, 41: 2},
]
_PAGE_COVERAGE = """counts => {
    const r = HealingMap.rules, classes = r.coverageClasses(counts), shades = {};
    for (const area of Object.keys(counts)) shades[area] = r.shade(counts[area], classes);
    return {classes, shades};
}"""


def staff_fills(counts: dict[int, int]) -> dict[int, str | None]:
    """Community area → its colour on the staff map (``None``: hatched)."""
    chart = area_map("map", "Activities", counts, GEO)
    return {number: drawn.fill for number, drawn in zip(GEO.areas, chart.areas, strict=True)}


@pytest.fixture
def page(open_page):
    opened = open_page(render([event(1)]))
    yield opened.page
    assert opened.js_errors() == []


def test_the_page_gets_the_rules_as_data(page):
    assert page.evaluate("window.healingMapData.rules") == page_rules()


@pytest.mark.parametrize("counts", COUNT_SETS, ids=lambda c: f"{len(c)}-areas-max-{max(c.values(), default=0)}")
def test_coverage_classes_and_colours_are_the_staff_maps(page, counts):
    got = page.evaluate(_PAGE_COVERAGE, {str(k): v for k, v in counts.items()})
    classes = coverage_classes(counts)
    assert [tuple(c) for c in got["classes"]] == classes
    staff = staff_fills(counts)
    for area, n in counts.items():
        assert got["shades"][str(area)] == shade(n, classes) == staff[area], (area, n)


def test_upcoming_links_and_search_folding_are_the_rules(page):
    minutes_now = page.evaluate("window.healingMapData.now")
    start = NOW.replace(tzinfo=None)
    for offset, length in [(-60, None), (-61, None), (-30, 30), (-30, 31), (-31, 30), (0, None), (-120, 0)]:
        begins = start + timedelta(minutes=offset)
        ends = begins + timedelta(minutes=length) if length is not None else None
        page_ev = {"start": minutes_now + offset, "end": minutes_now + offset + length if length is not None else None}
        assert page.evaluate("ev => HealingMap.rules.inWhen(ev, 'upcoming')", page_ev) == is_upcoming(begins, ends, start)
        assert page.evaluate("ev => HealingMap.rules.inWhen(ev, 'past')", page_ev) != is_upcoming(begins, ends, start)
    # The page only ever sees links that passed is_web_url (map_page._split_link); it checks again.
    for link in ["https://example.org/join", "HTTP://example.org/x", "javascript:alert(1)", "https://",
                 "mailto:host@example.org", "ftp://example.org/", "data:text/html,<b>x</b>", "example.org"]:
        assert bool(page.evaluate("u => HealingMap.rules.safeLink(u)", link)) == is_web_url(link), link
    # Search folds query and text alike in the browser; JS lower-cases where Python case-folds ("ß").
    for text in ["Pilsen — La Villita, ÁREA", "Niñas y Jóvenes", "ﬁesta", "Humbóldt Park", "Łódź", "ＡＢＣ"]:
        assert page.evaluate("s => HealingMap.rules.fold(s)", text) == fold(text), text


def test_an_activity_is_listed_as_upcoming_until_its_last_minute(open_page):
    ends_now, ended = event(1, hour=7, minutes=120), event(2, hour=7, minutes=119)  # NOW is 9:00
    opened = open_page(render([ends_now, ended]))
    listed = opened.page.eval_on_selector_all(".hm-item", "items => items.map(i => i.dataset.id)")
    assert listed == ["ev0001"]
    opened.page.check("input[name=hm-when][value=past]")
    assert opened.page.eval_on_selector_all(".hm-item", "items => items.map(i => i.dataset.id)") == ["ev0002"]


def test_past_the_limit_the_page_keeps_the_upcoming_ones_by_the_same_rule():
    """No browser: which activities a page over its limit keeps, with "upcoming" as rules.is_upcoming says."""
    at = NOW.replace(hour=8, minute=15)
    running = event(1, starts_at=at.isoformat(), ends_at="")  # no end: upcoming until 9:15
    ended = event(2, starts_at=(at + timedelta(minutes=15)).isoformat(), ends_at=(at + timedelta(minutes=30)).isoformat())
    later = event(3, day=1)
    kept, omitted = within_limit([running, ended, later], limit=2, now=NOW.replace(second=40).isoformat())
    assert [e["id"] for e in kept] == ["ev0001", "ev0003"] and omitted["total"] == 3


def test_the_drawn_map_and_legend_match_the_staff_map(open_page):
    counts = {8: 8, 32: 1, 24: 2, 41: 3, 1: 13, 76: 5}
    serial = iter(range(10_000))
    events = [event(next(serial), area=area, day=1 + k % 5) for area, n in counts.items() for k in range(n)]
    opened = open_page(render(events))
    page = opened.page
    drawn = page.evaluate("""() => {
        const out = {};
        HealingMap.map().eachLayer(l => {
            if (l.feature && l.feature.properties && l.options.fillColor) out[l.feature.properties.number] = l.options.fillColor;
        });
        return out;
    }""")
    assert len(drawn) == 77
    for number, fill in staff_fills(counts).items():
        assert drawn[str(number)] == (fill or "url(#hm-hatch)"), number
    classes = coverage_classes(counts)
    legend = page.eval_on_selector_all(".hm-legend-scale li", """items => items.map(li => [
        li.textContent, li.querySelector('.hm-swatch').style.backgroundColor])""")
    assert [text for text, _ in legend] == ["None yet"] + [class_label(low, high) for low, high in classes]
    assert [colour for _, colour in legend[1:]] == [_rgb(shade(high, classes)) for _, high in classes]
    hatch = page.evaluate("() => [...document.querySelectorAll('#hm-hatch rect')].map(r => r.getAttribute('fill'))")
    assert hatch == [HATCH["background"], HATCH["stripe"]]
    assert opened.js_errors() == []


def _rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))
