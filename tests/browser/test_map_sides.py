"""Activities placed only by side of the city: a dashed region with its activities, never a pin."""

from __future__ import annotations

import pytest

from sync.locate.geography import load_geography
from sync.publish import side_areas
from sync.publish.map_page import render_map_page
from tests.browser.pages import NOW, config, event

pytestmark = pytest.mark.browser


def side_event(n: int, side: str, **fields) -> dict:
    return event(n, area=None, precision="side", place=f"{side} Side", side=side, **fields)


def render_with_sides(events):
    cfg = config()
    geography = load_geography()
    return render_map_page(events, areas=geography.areas_geojson(), config=cfg, generated_at=NOW,
                           sides=side_areas(cfg, geography))


def test_side_activities_are_regions_listed_and_counted_apart(open_page):
    events = [side_event(1, "South", title="Southside circle"), side_event(2, "South", day=2),
              side_event(3, "Far South", title="Far south stories"), event(4, area=41), event(5, area=None)]
    opened = open_page(render_with_sides(events))
    page = opened.page
    page.wait_for_function("() => document.querySelector('.leaflet-container').dataset.sides !== undefined")
    container = page.locator(".leaflet-container")
    assert container.get_attribute("data-sides") == "Far South:1,South:2"
    assert container.get_attribute("data-citywide") == "1"
    # One dashed outline per community area of the two regions (South 12 + Far Southeast/Southwest 18).
    dashed = page.eval_on_selector_all(".leaflet-overlay-pane path[stroke-dasharray]", "p => p.length")
    assert dashed == 12 + 18
    # The pins count only the activity with a place.
    pins = page.eval_on_selector_all(".leaflet-marker-pane .hm-pin", "p => p.map(x => x.textContent)")
    assert pins == ["1"]
    item = page.locator("li.hm-item", has_text="Southside circle")
    assert item.locator(".hm-place.hm-side").inner_text() == "South Side"
    item.locator("button.hm-show").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "South Side" in popup.locator(".hm-popup-title").inner_text()
    assert popup.locator(".hm-popup-item").count() == 2
    assert popup.locator(".hm-highlight .hm-popup-item-title").inner_text() == "Southside circle"
    assert "3 activities are placed by side of the city" in page.inner_text(".hm-legend")
    assert opened.js_errors() == []


def test_side_names_follow_the_page_language_and_search(open_page):
    page = open_page(render_with_sides([side_event(1, "West", title="Westside talk"), event(2, area=41)])).page
    page.fill("#hm-q", "lado oeste")  # the Spanish name finds it, whatever the page language
    page.wait_for_function("() => document.querySelectorAll('#hm-list li.hm-item').length === 1")
    assert page.locator("li.hm-item .hm-side").inner_text() == "West Side"
    page.click("#hm-lang-switch")
    page.wait_for_function("() => document.documentElement.lang === 'es'")
    assert page.locator("li.hm-item .hm-side").inner_text() == "Lado Oeste"
