"""The whole sync on the offline locator: 10,000 responses, cold and warm.

Budgets (issues 2 and 7): 10,000 responses through the whole pipeline in under 10 s on a 2-core
machine; the map page under 1.5 MB for 10,000 activities; a warm sync under 5 s. The warm run is
the same sheet on the next day: every stored decision is reused and every output rebuilt (the
same sheet on the same day would write nothing at all; see bench/unchanged.py). Each run's peak
memory is its own (``bench.scale.run_child``), not the largest of every run so far.

    python -m bench.pipeline --rows 10000
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from pathlib import Path

from bench.scale import run_child
from testing.synthetic import generate_responses
from testing.forms import write_config

ROOT = Path(__file__).resolve().parent.parent
NOW, NEXT_DAY = "2026-11-25T12:00:00-06:00", "2026-11-26T12:00:00-06:00"


def write_inputs(folder: Path, rows: int, seed: int) -> Path:
    headers, data = generate_responses(rows, seed=seed)
    with open(folder / "responses.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(data)
    return write_config(folder, source={"kind": "file", "path": str(folder / "responses.csv")})


def timed_sync(config: Path, now: str) -> dict:
    """One sync in a fresh process, as cron runs it: wall time, its own peak memory, stage timings."""
    wall, peak, _, code = run_child([sys.executable, "-m", "sync", "sync", "--config", str(config), "--now", now,
                                     "--force"], log=config.parent / "sync.log")
    if code != 0:
        raise SystemExit(f"sync failed ({code}): {(config.parent / 'sync.log').read_text()[-2000:]}")
    report = json.loads((config.parent / "output" / "staff" / "report.json").read_text())
    return {"wall": wall, "peak_mb": peak, "timings": report["timings"], "counts": report["counts"]}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = write_inputs(folder, args.rows, args.seed)
        cold = timed_sync(config, NOW)
        warm = timed_sync(config, NEXT_DAY)
        public = folder / "output" / "public"
        sizes = {p.name: p.stat().st_size for p in sorted(public.iterdir())}
        staff_sizes = {p.name: p.stat().st_size for p in sorted((folder / "output" / "staff").iterdir())}
    print(f"pipeline: {args.rows:,} responses (seed {args.seed}), offline locator")
    print(f"  counts: {cold['counts']}")
    for name, run in (("cold", cold), ("warm", warm)):
        stages = ", ".join(f"{k} {v:.2f}s" for k, v in run["timings"].items())
        print(f"  {name}: wall {run['wall']:.2f} s, peak {run['peak_mb']:.0f} MB; {stages}")
    for folder_name, folder_sizes in (("public", sizes), ("staff", staff_sizes)):
        for name, size in folder_sizes.items():
            print(f"  {folder_name + '/' + name:<30} {size / 1e6:8.2f} MB")
    page = sizes.get("index.html", 0) + sizes.get("activities.js", 0)  # the page and its data script
    print(f"  budget: cold < 10 s: {'ok' if cold['wall'] < 10 else 'OVER'}; warm < 5 s: "
          f"{'ok' if warm['wall'] < 5 else 'OVER'}; page and data < 1.5 MB: {'ok' if page < 1.5e6 else 'OVER'}")


if __name__ == "__main__":
    main()
