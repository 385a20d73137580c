"""The public map page at scale: its size, and the time to markers in headless Chromium, offline.

For each size (1,000 and 10,000 activities by default) it renders the page of
``sync.publish.map_page`` and, for comparison, a plain folium map with one ``Marker`` and popup
per activity, then opens each in Debian's chromium with every CDN asset served from
``tests/.assets`` and blank tiles (tests/browser/assets.py). "Markers" is the time from navigation
start to the first frame painted after the first marker reached the DOM (a folium ``Marker`` page
adds all of its markers in one script, so that frame comes only once they are all in).

Budgets (issue 5): page < 1.5 MB and markers < 1 s for 10,000 activities on a 2-core machine.

The activities come from ``bench.synthetic.generate_responses`` run through the real pipeline
(dry run, offline locator), sampled down to each size; ``--source direct`` builds them directly
instead (faster, no pipeline needed).

    python -m bench.map_page --sizes 1000 10000 --runs 3
"""

from __future__ import annotations

import argparse
import html
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / ".results" / "map_page.json"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("America/Chicago"))
BUDGET_BYTES = 1_500_000
BUDGET_MS = 1_000

_TITLES = [
    "Healing circle: {topic}", "Community conversation on {topic}", "{place} talks: {topic}",
    "Stories of {topic}", "Faith and {topic}: an evening of reflection", "Youth voices on {topic}",
    "Workshop: {topic} in our neighborhood", "Círculo de sanación: {topic_es}", "Conversación comunitaria: {topic_es}",
    "Rozmowa o {topic_pl}", "Art night 🎨 {topic}",
]
_TOPICS = ["race and belonging", "the Red Summer of 1919", "housing and redlining", "healing after violence",
           "our grandparents' migration", "schools and equity", "policing and trust", "joy and resilience"]
_TOPICS_ES = ["raza y pertenencia", "nuestras historias", "sanar juntos", "la migración de nuestras familias"]
_TOPICS_PL = ["rasie i przynależności", "naszych sąsiadach", "historii Chicago"]
_HOSTS = ["https://us02web.zoom.us/j/", "https://www.eventbrite.com/e/", "https://meet.google.com/",
          "https://www.facebook.com/events/", "https://forms.gle/", "https://www.chipublib.org/events/"]
_WORDS = ("we will gather in a circle to listen share and heal together all are welcome light snacks "
          "provided bring a friend this conversation is facilitated by trained neighbors").split()


def synthetic_events(n: int, *, seed: int = 2026) -> list[dict]:
    """``n`` published activities in the shape the publish stage hands to ``render_map_page``."""
    from sync.config import ValidationConfig
    from sync.locate.geography import load_geography

    rng = random.Random(seed)
    areas = list(load_geography().areas.values())
    types = ValidationConfig().event_types
    languages = ValidationConfig().languages
    orgs = [f"{rng.choice(['Southside', 'Northside', 'Westside', 'Lakeview', 'Pilsen'])} "
            f"{rng.choice(['Healing Collective', 'Neighbors United', 'Faith Coalition', 'Youth Council', 'Arts Center'])}"
            for _ in range(400)]
    events = []
    start_day = datetime(2026, 11, 2, tzinfo=ZoneInfo("America/Chicago"))
    for i in range(n):
        area = rng.choice(areas)
        citywide = rng.random() < 0.08
        starts = start_day + timedelta(days=rng.randrange(76), hours=rng.choice([10, 12, 17, 18, 19]),
                                       minutes=rng.choice([0, 30]))
        title = rng.choice(_TITLES).format(topic=rng.choice(_TOPICS), topic_es=rng.choice(_TOPICS_ES),
                                          topic_pl=rng.choice(_TOPICS_PL), place=area.name)
        words = rng.randrange(5, 120) if rng.random() < 0.95 else 1200
        events.append({
            "id": f"{rng.getrandbits(48):012x}",
            "title": title,
            "organization": rng.choice(orgs) if rng.random() < 0.7 else "",
            "type": rng.choice(types),
            "type_detail": "",
            "description": " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + ".",
            "date": starts.date().isoformat(),
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(minutes=rng.choice([60, 90, 120]))).isoformat() if rng.random() < 0.8 else "",
            "languages": rng.sample(languages[:4], rng.choice([1, 1, 1, 2])),
            "link": rng.choice(_HOSTS) + f"{rng.getrandbits(40)}",
            "community_area": None if citywide else area.number,
            "community_area_name": "" if citywide else area.name,
            "precision": "citywide" if citywide else "community_area",
            "place": "Citywide" if citywide else area.name,
            "lat": None if citywide else area.lat,
            "lon": None if citywide else area.lon,
        })
    events.sort(key=lambda e: (e["starts_at"], e["title"].casefold()))
    return events


def pipeline_events(n: int, *, seed: int = 2026) -> list[dict]:
    """``n`` activities published by the real pipeline from synthetic form responses."""
    from bench.pipeline import write_inputs
    from sync.config import load_config
    from sync.pipeline import run_sync

    rows = int(n / 0.55) + 200
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(write_inputs(Path(tmp), rows, seed))
        events = run_sync(config, now=NOW, dry_run=True, force=True).events
    if len(events) < n:
        raise RuntimeError(f"{rows} responses published only {len(events)} activities, fewer than {n}")
    keep = sorted(random.Random(seed).sample(range(len(events)), n))
    return [events[i] for i in keep]


