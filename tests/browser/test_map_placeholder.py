"""The map placeholder (``map-placeholder.png``) in headless Chromium: the map box's first paint.

The page shows the coverage map the sync drew in the map box from its first paint, so that a slow
phone's largest paint is that picture rather than a tile that waits for Leaflet; the live map,
opaque, covers it once it starts, and where Leaflet never loads the picture stays.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from sync.locate.geography import load_geography
from sync.publish.preview import PLACEHOLDER, PLACEHOLDER_SIZE, placeholder_png, shaded_at_first
from sync.publish.rules import HATCH, SHADES
from testing.browser import ASSETS
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.pages import CHICAGO, NOW, config, mixed_events, render
from tests.test_map_placeholder import pixel_of

pytestmark = pytest.mark.browser

AXE = ASSETS / "axe-core" / "axe.min.js"
IMG = "#hm-map img.hm-map-placeholder"
#: The frame fitCity() (map_layers.js) fits the city in: left, top, right (narrower than 700px, wider), bottom.
FRAME = (48, 8, (8, 250), 8)
#: From the page's very start: its largest paints and its layout shifts.
WATCH = """
window.__paints = []; window.__shifts = [];
new PerformanceObserver(list => list.getEntries().forEach(e => window.__paints.push(e.element)))
    .observe({type: 'largest-contentful-paint', buffered: true});
new PerformanceObserver(list => list.getEntries().forEach(e => window.__shifts.push(e)))
    .observe({type: 'layout-shift', buffered: true});
"""


@pytest.fixture(scope="module")
def page_and_files():
    """The page of past and upcoming activities, and the placeholder the sync would draw for it."""
    events = mixed_events()
    shaded = shaded_at_first(events, now=NOW, tz=CHICAGO, limit=config().map.max_activities)
    return render(events), {PLACEHOLDER: placeholder_png(shaded, areas=load_geography().outlines)}


def opened_without_leaflet(open_page, page_and_files, **options):
    """The page with Leaflet's script refused, once it has said that the map cannot load."""
    site, files = page_and_files
    opened = open_page(site, files=files, block=("leaflet",), wait_for_map=False, **options)
    opened.page.wait_for_selector("#hm-map-message:not([hidden])")
    loaded(opened.page)
    return opened


def loaded(page) -> None:
    """Until the placeholder has been fetched and decoded; it must be the sync's picture."""
    page.wait_for_function(f"() => document.querySelector('{IMG}')?.complete", timeout=10_000)
    assert page.eval_on_selector(IMG, "img => [img.naturalWidth, img.naturalHeight]") == list(PLACEHOLDER_SIZE)


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def colours(png: bytes) -> set[tuple[int, int, int]]:
    return {colour for _, colour in Image.open(io.BytesIO(png)).convert("RGB").getcolors(1 << 22)}


def centre(page) -> tuple[float, float]:
    box = page.locator(IMG).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


@pytest.mark.parametrize("address", ["index.html", "embed.html"])
def test_without_leaflet_the_picture_stays_in_the_map_box_under_the_message(open_page, page_and_files, address):
    opened = opened_without_leaflet(open_page, page_and_files, address=address)
    page = opened.page
    assert page.is_visible(IMG) and page.is_visible("#hm-map-message")
    shown = colours(page.locator("#hm-map").screenshot(animations="disabled"))
    assert {rgb(SHADES[-1]), rgb(HATCH["stripe"])} <= shown  # the shading and the hatching, as drawn
    assert opened.js_errors() == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_it_is_the_largest_paint(open_page, page_and_files, viewport):
    site, files = page_and_files
    page = open_page(site, files=files, viewport=viewport, init_script=WATCH).page
    loaded(page)
    assert page.evaluate("() => window.__paints.at(-1)?.className") == "hm-map-placeholder"


