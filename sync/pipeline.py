"""The sync, end to end: source → normalize → validate → locate → publish.

The library entry point is :func:`run_sync`; the CLI only parses arguments and
formats its result. Outputs are built in memory and published only when every
stage succeeded and the safety guard agrees, as one release switched in at once
(:mod:`sync.publish.release`), so a failed run leaves the last good outputs as
they were. A run whose sheet, config, code and day are those of the last
published run writes nothing at all; only what it needs is imported, so such a
run takes a fraction of a second.

>>> from sync.config import load_config
>>> result = run_sync(load_config("config/healing-map.toml"), dry_run=True)   # the bundled sample
>>> result.counts
{'read': 320, 'published': 194, 'held': 29, 'rejected': 97, 'blank_rows': 0}
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import json
import logging
import marshal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sync import __version__
from sync.config import Config
from sync.errors import GuardTripped, PublishError, SourceError
from sync.notify import after_publish as notify_hosts, notify_reads, outbox_released, prepare as plan_notices
from sync.publish import build_outputs, public_events, report_json
from sync.publish.exports import reason_summary
from sync.publish.release import Releases
from sync.records import Response, SheetTable, Status
from sync.sources import Source, open_source
from sync.state import DecisionCodec, StateStore, config_fingerprint, row_fingerprints, sync_lock

if TYPE_CHECKING:
    from sync.locate.geography import Geography
    from sync.normalize import Normalizer
    from sync.notify import Notice
    from sync.publish.calendar import CalendarPlan

log = logging.getLogger("sync")


@dataclass
class SyncResult:
    """What a sync did: the report written to ``staff/report.json`` and the files written."""

    report: dict
    responses: list[Response]
    events: list[dict]
    outputs: list[Path] = field(default_factory=list)
    #: The release it published (or found unchanged), and a digest of what it was built from.
    release: str | None = None
    inputs: str | None = None
    #: True when the sheet, config, code and day were those of the last published run: nothing written.
    unchanged: bool = False

    @property
    def counts(self) -> dict[str, int]:
        return self.report["counts"]


class StageTimer:
    """Wall and CPU seconds per stage, and the process's peak memory when each stage ended, in MB.

    All go to the report and the benchmarks (bench/scale.py): the peak after ``read`` is the
    sheet as read, the peak after ``publish`` the whole run's (every output is then in memory).
    """

    def __init__(self, clock=time.perf_counter):
        self._clock = clock
        self.seconds: dict[str, float] = {}
        #: CPU seconds per stage: on a busy machine, what the stage cost apart from waiting.
        self.cpu_seconds: dict[str, float] = {}
        self.peak_mb: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, stage: str):
        start, cpu = self._clock(), time.process_time()
        try:
            yield
        finally:
            self.seconds[stage] = round(self.seconds.get(stage, 0.0) + self._clock() - start, 4)
            self.cpu_seconds[stage] = round(self.cpu_seconds.get(stage, 0.0) + time.process_time() - cpu, 4)
            self.peak_mb[stage] = peak_memory_mb()


def peak_memory_mb() -> float:
    """This process's peak resident memory so far, in MB (0 where unknown).

    On Linux, ``VmHWM`` of /proc/self/status: ``ru_maxrss`` would also count the
    memory of the process that started this one, as it was when it forked.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError):
        pass
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux, bytes on macOS
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


@dataclass
class Decisions:
    responses: list[Response]
    warnings: list[str]
    locator_stats: dict
    reused: int


def decide(table: SheetTable, config: Config, *, geography: Geography, timer: StageTimer,
           state: StateStore | None = None, progress: bool = False) -> Decisions:
    """Normalize, validate and locate every row; reuse stored decisions for unchanged rows."""
    # Imported here: an unchanged run never needs them (rapidfuzz, phonenumbers, shapely…).
    from sync.normalize import Normalizer
    from sync.validate import mark_superseded, validate_response

    normalizer = Normalizer(config)
    codec = DecisionCodec(config.campaign.tz)
    with timer("normalize"):
        rows = _read_rows(table, normalizer, codec, config=config, state=state)
    with timer("validate"):
        for _, r in rows.fresh:
            validate_response(r, config)
    with timer("locate"):
        stats = _locate_fresh([r for _, r in rows.fresh], config, geography, progress=progress)
    if state:
        with timer("state"):
            # Stored before repeat-marking, which depends on the other rows; geocoder misses and
            # outages are decided again next run. Rows the sheet no longer has are dropped.
            new = {fp: codec.encode(r) for fp, r in rows.fresh
                   if fp is not None and not any(x.recheck for x in r.reasons)}
            state.update_decisions(stale=[fp for fp in rows.stored if fp not in rows.reused and fp not in new],
                                   fresh=new)
            rows.stored = {}  # let go of the state's decisions (large for a large sheet) before what follows
    with timer("normalize"):
        normalizer.extras(rows.responses)  # staff's own questions: never stored, so worked out for every row
    with timer("validate"):
        mark_superseded(rows.responses)
        for r in rows.responses:
            r.decide_status()
    warnings = list(table.warnings)  # values under no header
    warnings += [f"column {h!r} is not in the mapping and was ignored" for h in normalizer.ignored_headers
                 if not notify_reads(config.notify, h)]
    return Decisions(rows.responses, warnings, stats, reused=len(rows.responses) - len(rows.fresh))