def folium_markers_page(events: list[dict], config) -> str:
    """The comparison: one folium Marker with a popup per activity."""
    import folium

    m = folium.Map(location=list(config.map.center), zoom_start=config.map.zoom, tiles=config.map.tiles,
                   attr=config.map.attribution)
    for e in events:
        if e["lat"] is None:
            continue
        text = f"{e['title']}<br>{e['starts_at']}<br>{e['type']}<br>{e['organization']}<br>{', '.join(e['languages'])}"
        popup = folium.Popup(html.escape(text).replace("&lt;br&gt;", "<br>") +
                             f'<br><a href="{html.escape(e["link"])}" target="_blank" rel="noopener">Join</a>',
                             max_width=300)
        folium.Marker([e["lat"], e["lon"]], popup=popup).add_to(m)
    return m.get_root().render()


_PROBE = """
window.__marks = {};
new MutationObserver(function () {
  if (!window.__marks.marker && document.querySelector('.leaflet-marker-icon')) {
    window.__marks.marker = performance.now();
    requestAnimationFrame(function () { window.__marks.painted = performance.now(); });
  }
}).observe(document, {childList: true, subtree: true});
"""


def time_to_markers(browser, page_html: str, *, runs: int) -> dict:
    """Median ms from navigation to markers painted, and to DOMContentLoaded, over ``runs`` loads."""
    from tests.browser.assets import SITE, route_offline

    painted, ready, blocked = [], [], []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        route_offline(context, site={"index.html": page_html}, blocked=blocked)
        page = context.new_page()
        page.add_init_script(_PROBE)
        page.goto(SITE + "index.html", wait_until="commit")
        page.wait_for_function("() => window.__marks && window.__marks.painted", timeout=60_000, polling=50)
        marks = page.evaluate("() => window.__marks")
        painted.append(marks["painted"])
        ready.append(page.evaluate("() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"))
        context.close()
    return {"markers_ms": round(statistics.median(painted)), "dcl_ms": round(statistics.median(ready)),
            "runs_ms": [round(x) for x in painted], "blocked": sorted(set(blocked))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--source", choices=["pipeline", "direct"], default="pipeline")
    parser.add_argument("--no-folium", action="store_true", help="skip the one-Marker-per-activity comparison")
    parser.add_argument("--save", type=Path, help="also write each page here, as map-<n>.html / folium-<n>.html")
    args = parser.parse_args(argv)

    from sync.config import load_config
    from sync.locate.geography import load_geography
    from sync.publish.map_page import render_map_page
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, browser_unavailable

    config = load_config(ROOT / "config" / "healing-map.toml")
    areas = load_geography().areas_geojson()
    biggest = max(args.sizes)
    started = time.perf_counter()
    if args.source == "pipeline":
        try:
            pool = pipeline_events(biggest)
        except Exception as exc:  # the pipeline is someone else's moving part; the page bench must still run
            print(f"map page: pipeline events unavailable ({exc}); using direct synthetic events")
            args.source, pool = "direct", synthetic_events(biggest)
    else:
        pool = synthetic_events(biggest)
    print(f"map page: {len(pool):,} activities from the {args.source} source in {time.perf_counter() - started:.1f} s")

    reason = browser_unavailable()
    browser = playwright = None
    if reason:
        print(f"map page: NO BROWSER TIMINGS: {reason}")
    else:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)

    results, ok = [], True
    try:
        for n in sorted(args.sizes):
            events = pool if n == len(pool) else [pool[i] for i in sorted(random.Random(n).sample(range(len(pool)), n))]
            pages = []
            start = time.perf_counter()
            ours = render_map_page(events, areas=areas, config=config, generated_at=NOW)
            pages.append(("healing map page", ours, time.perf_counter() - start))
            if not args.no_folium:
                start = time.perf_counter()
                pages.append(("folium Marker per activity", folium_markers_page(events, config), time.perf_counter() - start))
            for label, page_html, render_s in pages:
                row = {"activities": n, "page": label, "bytes": len(page_html.encode("utf-8")), "render_s": round(render_s, 2)}
                if args.save:
                    args.save.mkdir(parents=True, exist_ok=True)
                    name = "map" if label.startswith("healing") else "folium"
                    (args.save / f"{name}-{n}.html").write_text(page_html, encoding="utf-8")
                if browser:
                    row.update(time_to_markers(browser, page_html, runs=args.runs))
                results.append(row)
                timing = f"{row['markers_ms']:>6,} ms to markers (DOMContentLoaded {row['dcl_ms']:,} ms)" if browser else ""
                print(f"  {n:>6,} activities  {label:<28} {row['bytes'] / 1e6:6.2f} MB  "
                      f"(rendered in {render_s:.2f} s)  {timing}")
                if row.get("blocked"):
                    print(f"          requests refused offline: {', '.join(row['blocked'])}")
                if label.startswith("healing") and n <= 10_000:
                    within = row["bytes"] < BUDGET_BYTES and (not browser or row["markers_ms"] < BUDGET_MS)
                    ok = ok and within
    finally:
        if browser:
            browser.close()
            playwright.stop()
    print(f"  budget for the healing map page (< 1.5 MB, markers < 1 s): {'ok' if ok else 'OVER'}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"source": args.source, "now": NOW.isoformat(), "results": results}, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