@pytest.mark.parametrize("arrived", [True, False], ids=["arrived", "not-arrived"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_it_is_framed_as_leaflet_frames_the_city_before_it_arrives_too(open_page, page_and_files, viewport, arrived):
    site, files = page_and_files
    page = open_page(site, files=files if arrived else {PLACEHOLDER: b"never arrives"}, viewport=viewport,
                     init_script=WATCH).page
    page.wait_for_function(f"() => document.querySelector('{IMG}')?.complete", timeout=10_000)
    assert page.eval_on_selector(IMG, "img => img.naturalWidth") == (PLACEHOLDER_SIZE[0] if arrived else 0)
    found = page.evaluate(f"""() => [document.getElementById('hm-map'), document.querySelector('{IMG}')]
        .map(e => {{ const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }})""")
    (left, top, right, bottom), img = found
    wide = right - left >= 700
    assert img == pytest.approx([left + FRAME[0], top + FRAME[1], right - FRAME[2][wide], bottom - FRAME[3]], abs=0.5)
    moved = """() => window.__shifts.flatMap(e => e.sources).map(s => s.node)
        .filter(n => n && n.closest && n.closest('#hm-map-section') && !n.closest('.leaflet-container'))
        .map(n => n.outerHTML.slice(0, 80))"""
    assert page.evaluate(moved) == []  # nothing in the map box moved but Leaflet's own controls


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_the_live_map_covers_it_once_ready(open_page, page_and_files, viewport):
    site, files = page_and_files
    page = open_page(site, files=files, viewport=viewport).page
    loaded(page)
    page.wait_for_function("() => [...document.querySelectorAll('.leaflet-tile')].every(t => t.complete)")
    box = page.locator("#hm-map").bounding_box()
    with_it = page.screenshot(clip=box, animations="disabled")
    page.eval_on_selector(IMG, "img => { img.style.visibility = 'hidden'; }")
    assert page.screenshot(clip=box, animations="disabled") == with_it


def test_its_shades_are_the_live_maps_when_it_opens(open_page, page_and_files):
    site, files = page_and_files
    page = open_page(site, files=files).page
    fills = page.evaluate("""() => {
        const fills = {};
        window.HealingMap.map().eachLayer(l => {
            if (l.feature && l.options.fillColor && l.options.fillColor !== '#0b6e6a') {  // not a side's region
                fills[l.feature.properties.number] = l.options.fillColor;
            }
        });
        return fills;
    }""")
    picture, areas = Image.open(io.BytesIO(files[PLACEHOLDER])).convert("RGB"), load_geography().areas
    assert len(fills) == len(areas) and {f for f in fills.values() if f.startswith("#")} <= set(SHADES)
    hatched = {rgb(HATCH["background"]), rgb(HATCH["stripe"])}
    for number, fill in fills.items():
        drawn = picture.getpixel(pixel_of(areas[int(number)].lon, areas[int(number)].lat))
        assert drawn in hatched if fill == "url(#hm-hatch)" else drawn == rgb(fill), areas[int(number)].name


def test_it_never_takes_a_click(open_page, page_and_files):
    page = opened_without_leaflet(open_page, page_and_files).page
    x, y = centre(page)
    assert page.evaluate(f"() => document.elementsFromPoint({x}, {y}).some(e => e.matches('{IMG}'))") is False
    site, files = page_and_files
    page = open_page(site, files=files).page
    loaded(page)
    page.evaluate("() => document.addEventListener('click', e => { window.__clicked = e.target; }, true)")
    page.mouse.click(*centre(page))
    assert page.evaluate("() => !!window.__clicked?.closest('.leaflet-container')") is True


def test_without_javascript_it_is_hidden_with_the_map(open_page, page_and_files):
    site, files = page_and_files
    page = open_page(site, files=files, viewport=PHONE, wait_for_map=False, java_script_enabled=False).page
    assert page.locator(IMG).count() == 1
    assert not page.is_visible(IMG)


@pytest.mark.parametrize("leaflet", [True, False], ids=["map", "no-leaflet"])
def test_axe_finds_no_violation_with_it(open_page, page_and_files, leaflet):
    if not AXE.is_file():
        pytest.skip(f"axe-core is missing at {AXE} (npm install of tests/browser/package.json)")
    if leaflet:
        site, files = page_and_files
        page = open_page(site, files=files).page
        loaded(page)
    else:
        page = opened_without_leaflet(open_page, page_and_files).page
    assert page.locator(IMG).get_attribute("alt") == ""  # decorative: the list and the live map say it all
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
