"""Markers and clusters keep clear of each other (WCAG 2.5.8, axe-core's ``target-size``).

Lighthouse's mobile run of the 300-activity page lost its accessibility 100 on axe's ``target-size``: a
place marker partly under a neighbouring cluster icon. These tests open pages dense enough to show
it, at Lighthouse's phone (412 × 823 at 1.75×, touch) and at desktop size: the 300 activities the
Lighthouse bench publishes (``testing.synthetic`` through the real sync, the bench's seed and "now"),
and a hand-built page with every community area and one place of over 1,000 activities (the
largest icons). They hold the map to the rule that keeps icons apart (map_layers.js, docs/map.md) at
every zoom a visitor can reach, run axe at the first view and after zooming in as a visitor does
(the largest cluster, then "+"), and check that clusters still split and "Show on map" still finds
its marker.

axe's ``target-size`` rule is off by default (Lighthouse turns it on), so it is asked for by name.
"""

from __future__ import annotations

import csv
from datetime import datetime

import pytest

from testing.browser import ASSETS
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.pages import event, render

pytestmark = pytest.mark.browser

AXE = ASSETS / "axe-core" / "axe.min.js"
#: Lighthouse's mobile preset (Moto G Power), as bench/lighthouse.py runs it.
LIGHTHOUSE_PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True,
                    "has_touch": True}
SIZES = {"phone": LIGHTHOUSE_PHONE, "desktop": {"viewport": DESKTOP}}
#: axe as issue 13 asks for it: desktop and 375 px too.
AXE_SIZES = {**SIZES, "375px": {"viewport": PHONE, "is_mobile": True, "has_touch": True}}
#: The bench's "now" and seed (bench/lighthouse.py), so the bench page is the page Lighthouse scored.
BENCH_NOW = datetime.fromisoformat("2026-11-25T12:00:00-06:00")
BENCH_SEED = 2026

#: Until markercluster has drawn every pinned activity shown (at the first view the whole city is in view).
ALL_PINNED = """() => {
    if (!window.HealingMap || !HealingMap.map()) { return false; }
    const pins = [...document.querySelectorAll('.leaflet-marker-pane .hm-pin')];
    const drawn = pins.reduce((a, p) => a + Number(p.textContent.replace(/\\D/g, '')), 0);
    const box = document.querySelector('.leaflet-container').dataset;
    const sides = (box.sides || '').split(',').filter(Boolean).reduce((a, s) => a + Number(s.split(':').pop()), 0);
    return pins.length > 0 && drawn + Number(box.citywide || 0) + sides === HealingMap.state().shown.length;
}"""

#: The map's icons now: their names, whether they are clusters, the pairs whose boxes overlap (by
#: how many px each way) and those whose number is wider than their circle at the number's height.
ICONS = """() => {
    const icons = [...document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')].map(e => ({
        name: e.getAttribute('aria-label'), cluster: e.classList.contains('hm-pin-cluster'),
        box: e.getBoundingClientRect(), text: e.firstElementChild.getBoundingClientRect()}));
    const pairs = [], cramped = [];
    icons.forEach((a, i) => icons.slice(i + 1).forEach(b => {
        const x = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
        const y = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
        if (x > 0 && y > 0) { pairs.push(`${a.name} / ${b.name} overlap by ${Math.round(x)} × ${Math.round(y)} px`); }
    }));
    for (const i of icons) {
        const r = i.box.width / 2 - 2, h = i.text.height / 2;  // inside the 2 px border
        if (i.text.width > 2 * Math.sqrt(r * r - h * h)) { cramped.push(`${i.name}: ${i.text.width} px of text`); }
    }
    return {icons: icons.length, clusters: icons.filter(i => i.cluster).length, pairs, cramped};
}"""

#: ICONS at each zoom of ``zooms``; set without animation, so markercluster has redrawn when setZoom returns.
SWEEP = """(zooms) => zooms.map(zoom => {
    HealingMap.map().setZoom(zoom, {animate: false});
    return Object.assign({zoom: HealingMap.map().getZoom()}, (ICONS)());
})""".replace("ICONS", ICONS)


# ---------- the pages ----------

