"""The public map page at scale: its size, and the time to markers in headless Chromium, offline.

For each size (1,000 and 10,000 activities by default) it renders the page of
``sync.publish.map_page`` and, for comparison, a plain folium map with one ``Marker`` and popup
per activity, then opens each in Debian's chromium with every CDN asset served from
``tests/.assets`` and blank tiles (testing/browser.py). "Markers" is the time from navigation
start to the first frame painted after the first marker reached the DOM (a folium ``Marker`` page
adds all of its markers in one script, so that frame comes only once they are all in).

Budgets (issue 5): page and its data script < 1.5 MB and markers < 1 s for 10,000 activities on a 2-core machine.

The activities come from ``testing.synthetic.generate_responses`` run through the real pipeline
(dry run, offline locator), sampled down to each size; ``--source direct`` builds them directly
(``testing.map_events.synthetic_events``: faster, no pipeline needed).

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
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / ".results" / "map_page.json"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("America/Chicago"))
BUDGET_BYTES = 1_500_000
BUDGET_MS = 1_000

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


def time_to_markers(browser, site: dict[str, str], *, runs: int) -> dict:
    """Median ms from navigation to markers painted, and to DOMContentLoaded, over ``runs`` loads."""
    from testing.browser import SITE, route_offline

    painted, ready, blocked = [], [], []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        route_offline(context, site=site, blocked=blocked)
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
    from sync.publish.map_page import DATA_FILE, render_map_page
    from testing.browser import CHROMIUM, CHROMIUM_ARGS, browser_unavailable
    from testing.map_events import synthetic_events

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
            site = {"index.html": ours.html, DATA_FILE: ours.data}
            pages.append(("healing map page", site, time.perf_counter() - start))
            if not args.no_folium:
                start = time.perf_counter()
                pages.append(("folium Marker per activity", {"index.html": folium_markers_page(events, config)},
                              time.perf_counter() - start))
            for label, site, render_s in pages:
                size = sum(len(text.encode("utf-8")) for text in site.values())  # the page and its data
                row = {"activities": n, "page": label, "bytes": size, "render_s": round(render_s, 2)}
                if args.save:
                    args.save.mkdir(parents=True, exist_ok=True)
                    name = "map" if label.startswith("healing") else "folium"
                    for file, text in site.items():
                        (args.save / f"{name}-{n}-{file}").write_text(text, encoding="utf-8")
                if browser:
                    row.update(time_to_markers(browser, site, runs=args.runs))
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
