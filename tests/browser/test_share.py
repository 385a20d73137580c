"""Share links: the page's state in its address, and the "Share" button (map_url.js, map_share.js).

Each test opens the page fresh at an address with a fragment, as a visitor following a link does.
The filters are checked against the independent oracle of tests/browser/pages.py.
"""

from __future__ import annotations

import re

import pytest

from sync.locate.geography import load_geography
from sync.publish import side_areas
from sync.publish.map_page import render_map_page
from testing.browser import SITE, route_offline
from tests.browser.conftest import DESKTOP, PHONE, Opened
from tests.browser.pages import NOW, config, event, expected_ids, mixed_events

pytestmark = pytest.mark.browser

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


@pytest.fixture
def visit(browser):
    """``visit(html, "index.html#…", viewport=…, init_script=…, **context)`` → :class:`Opened`, loaded there."""
    contexts = []

    def visit_(html: str, address: str, *, viewport: dict = DESKTOP, init_script: str = NO_WEB_SHARE,
               map_ready: bool = True, **options) -> Opened:
        context = browser.new_context(viewport=viewport, locale="en-US", timezone_id="Asia/Tokyo", **options)
        contexts.append(context)
        opened = Opened(page=None)
        route_offline(context, site={"index.html": html}, blocked=opened.blocked)
        context.add_init_script(init_script)
        page = context.new_page()
        page.on("pageerror", lambda exc: opened.errors.append(f"pageerror: {exc}"))
        page.on("console", lambda msg: opened.errors.append(f"console.{msg.type}: {msg.text}")
                if msg.type in ("error", "warning") else None)
        page.goto(SITE + address)
        page.wait_for_load_state("load")
        if map_ready:
            page.wait_for_function("() => document.querySelector('.leaflet-container') !== null")
        opened.page = page
        return opened

    yield visit_
    for context in contexts:
        context.close()


def render(events, **kwargs) -> str:
    cfg = config()
    geography = load_geography()
    return render_map_page(events, areas=geography.areas_geojson(), config=cfg, generated_at=NOW,
                           sides=side_areas(cfg, geography), **kwargs)


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


# ---------- opening a link ----------

def test_a_shared_link_restores_the_filters_and_opens_the_activity(visit):
    events = mixed_events()
    target = next(e for e in events if e["community_area"] == 32 and e["type"] == "Community conversation")
    opened = visit(render(events), f"index.html#area=32&type=community-conversation&when=all&a={target['id']}")
    page = opened.page
    state = page.evaluate("() => HealingMap.state()")
    assert (state["area"], state["when"], state["type"]) == ("32", "all", "1")
    assert page.locator("#hm-area").input_value() == "32"
    assert page.locator("#hm-area option:checked").inner_text() == "Loop"
    assert page.locator("#hm-type option:checked").inner_text() == "Community conversation"
    by_id = {e["id"]: e for e in events}
    expected = [i for i in expected_ids(events, when="all", type="Community conversation")
                if by_id[i]["community_area"] == 32]
    assert target["id"] in expected and list_ids(page) == expected
    # the activity: its popup open, highlighted in it; highlighted in the list and scrolled into view
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator(".hm-popup-title").inner_text() == "Loop"
    assert popup.locator(".hm-highlight .hm-popup-item-title").inner_text() == target["title"]
    item = page.locator(f"#activity-{target['id']}")
    assert "hm-shared" in item.get_attribute("class") and item.get_attribute("aria-current") == "true"
    assert page.locator("#hm-list .hm-shared").count() == 1
    assert in_view(page, f"#activity-{target['id']}")
    assert fragment(page) == f"#area=32&type=community-conversation&when=all&a={target['id']}"
    assert opened.js_errors() == []


def test_a_link_far_down_the_list_renders_and_scrolls_to_it(visit):
    events = [event(n, area=8 + n % 3, day=n % 30, hour=8 + n % 12, title=f"Activity {n:03d}") for n in range(140)]
    last = expected_ids(events)[-1]
    page = visit(render(events), f"index.html#a={last}").page
    assert page.locator("#hm-list li.hm-item").count() > 50  # "Show more" pressed for it
    assert in_view(page, f"#activity-{last}")
    page.locator(".leaflet-popup-content .hm-highlight").wait_for()


def test_an_activity_hidden_by_the_links_filters_is_shown_anyway(visit):
    events = mixed_events()
    past = next(e for e in events if e["id"] not in expected_ids(events) and e["community_area"])
    page = visit(render(events), f"index.html#type=storytelling&a={past['id']}").page
    assert page.evaluate("() => HealingMap.state().when") == "all"
    assert page.evaluate("() => HealingMap.state().type") == ""
    assert in_view(page, f"#activity-{past['id']}.hm-shared")
    assert fragment(page) == f"#when=all&a={past['id']}"


def test_an_activity_no_longer_published_is_said_to_be_gone(visit):
    opened = visit(render(mixed_events()), "index.html#when=week&a=0123456789ab")
    page = opened.page
    assert page.inner_text("#hm-share-status") == "The activity in this link is no longer on the map."
    assert page.get_attribute("#hm-share-status", "role") == "status"
    assert page.evaluate("() => HealingMap.state().when") == "week"
    assert fragment(page) == "#when=week"
    assert opened.js_errors() == []