def dense_events() -> list[dict]:
    """Every community area, with 1 to 29 activities (a fixed spread), and 1,050 in the Loop."""
    out, n = [], 0
    for area in range(1, 78):
        for k in range(1_050 if area == 32 else (area * 37) % 29 + 1):
            n += 1
            out.append(event(n, area=area, day=k % 20, hour=9 + k % 10))
    return out


def _write_rows(path, headers: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(rows)


def bench_events(folder, activities: int = 300) -> list[dict]:
    """The events the sync publishes from the bench's synthetic responses, cut as bench/lighthouse.py cuts them."""
    from sync.config import load_config
    from sync.pipeline import run_sync
    from sync.records import Status
    from testing.forms import write_config
    from testing.synthetic import generate_responses

    headers, rows = generate_responses(int(activities / 0.55) + 200, seed=BENCH_SEED)
    source = folder / "responses.csv"
    config = load_config(write_config(folder, source={"kind": "file", "path": str(source)}))
    cut = len(rows)
    for _ in range(6):  # a repeat submission cut off can change an earlier row's status
        _write_rows(source, headers, rows[:cut])
        result = run_sync(config, now=BENCH_NOW, dry_run=True, force=True)
        published = sorted(r.row_number for r in result.responses if r.status is Status.PUBLISHED)
        if len(published) <= activities:
            break
        cut = published[activities - 1] - 1  # row numbers count the header as row 1
    assert len(result.events) == activities
    return result.events


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """``pages("bench")`` or ``pages("dense")``: the page, made once for the module."""
    made = {}

    def page(name: str):
        if name not in made:
            made[name] = (render(dense_events()) if name == "dense"
                          else render(bench_events(tmp_path_factory.mktemp("bench")), now=BENCH_NOW))
        return made[name]
    return page


# ---------- driving the map ----------

def open_map(open_page, html, size: str):
    page = open_page(html, **AXE_SIZES[size]).page
    page.wait_for_function(ALL_PINNED, timeout=10_000)
    return page


def after_move(page, act) -> None:
    """Do ``act`` (a zoom), then wait until the map has moved and markercluster has redrawn.

    markercluster redraws in its own zoomend/moveend listeners, which were added before this one.
    """
    page.evaluate("() => { window.hmMoved = false; HealingMap.map().once('moveend', () => { window.hmMoved = true }) }")
    act()
    page.wait_for_function("() => window.hmMoved === true", timeout=5_000)


def axe(page, *, only_target_size: bool) -> list[dict]:
    """axe-core's failing elements, from all rules with target-size on, or from target-size alone.

    Each: the rule, the element, axe's messages and what is in its way (``controls``: whether all of
    that is one of Leaflet's map controls).
    """
    if not AXE.is_file():
        pytest.skip(f"axe-core is missing at {AXE} (npm install of tests/browser/package.json)")
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE))
    options = ("{runOnly: {type: 'rule', values: ['target-size']}, resultTypes: ['violations']}" if only_target_size
               else "{rules: {'target-size': {enabled: true}}, resultTypes: ['violations']}")
    return page.evaluate("""async (options) => {
        const found = (await axe.run(document, options)).violations;
        const control = r => !!document.querySelector(r.target[0])?.closest('.leaflet-control-container');
        return found.flatMap(v => v.nodes.map(node => {
            const checks = [...node.any, ...node.all, ...node.none];
            const related = checks.flatMap(c => c.relatedNodes || []);
            return {rule: v.id, element: node.html.slice(0, 100), message: checks.map(c => c.message).join('; '),
                    in_the_way: related.map(r => r.html.slice(0, 80)),
                    controls: related.length > 0 && related.every(control)};
        }));
    }""", page.evaluate(f"() => ({options})"))


def lines(found: list[dict]) -> str:
    return "\n".join(f"{f['rule']}: {f['element']} — {f['message']} — in the way: {f['in_the_way']}" for f in found)


def counts(page, selector: str) -> list[int]:
    return page.eval_on_selector_all(selector, "cs => cs.map(c => Number(c.textContent.replace(/\\D/g, '')))")


