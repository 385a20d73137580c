"""The public map page in a real browser (Debian's chromium, headless, offline).

Every test checks the map and the list against each other and against an independent Python
oracle of the filters (pages.expected_ids); the published-sample tests run the real CLI.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from sync.publish.map_page import DATA_FILE
from testing.browser import SITE
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE
from tests.browser.pages import (NOW, ROOT, XSS, config, event, expected_ids, mixed_events, page_data, published_page,
                                 render, xss_events)

pytestmark = pytest.mark.browser


# ---------- reading the page ----------

def shown_count(page) -> int:
    return int(re.sub(r"\D", "", page.inner_text("#hm-count")))


def list_ids(page) -> list[str]:
    """Ids of every listed activity, after pressing "Show more" until all are in."""
    while page.is_visible("#hm-more"):
        page.click("#hm-more")
    return page.eval_on_selector_all("#hm-list li.hm-item", "items => items.map(li => li.dataset.id)")


def map_total(page) -> dict:
    """Activities on the markers and clusters in the DOM, and the citywide ones the map does not pin."""
    return page.evaluate("""() => {
        const pins = [...document.querySelectorAll('.leaflet-marker-pane .hm-pin')];
        const n = el => Number(el.textContent.replace(/\\D/g, ''));
        return {
            places: pins.filter(p => p.classList.contains('hm-pin-place')).reduce((a, p) => a + n(p), 0),
            clusters: pins.filter(p => p.classList.contains('hm-pin-cluster')).reduce((a, p) => a + n(p), 0),
            citywide: Number(document.querySelector('.leaflet-container').dataset.citywide),
            sides: (document.querySelector('.leaflet-container').dataset.sides || '').split(',')
                .filter(Boolean).reduce((a, s) => a + Number(s.split(':').pop()), 0),
        };
    }""")


def settle(page, expected: int) -> dict:
    """Wait for markercluster to finish, then return the map's totals."""
    try:
        page.wait_for_function("""(expected) => {
            const pins = [...document.querySelectorAll('.leaflet-marker-pane .hm-pin')];
            const sum = pins.reduce((a, p) => a + Number(p.textContent.replace(/\\D/g, '')), 0);
            const map = document.querySelector('.leaflet-container').dataset;
            const sides = (map.sides || '').split(',').filter(Boolean).reduce((a, s) => a + Number(s.split(':').pop()), 0);
            return sum + Number(map.citywide) + sides === expected;
        }""", arg=expected, timeout=3_000)
    except Exception:
        pass  # the assertion that follows says what differs
    return map_total(page)


def assert_consistent(page, events: list[dict], expected: list[str]):
    """Count, list and map all show exactly ``expected``."""
    assert shown_count(page) == len(expected)
    assert list_ids(page) == expected
    totals = settle(page, len(expected))
    citywide = sum(1 for e in events if e["id"] in set(expected) and e["lat"] is None and not e.get("side"))
    sides = sum(1 for e in events if e["id"] in set(expected) and e.get("side"))
    assert (totals["citywide"], totals["sides"]) == (citywide, sides)
    assert totals["places"] + totals["clusters"] + totals["citywide"] + totals["sides"] == len(expected)


# ---------- loading ----------

def test_loads_offline_without_errors_and_markers_add_up(open_page):
    events = mixed_events()
    opened = open_page(render(events))
    page = opened.page
    expected = expected_ids(events)
    assert_consistent(page, events, expected)
    assert page.locator(".leaflet-marker-pane .hm-pin").count() > 0
    assert opened.blocked == [], "the page asked for something we do not serve offline"
    assert opened.errors == []
    assert page.inner_text("#hm-count") == f"{len(expected)} activities shown"


def test_markers_are_one_per_place_in_date_order(open_page):
    events = [event(1, area=8, day=3, title="Later"), event(2, area=8, day=1, title="Sooner"),
              event(3, area=8, day=2, hour=9, title="Middle")]
    page = open_page(render(events)).page
    page.locator(".leaflet-marker-pane .hm-pin-place").first.wait_for()
    assert page.locator(".leaflet-marker-pane .hm-pin").count() == 1
    assert page.locator(".leaflet-marker-pane .hm-pin-place").get_attribute("aria-label") == "Near North Side: 3 activities"
    page.click(".leaflet-marker-pane .hm-pin-place")
    titles = page.locator(".hm-popup .hm-popup-item-title").all_inner_texts()
    assert titles == ["Sooner", "Middle", "Later"]


