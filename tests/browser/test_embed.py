"""embed.html inside a partner's page on another origin (sync/publish/share.py, map_url.js).

The offline router serves two sites: the partner's page on https://partner.test/ and the map on
https://healing-map.test/ (testing.browser.SITE). In the map's frames, storage throws as it does in
browsers that block third-party storage, so the page must do without it.
"""

from __future__ import annotations

import re

import pytest

from sync.locate.geography import load_geography
from sync.publish import side_areas
from sync.publish.map_page import render_map_page
from testing.browser import ASSETS, SITE, route_offline
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.pages import NOW, config, expected_ids, mixed_events

pytestmark = pytest.mark.browser

PARTNER = "https://partner.test/"
AXE = ASSETS / "axe-core" / "axe.min.js"
#: What the browser says of the partner's page, not of ours: Chromium on Linux has no Web Share, so it
#: does not know the snippet's allow="web-share" (which Safari and Chrome elsewhere need in a frame).
BROWSER_NOTES = {"Unrecognized feature: 'web-share'."}
#: In every frame: errors recorded; in the map's frames inside another page, storage that throws,
#: and a Web Share API that records what it is given.
FRAME_SCRIPT = """
window.__errors = [];
window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
window.__shared = [];
if (window.top !== window && location.host === 'healing-map.test') {
  const blocked = { get() { throw new DOMException('third-party storage is blocked', 'SecurityError'); } };
  Object.defineProperty(window, 'localStorage', blocked);
  Object.defineProperty(window, 'sessionStorage', blocked);
  Object.defineProperty(Navigator.prototype, 'share', {configurable: true, value: function (data) {
    window.__shared.push(JSON.parse(JSON.stringify(data))); return Promise.resolve(); }});
}
"""


def partner_page(src: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pilsen block club</title></head>'
            f'<body><h1>Pilsen block club</h1><iframe src="{src}" title="Healing activities in Lower West Side" '
            f'width="100%" height="600" style="border:0" allow="clipboard-write; web-share"></iframe></body></html>')


@pytest.fixture
def framed(browser):
    """``framed(events, "embed.html#area=31", viewport=…)`` → (page, frame, errors): partner page, map frame."""
    contexts = []

    def framed_(events, address: str, *, viewport: dict = DESKTOP):
        cfg, geography = config(), load_geography()
        pages = render_map_page(events, areas=geography.areas_geojson(), config=cfg, generated_at=NOW,
                                sides=side_areas(cfg, geography)).files()
        context = browser.new_context(viewport=viewport, locale="en-US", timezone_id="Asia/Tokyo")
        contexts.append(context)
        errors: list[str] = []
        route_offline(context, site=pages)
        context.route(f"{PARTNER}**", lambda route: route.fulfill(
            status=200, body=partner_page(SITE + address), headers={"Content-Type": "text/html; charset=utf-8"}))
        context.add_init_script(FRAME_SCRIPT)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
        page.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}")
                if msg.type in ("error", "warning") and msg.text not in BROWSER_NOTES else None)
        page.goto(PARTNER)
        page.wait_for_load_state("load")
        frame = page.frame(url=re.compile(r"^https://healing-map\.test/embed\.html"))
        frame.wait_for_function("() => document.body.getAttribute('data-map') === 'ready'")
        return page, frame, errors

    yield framed_
    for context in contexts:
        context.close()


def frame_ids(frame) -> list[str]:
    while frame.is_visible("#hm-more"):
        frame.click("#hm-more")
    return frame.eval_on_selector_all("#hm-list li.hm-item", "items => items.map(li => li.dataset.id)")


def test_the_embed_renders_in_a_cross_origin_frame_fixed_to_its_area(framed):
    events = mixed_events()
    page, frame, errors = framed(events, "embed.html#area=31")
    by_id = {e["id"]: e for e in events}
    expected = [i for i in expected_ids(events) if by_id[i]["community_area"] == 31]
    assert expected and frame_ids(frame) == expected
    assert frame.evaluate("() => HealingMap.state().area") == "31"
    assert frame.evaluate("() => document.body.classList.contains('hm-embed')")
    assert not frame.is_visible("#hm-area-field")        # fixed: no area to choose
    assert frame.locator(".hm-add").count() == 0           # no header actions but the full map
    assert frame.locator('meta[name="robots"]').get_attribute("content") == "noindex"
    assert frame.locator('script[type="application/ld+json"]').count() == 0
    full = frame.locator("#hm-full-map")
    assert (full.get_attribute("href"), full.get_attribute("target")) == (SITE + "index.html#area=31", "_blank")
    assert "noopener" in full.get_attribute("rel")
    assert frame.is_disabled("#hm-reset")                  # the fixed area is no filter to clear
    pins = frame.eval_on_selector_all(".leaflet-marker-pane .hm-pin", "p => p.map(x => x.getAttribute('aria-label'))")
    assert pins and all(label.startswith("Lower West Side") for label in pins)
    assert page.url == PARTNER and page.evaluate("() => document.title") == "Pilsen block club"
    assert frame.evaluate("() => window.__errors") == [] and page.evaluate("() => window.__errors") == []
    assert errors == []


def test_the_frame_works_without_storage_and_shares_the_full_map(framed):
    events = mixed_events()
    page, frame, errors = framed(events, "embed.html#area=31")
    storage = frame.evaluate("() => { try { return typeof localStorage; } catch (e) { return e.name; } }")
    assert storage == "SecurityError"
    frame.click("#hm-lang-switch")                         # would remember the language: storage throws
    frame.wait_for_function("() => document.documentElement.lang === 'es'")
    assert frame.evaluate("() => location.hash") == "#area=31&lang=es"
    assert frame.locator("#hm-full-map").get_attribute("href") == SITE + "index.html#area=31&lang=es"
    first = frame.locator("#hm-list li.hm-item").first
    first.locator("button.hm-share-button").click()
    frame.wait_for_function("() => window.__shared.length === 1")
    assert frame.evaluate("() => window.__shared[0].url") == (
        f"{SITE}index.html#area=31&lang=es&a={first.get_attribute('data-id')}")
    assert frame.evaluate("() => window.__errors") == [] and errors == []


def test_an_embed_for_a_side_and_one_for_the_whole_city(framed):
    events = mixed_events()
    _, frame, errors = framed(events, "embed.html#side=central")
    by_id = {e["id"]: e for e in events}
    central = {8, 32}  # of the areas mixed_events uses, the Central side's
    assert frame_ids(frame) == [i for i in expected_ids(events) if by_id[i]["community_area"] in central]
    _, whole, _ = framed(events, "embed.html")
    assert whole.is_visible("#hm-area-field") and frame_ids(whole) == expected_ids(events)
    assert errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_axe_finds_no_violation_in_the_embed(framed, viewport):
    if not AXE.is_file():
        pytest.skip(f"axe-core is missing at {AXE} (npm install of tests/browser/package.json)")
    _, frame, _ = framed(mixed_events(), "embed.html#area=31", viewport=viewport)
    frame.add_script_tag(path=str(AXE))
    result = frame.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