def zoom_into_largest_cluster(page) -> None:
    """Select the cluster with the most activities, as a visitor would: the map zooms in and it splits."""
    clusters = counts(page, ".leaflet-marker-pane .hm-pin-cluster")
    assert clusters, "no cluster at the first view: the page is not dense enough to test anything"
    zoom = page.evaluate("() => HealingMap.map().getZoom()")
    largest = page.locator(".leaflet-marker-pane .hm-pin-cluster").nth(clusters.index(max(clusters)))
    after_move(page, largest.click)
    assert page.evaluate("() => HealingMap.map().getZoom()") > zoom, "selecting a cluster did not zoom in"
    assert max(counts(page, ".leaflet-marker-pane .hm-pin")) < max(clusters), "the cluster selected did not split"


# ---------- the tests ----------

@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", ["bench", "dense"])
def test_no_two_icons_overlap_and_every_number_fits_at_any_zoom(open_page, pages, name, size):
    """A zoom below the first view to street level, every quarter zoom (the page's zoomSnap)."""
    page = open_map(open_page, pages(name), size)
    first = page.evaluate("() => HealingMap.map().getZoom()")
    zooms = [quarter / 4 for quarter in range(int(first * 4) - 4, 15 * 4 + 3)]
    views = page.evaluate(SWEEP, zooms)
    assert [v["zoom"] for v in views] == zooms
    seen = {"icons": sum(v["icons"] for v in views), "clusters": sum(v["clusters"] for v in views)}
    assert seen["clusters"] > 20 and seen["icons"] > 100, f"too few icons to test anything: {seen}"
    overlaps = [f"zoom {v['zoom']}: {pair}" for v in views for pair in v["pairs"]]
    assert not overlaps, f"{len(overlaps)} pairs of map icons overlap:\n" + "\n".join(overlaps[:20])
    cramped = [f"zoom {v['zoom']}: {icon}" for v in views for icon in v["cramped"]]
    assert not cramped, "numbers wider than their icons:\n" + "\n".join(cramped[:20])


@pytest.mark.parametrize("size", AXE_SIZES)
@pytest.mark.parametrize("name", ["bench", "dense"])
def test_axe_finds_no_violation_at_the_first_view(open_page, pages, name, size):
    """What Lighthouse checks: the page as it opens, every axe rule and target-size."""
    page = open_map(open_page, pages(name), size)
    found = axe(page, only_target_size=False)
    assert not found, f"axe at the first view ({page.evaluate('() => HealingMap.map().getZoom()')}):\n" + lines(found)


@pytest.mark.parametrize("size", AXE_SIZES)
@pytest.mark.parametrize("name", ["bench", "dense"])
def test_zoomed_in_no_icon_is_in_another_targets_way(open_page, pages, name, size):
    """After selecting the largest cluster, then after "+": axe's target-size.

    A marker the map has moved under one of Leaflet's controls (zoom, tools, legend, attribution) is
    still reported by axe; that is known and not what these icons' rule can prevent (docs/map.md), so
    those findings are set aside here, and only those.
    """
    page = open_map(open_page, pages(name), size)
    zoom_into_largest_cluster(page)
    found = [f for f in axe(page, only_target_size=True) if not f["controls"]]
    assert not found, "axe's target-size after selecting the largest cluster:\n" + lines(found)
    after_move(page, lambda: page.click(".leaflet-control-zoom-in"))
    found = [f for f in axe(page, only_target_size=True) if not f["controls"]]
    assert not found, "axe's target-size after zooming in once more:\n" + lines(found)


@pytest.mark.parametrize("size", SIZES)
def test_show_on_map_still_reveals_a_marker_hidden_in_a_cluster(open_page, pages, size):
    page = open_map(open_page, pages("dense"), size)
    marker = ".leaflet-marker-pane .hm-pin-place[aria-label='Rogers Park: 9 activities']"
    assert page.locator(marker).count() == 0, "Rogers Park is not in a cluster at the first view: nothing to reveal"
    if size == "phone":
        page.click("#hm-view-list")
    item = page.locator("#hm-list .hm-item").first  # activity 1, in Rogers Park
    title = item.locator(".hm-item-title").inner_text()
    item.get_by_role("button", name="Show on map").click()
    page.wait_for_selector(".hm-popup .hm-highlight")
    assert page.inner_text(".hm-popup .hm-highlight .hm-popup-item-title") == title
    assert page.locator(marker).count() == 1
    assert page.evaluate(ICONS)["pairs"] == []
