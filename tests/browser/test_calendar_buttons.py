""""Add to calendar" on cards and popups, and "Subscribe", in headless Chromium (map_calendar.js).

The browser runs in Tokyo time (conftest): the Google Calendar link must carry Chicago wall-clock
times with ctz, and the .ics link must reach the file the sync wrote for that activity.
"""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest

from testing.browser import ASSETS
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.pages import ROOT, XSS, config, event, published_page, render

pytestmark = pytest.mark.browser

AXE = ASSETS / "axe-core" / "axe.min.js"


def events() -> list[dict]:
    """A timed activity, one without an end, one without a start time (all day), and a citywide one."""
    return [
        event(1, area=31, day=0, hour=18, minutes=90, title="Circle in Pilsen"),
        event(2, area=8, day=1, hour=10, minutes=0, title="Morning talk", type="Storytelling"),
        event(3, area=31, day=2, starts_at="", ends_at="", title="All-day vigil"),
        event(4, area=None, day=3, hour=19, title="Online <b>circle</b>", description="Bring <script>tea</script>"),
    ]


def google(page, selector: str) -> dict:
    href = page.get_attribute(selector, "href")
    parts = urlsplit(href)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "calendar.google.com", "/calendar/render")
    return {k: v[0] for k, v in parse_qs(parts.query).items()}


def card(eid: str) -> str:
    return f"#activity-{eid}"


def test_every_card_has_an_ics_file_link_and_a_google_calendar_link(open_page):
    opened = open_page(render(events()))
    page = opened.page
    page.get_by_role("radio", name="All").check()
    for e in events():
        assert page.get_attribute(f"{card(e['id'])} a.hm-cal-ics", "href") == f"calendar/event/{e['id']}.ics"
    timed = google(page, f"{card('ev0001')} a.hm-cal-google")
    assert timed == {"action": "TEMPLATE", "text": "Circle in Pilsen", "dates": "20261120T180000/20261120T193000",
                     "ctz": "America/Chicago", "location": "Lower West Side, Chicago",
                     "details": "Description of activity 1.\n\nJoin or register: https://example.org/join/1"}
    assert google(page, f"{card('ev0002')} a.hm-cal-google")["dates"] == "20261121T100000/20261121T110000"  # +1 h
    assert google(page, f"{card('ev0003')} a.hm-cal-google")["dates"] == "20261122/20261123"  # all day
    citywide = google(page, f"{card('ev0004')} a.hm-cal-google")
    assert (citywide["text"], citywide["location"]) == ("Online ‹b›circle‹/b›", "Citywide or virtual")
    assert "‹script›tea‹/script›" in citywide["details"] and "<" not in citywide["details"]
    link = page.locator(f"{card('ev0001')} a.hm-cal-google")
    assert (link.get_attribute("target"), link.get_attribute("rel")) == ("_blank", "noopener noreferrer")
    assert page.locator(f"{card('ev0001')} a.hm-cal-ics").inner_text().startswith("Add to calendar")
    assert opened.js_errors() == []


def test_popups_have_them_too_and_both_follow_the_language(open_page):
    page = open_page(render(events())).page
    page.get_by_role("radio", name="All").check()
    page.click("#hm-lang-switch")
    assert page.locator(f"{card('ev0001')} a.hm-cal-ics").inner_text().startswith("Agregar al calendario")
    assert google(page, f"{card('ev0004')} a.hm-cal-google")["location"] == "En toda la ciudad o virtual"
    page.locator(".leaflet-marker-pane .hm-pin-place").first.click()
    popup = page.locator(".hm-popup")
    popup.wait_for()
    ids = popup.locator("a.hm-cal-ics").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert ids and all(h.startswith("calendar/event/ev") for h in ids)
    assert popup.locator("a.hm-cal-google").count() == len(ids)
    assert popup.locator("a.hm-cal-ics").first.inner_text().startswith("Agregar al calendario")


def test_subscribe_offers_the_feed_of_the_filters_in_use(open_page):
    cfg = config()
    cfg = cfg.model_copy(update={"map": cfg.map.model_copy(update={"public_url": "https://healingmap.example.org/"})})
    page = open_page(render(events(), cfg=cfg)).page
    page.click("#hm-subscribe summary")
    names = page.locator("#hm-feeds .hm-feed-name")
    assert names.all_inner_texts() == ["All activities"]
    assert page.input_value("#hm-feeds .hm-feed-address") == "https://healingmap.example.org/calendar.ics"
    assert page.get_attribute("#hm-feeds a.hm-feed-open", "href") == "webcal://healingmap.example.org/calendar.ics"
    page.select_option("#hm-type", label="Storytelling")
    assert names.all_inner_texts() == ["All activities", "Type: Storytelling"]
    assert page.locator("#hm-feeds .hm-feed-address").nth(1).input_value() == \
        "https://healingmap.example.org/calendar/type-storytelling.ics"
    page.select_option("#hm-type", index=0)
    page.locator(".leaflet-marker-pane .hm-pin-place").first.click()  # a place: its community area's feed
    page.locator(".hm-popup .hm-popup-more").click()
    assert names.all_inner_texts()[1].startswith("Activities in ")
    assert page.locator("#hm-feeds .hm-feed-address").nth(1).input_value().startswith(
        "https://healingmap.example.org/calendar/area-")
    page.locator("#hm-feeds .hm-feed button").first.click()  # copy: the browser may refuse the clipboard;
    assert page.evaluate("document.activeElement.value") == "https://healingmap.example.org/calendar.ics"


