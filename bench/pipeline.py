"""The whole sync on the offline locator: 10,000 responses, cold and warm.

Budgets (issues 2 and 7): 10,000 responses through the whole pipeline in under 10 s on a 2-core
machine; the map page under 1.5 MB for 10,000 activities; a warm sync (unchanged sheet) under 5 s.

    python -m bench.pipeline --rows 10000
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tomli_w

from bench.synthetic import generate_responses

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-25T12:00:00-06:00"


def write_inputs(folder: Path, rows: int, seed: int) -> Path:
    import tomllib

    headers, data = generate_responses(rows, seed=seed)
    with open(folder / "responses.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(data)
    config = tomllib.loads((ROOT / "config" / "healing-map.toml").read_text(encoding="utf-8"))
    config["source"] = {"kind": "file", "path": str(folder / "responses.csv")}
    config["location"]["aliases"] = str(ROOT / "config" / "neighborhoods.csv")
    config["output"] = {"folder": str(folder / "output"), "state_folder": str(folder / "state")}
    path = folder / "healing-map.toml"
    path.write_text(tomli_w.dumps(config), encoding="utf-8")
    return path


def timed_sync(config: Path) -> dict:
    """One sync in a fresh process, as cron runs it: wall time, peak memory, stage timings."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "sync", "sync", "--config", str(config), "--now", NOW,
                             "--force"], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"sync failed ({result.returncode}): {result.stderr}")
    report = json.loads((config.parent / "output" / "staff" / "report.json").read_text())
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"wall": wall, "peak_mb": peak, "timings": report["timings"], "counts": report["counts"]}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = write_inputs(folder, args.rows, args.seed)
        cold = timed_sync(config)
        warm = timed_sync(config)
        public = folder / "output" / "public"
        sizes = {p.name: p.stat().st_size for p in sorted(public.iterdir())}
        staff_sizes = {p.name: p.stat().st_size for p in sorted((folder / "output" / "staff").iterdir())}
    print(f"pipeline: {args.rows:,} responses (seed {args.seed}), offline locator")
    print(f"  counts: {cold['counts']}")
    for name, run in (("cold", cold), ("warm", warm)):
        stages = ", ".join(f"{k} {v:.2f}s" for k, v in run["timings"].items())
        print(f"  {name}: wall {run['wall']:.2f} s (process peak RSS so far {run['peak_mb']:.0f} MB); {stages}")
    for name, size in {**sizes, **staff_sizes}.items():
        print(f"  {name:<16} {size / 1e6:8.2f} MB")
    page = sizes.get("index.html", 0)
    print(f"  budget: cold < 10 s: {'ok' if cold['wall'] < 10 else 'OVER'}; warm < 5 s: "
          f"{'ok' if warm['wall'] < 5 else 'OVER'}; page < 1.5 MB: {'ok' if page < 1.5e6 else 'OVER'}")


if __name__ == "__main__":
    main()
