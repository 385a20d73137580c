"""How the sync's cost grows, from a campaign's size to the Google Sheets limit, against the naive pipeline.

For each size it generates seeded synthetic responses (``testing.synthetic``), serves them from the
loopback Sheets API (``testing/sheets_api.py``, real OAuth with a throwaway key), and runs
the real sync as cron does: ``python -m sync sync --config <tmp config>`` in a fresh process, first
on an empty state (cold), then again on the unchanged sheet (warm). The geocoder is on, pointed at
the loopback Nominatim (``testing/nominatim.py``) with a table of the places the synthetic
responses name, with its delay scaled down like the naive one's.

Measured per sync: wall time of the process, seconds per stage (``staff/report.json``), peak RSS of
the process (``ru_maxrss`` from ``os.wait4``, forked from a small trampoline so that the bench's own
memory is not counted) and the peak after each stage (the report's ``memory_mb``), Sheets requests and geocoder requests (counted by the loopback servers), the sizes of
the page and the CSVs, and the time to markers in headless Chromium (``bench.map_page.time_to_markers``,
offline) for the pages of up to 10,000 responses and for any larger one that stayed near the page
budget (the map aggregates past ``[map] max_activities``).

The naive pipeline (``bench.naive``: ``get_all_records``, geopy's ``RateLimiter`` on every row,
one folium ``Marker`` per row) runs on the same sheet in its own process for sizes up to
``--naive-max`` (10,000); above that its figures are extrapolated linearly from the two largest
measured sizes and marked ``≈``. It has no state, so its second run is its first again: it is run
once per size and compared with both of ours.

Budgets (issue 7): a warm sync of 10,000 responses under 5 s; the 10-million-cell sheet
(600,000 rows × 16 columns) under 120 s and under 4 GB peak; memory growing no faster than linearly.

    python -m bench.scale              # 1,000, 10,000, 100,000 and 600,000 (make bench; ~5 min, ~5 GB RAM)
    python -m bench.scale --quick      # without 600,000 (~1 min; also HEALING_MAP_BENCH_QUICK=1)
    python -m bench.scale --sizes 1000,10000 --markdown table.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

import tomli_w

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.naive import naive_query  # noqa: E402
from testing.synthetic import generate_responses  # noqa: E402
from testing.nominatim import NominatimServer, Place, query_key  # noqa: E402
from testing.sheets_api import SheetsAPI  # noqa: E402

RESULTS = ROOT / "bench" / ".results" / "scale.json"
NOW = "2026-11-25T12:00:00-06:00"
WORKSHEET = "Form Responses 1"
LOCATION = "Which community area or neighborhood is it rooted in?"
#: 10 million cells / 16 columns, rounded down to what a form with this many questions can hold.
SHEETS_LIMIT_ROWS = 600_000
DEFAULT_SIZES = (1_000, 10_000, 100_000, SHEETS_LIMIT_ROWS)
#: The naive pipeline runs up to this size; above it its figures are extrapolated.
NAIVE_MAX = 10_000
#: Pages of up to this many responses are timed in the browser.
BROWSER_MAX = 10_000
#: The geocoders' delay between requests, scaled down from Nominatim's 1 s so the bench finishes.
SCALED_DELAY = 0.001
BUDGET_WARM_10K_S = 5.0
BUDGET_LIMIT_S = 120.0
BUDGET_LIMIT_MB = 4096.0
PAGE_BUDGET_BYTES = 1_500_000


class CountingSheetsAPI(SheetsAPI):
    """The loopback Sheets API, also timing how long it takes to build each answer (server side)."""

    def __init__(self):
        super().__init__()
        self.server_seconds = 0.0

    def handle(self, method, raw_path, headers, body):
        started = time.perf_counter()
        try:
            return super().handle(method, raw_path, headers, body)
        finally:
            self.server_seconds += time.perf_counter() - started


@dataclass
class Run:
    """One process: the sync (cold or warm) or the naive pipeline."""

    label: str
    rows: int
    wall_s: float
    peak_mb: float
    cpu_s: float
    stages: dict = field(default_factory=dict)
    stage_cpu_s: dict = field(default_factory=dict)
    stage_peak_mb: dict = field(default_factory=dict)
    sheets_requests: int = 0
    geocoder_requests: int = 0
    sheets_server_s: float = 0.0
    files: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    markers_ms: float | None = None
    extrapolated: bool = False
    load_average: float = 0.0
    extra: dict = field(default_factory=dict)


# --- set-up -------------------------------------------------------------------------------


def places_table(rows: list[list[str]], column: int) -> dict[str, Place]:
    """The loopback Nominatim's answers for every location the responses name, both as the sync asks
    (addresses and intersections, ``geocoder_query``) and as the naive pipeline asks (every answer).

    Points come from the offline gazetteer where it knows the place; addresses and intersections get
    a fixed point inside a community area (chosen by a hash of the text, so runs agree); places
    outside the city and gibberish get no answer, as a bounded search would give.
    """
    import shapely

    from sync.config import load_config
    from sync.errors import LocateError
    from sync.locate.addresses import classify, geocoder_query
    from sync.locate.gazetteer import Gazetteer
    from sync.locate.geography import load_geography
    from sync.normalize import clean_text
    from sync.records import Precision

    geography = load_geography()
    gazetteer = Gazetteer.from_config(load_config(ROOT / "config" / "healing-map.toml"), geography=geography)
    areas = list(geography.areas.values())
    table: dict[str, Place] = {}
    for raw in {row[column] for row in rows}:
        text = clean_text(raw)
        if not text:
            continue
        kind = classify(text)
        point = None
        if kind in (Precision.ADDRESS, Precision.INTERSECTION):
            rng = random.Random(zlib.crc32(text.encode()))
            area = areas[rng.randrange(len(areas))]
            minx, miny, maxx, maxy = area.polygon.bounds
            while point is None:
                lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
                if area.polygon.contains(shapely.Point(lon, lat)):
                    point = (round(lat, 6), round(lon, 6), area.name)
            table[query_key(geocoder_query(text, kind))] = Place(point[0], point[1], f"{text}, {point[2]}, Chicago, Illinois, United States")
        else:
            try:
                found = gazetteer.locate(text)
            except LocateError:
                continue
            if found.lat is None:  # citywide: Nominatim answers with the city itself
                point = (41.8781, -87.6298, "Chicago")
            else:
                point = (found.lat, found.lon, found.community_area_name or "Chicago")
        table[query_key(naive_query(raw))] = Place(point[0], point[1], f"{point[2]}, Chicago, Illinois, United States",
                                                   cls="boundary", type="administrative")
    return table


def write_config(folder: Path, *, key: str, key_file: Path, sheets_url: str, nominatim_domain: str) -> Path:
    """The default config with the source, geocoder and output folders of this bench."""
    config = tomllib.loads((ROOT / "config" / "healing-map.toml").read_text(encoding="utf-8"))
    config["source"] = {"kind": "google_sheets", "spreadsheet": key, "worksheet": WORKSHEET,
                        "credentials": str(key_file), "api_endpoint": sheets_url}
    for name in ("aliases", "venues", "sides", "streets", "corrections"):  # the bundled place data
        config["location"][name] = str(ROOT / "config" / config["location"][name])
    config["geocoder"] = {"enabled": True, "provider": "nominatim", "domain": nominatim_domain, "scheme": "http",
                          "user_agent": "healing-map-bench (bench@example.org)", "min_delay_seconds": SCALED_DELAY,
                          "max_lookups_per_run": 1_000}
    config["output"] = {"folder": str(folder / "output"), "state_folder": str(folder / "state")}
    path = folder / "healing-map.toml"
    path.write_text(tomli_w.dumps(config), encoding="utf-8")
    return path


#: Starts a command and reports its rusage. Linux counts in a child's ``ru_maxrss`` the memory its
#: parent had when it forked, and this bench holds a whole sheet: so a tiny interpreter forks
#: the command instead, and its ``wait4`` sees the command's own peak.
_TRAMPOLINE = """\
import json, os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump({"maxrss_kb": usage.ru_maxrss, "cpu_s": usage.ru_utime + usage.ru_stime}, out)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_child(cmd: list[str], *, log: Path, cwd: Path = ROOT) -> tuple[float, float, float, int]:
    """Run a fresh process; (wall seconds, its own peak RSS in MB, CPU seconds, exit code)."""
    usage = log.with_suffix(".rusage.json")
    with open(log, "wb") as out:
        started = time.perf_counter()
        code = subprocess.run([sys.executable, "-S", "-c", _TRAMPOLINE, str(usage), *cmd], cwd=cwd, stdout=out,
                              stderr=subprocess.STDOUT).returncode
        wall = time.perf_counter() - started
    figures = json.loads(usage.read_text()) if usage.exists() else {"maxrss_kb": 0, "cpu_s": 0.0}
    return wall, figures["maxrss_kb"] / 1024, figures["cpu_s"], code


