"""The map page with JavaScript off, its accessibility (axe-core), and its Leaflet bundled instead of from a CDN.

With JavaScript disabled (Playwright's ``java_script_enabled=False``) the page must still list
every upcoming activity, from its own HTML, and tell why search and the map are missing in both
languages. With JavaScript on, the script replaces that list: nothing shows twice.

axe-core (npm, in tests/.assets) cannot run in a page whose scripts are disabled (its timers never
fire), so :func:`axe_violations` takes the DOM the browser built with JavaScript off (``<noscript>``
parsed as markup), removes its scripts and unwraps its ``<noscript>`` elements, loads that into a
context with JavaScript on, injects axe with ``page.add_script_tag`` and runs it there: the same
elements, styles and layout, audited.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sync.publish.bundled import VENDOR, bundled_files
from testing.browser import ASSETS
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.pages import XSS, config, expected_ids, mixed_events, render, xss_events

pytestmark = pytest.mark.browser

AXE = ASSETS / "axe-core" / "axe.min.js"
#: What the page shows with JavaScript off: the <noscript> parts in place, no script left.
_AS_WITHOUT_SCRIPT = """() => {
  document.querySelectorAll('script').forEach(s => s.remove());
  document.querySelectorAll('noscript').forEach(n => n.replaceWith(...n.childNodes));
  return '<!DOCTYPE html>' + document.documentElement.outerHTML;
}"""


def without_js(open_page, html: str, viewport: dict = DESKTOP):
    return open_page(html, viewport=viewport, wait_for_map=False, java_script_enabled=False)


def listed_ids(page) -> list[str]:
    return page.eval_on_selector_all("#hm-list li.hm-item", "items => items.map(li => li.dataset.id)")


def axe_violations(open_page, html: str, viewport: dict) -> list[dict]:
    """axe-core's violations on the page as a visitor without JavaScript gets it."""
    if not AXE.is_file():
        pytest.skip(f"axe-core is missing at {AXE} (npm install of tests/browser/package.json)")
    static = without_js(open_page, html, viewport).page.evaluate(_AS_WITHOUT_SCRIPT)
    page = open_page(static, viewport=viewport, wait_for_map=False).page
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


def test_without_javascript_the_list_shows_every_upcoming_activity(open_page):
    events = mixed_events()
    opened = without_js(open_page, render(events), PHONE)
    page = opened.page
    assert page.evaluate("() => window.HealingMap === undefined")  # the script really did not run
    expected = expected_ids(events, when="upcoming")
    assert listed_ids(page) == expected
    assert page.locator("#hm-list li.hm-item").first.is_visible()  # on a phone too: no map/list switch
    titles = page.eval_on_selector_all("#hm-list .hm-item-title", "hs => hs.map(h => h.textContent)")
    assert titles == [next(e["title"] for e in events if e["id"] == i) for i in expected]
    assert not page.is_visible("#hm-map-section") and not page.is_visible("#hm-search-form")
    notes = page.locator("p.hm-noscript")
    assert notes.count() == 2
    assert [notes.nth(k).get_attribute("lang") for k in range(2)] == ["en", "es"]
    assert "need JavaScript" in notes.nth(0).inner_text() and "necesitan JavaScript" in notes.nth(1).inner_text()
    assert all(notes.nth(k).is_visible() for k in range(2))


def test_with_javascript_the_script_replaces_the_list(open_page):
    events = mixed_events()
    page = open_page(render(events)).page
    expected = expected_ids(events, when="upcoming")
    ids = listed_ids(page)
    assert ids == expected[:50] and len(set(ids)) == len(ids)
    duplicates = page.evaluate("""() => {
        const seen = {}, twice = [];
        document.querySelectorAll('[id]').forEach(e => { if (seen[e.id]) twice.push(e.id); seen[e.id] = 1; });
        return twice;
    }""")
    assert duplicates == []
    assert not page.locator("p.hm-noscript").count() or not page.is_visible("p.hm-noscript")