def test_without_a_public_url_the_links_are_relative_and_there_is_no_webcal(open_page):
    page = open_page(render(events())).page
    page.click("#hm-subscribe summary")
    assert page.locator("#hm-feeds a.hm-feed-open").count() == 0
    assert page.input_value("#hm-feeds .hm-feed-address") == "https://healing-map.test/calendar.ics"  # from the page


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    """The bundled sample synced: the page and every calendar file, as a static host would serve them."""
    import shutil

    folder = tmp_path_factory.mktemp("synced")
    shutil.copytree(ROOT / "config", folder / "config")
    run = subprocess.run([sys.executable, "-m", "sync", "sync", "--config", str(folder / "config" / "healing-map.toml"),
                          "--now", "2026-11-20T09:00:00-06:00"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    public = folder / "output" / "public"
    files = {str(p.relative_to(public)): p.read_text(encoding="utf-8") for p in public.rglob("*.ics")}
    return published_page(public), files


def test_each_cards_ics_link_reaches_its_activitys_file(open_page, synced):
    html, files = synced
    page = open_page(html, files=files).page
    page.get_by_role("radio", name="All").check()
    while page.is_visible("#hm-more"):
        page.click("#hm-more")
    hrefs = page.locator("#hm-list a.hm-cal-ics").evaluate_all("as => as.map(a => a.href)")
    ids = page.locator("#hm-list .hm-item").evaluate_all("li => li.map(x => x.dataset.id)")
    assert len(hrefs) == len(ids) > 150
    bodies = page.evaluate("""async (urls) => Promise.all(urls.map(async (u) => {
        const r = await fetch(u); return [r.status, r.headers.get('content-type'), await r.text()]; }))""", hrefs[:40])
    for eid, (status, kind, body) in zip(ids, bodies):
        assert status == 200 and kind.startswith("text/calendar"), eid
        assert f"UID:{eid}@healing-map.chicago" in body and body.count("BEGIN:VEVENT") == 1


def test_without_the_script_each_listed_activity_links_its_calendar_file(open_page, synced):
    html, files = synced
    page = open_page(html, files=files, wait_for_map=False, java_script_enabled=False).page
    ids = page.locator("#hm-list .hm-item").evaluate_all("li => li.map(x => x.dataset.id)")
    hrefs = page.locator("#hm-list a.hm-cal-ics").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert len(ids) > 50 and hrefs == [f"calendar/event/{i}.ics" for i in ids]
    assert all(href in files for href in hrefs)  # the sync wrote each one
    assert page.locator("#hm-list a.hm-cal-ics").first.text_content() == "Add to calendar: " + page.locator(
        "#hm-list .hm-item-title").first.text_content() + " (calendar file)"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_axe_finds_no_violation_with_the_calendar_links_and_subscribe_open(open_page, viewport):
    if not AXE.is_file():
        pytest.skip(f"axe-core is missing at {AXE} (npm install of tests/browser/package.json)")
    page = open_page(render(events()), viewport=viewport).page
    if viewport == PHONE:
        page.click("#hm-view-list")
        page.click("#hm-filters-toggle")
    page.get_by_role("radio", name="All").check()
    page.click("#hm-subscribe summary")
    page.select_option("#hm-type", label="Storytelling")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []


def test_payloads_stay_text_in_the_links(open_page):
    payloads = [event(n, area=31, day=0, hour=10 + n % 8, title=f"T{n} {p}", description=p) for n, p in enumerate(XSS)]
    opened = open_page(render(payloads))
    page = opened.page
    page.get_by_role("radio", name="All").check()
    hrefs = page.locator("#hm-list a.hm-cal-google").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert len(hrefs) == len(XSS)
    for href in hrefs:
        assert href.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE&text=")
        query = parse_qs(urlsplit(href).query)
        assert all("<" not in v[0] and ">" not in v[0] for v in query.values())
    assert page.locator("#hm-list .hm-cal script, #hm-list .hm-cal img, #hm-list .hm-cal svg").count() == 0
    assert opened.js_errors() == []
