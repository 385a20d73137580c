"""Geocoder benchmark: 10,000 responses naming 2,000 distinct addresses, loopback Nominatim.

Runs the library's ``run_sync`` (outputs written, as cron would) and prints wall times:

- cold: empty state; every distinct address is asked once (exactly 2,000 requests);
- warm: the same sheet again; nothing is asked;
- warm, cache only: a fresh state folder holding only the geocoder cache, so every
  row is decided again and every address answered from the cache;
- offline: the geocoder off, on the same sheet with each address replaced by the
  name of its community area, so the same responses publish and only the way they
  are located differs; first on an empty state, then again.

Budget: warm ≤ 1.2 × offline, comparing like with like (a repeat run with a repeat
run, a fresh decision of every row with a fresh one).

    python -m bench.geocoder [--responses 10000] [--places 2000]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import shapely

from testing.synthetic import generate_responses, write_csv
from sync.config import Config, FileSource, GeocoderConfig, OutputConfig, load_config
from sync.locate.addresses import geocoder_query
from sync.locate.geocoder import CACHE_FILE
from sync.locate.geography import Geography, load_geography
from sync.pipeline import run_sync
from sync.records import Precision
from testing.nominatim import NominatimServer, Place, query_key

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime.fromisoformat("2026-11-25T12:00:00-06:00")
LOCATION = "Which community area or neighborhood is it rooted in?"
BUDGET = 1.2


def addresses(n: int, geography: Geography, *, seed: int = 2026) -> dict[str, tuple[Place, str]]:
    """``n`` street addresses → (a random point inside a community area, that area's name)."""
    rng = random.Random(seed)
    areas = list(geography.areas.values())
    places = {}
    for i in range(n):
        area = areas[i % len(areas)]
        minx, miny, maxx, maxy = area.polygon.bounds
        while True:
            lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if area.polygon.contains(shapely.Point(lon, lat)):
                break
        text = f"{1000 + 2 * i} W Healing Ave"
        place = Place(round(lat, 6), round(lon, 6), f"{text}, {area.name}, Chicago, Illinois, United States")
        places[text] = (place, area.name)
    return places


def write_sheet(path: Path, n: int, texts: list[str]) -> None:
    """The synthetic sheet with every location answer replaced by one of ``texts``, in turn."""
    headers, rows = generate_responses(n)
    column = headers.index(LOCATION)
    for i, row in enumerate(rows):
        row[column] = texts[i % len(texts)]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        write_csv(fh, headers, rows)


def configure(base: Config, sheet: Path, folder: Path, geocoder: GeocoderConfig) -> Config:
    return base.model_copy(update={
        "source": FileSource(kind="file", path=sheet),
        "geocoder": geocoder,
        "output": OutputConfig(folder=folder / "output", state_folder=folder / "state"),
    })


def timed(config: Config, server: NominatimServer) -> tuple[float, int, dict]:
    """Seconds, requests made and the report of one sync."""
    before = server.total
    started = time.perf_counter()
    result = run_sync(config, now=NOW)
    return time.perf_counter() - started, server.total - before, result.report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.geocoder", description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--places", type=int, default=2_000)
    args = parser.parse_args(argv)

    geography = load_geography()
    places = addresses(args.places, geography)
    table = {query_key(geocoder_query(text, Precision.ADDRESS)): place for text, (place, _) in places.items()}
    base = load_config(ROOT / "config" / "healing-map.toml")
    with tempfile.TemporaryDirectory(prefix="bench-geocoder-") as tmp, NominatimServer(table) as server:
        tmp = Path(tmp)
        sheet, names = tmp / "responses.csv", tmp / "names.csv"
        write_sheet(sheet, args.responses, list(places))
        write_sheet(names, args.responses, [name for _, name in places.values()])
        online = GeocoderConfig(enabled=True, domain=server.domain, scheme="http", user_agent="healing-map-bench",
                                min_delay_seconds=0, max_lookups_per_run=args.places)
        on = configure(base, sheet, tmp / "online", online)
        off = configure(base, names, tmp / "offline", GeocoderConfig())
        cache_only = configure(base, sheet, tmp / "cache-only", online)

        rows = {"cold": timed(on, server), "warm": timed(on, server)}
        (tmp / "cache-only" / "state").mkdir(parents=True)
        shutil.copy(tmp / "online" / "state" / CACHE_FILE, tmp / "cache-only" / "state" / CACHE_FILE)
        rows["warm, cache only"] = timed(cache_only, server)
        rows["offline"] = timed(off, server)
        rows["offline, again"] = timed(off, server)

    print(f"{args.responses} responses, {args.places} distinct addresses, loopback Nominatim")
    for name, (seconds, requests, report) in rows.items():
        counts, stages = report["counts"], report["timings"]
        print(f"  {name:<18} {seconds:6.2f} s  {requests:>5} requests  published {counts['published']}, "
              f"held {counts['held']}, rejected {counts['rejected']}  (locate {stages.get('locate', 0):.2f} s, "
              f"publish {stages.get('publish', 0):.2f} s)")
    ratios = {
        "warm / offline, again": rows["warm"][0] / rows["offline, again"][0],
        "warm, cache only / offline": rows["warm, cache only"][0] / rows["offline"][0],
    }
    for name, ratio in ratios.items():
        print(f"  {name:<27} {ratio:5.2f}  (budget ≤ {BUDGET})")
    ok = (rows["cold"][1] == args.places and rows["warm"][1] == 0 and rows["warm, cache only"][1] == 0
          and all(r <= BUDGET for r in ratios.values()))
    print("OK" if ok else "OVER BUDGET or wrong request counts")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
