"""What a scheduled sync costs when little or nothing changed (issue 11).

Every run is a fresh ``python -m sync sync`` process, as cron starts it, on a CSV export and the
offline locator, forked from a small trampoline so that its peak memory is its own
(``bench.scale.run_child``). Three figures and their budgets:

- **unchanged, 1,000 responses**: the sheet, config, code and day of the last published run; the
  sync writes nothing and imports only what it needs. Budget: ≤ 0.5 s.
- **10 new rows, 10,000 responses**: a warm run deciding 10 new responses, against the same sheet
  rebuilt (a new day, so nothing is "unchanged" but nothing is new either). Budget: ≤ 1.1×.
- **cold, 1,000 responses**: the first sync into an empty state folder. Budget: ≤ 200 MB peak.

Timings are medians of ``--repeat`` runs (5). The budgets are judged on CPU seconds, what a run
costs: on a shared machine wall time also measures the neighbours (both are printed). Exits 1 when
a budget is missed.

    python -m bench.unchanged
    python -m bench.unchanged --repeat 3 --rows 1000 --large 10000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from bench.scale import run_child
from testing.synthetic import generate_responses
from testing.forms import write_config

ROOT = Path(__file__).resolve().parent.parent
#: Modules an unchanged run must not import (each costs 50–300 ms at start-up).
HEAVY = ("folium", "shapely", "geopy", "rapidfuzz", "usaddress", "phonenumbers", "openpyxl")
BUDGET_UNCHANGED_S, BUDGET_NEW_ROWS_RATIO, BUDGET_COLD_PEAK_MB = 0.5, 1.1, 200


def day(n: int) -> str:
    """The sync's time on the n-th day of the campaign: every day a new "upcoming"."""
    return f"{date(2026, 11, 25) + timedelta(days=n)}T12:00:00-06:00"