@dataclass
class _Rows:
    """The sheet's rows as responses: those decided now (``fresh``, with their fingerprints) and the rest
    decoded from the state; ``stored`` is every decision the state held, ``reused`` the ones used."""

    responses: list[Response]
    fresh: list[tuple[bytes | None, Response]]
    stored: dict[bytes, bytes]
    reused: set[bytes]


def _read_rows(table: SheetTable, normalizer: Normalizer, codec: DecisionCodec, *, config: Config,
               state: StateStore | None) -> _Rows:
    """Each row's stored decision when its fingerprint has one, else the row normalized afresh."""
    cells_of = normalizer.cells(table)
    fingerprints: Sequence[bytes | None]
    if state:
        fingerprints = row_fingerprints(config_fingerprint(config), normalizer.decision_columns, table.rows)
        stored = state.load_decisions()
    else:
        fingerprints, stored = [None] * len(cells_of), {}
    rows = _Rows(responses=[], fresh=[], stored=stored, reused=set())
    unreadable = 0
    for offset, (cells, fp) in enumerate(zip(cells_of, fingerprints)):
        row_number = table.row_number(offset)
        r = None
        if fp is not None and (blob := stored.get(fp)) is not None:
            try:
                r = codec.decode(blob, cells, row_number)
                rows.reused.add(fp)
            except Exception as exc:  # a damaged or foreign entry: decide the row again
                unreadable += 1
                log.debug("stored decision for row %d unreadable (%r); deciding it again", row_number, exc)
        if r is None:
            r = normalizer.row(cells, row_number)
            rows.fresh.append((fp, r))
        rows.responses.append(r)
    if unreadable:
        log.warning("%d stored decisions could not be read and were decided again", unreadable)
    return rows


def _locate_fresh(responses: list[Response], config: Config, geography: Geography, *, progress: bool) -> dict:
    """Locate the responses decided this run; the online locator's counters, if one was used."""
    from sync.locate import build_locator, locate_responses

    stats: dict = {}
    if any(r.location_text or r.zip for r in responses):
        locator = build_locator(config, geography)
        try:
            locate_responses(responses, locator, progress=progress)
        finally:
            if locator.street_locator:
                stats = locator.street_locator.stats()
                locator.street_locator.close()
    return stats


