"""The "Share" button on cards and popups (map_share.js): Web Share, the clipboard, or a field to copy by hand."""

from __future__ import annotations

import re

import pytest

from sync.locate.geography import load_geography
from sync.publish import side_areas
from sync.publish.map_page import render_map_page
from testing.browser import SITE
from tests.browser.pages import NOW, config, event, mixed_events
from tests.browser.sharing import NO_CLIPBOARD, NO_WEB_SHARE, RECORDED_SHARE, render

pytestmark = pytest.mark.browser


# ---------- the Share button ----------

def test_share_copies_the_link_when_there_is_no_web_share(open_page):
    events = mixed_events()
    page = open_page(render(events), address="index.html#language=spanish", init_script=NO_WEB_SHARE,
                 permissions=["clipboard-read", "clipboard-write"]).page
    first = page.locator("#hm-list li.hm-item").first
    share = first.get_by_role("button", name=re.compile("^Share\\W+" + re.escape(first.locator("h4").inner_text())))
    share.click()
    page.wait_for_function("() => document.getElementById('hm-share-status').textContent === 'Link copied'")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == f"{SITE}index.html#language=spanish&a={first.get_attribute('data-id')}"
    assert page.is_visible("#hm-share-status") and not page.is_visible("#hm-share-field")
    assert page.get_attribute("#hm-share-status", "aria-live") == "polite"


def test_share_calls_web_share_where_the_browser_has_it(open_page):
    events = mixed_events()
    page = open_page(render(events), address="index.html", init_script=RECORDED_SHARE).page
    marker = page.locator(".leaflet-marker-pane .hm-pin-place").first
    marker.click()
    item = page.locator(".leaflet-popup-content .hm-popup-item").first
    title = item.locator(".hm-popup-item-title").inner_text()
    item.get_by_role("button", name=re.compile(r"^Share\W+" + re.escape(title))).click()
    page.wait_for_function("() => window.__shared.length === 1")
    [shared] = page.evaluate("() => window.__shared")
    target = next(e for e in events if e["title"] == title)
    assert shared == {"title": title, "url": f"{SITE}index.html#a={target['id']}"}
    assert page.inner_text("#hm-share-status") == ""  # the system's sheet says what happened


def test_without_a_clipboard_the_link_is_selected_to_copy_by_hand(open_page):
    events = mixed_events()
    page = open_page(render(events), address="index.html#when=all", init_script=NO_CLIPBOARD).page
    first = page.locator("#hm-list li.hm-item").first
    first.locator("button.hm-share-button").click()
    assert page.inner_text("#hm-share-status") == "Copy this link:"
    field = page.locator("#hm-share-field")
    assert field.input_value() == f"{SITE}index.html#when=all&a={first.get_attribute('data-id')}"
    selected = page.evaluate("""() => { const f = document.activeElement;
        return f.id === 'hm-share-field' && f.selectionStart === 0 && f.selectionEnd === f.value.length; }""")
    assert selected
    page.keyboard.press("Escape")
    assert not page.is_visible("#hm-share")
    assert page.evaluate("() => document.activeElement.classList.contains('hm-share-button')")


def test_public_url_is_the_shared_address(open_page):
    cfg = config()
    cfg = cfg.model_copy(update={"map": cfg.map.model_copy(update={"public_url": "https://healingmap.example.org/"})})
    events = [event(1, area=8)]
    geography = load_geography()
    html = render_map_page(events, areas=geography.areas_geojson(), config=cfg, generated_at=NOW,
                           sides=side_areas(cfg, geography))
    page = open_page(html, init_script=RECORDED_SHARE).page
    page.locator("#hm-list button.hm-share-button").click()
    page.wait_for_function("() => window.__shared.length === 1")
    assert page.evaluate("() => window.__shared[0].url") == "https://healingmap.example.org/#a=" + events[0]["id"]