def test_without_javascript_no_payload_becomes_markup(open_page):
    events = xss_events()
    page = without_js(open_page, render(events)).page
    expected = expected_ids(events, when="upcoming")
    assert listed_ids(page) == expected
    titles = page.eval_on_selector_all("#hm-list .hm-item-title", "hs => hs.map(h => h.textContent)")
    assert titles == [next(e["title"] for e in events if e["id"] == i) for i in expected]
    audit = page.evaluate("""() => ({
        injected: document.querySelectorAll('#hm-list img, #hm-list script, #hm-list svg, #hm-list iframe, #hm-list b').length,
        handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))
            .filter(n => n.startsWith('on')),
        js_links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))
            .filter(h => h.trim().toLowerCase().startsWith('javascript')),
        ld: document.querySelector('script[type="application/ld+json"]').textContent,
    })""")
    assert audit["injected"] == 0 and audit["handlers"] == [] and audit["js_links"] == []
    names = [d["name"] for d in json.loads(audit["ld"])]
    assert names == titles and any(p in n for n in names for p in XSS if "<" in p)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_axe_finds_no_violation_without_javascript(open_page, viewport):
    assert axe_violations(open_page, render(mixed_events()), viewport) == []


def test_bundled_assets_need_no_cdn(open_page):
    cfg = config()
    cfg = cfg.model_copy(update={"map": cfg.map.model_copy(update={"assets": "bundled"})})
    rendered = render(mixed_events(), cfg=cfg)
    for text in rendered.files().values():
        assert "cdn.jsdelivr.net" not in text and "cdnjs.cloudflare.com" not in text
    files = {str(path.relative_to("public")): data for path, data in bundled_files(Path("public")).items()}
    assert {"assets/leaflet/LICENSE", "assets/leaflet.markercluster/MIT-LICENCE.txt"} <= set(files)
    opened = open_page(rendered, files=files, block=("cdn.jsdelivr.net", "cdnjs.cloudflare.com"))
    page = opened.page
    assert page.evaluate("() => [L.version, typeof L.markerClusterGroup]") == ["1.9.3", "function"]
    assert page.evaluate("() => getComputedStyle(document.querySelector('.leaflet-container')).overflow") == "hidden"
    assert opened.blocked == [] and opened.js_errors() == []
    loaded = page.evaluate("() => performance.getEntriesByType('resource').map(r => r.name)")
    assert any(url.endswith("/assets/leaflet/leaflet.js") for url in loaded)
    assert any(url.endswith("/assets/leaflet.markercluster/MarkerCluster.Default.css") for url in loaded)
    assert VENDOR.is_dir()


def test_tiles_ask_for_retina_images_on_high_density_screens(open_page):
    page = open_page(render(mixed_events()), device_scale_factor=2).page
    assert page.evaluate("""() => {
        const map = window.HealingMap.map();
        let retina = null;
        map.eachLayer(l => { if (l instanceof L.TileLayer) retina = l.options.detectRetina; });
        return retina;
    }""") is True


# ---------- the data script: a file of its own ----------

def test_the_page_works_opened_from_disk(browser, tmp_path):
    """``file://``: the data is a <script>, not a fetch(), so the README's "open output/public/index.html" works."""
    cfg = config()
    cfg = cfg.model_copy(update={"map": cfg.map.model_copy(update={"assets": "bundled", "tiles": "data:,{z}{x}{y}"})})
    events = mixed_events()
    for name, text in render(events, cfg=cfg).files().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    for path, data in bundled_files(tmp_path).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto((tmp_path / "index.html").as_uri())
        page.wait_for_function("() => document.body.getAttribute('data-map') === 'ready'", timeout=10_000)
        assert page.locator("#hm-list li.hm-item").count() == min(len(expected_ids(events)), 50)
        assert page.locator(".leaflet-marker-pane .hm-pin").count() > 0
        assert page.locator("#hm-data-missing").is_hidden() and errors == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_without_its_data_the_page_keeps_its_list_and_says_why(open_page, viewport):
    events = mixed_events()
    opened = open_page(render(events), viewport=viewport, block=("activities.js",), wait_for_map=False)
    page = opened.page
    page.wait_for_function("() => document.body.getAttribute('data-map') === 'unavailable'")
    notice = page.locator("#hm-data-missing")
    assert notice.is_visible() and "could not load" in notice.inner_text()
    listed = page.locator("#hm-list li.hm-item").evaluate_all("items => items.map(i => i.dataset.id)")
    assert listed == expected_ids(events)[:len(listed)] and len(listed) > 0
    assert page.locator("#hm-list").is_visible()  # phones switch to the list: the map has nothing to show
    assert opened.js_errors() == [] and any("activities.js" in url for url in opened.blocked)