def file_sizes(folder: Path) -> dict[str, int]:
    return {f"{p.parent.name}/{p.name}": p.stat().st_size for p in sorted(folder.glob("*/*")) if p.is_file()}


# --- the runs -----------------------------------------------------------------------------


def our_sync(label: str, rows: int, config: Path, api: CountingSheetsAPI, nominatim: NominatimServer, *,
             sync_root: Path = ROOT) -> Run:
    sheets_before, geo_before, server_before = sum(api.counts.values()), nominatim.total, api.server_seconds
    load = os.getloadavg()[0]
    wall, peak, cpu, code = run_child([sys.executable, "-m", "sync", "sync", "--config", str(config), "--now", NOW],
                                      log=config.parent / f"sync-{label}.log", cwd=sync_root)
    if code != 0:
        raise SystemExit(f"sync ({label}, {rows:,} rows) exited {code}:\n"
                         + (config.parent / f"sync-{label}.log").read_text(errors="replace")[-3000:])
    report = json.loads((config.parent / "output" / "staff" / "report.json").read_text(encoding="utf-8"))
    return Run(label, rows, wall, peak, cpu, stages=report["timings"], stage_cpu_s=report.get("cpu_seconds", {}),
               stage_peak_mb=report.get("memory_mb", {}),
               sheets_requests=sum(api.counts.values()) - sheets_before, geocoder_requests=nominatim.total - geo_before,
               sheets_server_s=api.server_seconds - server_before, files=file_sizes(config.parent / "output"),
               counts=report["counts"], load_average=load)