def test_a_side_activity_opens_its_regions_popup(visit):
    side = event(1, area=None, precision="side", place="South Side", side="South", title="Southside circle")
    page = visit(render([side, event(2, area=41), event(3, area=8)]), f"index.html#side=south&a={side['id']}").page
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator(".hm-popup-title").inner_text() == "South Side"
    assert popup.locator(".hm-highlight .hm-popup-item-title").inner_text() == "Southside circle"
    assert list_ids(page) == ["ev0002", "ev0001"]  # Hyde Park is on the South Side; the Near North Side is not
    assert page.locator("#hm-area option:checked").inner_text() == "South Side"


def test_on_a_phone_the_link_opens_the_list_at_the_activity(visit):
    events = mixed_events()
    target = expected_ids(events)[20]
    page = visit(render(events), f"index.html#lang=es&a={target}", viewport=PHONE).page
    assert page.evaluate("() => document.body.dataset.view") == "list"
    assert page.evaluate("() => document.documentElement.lang") == "es"
    assert in_view(page, f"#activity-{target}.hm-shared")
    assert page.locator(".leaflet-popup").count() == 0


def test_anchors_and_unknown_values_are_not_state(visit):
    events = mixed_events()
    opened = visit(render(events), "index.html#area=999&side=nowhere&type=juggling&when=soon&q=&lang=xx&a=<b>")
    page = opened.page
    state = page.evaluate("() => HealingMap.state()")
    assert (state["area"], state["type"], state["when"], state["language"]) == ("", "", "upcoming", "en")
    assert list_ids(page) == expected_ids(events)
    assert fragment(page) == ""
    anchored = visit(render(events), "index.html#hm-list-heading").page
    assert fragment(anchored) == "#hm-list-heading"  # a plain anchor is left alone
    assert opened.js_errors() == []


# ---------- the fragment follows the filters ----------

def test_changing_filters_rewrites_the_fragment_without_history_entries(visit):
    events = mixed_events()
    target = expected_ids(events)[3]
    page = visit(render(events), f"index.html#a={target}").page
    entries = page.evaluate("() => history.length")
    page.select_option("#hm-type", label="Storytelling")
    assert fragment(page) == "#type=storytelling"  # a filter change lets the activity go
    page.select_option("#hm-area", label="Lincoln Square")
    page.select_option("#hm-language", label="Spanish")
    page.get_by_role("radio", name="This week").check()
    page.fill("#hm-q", "rozmowa á&b")
    page.press("#hm-q", "Enter")
    assert fragment(page) == "#area=4&type=storytelling&language=spanish&when=week&q=rozmowa%20%C3%A1%26b"
    page.select_option("#hm-area", label="Far Southeast Side")
    page.click("#hm-lang-switch")
    assert fragment(page) == ("#side=far-southeast&type=storytelling&language=spanish&when=week"
                              "&q=rozmowa%20%C3%A1%26b&lang=es")
    page.click("#hm-reset")
    assert fragment(page) == "#lang=es"
    assert page.evaluate("() => history.length") == entries  # replaced, never pushed: Back leaves the page
    page.click("#hm-lang-switch")
    assert page.evaluate("() => location.href") == SITE + "index.html"


def test_a_new_fragment_in_the_same_page_is_applied(visit):
    events = mixed_events()
    page = visit(render(events), "index.html").page
    target = next(e for e in events if e["id"] in expected_ids(events) and e["community_area"] == 8)
    page.evaluate("(hash) => { location.hash = hash; }", f"area=8&a={target['id']}")
    page.locator(".leaflet-popup-content .hm-highlight").wait_for()
    assert page.evaluate("() => HealingMap.state().area") == "8"
    assert page.locator(f"#activity-{target['id']}.hm-shared").count() == 1


# ---------- the Share button ----------

def test_share_copies_the_link_when_there_is_no_web_share(visit):
    events = mixed_events()
    page = visit(render(events), "index.html#language=spanish", init_script=NO_WEB_SHARE,
                 permissions=["clipboard-read", "clipboard-write"]).page
    first = page.locator("#hm-list li.hm-item").first
    share = first.get_by_role("button", name=re.compile("^Share\\W+" + re.escape(first.locator("h4").inner_text())))
    share.click()
    page.wait_for_function("() => document.getElementById('hm-share-status').textContent === 'Link copied'")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == f"{SITE}index.html#language=spanish&a={first.get_attribute('data-id')}"
    assert page.is_visible("#hm-share-status") and not page.is_visible("#hm-share-field")
    assert page.get_attribute("#hm-share-status", "aria-live") == "polite"


def test_share_calls_web_share_where_the_browser_has_it(visit):
    events = mixed_events()
    page = visit(render(events), "index.html", init_script=RECORDED_SHARE).page
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


def test_without_a_clipboard_the_link_is_selected_to_copy_by_hand(visit):
    events = mixed_events()
    page = visit(render(events), "index.html#when=all", init_script=NO_CLIPBOARD).page
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


def test_public_url_is_the_shared_address(visit):
    cfg = config()
    cfg = cfg.model_copy(update={"map": cfg.map.model_copy(update={"public_url": "https://healingmap.example.org/"})})
    events = [event(1, area=8)]
    geography = load_geography()
    html = render_map_page(events, areas=geography.areas_geojson(), config=cfg, generated_at=NOW,
                           sides=side_areas(cfg, geography))
    page = visit(html, "index.html", init_script=RECORDED_SHARE).page
    page.locator("#hm-list button.hm-share-button").click()
    page.wait_for_function("() => window.__shared.length === 1")
    assert page.evaluate("() => window.__shared[0].url") == "https://healingmap.example.org/#a=" + events[0]["id"]