class Sheet:
    """A CSV export in its own folder, a config reading it, and the runs made on it."""

    def __init__(self, folder: Path, headers: list[str], rows: list[list[str]]):
        self.folder, self.headers, self.rows = folder, headers, rows
        folder.mkdir()
        self.path = folder / "responses.csv"
        self.config = write_config(folder, source={"kind": "file", "path": str(self.path)},
                                   guard={"max_drop_fraction": 1.0})

    def write(self, count: int) -> None:
        with open(self.path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(self.headers)
            writer.writerows(self.rows[:count])

    def sync(self, now: str, label: str) -> dict:
        wall, peak, cpu, code = run_child([sys.executable, "-m", "sync", "sync", "--config", str(self.config),
                                           "--now", now], log=self.folder / f"{label}.log")
        if code != 0:
            raise SystemExit(f"sync {label} exited {code}: {(self.folder / f'{label}.log').read_text()[-2000:]}")
        return {"wall": wall, "peak_mb": peak, "cpu": cpu}

    def outcomes(self, limit: int) -> list[str]:
        history = subprocess.run([sys.executable, "-m", "sync", "history", "--config", str(self.config),
                                  "--limit", str(limit), "--log-format", "json"], capture_output=True, text=True,
                                 cwd=ROOT, check=True)
        return [run["outcome"] for run in json.loads(history.stdout)]


def heavy_imports(sheet: Sheet, now: str) -> tuple[list[str], float]:
    """The heavy modules an (unchanged) run imports, and its total import time in seconds."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "sync", "sync", "--config", str(sheet.config),
                          "--now", now], capture_output=True, text=True, cwd=ROOT, check=True)
    lines = [line.split("|") for line in run.stderr.splitlines() if line.startswith("import time:")]
    top = [(name.strip(), int(total)) for _, total, name in (line for line in lines if len(line) == 3)
           if total.strip().isdigit() and not name.startswith("  ")]
    imported = {name.strip() for *_, name in lines}
    return sorted(set(HEAVY) & imported), sum(total for _, total in top) / 1e6


def median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000, help="responses of the unchanged and cold runs")
    parser.add_argument("--large", type=int, default=10_000, help="responses of the new-rows comparison")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        # 1,000 responses: cold, then unchanged
        headers, rows = generate_responses(args.rows, seed=2026)
        small = Sheet(Path(tmp) / "small", headers, rows)
        small.write(args.rows)
        cold = small.sync(day(0), "cold")
        unchanged = [small.sync(day(0), f"unchanged-{i}") for i in range(args.repeat)]
        assert small.outcomes(args.repeat + 1) == ["unchanged"] * args.repeat + ["published"], "not unchanged"
        heavy, import_s = heavy_imports(small, day(0))
        # 10,000 responses: the same sheet rebuilt on a new day, against 10 new rows
        headers, rows = generate_responses(args.large + 10 * args.repeat, seed=2026)  # prefixes: same rows
        large = Sheet(Path(tmp) / "large", headers, rows)
        large.write(args.large)
        large.sync(day(0), "large-cold")
        rebuilt, new_rows = [], []
        for i in range(1, args.repeat + 1):
            rebuilt.append(large.sync(day(2 * i - 1), f"rebuilt-{i}"))
            large.write(args.large + 10 * i)
            new_rows.append(large.sync(day(2 * i), f"new-rows-{i}"))
        assert set(large.outcomes(2 * args.repeat)) == {"published"}
        report = json.loads((large.folder / "output" / "staff" / "report.json").read_text())
        assert report["unchanged_responses_reused"] == report["counts"]["read"] - 10, report["counts"]
    results = {
        "unchanged_s": median(unchanged, "wall"), "unchanged_cpu_s": median(unchanged, "cpu"),
        "unchanged_peak_mb": median(unchanged, "peak_mb"),
        "unchanged_heavy_imports": heavy, "unchanged_import_s": import_s,
        "rebuilt_s": median(rebuilt, "wall"), "rebuilt_cpu_s": median(rebuilt, "cpu"),
        "rebuilt_peak_mb": median(rebuilt, "peak_mb"),
        "new_rows_s": median(new_rows, "wall"), "new_rows_cpu_s": median(new_rows, "cpu"),
        "new_rows_peak_mb": median(new_rows, "peak_mb"),
        "cold_s": cold["wall"], "cold_cpu_s": cold["cpu"], "cold_peak_mb": cold["peak_mb"],
        "load_average": os.getloadavg()[0],
    }
    ratio = results["new_rows_s"] / results["rebuilt_s"]
    cpu_ratio = results["new_rows_cpu_s"] / results["rebuilt_cpu_s"]
    budgets = [
        (f"unchanged run, {args.rows:,} responses ≤ {BUDGET_UNCHANGED_S} s",
         results["unchanged_cpu_s"] <= BUDGET_UNCHANGED_S,
         f"CPU {results['unchanged_cpu_s']:.2f} s, wall {results['unchanged_s']:.2f} s"),
        (f"10 new rows in {args.large:,} ≤ {BUDGET_NEW_ROWS_RATIO}× the sheet rebuilt", cpu_ratio <= BUDGET_NEW_ROWS_RATIO,
         f"{cpu_ratio:.2f}× CPU, {ratio:.2f}× wall"),
        (f"cold {args.rows:,} peak ≤ {BUDGET_COLD_PEAK_MB} MB", results["cold_peak_mb"] <= BUDGET_COLD_PEAK_MB,
         f"{results['cold_peak_mb']:.0f} MB"),
    ]
    print(f"unchanged: {args.rows:,} responses, {args.repeat} runs (median); {args.large:,} for the new rows; "
          f"load average {results['load_average']:.1f}")
    print(f"  unchanged run        {results['unchanged_s']:.2f} s (CPU {results['unchanged_cpu_s']:.2f} s), peak "
          f"{results['unchanged_peak_mb']:.0f} MB; imports {results['unchanged_import_s']:.2f} s; heavy modules "
          f"imported: {', '.join(heavy) or 'none'}")
    print(f"  cold run             {results['cold_s']:.2f} s (CPU {results['cold_cpu_s']:.2f} s), peak "
          f"{results['cold_peak_mb']:.0f} MB")
    print(f"  {args.large:,} rebuilt       {results['rebuilt_s']:.2f} s (CPU {results['rebuilt_cpu_s']:.2f} s), "
          f"peak {results['rebuilt_peak_mb']:.0f} MB")
    print(f"  {args.large:,} + 10 new      {results['new_rows_s']:.2f} s (CPU {results['new_rows_cpu_s']:.2f} s), "
          f"peak {results['new_rows_peak_mb']:.0f} MB")
    for name, met, figure in budgets:
        print(f"  budget: {name}: {figure} — {'met' if met else 'MISSED'}")
    out = ROOT / "bench" / ".results"
    out.mkdir(exist_ok=True)
    (out / "unchanged.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(met for _, met, _ in budgets) else 1


if __name__ == "__main__":
    sys.exit(main())
