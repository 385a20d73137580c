"""The sync, end to end: source → normalize → validate → locate → publish.

The library entry point is :func:`run_sync`; the CLI only parses arguments and
formats its result. Outputs are built in memory and written only when every
stage succeeded, each file atomically, so a failed run leaves the last good
outputs as they were.

>>> result = run_sync(load_config("config/healing-map.toml"), dry_run=True)   # doctest: +SKIP
>>> result.counts
{'read': 320, 'published': 241, 'held': 37, 'rejected': 42}
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sync import __version__
from sync.config import Config
from sync.locate import build_locator, locate_responses
from sync.locate.geography import load_geography
from sync.normalize import Normalizer
from sync.publish import build_outputs, public_events
from sync.publish.exports import reason_summary
from sync.publish.files import write_all
from sync.records import Response, Status
from sync.sources import Source, open_source
from sync.validate import validate_responses

log = logging.getLogger("sync")


@dataclass
class SyncResult:
    """What a sync did: the report written to ``staff/report.json`` and the files written."""

    report: dict
    responses: list[Response]
    events: list[dict]
    outputs: list[Path] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return self.report["counts"]


class StageTimer:
    """Wall time per stage, in seconds, for the report and the benchmarks."""

    def __init__(self, clock=time.perf_counter):
        self._clock = clock
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, stage: str):
        start = self._clock()
        try:
            yield
        finally:
            self.seconds[stage] = round(self.seconds.get(stage, 0.0) + self._clock() - start, 4)


def process(responses_source: Source, config: Config, *, timer: StageTimer, progress: bool = False) -> tuple[list[Response], list[str], dict]:
    """Read and decide every response; returns (responses, run warnings, locator stats)."""
    with timer("read"):
        table = responses_source.read()
    normalizer = Normalizer(config)
    with timer("normalize"):
        responses = normalizer.table(table)
    warnings = [f"column {h!r} is not in the mapping and was ignored" for h in normalizer.ignored_headers]
    with timer("validate"):
        validate_responses(responses, config)
    with timer("locate"):
        locator = build_locator(config)
        try:
            locate_responses(responses, locator, progress=progress)
        finally:
            stats = locator.street_locator.stats() if locator.street_locator else {}
            if locator.street_locator:
                locator.street_locator.close()
    for r in responses:
        r.decide_status()
    return responses, warnings, stats


def run_sync(config: Config, *, now: datetime | None = None, dry_run: bool = False, progress: bool = False,
             source: Source | None = None) -> SyncResult:
    """Run one sync. Raises a :class:`~sync.errors.HealingMapError` subclass on a run-level failure."""
    started = time.perf_counter()
    now = (now or datetime.now(config.campaign.tz)).astimezone(config.campaign.tz)
    timer = StageTimer()
    source = source or open_source(config.source)
    responses, warnings, locator_stats = process(source, config, timer=timer, progress=progress)
    for message in warnings:
        log.warning(message)
    geography = load_geography()
    with timer("publish"):
        events = public_events(responses, config, geography)
        report = build_report(responses, config=config, source=source, now=now, warnings=warnings,
                              timings=timer.seconds, locator_stats=locator_stats, dry_run=dry_run)
        files = build_outputs(responses, events, report, config=config, geography=geography, generated_at=now)
        if not dry_run:
            write_all(files)
    report["timings"]["total"] = round(time.perf_counter() - started, 4)
    return SyncResult(report=report, responses=responses, events=events,
                      outputs=[] if dry_run else list(files))


def build_report(responses: list[Response], *, config: Config, source: Source, now: datetime,
                 warnings: list[str], timings: dict, locator_stats: dict, dry_run: bool) -> dict:
    """Counts, reasons, timings and warnings: the run's ``staff/report.json``."""
    counts = {"read": len(responses)}
    for status in Status:
        counts[status.value] = sum(1 for r in responses if r.status is status)
    if counts["published"] + counts["held"] + counts["rejected"] != counts["read"]:  # pragma: no cover
        raise AssertionError(f"accounting broke: {counts}")
    return {
        "generated_at": now.isoformat(timespec="seconds"),
        "version": __version__,
        "source": source.description,
        "config": str(config.path),
        "dry_run": dry_run,
        "counts": counts,
        "reasons": {
            "rejected": reason_summary(responses, Status.REJECTED),
            "held": reason_summary(responses, Status.HELD),
        },
        "warnings": warnings,
        "geocoder": locator_stats,
        "timings": timings,
    }