@contextlib.contextmanager
def cyclic_gc_paused():
    """Pause Python's cyclic garbage collector for the run (reference counting still frees memory).

    A run keeps millions of objects alive to its end (the sheet, the responses, the
    events), and every full collection walks all of them again: a third of a
    600,000-row run went there. Nothing a run creates per row forms a cycle, so
    the few cycles a run leaves (rendered templates, caught exceptions) wait for
    the next collection after it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_sync(config: Config, *, now: datetime | None = None, dry_run: bool = False, force: bool = False,
             wait: float = 0, progress: bool = False, source: Source | None = None,
             backfill: bool = False) -> SyncResult:
    """Run one sync under the lock, recording it in the run history.

    ``backfill`` also mails the hosts of responses recorded without a message when
    notifications were turned on (see :mod:`sync.notify`).

    Raises a :class:`~sync.errors.HealingMapError` subclass on a run-level
    failure (the outputs are then untouched): ``SourceError`` (exit 3),
    ``GuardTripped`` (exit 4), ``SyncLocked`` (exit 5), ``PublishError`` (exit 6:
    an output or the state could not be written).
    """
    state_folder = config.output.state_folder
    with sync_lock(state_folder, wait=wait), StateStore(state_folder) as state, cyclic_gc_paused():
        started_at = datetime.now(config.campaign.tz)
        started = time.perf_counter()
        try:
            result = _run(config, state=state, now=now, dry_run=dry_run, force=force, progress=progress,
                          source=source, backfill=backfill)
        except Exception as exc:
            if not dry_run:
                try:
                    state.record_run(started_at=started_at, finished_at=datetime.now(config.campaign.tz),
                                     exit_code=getattr(exc, "exit_code", 1), outcome=type(exc).__name__,
                                     message=str(exc).splitlines()[0] if str(exc) else repr(exc),
                                     seconds=round(time.perf_counter() - started, 3),
                                     counts=getattr(exc, "counts", None))
                except PublishError as failure:  # the state's disk failed too: the run's own error comes first
                    log.warning("the run could not be recorded in history: %s", failure)
            raise
        if not dry_run:
            report = result.report
            state.record_run(started_at=started_at, finished_at=datetime.now(config.campaign.tz), exit_code=0,
                             outcome="unchanged" if result.unchanged else "published", counts=report["counts"],
                             seconds=report["timings"]["total"], warnings=report["warnings"],
                             release=result.release, inputs=result.inputs)
        return result


def _run(config: Config, *, state: StateStore, now, dry_run: bool, force: bool, progress: bool,
         source: Source | None, backfill: bool = False) -> SyncResult:
    started = time.perf_counter()
    now = (now or datetime.now(config.campaign.tz)).astimezone(config.campaign.tz)
    timer = StageTimer()
    source = source or open_source(config.source, writeback=config.status_writeback)
    with timer("read"):
        table = source.read()
    releases = Releases(config.output.folder, keep=config.output.keep_releases)
    inputs = None if dry_run else inputs_digest(table, config, now)
    if (inputs and not backfill and outbox_released(config)
            and (same := unchanged_result(config, state=state, releases=releases, inputs=inputs))):
        notify_hosts(config, None, report=same.report, now=now)  # statuses as before; send what is queued
        same.report["timings"] = {"read": timer.seconds["read"], "total": round(time.perf_counter() - started, 4)}
        return same
    from sync.locate.geography import load_geography

    with timer("geography"):
        geography = load_geography(config.output.state_folder)
    decisions = decide(table, config, geography=geography, timer=timer, state=None if dry_run else state,
                       progress=progress)
    for message in decisions.warnings:
        log.warning(message)
    with timer("publish"):
        planned = _plan_outputs(decisions, table, source, config=config, geography=geography, state=state,
                                now=now, timer=timer, dry_run=dry_run, force=force, backfill=backfill)
    report, files = planned.report, planned.files
    # report.json again, now that it can tell the publish stage's time and the run's peak memory.
    report["cpu_seconds"] = dict(timer.cpu_seconds)
    report["memory_mb"] = dict(timer.peak_mb)
    files[config.staff_dir / "report.json"] = report_json(report)
    release = None
    if not dry_run:
        with timer("write"):
            release = releases.publish(files)
            state.update_calendar(planned.calendar.changes)  # only once the feeds saying so are out
        with timer("notify"):
            notify_hosts(config, planned.notice, report=report, now=now)  # only once the outputs are out
    report["timings"]["total"] = round(time.perf_counter() - started, 4)
    # Runs that left something to retry (a geocoder outage, a failed write-back) are never "unchanged".
    responses = decisions.responses
    settled = not any(x.recheck for r in responses for x in r.reasons) and (
        not config.status_writeback.enabled or "status_writeback" in report)
    return SyncResult(report=report, responses=responses, events=planned.events,
                      outputs=[] if dry_run else list(files), release=release, inputs=inputs if settled else None)


@dataclass
class _Planned:
    """Everything a run publishes, built in memory: nothing is written until all of it is ready."""

    events: list[dict]
    report: dict
    notice: Notice | None
    calendar: CalendarPlan
    files: dict


def _plan_outputs(decisions: Decisions, table: SheetTable, source: Source, *, config: Config,
                  geography: Geography, state: StateStore, now: datetime, timer: StageTimer, dry_run: bool,
                  force: bool, backfill: bool) -> _Planned:
    """The public events, the report (the safety guard checked), the messages to hosts and every output file."""
    from sync.publish.calendar import plan_calendar

    responses = decisions.responses
    events = public_events(responses, config, geography)
    report = build_report(responses, config=config, source=source, now=now, warnings=decisions.warnings,
                          timings=timer.seconds, locator_stats=decisions.locator_stats, dry_run=dry_run,
                          reused=decisions.reused, blank_rows=table.blank_rows)
    check_guard(report["counts"], state.last_good_published(), config=config, force=force)
    if config.status_writeback.enabled and not dry_run:
        write_back_statuses(source, responses, report)
    notice = plan_notices(responses, table, config=config, now=now, report=report, dry_run=dry_run,
                          backfill=backfill)
    calendar = plan_calendar(events, config=config, now=now, ledger=state)  # SEQUENCE from the last runs
    files = build_outputs(responses, events, report, config=config, geography=geography, generated_at=now,
                          outbox=notice.listing if notice else None, calendar=calendar)
    files.update(notice.files if notice else {})
    return _Planned(events, report, notice, calendar, files)


def inputs_digest(table: SheetTable, config: Config, now: datetime) -> str | None:
    """What a run's outputs are made of: the sheet as read, the config, the code and the day.

    The day counts because the map's "upcoming" changes with it. ``None`` when the
    table holds something this digest cannot read (such a run is never "unchanged").
    """
    digest = hashlib.sha256()
    try:
        for item in dataclasses.fields(table):
            value = getattr(table, item.name)
            # marshal version 2 never refers back to an earlier object, so shared cells give the same
            # bytes as copies; in slices, so a 600,000-row sheet is never held twice.
            chunks = (value[i:i + 10_000] for i in range(0, len(value), 10_000)) if item.name == "rows" else (value,)
            for chunk in chunks:
                digest.update(marshal.dumps(chunk, 2))
    except ValueError:
        return None
    digest.update(json.dumps(config.model_dump(mode="json"), sort_keys=True, default=str).encode())
    digest.update(config_fingerprint(config).encode())  # the contents of its data files
    digest.update(_code_digest().encode())
    digest.update(now.astimezone(config.campaign.tz).date().isoformat().encode())
    return digest.hexdigest()[:32]


@functools.cache
def _code_digest() -> str:
    """Every file of the package (code, templates, labels): a changed page template is a changed output."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).parent
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def unchanged_result(config: Config, *, state: StateStore, releases: Releases, inputs: str) -> SyncResult | None:
    """The last published run's result when ``inputs`` are its inputs and its release is still served."""
    last = state.last_published_run()
    if not last or last["inputs"] != inputs or releases.current() != last["release"]:
        return None
    try:
        report = json.loads((config.staff_dir / "report.json").read_text(encoding="utf-8"))
        outputs = sorted(p for folder in (config.public_dir, config.staff_dir) for p in folder.iterdir())
    except (OSError, ValueError):
        return None
    releases.secure()  # should anyone have opened the staff files since; nothing else is written
    log.debug("the sheet, config, code and day are those of release %s: nothing to write", last["release"])
    return SyncResult(report=report, responses=[], events=[], outputs=outputs, release=last["release"],
                      inputs=inputs, unchanged=True)


