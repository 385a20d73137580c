"""Helpers of the share link and Share button tests (test_share*.py): pages with every side of the city,
and init scripts that take the Web Share API and the clipboard away, or record what Web Share is given."""

from __future__ import annotations

from sync.locate.geography import load_geography
from sync.publish import side_areas
from sync.publish.map_page import MapPage, render_map_page
from tests.browser.pages import NOW, config

#: No Web Share API: Chromium on Linux has none, but say so rather than rely on it.
NO_WEB_SHARE = "delete Navigator.prototype.share; delete Navigator.prototype.canShare;"
#: A Web Share API that records what it was given.
RECORDED_SHARE = """
window.__shared = [];
Object.defineProperty(Navigator.prototype, 'share', {configurable: true, value: function (data) {
  window.__shared.push(JSON.parse(JSON.stringify(data))); return Promise.resolve(); }});
Object.defineProperty(Navigator.prototype, 'canShare', {configurable: true, value: function () { return true; }});
"""
#: Neither Web Share nor a clipboard (plain http, or a frame without the permission).
NO_CLIPBOARD = NO_WEB_SHARE + "Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined});"


def render(events) -> MapPage:
    cfg = config()
    geography = load_geography()
    return render_map_page(events, areas=geography.areas_geojson(), config=cfg, generated_at=NOW,
                           sides=side_areas(cfg, geography))


def list_ids(page) -> list[str]:
    while page.is_visible("#hm-more"):
        page.click("#hm-more")
    return page.eval_on_selector_all("#hm-list li.hm-item", "items => items.map(li => li.dataset.id)")


def in_view(page, selector: str) -> bool:
    """Whether the list item's top and title are in the visible part of the list, clear of its day's heading."""
    return page.evaluate("""(selector) => {
        const box = document.getElementById('hm-list-section').getBoundingClientRect();
        const item = document.querySelector(selector);
        const top = item.getBoundingClientRect(), title = item.querySelector('h4').getBoundingClientRect();
        const heading = item.closest('.hm-day').querySelector('.hm-day-heading').getBoundingClientRect();
        return top.height > 0 && top.top >= heading.bottom && title.bottom <= box.bottom;
    }""", selector)


def fragment(page) -> str:
    return page.evaluate("() => location.hash")