def test_times_are_chicago_time_whatever_the_browser_clock(open_page):
    # The browser runs in Tokyo (conftest); 18:00 in Chicago is 09:00 the next day there.
    events = [event(1, area=8, day=1, hour=18, minutes=90)]
    page = open_page(render(events)).page
    assert page.inner_text("#hm-list .hm-when") in ("6:00 – 7:30 PM", "6:00 PM – 7:30 PM")
    assert page.inner_text("#hm-list .hm-day-heading") == "Saturday, November 21"
    assert "Nov 20, 2026, 9:00 AM" in page.inner_text("#hm-updated")


# ---------- filters ----------

@pytest.mark.parametrize("action, oracle", [
    (lambda p: p.get_by_role("radio", name="This week").check(), {"when": "week"}),
    (lambda p: p.get_by_role("radio", name="All").check(), {"when": "all"}),
    (lambda p: p.get_by_role("radio", name="Past").check(), {"when": "past"}),
    (lambda p: p.select_option("#hm-type", label="Storytelling"), {"type": "Storytelling"}),
    (lambda p: p.select_option("#hm-type", label="Other"), {"type": "Other"}),
    (lambda p: p.select_option("#hm-language", label="Spanish"), {"language": "Spanish"}),
    (lambda p: (p.get_by_role("radio", name="All").check(), p.select_option("#hm-language", label="Polish")),
     {"when": "all", "language": "Polish"}),
    (lambda p: (p.fill("#hm-q", "conversacion"), p.press("#hm-q", "Enter")), {"q": "conversacion"}),
    (lambda p: (p.fill("#hm-q", "pilsen healing"), p.press("#hm-q", "Enter")), {"q": "pilsen healing"}),
    (lambda p: (p.fill("#hm-q", "Near North"), p.press("#hm-q", "Enter")), {"q": "Near North"}),
    (lambda p: (p.fill("#hm-q", "virtual"), p.press("#hm-q", "Enter")), {"q": "virtual"}),
    (lambda p: (p.fill("#hm-q", "pilsen"), p.press("#hm-q", "Enter")), {"q": "pilsen"}),
    (lambda p: (p.fill("#hm-q", "bronzeville"), p.press("#hm-q", "Enter")), {"q": "bronzeville"}),
    (lambda p: (p.fill("#hm-q", "nothing matches this"), p.press("#hm-q", "Enter")), {"q": "nothing matches this"}),
], ids=["this-week", "all", "past", "type", "type-other", "language", "all-polish", "search-accents",
        "search-org", "search-area", "search-citywide", "search-neighbourhood", "search-neighbourhood-2",
        "search-none"])
def test_each_filter_changes_map_and_list_alike(open_page, action, oracle):
    events = mixed_events()
    page = open_page(render(events)).page
    before = expected_ids(events)
    action(page)
    expected = expected_ids(events, **{"when": "upcoming", **oracle})
    assert expected != before or oracle.get("when") == "all"
    assert_consistent(page, events, expected)
    if not expected:
        assert page.inner_text("#hm-notice").startswith("No activities match these filters.")
    page.click("#hm-reset")
    assert_consistent(page, events, before)


def test_search_types_as_you_go(open_page):
    events = mixed_events()
    page = open_page(render(events)).page
    page.type("#hm-q", "rozmowa")
    expected = expected_ids(events, q="rozmowa")
    page.wait_for_function("(n) => document.querySelector('#hm-count').textContent.startsWith(n + ' ')",
                           arg=len(expected))
    assert_consistent(page, events, expected)


def test_popup_sends_its_place_to_the_list(open_page):
    events = mixed_events()
    page = open_page(render(events)).page
    marker = page.get_by_role("button", name=re.compile(r"^[^:]+: \d+ activit")).first
    place = marker.get_attribute("aria-label").split(":")[0]
    marker.click()
    page.get_by_role("button", name=re.compile(r"^Show all \d+ in the list")).click()
    expected = expected_ids(events, place=place)
    assert page.inner_text("#hm-place-name") == place
    assert_consistent(page, events, expected)
    page.click("#hm-place-clear")
    assert_consistent(page, events, expected_ids(events))