def naive(rows: int, folder: Path, *, key: str, key_file: Path, api: CountingSheetsAPI,
          nominatim: NominatimServer) -> Run:
    sheets_before, geo_before, server_before = sum(api.counts.values()), nominatim.total, api.server_seconds
    result = folder / "naive.json"
    load = os.getloadavg()[0]
    wall, peak, cpu, code = run_child(
        [sys.executable, "-m", "bench.naive", "--spreadsheet", key, "--credentials", str(key_file),
         "--sheets-endpoint", api.url, "--nominatim", nominatim.domain, "--min-delay", str(SCALED_DELAY),
         "--output", str(folder / "naive"), "--result", str(result)], log=folder / "naive.log")
    if code != 0:
        raise SystemExit(f"naive pipeline ({rows:,} rows) exited {code}:\n"
                         + (folder / "naive.log").read_text(errors="replace")[-3000:])
    figures = json.loads(result.read_text(encoding="utf-8"))
    return Run("naive", rows, wall, peak, cpu, stages=figures["seconds"],
               sheets_requests=sum(api.counts.values()) - sheets_before, geocoder_requests=nominatim.total - geo_before,
               sheets_server_s=api.server_seconds - server_before,
               files={"public/index.html": figures["page_bytes"]}, counts={"markers": figures["markers"]},
               load_average=load, extra={"page": figures["page"]})


def extrapolate(measured: list[Run], rows: int) -> Run:
    """The naive pipeline at ``rows``, linear in the rows through its two largest measured sizes."""
    a, b = sorted(measured, key=lambda r: r.rows)[-2:]

    def line(x0: float, x1: float) -> float:
        return x1 + (x1 - x0) / (b.rows - a.rows) * (rows - b.rows)

    return Run("naive", rows, line(a.wall_s, b.wall_s), line(a.peak_mb, b.peak_mb), line(a.cpu_s, b.cpu_s),
               stages={k: round(line(a.stages.get(k, 0), v), 2) for k, v in b.stages.items()},
               sheets_requests=b.sheets_requests, geocoder_requests=rows,
               files={"public/index.html": int(line(a.files["public/index.html"], b.files["public/index.html"]))},
               counts={"markers": int(line(a.counts["markers"], b.counts["markers"]))}, extrapolated=True)


def browser_times(pages: dict[str, str], runs: int) -> dict[str, float | None]:
    """Median ms to markers for each page (``None`` when no browser is available)."""
    from bench.map_page import time_to_markers
    from testing.browser import CHROMIUM, CHROMIUM_ARGS, browser_unavailable

    reason = browser_unavailable()
    if reason:
        print(f"  NO BROWSER TIMINGS: {reason}", flush=True)
        return {name: None for name in pages}
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            for name, path in pages.items():
                page_html = Path(path).read_text(encoding="utf-8")
                out[name] = time_to_markers(browser, page_html, runs=runs)["markers_ms"]
        finally:
            browser.close()
    return out