def write_back_statuses(source: Source, responses: list[Response], report: dict) -> None:
    """Write each response's status to the sheet's status worksheet; a failure is only a warning."""
    if not hasattr(source, "write_status"):
        report["warnings"].append(f"status write-back needs a google_sheets source, not {source.description}")
        return
    rows = [status_row(r) for r in responses]
    try:
        source.write_status(rows)
    except SourceError as exc:
        report["warnings"].append(f"status write-back failed: {exc}")
        log.warning("status write-back failed: %s", exc)
    else:
        report["status_writeback"] = {"rows": len(rows)}


def status_row(r: Response) -> list[str]:
    """Submitted time, title, status, reasons, community area: one row of the status worksheet."""
    return [
        r.raw.get("submitted_at", ""), r.title, r.status.value if r.status else "",
        "; ".join(x.message for x in r.blocking_reasons),
        (r.location.community_area_name or "Citywide") if r.location else "",
    ]


def check_guard(counts: dict, last_published: int | None, *, config: Config, force: bool) -> None:
    """Refuse to publish a map that lost more than the allowed share of its activities."""
    if force or not last_published:
        return
    allowed = config.guard.max_drop_fraction
    if counts["published"] < last_published * (1 - allowed):
        error = GuardTripped(
            f"published activities would drop from {last_published} to {counts['published']}, more than "
            f"{allowed:.0%} (guard.max_drop_fraction); nothing was published. Check the sheet, then run "
            "with --force to publish anyway"
        )
        error.counts = counts
        raise error


def build_report(responses: list[Response], *, config: Config, source: Source, now: datetime,
                 warnings: list[str], timings: dict, locator_stats: dict, dry_run: bool, reused: int = 0,
                 blank_rows: int = 0) -> dict:
    """Counts, reasons, timings and warnings: the run's ``staff/report.json``.

    ``blank_rows`` (skipped by the source) are counted apart: they are not responses.
    """
    counts = {"read": len(responses)}
    for status in Status:
        counts[status.value] = sum(1 for r in responses if r.status is status)
    if counts["published"] + counts["held"] + counts["rejected"] != counts["read"]:  # pragma: no cover
        raise AssertionError(f"accounting broke: {counts}")
    counts["blank_rows"] = blank_rows
    return {
        "generated_at": now.isoformat(timespec="seconds"),
        "version": __version__,
        "source": source.description,
        "config": str(config.path),
        "dry_run": dry_run,
        "counts": counts,
        "unchanged_responses_reused": reused,
        "reasons": {
            "rejected": reason_summary(responses, Status.REJECTED),
            "held": reason_summary(responses, Status.HELD),
        },
        "warnings": warnings,
        "geocoder": locator_stats,
        "timings": timings,
    }