def test_nothing_upcoming_says_so(open_page):
    events = mixed_events()
    late = NOW + timedelta(days=120)
    page = open_page(render(events, now=late)).page
    assert shown_count(page) == 0
    notice = page.inner_text("#hm-notice")
    assert "Nothing is coming up right now." in notice
    page.get_by_role("button", name="Show past activities").click()
    assert_consistent(page, events, expected_ids(events, now=late, when="past"))
    assert len(expected_ids(events, now=late, when="past")) == len(events)


def test_citywide_activities_are_listed_and_counted_not_pinned(open_page):
    events = [event(1, area=None, title="Everywhere"), event(2, area=None, title="Online"), event(3, area=8)]
    page = open_page(render(events)).page
    assert_consistent(page, events, expected_ids(events))
    assert page.locator(".leaflet-marker-pane .hm-pin").count() == 1
    assert page.locator("#hm-list .hm-citywide").all_inner_texts() == ["Citywide or virtual"] * 2
    assert "2 citywide or virtual activities are in the list" in page.inner_text(".hm-legend")


# ---------- the published sample, through the real CLI ----------

@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """``healing-map sync`` on a copy of the bundled config: the page, events.csv and the events."""
    folder = tmp_path_factory.mktemp("published")
    import shutil

    shutil.copytree(ROOT / "config", folder / "config")
    now = "2026-11-20T09:00:00-06:00"
    run = subprocess.run([sys.executable, "-m", "sync", "sync", "--config", str(folder / "config" / "healing-map.toml"),
                          "--now", now], capture_output=True, text=True, cwd=ROOT, timeout=300)
    if run.returncode != 0:
        pytest.fail(f"healing-map sync failed ({run.returncode}):\n{run.stderr}")
    public = folder / "output" / "public"
    geo = json.loads((public / "events.geojson").read_text(encoding="utf-8"))
    events = []
    for f in geo["features"]:
        lon, lat = f["geometry"]["coordinates"] if f["geometry"] else (None, None)
        events.append({**f["properties"], "lat": lat, "lon": lon})
    rows = list(csv.DictReader(io.StringIO((public / "events.csv").read_text(encoding="utf-8-sig"))))
    return {"html": published_page(public), "csv": rows, "events": events,
            "now": datetime.fromisoformat(now)}


def test_list_matches_the_published_csv(open_page, published):
    page = open_page(published["html"], files={"events.csv": "see test"}).page
    page.get_by_role("radio", name="All").check()
    rows = published["csv"]
    assert list_ids(page) == [r["id"] for r in rows]
    titles = page.locator("#hm-list .hm-item-title").all_inner_texts()
    # The CSV neutralizes formulas with a leading quote; the page shows the text as typed.
    assert titles == [re.sub(r"^'(?=[=+\-@\t\r])", "", r["title"]).strip() for r in rows]
    assert_consistent(page, published["events"], [r["id"] for r in rows])


def test_published_sample_filters_agree_with_the_oracle(open_page, published, artifacts):
    events, now = published["events"], published["now"]
    opened = open_page(published["html"])
    page = opened.page
    settle(page, len(expected_ids(events, now=now)))
    page.screenshot(path=str(artifacts / "map-sample-desktop.png"))
    assert_consistent(page, events, expected_ids(events, now=now))
    page.get_by_role("radio", name="This week").check()
    assert_consistent(page, events, expected_ids(events, now=now, when="week"))
    page.select_option("#hm-language", label="Spanish")
    assert_consistent(page, events, expected_ids(events, now=now, when="week", language="Spanish"))
    assert opened.errors == [] and opened.blocked == []


# ---------- untrusted text ----------