# --- report -------------------------------------------------------------------------------


STAGES = ("read", "geography", "normalize", "validate", "locate", "state", "publish")


def _mb(n: float | None) -> str:
    return "—" if n is None else f"{n / 1e6:.2f}"


def _ratio(ours: float | None, theirs: float | None, approx: bool = False) -> str:
    if ours is None or not theirs:
        return "—"
    ratio = ours / theirs
    text = "0" if ratio == 0 else f"{ratio:.2g}" if ratio < 0.1 else f"{ratio:.2f}"
    return f"{'≈' if approx else ''}{text}×"


def at_real_rate(run: Run) -> float:
    """Wall seconds had the geocoder waited Nominatim's 1 s between requests instead of the scaled delay."""
    return run.wall_s + run.geocoder_requests * (1.0 - SCALED_DELAY)


def _duration(seconds: float) -> str:
    return f"{seconds / 3600:,.1f} h" if seconds >= 3600 else f"{seconds / 60:,.1f} min" if seconds >= 120 else f"{seconds:,.0f} s"


def tables(runs: list[Run]) -> str:
    """The figures as Markdown tables: stages, resources, and ratios to the naive pipeline."""
    ours = [r for r in runs if r.label in ("cold", "warm")]
    naive_by_rows = {r.rows: r for r in runs if r.label == "naive"}
    out = ["| responses | run | wall s | CPU s | " + " | ".join(STAGES) + " | start-up + write |",
           "|---:|---|---:|---:|" + "---:|" * len(STAGES) + "---:|"]
    for r in ours:
        other = r.wall_s - sum(r.stages.get(s, 0) for s in STAGES)
        out.append(f"| {r.rows:,} | {r.label} | {r.wall_s:.2f} | {r.cpu_s:.2f} | "
                   + " | ".join(f"{r.stages.get(s, 0):.2f}" for s in STAGES) + f" | {other:.2f} |")
    out += ["", "| responses | run | peak MB | MB per 1k responses | peak after read / normalize / state / publish, MB "
            "| Sheets requests | geocoder requests | published | map page MB | events.csv MB | events.geojson MB "
            "| responses.csv MB | time to markers, ms |",
            "|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in ours:
        p = r.stage_peak_mb
        after = " / ".join(f"{p[s]:,.0f}" if s in p else "—" for s in ("read", "normalize", "state", "publish"))
        markers = "—" if r.markers_ms is None else f"{r.markers_ms:,.0f}"
        out.append(f"| {r.rows:,} | {r.label} | {r.peak_mb:,.0f} | {r.peak_mb / r.rows * 1000:.1f} | {after} "
                   f"| {r.sheets_requests} | {r.geocoder_requests} | {r.counts.get('published', 0):,} "
                   f"| {_mb(r.files.get('public/index.html'))} | {_mb(r.files.get('public/events.csv'))} "
                   f"| {_mb(r.files.get('public/events.geojson'))} | {_mb(r.files.get('staff/responses.csv'))} "
                   f"| {markers} |")
    out += ["", "| responses | naive: wall s (read / geocode / render) | naive at 1 request/s | naive peak MB "
            "| naive Sheets / geocoder requests | naive page MB | naive markers, ms "
            "| ours ÷ naive: wall, cold | wall, warm | at 1 request/s, cold / warm | peak MB, cold "
            "| Sheets requests | geocoder requests, cold / warm | page size | time to markers |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for rows, n in sorted(naive_by_rows.items()):
        cold = next((r for r in ours if r.rows == rows and r.label == "cold"), None)
        warm = next((r for r in ours if r.rows == rows and r.label == "warm"), None)
        if cold is None or warm is None:
            continue
        x, s = n.extrapolated, n.stages
        approx = "≈" if x else ""
        markers = "—" if n.markers_ms is None else f"{n.markers_ms:,.0f}"
        out.append(
            f"| {rows:,} | {approx}{n.wall_s:,.1f} ({s.get('read', 0):,.1f} / {s.get('geocode', 0):,.1f} / "
            f"{s.get('render', 0):,.1f}) | {approx}{_duration(at_real_rate(n))} | {approx}{n.peak_mb:,.0f} "
            f"| {n.sheets_requests} / {n.geocoder_requests:,} | {approx}{_mb(n.files.get('public/index.html'))} "
            f"| {markers} | {_ratio(cold.wall_s, n.wall_s, x)} | {_ratio(warm.wall_s, n.wall_s, x)} "
            f"| {_ratio(at_real_rate(cold), at_real_rate(n), x)} / {_ratio(at_real_rate(warm), at_real_rate(n), x)} "
            f"| {_ratio(cold.peak_mb, n.peak_mb, x)} | {_ratio(cold.sheets_requests, n.sheets_requests)} "
            f"| {_ratio(cold.geocoder_requests, n.geocoder_requests)} / {_ratio(warm.geocoder_requests, n.geocoder_requests)} "
            f"| {_ratio(cold.files.get('public/index.html'), n.files.get('public/index.html'), x)} "
            f"| {_ratio(cold.markers_ms, n.markers_ms)} |")
    return "\n".join(out)


def budgets(runs: list[Run]) -> list[tuple[str, bool | None, str]]:
    """(budget, met?, the figure) for each budget the sizes run can judge."""
    found = []
    warm10k = next((r for r in runs if r.label == "warm" and r.rows == 10_000), None)
    if warm10k:
        found.append(("warm sync of 10,000 responses < 5 s", warm10k.wall_s < BUDGET_WARM_10K_S, f"{warm10k.wall_s:.2f} s"))
    for r in runs:
        if r.label in ("cold", "warm") and r.rows >= SHEETS_LIMIT_ROWS:
            found.append((f"10-million-cell sheet, {r.label}, < 120 s", r.wall_s < BUDGET_LIMIT_S, f"{r.wall_s:.1f} s"))
            found.append((f"10-million-cell sheet, {r.label}, < 4 GB peak", r.peak_mb < BUDGET_LIMIT_MB, f"{r.peak_mb:,.0f} MB"))
    colds = sorted((r for r in runs if r.label == "cold"), key=lambda r: r.rows)
    if len(colds) >= 3:
        # Linear (or better) growth: each further response costs no more than the ones before it.
        # 15% of slack for the allocator's rounding and the noise of a shared machine.
        slopes = [(b.peak_mb - a.peak_mb) / (b.rows - a.rows) * 1000 for a, b in zip(colds, colds[1:])]
        linear = all(later <= earlier * 1.15 for earlier, later in zip(slopes, slopes[1:]))
        found.append(("memory grows no faster than linearly (MB per 1k more responses, between sizes)", linear,
                      " → ".join(f"{x:.2f}" for x in slopes)))
    for r in runs:
        if r.label == "cold" and "public/index.html" in r.files:
            # Above ~10,000 activities the page must aggregate (issue 7) to stay within the budget.
            found.append((f"map page of {r.rows:,} responses < 1.5 MB", r.files["public/index.html"] < PAGE_BUDGET_BYTES,
                          f"{r.files['public/index.html'] / 1e6:.2f} MB"))
    return found


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_mb": memory, "python": platform.python_version(),
            "system": platform.platform()}


# --- main ---------------------------------------------------------------------------------


def parse_sizes(text: str) -> list[int]:
    return sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=parse_sizes, help="comma-separated response counts "
                        f"(default {','.join(map(str, DEFAULT_SIZES))})")
    parser.add_argument("--quick", action="store_true", default=os.environ.get("HEALING_MAP_BENCH_QUICK") == "1",
                        help=f"leave out the Google Sheets limit, {SHEETS_LIMIT_ROWS:,} rows (also HEALING_MAP_BENCH_QUICK=1)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--naive-max", type=int, default=NAIVE_MAX, help="largest size the naive pipeline runs at")
    parser.add_argument("--browser-runs", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep every run's files in this folder")
    parser.add_argument("--markdown", type=Path, help="also write the tables here")
    parser.add_argument("--sync-root", type=Path, default=ROOT,
                        help="run the sync of another checkout of this project (before/after comparisons)")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive pipeline")
    args = parser.parse_args(argv)
    sizes = args.sizes or [n for n in DEFAULT_SIZES if not (args.quick and n >= SHEETS_LIMIT_ROWS)]

    from cryptography.hazmat.primitives.asymmetric import rsa

    started = time.perf_counter()
    box = machine()
    print(f"scale: {box['cpus']} × {box['cpu']}, {box['memory_mb'] / 1024:.0f} GB, Python {box['python']}; "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    print(f"scale: sizes {', '.join(f'{n:,}' for n in sizes)}; naive up to {args.naive_max:,} "
          f"(extrapolated above); geocoder delay {SCALED_DELAY} s (Nominatim's policy: 1 s)", flush=True)
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    runs: list[Run] = []
    tmp = tempfile.TemporaryDirectory(prefix="bench-scale-") if args.keep is None else None
    base = Path(tmp.name) if tmp else args.keep
    base.mkdir(parents=True, exist_ok=True)
    try:
        with CountingSheetsAPI() as api:
            key_file = base / "service-account.json"
            api.write_key_file(key_file, private_key)
            naive_runs: list[Run] = []
            for n in sizes:
                folder = base / f"{n}"
                shutil.rmtree(folder, ignore_errors=True)  # cold means an empty state
                folder.mkdir(parents=True)
                t = time.perf_counter()
                headers, rows = generate_responses(n, seed=args.seed)
                key = f"bench-scale-{n}-{args.seed}"
                api.add_spreadsheet(key, {WORKSHEET: [headers, *rows]})
                table = places_table(rows, headers.index(LOCATION))
                del rows
                print(f"{n:>9,} responses: generated and served in {time.perf_counter() - t:.1f} s "
                      f"({len(table)} places known to the loopback Nominatim)", flush=True)
                with NominatimServer(table) as nominatim:
                    config = write_config(folder, key=key, key_file=key_file, sheets_url=api.url,
                                          nominatim_domain=nominatim.domain)
                    cold = our_sync("cold", n, config, api, nominatim, sync_root=args.sync_root)
                    page = folder / "output" / "public" / "index.html"
                    saved = folder / "cold-index.html"
                    saved.write_bytes(page.read_bytes())
                    warm = our_sync("warm", n, config, api, nominatim, sync_root=args.sync_root)
                    runs += [cold, warm]
                    for r in (cold, warm):
                        print(f"  {r.label}: {r.wall_s:6.2f} s (CPU {r.cpu_s:.2f} s), peak {r.peak_mb:,.0f} MB, "
                              f"{r.sheets_requests} Sheets and {r.geocoder_requests} geocoder requests; " + ", ".join(
                                  f"{s} {r.stages.get(s, 0):.2f}/{r.stage_cpu_s.get(s, 0):.2f}" for s in STAGES
                                  if s in r.stages) + " (wall/CPU s)", flush=True)
                    if args.no_naive:
                        pass
                    elif n <= args.naive_max:
                        slow = naive(n, folder, key=key, key_file=key_file, api=api, nominatim=nominatim)
                        naive_runs.append(slow)
                        runs.append(slow)
                        print(f"  naive: {slow.wall_s:6.2f} s, peak {slow.peak_mb:,.0f} MB, {slow.sheets_requests} Sheets "
                              f"and {slow.geocoder_requests:,} geocoder requests, page "
                              f"{slow.files['public/index.html'] / 1e6:.2f} MB", flush=True)
                    elif len(naive_runs) >= 2:
                        runs.append(extrapolate(naive_runs, n))
                api.spreadsheets.pop(key, None)
                if not args.no_browser and (n <= BROWSER_MAX or saved.stat().st_size <= 2 * PAGE_BUDGET_BYTES):
                    pages = {"ours": str(saved)}
                    slow = next((r for r in runs if r.label == "naive" and r.rows == n and not r.extrapolated), None)
                    if slow:
                        pages["naive"] = slow.extra["page"]
                    times = browser_times(pages, args.browser_runs)
                    cold.markers_ms = warm.markers_ms = times.get("ours")
                    if slow:
                        slow.markers_ms = times.get("naive")
                    print("  time to markers: " + ", ".join(f"{k} {v:,} ms" for k, v in times.items() if v is not None),
                          flush=True)
    finally:
        if tmp:
            tmp.cleanup()

    text = tables(runs)
    print()
    print(text)
    print()
    ok = True
    for name, met, figure in budgets(runs):
        ok = ok and met is not False
        print(f"  budget: {name}: {figure}: {'ok' if met else 'MISSED'}")
    print(f"scale: done in {time.perf_counter() - started:.0f} s")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"machine": box, "now": NOW, "seed": args.seed, "scaled_delay": SCALED_DELAY,
                                   "runs": [asdict(r) for r in runs],
                                   "budgets": [{"budget": b, "met": m, "figure": f} for b, m, f in budgets(runs)]},
                                  indent=2) + "\n", encoding="utf-8")
    if args.markdown:
        lines = [f"- {name}: {figure}: {'ok' if met else 'MISSED'}" for name, met, figure in budgets(runs)]
        args.markdown.write_text(text + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