_WATCH = """
window.__xss = [];
for (const name of ['alert', 'confirm', 'prompt']) {
  window[name] = (...args) => { window.__xss.push(name + '(' + args.join(',') + ')'); };
}
document.addEventListener('DOMContentLoaded', () => {
  new MutationObserver(records => {
    for (const r of records) for (const node of r.addedNodes) {
      if (node.nodeType !== 1) continue;
      for (const el of [node, ...node.querySelectorAll('*')]) {
        if (el.matches('script, iframe, object, embed') || (el.matches('img') && !el.matches('.leaflet-tile'))) {
          window.__xss.push('injected ' + el.outerHTML.slice(0, 80));
        }
      }
    }
  }).observe(document, {childList: true, subtree: true});
});
"""

_DOM_AUDIT = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) bad.push('handler ' + el.tagName + ' ' + attr.name);
    }
  }
  for (const a of document.querySelectorAll('a[href]')) {
    if (!/^(https?:|#|events\\.csv$|calendar\\.ics$|calendar\\/event\\/[A-Za-z0-9_-]+\\.ics$)/i.test(a.getAttribute('href'))) {
      bad.push('href ' + a.getAttribute('href'));
    }
    if (a.target === '_blank' && a.rel !== 'noopener noreferrer') bad.push('rel ' + a.rel);
  }
  const scripts = [...document.scripts].map(s => s.src || s.type || 'inline');
  const images = [...document.images].filter(i => !i.closest('.leaflet-tile-pane') && !i.matches('.hm-map-placeholder'));
  return {bad, scripts, images: images.length};
}"""


def test_xss_corpus_never_runs(open_page):
    events = xss_events()
    rendered = render(events)
    opened = open_page(rendered, init_script=_WATCH)
    page = opened.page
    page.get_by_role("radio", name="All").check()
    assert_consistent(page, events, expected_ids(events, when="all"))
    # Every payload is on the page as text, in every field.
    text = page.inner_text("#hm-list")
    for payload in XSS:
        visible = " ".join(payload.split())
        assert f"T{XSS.index(payload)} {visible}" in " ".join(text.split())
        assert f"O{XSS.index(payload)} {visible}" in " ".join(text.split())
    # javascript: links are dropped; http(s) links keep their text escaped in the URL.
    hrefs = page.eval_on_selector_all("#hm-list a.hm-join", "as => as.map(a => a.href)")
    assert len(hrefs) == len([e for e in events if e["link"].startswith("https:")])
    assert all(h.startswith("https://example.org/?q=") for h in hrefs)
    # Open every marker's popup, switch language and filters: nothing may run.
    for marker in page.locator(".leaflet-marker-pane .hm-pin-place").all():
        marker.click()
        page.locator(".hm-popup").wait_for()
        assert page.locator(".hm-popup script, .hm-popup img, .hm-popup svg, .hm-popup iframe").count() == 0
        page.keyboard.press("Escape")
    page.click("#hm-lang-switch")
    page.fill("#hm-q", "<script>")
    page.press("#hm-q", "Enter")
    page.wait_for_timeout(300)
    audit = page.evaluate(_DOM_AUDIT)
    assert page.evaluate("window.__xss") == []
    assert audit["bad"] == []
    assert audit["images"] == 0
    assert audit["scripts"] == [
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
        "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js",
        f"{SITE}{DATA_FILE}?v={hashlib.sha256(rendered.data.encode()).hexdigest()[:12]}",
        "application/ld+json", "inline", "inline"]
    assert opened.errors == []


def test_popups_show_escaped_text(open_page):
    events = [event(1, area=8, title="<img src=x onerror=alert(1)> & <b>bold</b>", organization="</script>")]
    opened = open_page(render(events), init_script=_WATCH)
    page = opened.page
    page.click(".leaflet-marker-pane .hm-pin-place")
    popup = page.locator(".hm-popup")
    assert popup.locator(".hm-popup-item-title").inner_text() == "<img src=x onerror=alert(1)> & <b>bold</b>"
    assert "By </script>" in popup.inner_text()
    assert popup.locator("img, b").count() == 0
    assert page.evaluate("window.__xss") == [] and opened.errors == []


def test_script_end_in_data_cannot_break_out():
    title = "</script><script>alert(1)</script>');alert(2);('\\"
    rendered = render([event(1, title=title, description="<!-- \u2028 -->")])
    script = rendered.data
    assert "<" not in script and ">" not in script and "\u2028" not in script
    ending = "');\nif (window.healingMapStart) { window.healingMapStart(); }\n"
    assert script.startswith("window.healingMapData = JSON.parse('") and script.endswith(ending)
    inner = script[len("window.healingMapData = JSON.parse('"):-len(ending)]
    assert re.search(r"(?<!\\)(\\\\)*'", inner) is None, "an unescaped quote ends the string"
    assert page_data(rendered)["ev"]["t"] == [title]
    assert title not in rendered.html  # the data is not in the page; the list shows it as text only


# ---------- resilience ----------

def test_filters_work_while_leaflet_is_still_loading(browser):
    """A CDN that hangs holds back the map, not the list and the filters: they start after a grace period."""
    from sync.publish.preview import favicon_svg
    from testing.browser import route_offline

    events = mixed_events()
    context = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="Asia/Tokyo")
    held = []
    try:
        route_offline(context, site={**render(events).files(), "favicon.svg": favicon_svg()})
        context.route("**/leaflet.js", lambda route: held.append(route))  # registered last, so it wins: never answered
        page = context.new_page()
        page.goto(SITE + "index.html", wait_until="commit")
        page.wait_for_function("() => document.querySelector('#hm-count').textContent !== ''")
        assert held and page.evaluate("document.readyState") == "interactive"  # Leaflet still on its way
        page.select_option("#hm-language", label="Spanish")
        assert list_ids(page) == expected_ids(events, language="Spanish")
        assert page.evaluate("document.body.getAttribute('data-map')") is None
    finally:
        for route in held:
            route.abort()
        context.close()


def test_list_and_filters_work_with_the_map_script_blocked(open_page):
    events = mixed_events()
    opened = open_page(render(events), block=("leaflet",), wait_for_map=False)
    page = opened.page
    page.wait_for_selector("#hm-map-message:not([hidden])")
    assert "The map could not load" in page.inner_text("#hm-map-message")
    expected = expected_ids(events)
    assert shown_count(page) == len(expected)
    assert list_ids(page) == expected
    page.select_option("#hm-language", label="Spanish")
    assert list_ids(page) == expected_ids(events, language="Spanish")
    assert opened.js_errors() == []
    assert any("leaflet.js" in url for url in opened.blocked)


def test_map_works_when_tiles_cannot_load(open_page):
    events = mixed_events()
    opened = open_page(render(events), block=("tile.openstreetmap.org",))
    assert_consistent(opened.page, events, expected_ids(events))
    assert opened.js_errors() == []


# ---------- language, accessibility, phones ----------

def test_spanish_switch_changes_every_label_and_is_remembered(open_page):
    events = mixed_events()
    page = open_page(render(events)).page
    page.click("#hm-lang-switch")
    n = len(expected_ids(events))
    assert page.evaluate("document.documentElement.lang") == "es"
    assert page.inner_text("#hm-count") == f"{n} actividades"
    assert page.inner_text("#hm-list-heading") == "Actividades"
    assert page.get_by_role("radio", name="Próximas").is_checked()
    assert page.inner_text(".hm-add") .strip().endswith("Agrega tu actividad")
    assert "Círculo de sanación" in page.locator("#hm-type option").all_inner_texts()
    assert "Español" in page.locator("#hm-language option").all_inner_texts()
    assert page.inner_text("#hm-lang-switch") == "English"
    assert "Actualizado" in page.inner_text("#hm-updated")
    assert re.search(r"(lunes|martes|miércoles|jueves|viernes|sábado|domingo)", page.inner_text("#hm-list .hm-day-heading"))
    assert page.get_attribute(".hm-tool-locate", "aria-label") == "Mostrar mi ubicación"
    assert page.locator(".leaflet-marker-pane .hm-pin").first.get_attribute("aria-label").endswith(("actividad", "actividades", "acercar."))
    page.reload()
    assert page.inner_text("#hm-list-heading") == "Actividades"


def test_keyboard_and_screen_reader_basics(open_page):
    events = mixed_events()
    page = open_page(render(events)).page
    # Every control has a label; every marker is a named button in the tab order.
    unlabeled = page.evaluate("""() => [...document.querySelectorAll('input, select, button')]
        .filter(el => !el.closest('.leaflet-control-zoom'))
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
        .map(el => el.outerHTML.slice(0, 60))""")
    assert unlabeled == []
    for pin in page.locator(".leaflet-marker-pane .hm-pin").all():
        assert pin.get_attribute("role") == "button" and pin.get_attribute("tabindex") == "0"
        assert re.search(r"\d+ activit", pin.get_attribute("aria-label"))
    assert page.locator("h1").count() == 1
    assert page.locator("h2").all_inner_texts()[1] == "Activities"
    # The skip link reaches the list; Enter on a marker opens its popup with focus inside.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "hm-skip-list"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "hm-list-heading"
    page.get_by_role("button", name=re.compile(r"^[^:]+: \d+ activit")).first.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".hm-popup")
    assert page.evaluate("document.activeElement.className") == "hm-popup-title"
    page.keyboard.press("Escape")
    page.wait_for_selector(".hm-popup", state="detached")
    assert "hm-pin-place" in page.evaluate("document.activeElement.className")  # focus back on the marker
    page.keyboard.press(" ")
    page.wait_for_selector(".hm-popup")
    page.keyboard.press("Escape")
    # Enter on a cluster zooms in.
    zoom = page.evaluate("HealingMap.map().getZoom()")
    page.get_by_role("button", name=re.compile(r"activities in this part of the map")).first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("(z) => HealingMap.map().getZoom() > z", arg=zoom)


def test_show_on_map_opens_the_activity_in_its_popup(open_page):
    events = mixed_events()
    page = open_page(render(events)).page
    first = page.locator("#hm-list .hm-item").nth(2)
    title = first.locator(".hm-item-title").inner_text()
    first.get_by_role("button", name="Show on map").click()
    page.wait_for_selector(".hm-popup .hm-highlight")
    assert page.inner_text(".hm-popup .hm-highlight .hm-popup-item-title") == title


def test_locate_me_names_the_community_area(open_page):
    page = open_page(render(mixed_events()), geolocation={"latitude": 41.7943, "longitude": -87.5907},
                     permissions=["geolocation"]).page
    page.click(".hm-tool-locate")
    page.wait_for_function("document.querySelector('.hm-map-status').textContent.includes('Hyde Park')")
    assert page.inner_text(".hm-map-status") == "You are in Hyde Park."


def test_phone_layout(open_page, artifacts):
    events = mixed_events()
    opened = open_page(render(events), viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = opened.page
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    # Filters are collapsed behind one button; the map is on screen; the list is one tap away.
    assert not page.is_visible("#hm-type")
    page.click("#hm-filters-toggle")
    assert page.is_visible("#hm-type") and page.is_visible("#hm-language")
    page.click("#hm-filters-toggle")
    assert page.is_visible(".leaflet-container") and not page.is_visible("#hm-list")
    box = page.locator(".leaflet-container").bounding_box()
    assert box["height"] >= 300
    page.locator(".leaflet-marker-pane .hm-pin-place").first.tap()
    page.wait_for_timeout(600)  # the map pans the popup into view
    popup = page.locator(".leaflet-popup").bounding_box()
    assert popup["x"] >= 0 and popup["x"] + popup["width"] <= PHONE["width"]
    assert popup["y"] >= 0 and popup["y"] + popup["height"] <= PHONE["height"]
    page.screenshot(path=str(artifacts / "map-phone-popup.png"))
    page.keyboard.press("Escape")
    page.get_by_role("button", name=re.compile(r"^List")).tap()
    assert page.is_visible("#hm-list") and not page.is_visible(".leaflet-container")
    assert list_ids(page) == expected_ids(events)
    page.screenshot(path=str(artifacts / "map-phone-list.png"))
    assert opened.errors == []


def test_screenshots(open_page, artifacts):
    events = mixed_events()
    desktop = open_page(render(events)).page
    settle(desktop, len(expected_ids(events)))
    desktop.screenshot(path=str(artifacts / "map-desktop.png"))
    desktop.get_by_role("button", name=re.compile(r"^[^:]+: \d+ activit")).nth(1).click()
    desktop.wait_for_selector(".hm-popup")
    desktop.wait_for_timeout(600)  # the map pans the popup into view
    desktop.screenshot(path=str(artifacts / "map-desktop-popup.png"))
    desktop.keyboard.press("Escape")
    desktop.wait_for_selector(".hm-popup", state="detached")
    desktop.click("#hm-lang-switch")
    desktop.screenshot(path=str(artifacts / "map-desktop-es.png"))
    phone = open_page(render(events), viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).page
    settle(phone, len(expected_ids(events)))
    phone.screenshot(path=str(artifacts / "map-phone.png"))
    phone.click("#hm-filters-toggle")
    phone.screenshot(path=str(artifacts / "map-phone-filters.png"))
    for name in ("map-desktop.png", "map-desktop-popup.png", "map-desktop-es.png", "map-phone.png", "map-phone-filters.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000


def test_coverage_tooltip_names_the_area_and_its_count(open_page):
    events = [event(1, area=8), event(2, area=8, day=2), event(3, area=32)]
    page = open_page(render(events)).page
    point = page.evaluate("""() => {
        // A point inside a community-area outline, away from the markers.
        for (const path of document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive')) {
            const box = path.getBoundingClientRect();
            const x = box.left + box.width / 2, y = box.top + box.height / 2;
            if (document.elementFromPoint(x, y) === path) return {x, y};
        }
    }""")
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator(".hm-area-tooltip")
    tooltip.wait_for()
    assert re.fullmatch(r"[A-Z][\w' .-]+: (no activities shown|\d+ activit(y|ies) shown)", tooltip.inner_text())
    # Areas without activities are hatched; areas with some are shaded.
    fills = page.eval_on_selector_all(".leaflet-overlay-pane path.leaflet-interactive", "ps => ps.map(p => p.getAttribute('fill'))")
    assert fills.count("url(#hm-hatch)") == 77 - 2 and len(fills) == 77
    assert "2" in page.inner_text(".hm-legend") and "None yet" in page.inner_text(".hm-legend")
    assert page.inner_text("#hm-coverage-summary") == "2 of 77 community areas have activities shown"


def test_no_activities_yet(open_page):
    opened = open_page(render([]))
    page = opened.page
    assert page.inner_text("#hm-count") == "0 activities shown"
    assert "No activities have been published yet" in page.inner_text("#hm-notice")
    assert page.get_attribute(".hm-add", "href") == "https://forms.gle/together-we-heal"
    # launch day: the list invites the first activity, in the page's language
    assert page.inner_text("#hm-notice .hm-first") == "Be the first to add your activity"
    assert page.get_attribute("#hm-notice .hm-first", "href") == "https://forms.gle/together-we-heal"
    assert opened.errors == []


def test_language_from_the_address_and_label_overrides(open_page):
    cfg = config()
    cfg = cfg.model_copy(update={"map": cfg.map.model_copy(update={"labels": {"es": {"add_activity": "Suma tu actividad"}}})})
    page = open_page(render(mixed_events(), cfg=cfg)).page
    page.goto(page.url + "?lang=es")
    page.wait_for_selector(".leaflet-container")
    assert page.inner_text(".hm-add").strip().endswith("Suma tu actividad")
    assert page.evaluate("document.documentElement.lang") == "es"


def test_past_the_limit_the_page_aggregates_and_says_so(open_page):
    """Over map.max_activities: the soonest are listed and pinned, the shading counts them all."""
    cfg = config()
    cfg = cfg.model_copy(update={"map": cfg.map.model_copy(update={"max_activities": 100})})
    upcoming = [event(n, area=1 + n % 3, day=1 + n % 40) for n in range(120)]
    long_past = [event(200 + n, area=4, day=-20) for n in range(30)]  # only counted, never listed
    page = open_page(render(upcoming + long_past, cfg=cfg)).page
    assert "this page lists and pins the 100 soonest of 150" in page.inner_text("#hm-notice")
    page.check("input[name=hm-when][value=all]")
    soonest = sorted(upcoming, key=lambda e: (e["starts_at"], e["title"].casefold()))[:100]
    assert_consistent(page, upcoming, [e["id"] for e in soonest])
    assert page.inner_text("#hm-coverage-summary").startswith("4 of 77")
