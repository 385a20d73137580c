"""State kept between runs, in its own folder: run history, response fingerprints, the lock.

Like a Singer tap's bookmarks, state is explicit: a SQLite file that says
which runs happened and what each unchanged response was decided to be, so a
sync of a 10,000-row sheet with 10 new rows does the validation and location
work for those 10 only.

A decision is stored compactly (:class:`DecisionCodec`): a marshalled tuple of
what normalizing, validating and locating found, without the row's cells (the
fingerprint says they are the same cells) and without any text that normalizing
left as the cell had it. A 600,000-row sheet's decisions take ~100 bytes a row
and load in a few seconds, where pickled responses took 2 KB and most of a run.

>>> with StateStore(Path("output/state")) as state:          # doctest: +SKIP
...     state.last_good_published()
241
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import marshal
import operator
import os
import pickle
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import filelock

from sync.config import Config
from sync.errors import SyncLocked
from sync.fields import QUESTION_NAMES, QUESTIONS
from sync.publish.files import PRIVATE_FILE, PRIVATE_FOLDER, make_folder, publish_error, tighten, writing
from sync.records import Location, Precision, Reason, Response, RowCells, Status

log = logging.getLogger("sync")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    exit_code INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    read INTEGER, published INTEGER, held INTEGER, rejected INTEGER,
    seconds REAL,
    warnings TEXT NOT NULL DEFAULT '[]',
    message TEXT NOT NULL DEFAULT '',
    release TEXT,
    inputs TEXT
);
CREATE TABLE IF NOT EXISTS decisions (
    fingerprint BLOB PRIMARY KEY,
    response BLOB NOT NULL
);
-- state version 2 and older kept pickled responses here
DROP TABLE IF EXISTS fingerprints;
-- the calendar feeds' memory (sync/publish/calendar.py): per UID, a digest of what the feeds said,
-- its SEQUENCE and LAST-MODIFIED, when it was cancelled, and its rendered VEVENT
CREATE TABLE IF NOT EXISTS calendar (
    uid TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    modified TEXT NOT NULL,
    cancelled TEXT,
    item TEXT NOT NULL,
    vevent BLOB NOT NULL
);
"""

#: Bump when the stored decision layout or any stage's decisions change, to drop old fingerprints.
STATE_VERSION = 5  # 4: contact details removed from public text (sync.contacts); 5: held messages from sync.reasons


#: Bumped when the locator's matching rules change, so stored decisions are made again.
LOCATOR_VERSION = 2


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def config_fingerprint(config: Config) -> str:
    """What a response's decision depends on besides its own cells."""
    relevant = {
        "version": STATE_VERSION,
        "campaign": config.campaign.model_dump(mode="json"),
        # the built-in questions' headers only: staff's own questions ([[fields.extra]]) decide nothing,
        # so adding, renaming or removing one keeps every stored decision
        "fields": {**config.fields.builtin_headers(),
                   "optional": [name for name in config.fields.optional if name in QUESTION_NAMES]},
        "layout": _TEXT_CELLS,
        "validation": config.validation.model_dump(mode="json"),
        "location": config.location.model_dump(mode="json"),
        # only the keys that change answers; limits and timeouts do not
        "geocoder": config.geocoder.model_dump(mode="json", include={"enabled", "provider", "domain", "scheme"}),
        # the gazetteer's data files and its code: a new name or matching rule decides rows again
        "place_data": {name: _file_digest(getattr(config.location, name))
                       for name in ("aliases", "venues", "sides", "streets", "corrections")},
        "locator": LOCATOR_VERSION,
    }
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:16]


def row_fingerprints(config_fp: str, columns: Mapping[str, int], rows: Iterable[Sequence[str]]) -> list[bytes]:
    """Each row's identity for caching: its mapped cells under one config (16 bytes of SHA-256).

    ``columns`` maps field name → column index; the same answers in other columns give the same
    fingerprint. They are the built-in questions' (``Normalizer.decision_columns``): the cells a decision reads.
    """
    names = sorted(columns)
    prefix = _fingerprint_prefix(config_fp, names)
    cells = operator.itemgetter(*(columns[name] for name in names))
    if len(names) == 1:
        return [_digest(prefix, (cells(row),)) for row in rows]
    return [_digest(prefix, cells(row)) for row in rows]


def _fingerprint_prefix(config_fp: str, names: list[str]) -> bytes:
    return marshal.dumps((config_fp, tuple(names)), 2)


def _digest(prefix: bytes, values: tuple) -> bytes:
    # marshal version 2 writes each string length-prefixed in UTF-8 (surrogates kept) and never
    # refers back to an earlier object, so equal cells always give equal bytes.
    return hashlib.sha256(prefix + marshal.dumps(values, 2)).digest()[:16]


#: Response text fields and the cell each is normalized from, in the order of :mod:`sync.fields`; stored only
#: when normalizing changed it. The order is part of the config fingerprint, so a new order decides rows again.
_TEXT_CELLS = tuple((f.attribute, f.name) for f in QUESTIONS if f.text_attribute)
_TEXT_ATTRIBUTES = tuple(attribute for attribute, _ in _TEXT_CELLS)
#: Response's other fields the stored tuple holds, each by name in :meth:`DecisionCodec.decode`.
_VALUE_FIELDS = ("submitted_at", "event_type_detail", "event_date", "starts_at", "ends_at", "languages",
                 "public_consent", "approved", "reasons", "location", "status")
#: Response's fields no decision stores: the row's own (its number and cells) and what each run works out again.
_NOT_STORED = ("row_number", "raw", "extras")
_REASON_FIELDS = tuple(f.name for f in dataclasses.fields(Reason))
_LOCATION_FIELDS = tuple(f.name for f in dataclasses.fields(Location))
#: Whether :class:`DecisionCodec` knows every field of Response; a new field falls back to pickle
#: (slower, never wrong) until the codec learns it (tests/test_state_codec.py fails meanwhile).
CODEC_COMPLETE = (sorted(f.name for f in dataclasses.fields(Response))
                  == sorted(_TEXT_ATTRIBUTES + _VALUE_FIELDS + _NOT_STORED)
                  and _LOCATION_FIELDS[0] == "precision")
_PRECISIONS = {p.value: p for p in Precision}
_STATUSES = {s.value: s for s in Status}
_texts_of = operator.attrgetter(*(name for name, _ in _TEXT_CELLS))
_reason_values = operator.attrgetter(*_REASON_FIELDS)
_location_values = operator.attrgetter(*_LOCATION_FIELDS[1:])


class DecisionCodec:
    """Stored decisions: a response as compact bytes and back, given the row's cells again.

    ``b"M"`` + a marshalled tuple of plain values; anything the tuple cannot hold
    exactly (a time zone other than the campaign's, a value marshal refuses) is
    stored as ``b"P"`` + a pickle instead. Decoded rows share their immutable
    parts (times, reasons, locations, language lists) with each other.
    """

    def __init__(self, tz: ZoneInfo):
        self.tz = tz
        self._moments: dict[str, datetime] = {}
        self._days: dict[int, date] = {}
        self._reasons: dict[tuple, Reason] = {}
        self._locations: dict[tuple, Location] = {}
        self._languages: dict[tuple, tuple] = {}
        self._located: dict[int, tuple[Location, tuple]] = {}
        self._pickers: tuple[dict, operator.itemgetter] | None = None

    # --- encode ---

    def encode(self, r: Response) -> bytes:
        if CODEC_COMPLETE:
            try:
                return b"M" + marshal.dumps(self._values(r))
            except (TypeError, ValueError):
                pass
        return b"P" + pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL)

    def _values(self, r: Response) -> tuple:
        loc = r.location
        if type(r.languages) is not tuple or (r.event_date is not None and type(r.event_date) is not date):
            raise TypeError("languages must be a tuple, the date a date")
        return (
            self._moment(r.submitted_at),
            [None if value == cell else value for value, cell in zip(_texts_of(r), self._cells(r.raw))],
            r.event_type_detail,
            None if r.event_date is None else r.event_date.toordinal(),
            self._moment(r.starts_at),
            self._moment(r.ends_at),
            r.languages,
            r.public_consent,
            r.approved,
            [_reason_values(x) for x in r.reasons],
            None if loc is None else self._place(loc),
            None if r.status is None else r.status.value,
        )

    def _moment(self, moment: datetime | None) -> str | None:
        if moment is None:
            return None
        if type(moment) is not datetime or moment.fold or (
                moment.tzinfo is not self.tz and getattr(moment.tzinfo, "key", None) != self.tz.key):
            raise TypeError("not a campaign-time datetime")
        return moment.replace(tzinfo=None).isoformat()

    def _place(self, loc: Location) -> tuple:
        # Rows located alike share one Location: encode it once.
        known = self._located.get(id(loc))
        if known is None or known[0] is not loc:
            known = self._located[id(loc)] = (loc, (loc.precision.value, *_location_values(loc)))
        return known[1]

    def _cells(self, cells: Mapping[str, str]) -> tuple[str, ...]:
        """The cells the text fields come from, in :data:`_TEXT_CELLS` order (``""`` when absent)."""
        if type(cells) is RowCells:
            columns = cells.columns
            if self._pickers is None or self._pickers[0] is not columns:
                self._pickers = columns, operator.itemgetter(*(columns.get(key, -1) for _, key in _TEXT_CELLS))
            return self._pickers[1](cells.row + [""])  # -1: the "" of an absent column
        return tuple(cells.get(key, "") for _, key in _TEXT_CELLS)

    # --- decode ---

    def decode(self, blob: bytes, cells: Mapping[str, str], row_number: int) -> Response:
        """The stored response for a row with these cells (ValueError, EOFError… if the blob is bad)."""
        if blob[:1] == b"P":
            r = pickle.loads(blob[1:])
            r.raw, r.row_number = cells, row_number
            return r
        (submitted, texts, detail, day, starts, ends, languages, consent, approved, reasons, location,
         status) = marshal.loads(memoryview(blob)[1:])
        when = self._when
        r = Response(
            row_number=row_number, raw=cells, submitted_at=when(submitted), event_type_detail=detail,
            event_date=None if day is None else self._day(day), starts_at=when(starts), ends_at=when(ends),
            languages=self._languages.setdefault(languages, languages), public_consent=consent, approved=approved,
            reasons=[self._reason(x) for x in reasons], location=None if location is None else self._location(location),
            status=None if status is None else _STATUSES[status],
        )
        for attribute, value, cell in zip(_TEXT_ATTRIBUTES, texts, self._cells(cells)):
            setattr(r, attribute, cell if value is None else value)
        return r

    def _when(self, text: str | None) -> datetime | None:
        if text is None:
            return None
        moment = self._moments.get(text)
        if moment is None:
            moment = self._moments[text] = datetime.fromisoformat(text).replace(tzinfo=self.tz)
        return moment

    def _day(self, ordinal: int) -> date:
        day = self._days.get(ordinal)
        if day is None:
            day = self._days[ordinal] = date.fromordinal(ordinal)
        return day

    def _reason(self, values: tuple) -> Reason:
        reason = self._reasons.get(values)
        if reason is None:
            reason = self._reasons[values] = Reason(*values)
        return reason

    def _location(self, values: tuple) -> Location:
        loc = self._locations.get(values)
        if loc is None:
            loc = self._locations[values] = Location(_PRECISIONS[values[0]], *values[1:])
        return loc


#: Columns added to ``runs`` after its first version, added to older state files when opened.
_ADDED_RUN_COLUMNS = {"release": "TEXT", "inputs": "TEXT"}


class StateStore:
    """The SQLite state file: run history and per-response fingerprints.

    It holds every response, contact details included: the file is created 0600
    (SQLite gives its ``-wal`` and ``-shm`` files the same mode) in a 0700 folder.
    Any SQLite I/O error (a full disk, a read-only folder) is a
    :class:`~sync.errors.PublishError` naming the file (exit 6).
    """

    def __init__(self, folder: Path):
        self.path = folder / "state.sqlite"
        with writing(self.path):
            if not folder.is_dir():
                make_folder(folder, PRIVATE_FOLDER)
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, PRIVATE_FILE))
        with self._io():
            self.db = sqlite3.connect(self.path, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.executescript(_SCHEMA)
            present = {row[1] for row in self.db.execute("PRAGMA table_info(runs)")}
            for name, kind in _ADDED_RUN_COLUMNS.items():
                if name not in present:
                    self.db.execute(f"ALTER TABLE runs ADD COLUMN {name} {kind}")

    @contextmanager
    def _io(self):
        """Turn an SQLite error (disk full, read-only, I/O) into a PublishError naming the file."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise publish_error(self.path, exc) from None

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # --- run history ------------------------------------------------------------------

    def record_run(self, *, started_at: datetime, finished_at: datetime, exit_code: int, outcome: str,
                   counts: dict | None = None, seconds: float | None = None, warnings=(), message: str = "",
                   release: str | None = None, inputs: str | None = None) -> None:
        """Add a run to the history; ``release`` is the one it published, ``inputs`` what it was built from."""
        counts = counts or {}
        with self._io(), self.db:
            self.db.execute(
                "INSERT INTO runs (started_at, finished_at, exit_code, outcome, read, published, held, rejected,"
                " seconds, warnings, message, release, inputs) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (started_at.isoformat(timespec="seconds"), finished_at.isoformat(timespec="seconds"), exit_code,
                 outcome, counts.get("read"), counts.get("published"), counts.get("held"), counts.get("rejected"),
                 seconds, json.dumps(list(warnings)), message, release, inputs),
            )

    def runs(self, limit: int = 20) -> list[dict]:
        """The most recent runs, newest first."""
        cursor = self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def last_good_published(self) -> int | None:
        """Published activities of the last run that wrote the outputs, if any."""
        row = self.last_published_run()
        return row["published"] if row else None

    def last_published_run(self) -> dict | None:
        """The last run that wrote the outputs (its counts, release and inputs), if any."""
        with self._io():
            cursor = self.db.execute("SELECT * FROM runs WHERE outcome = 'published' ORDER BY id DESC LIMIT 1")
            row = cursor.fetchone()
        return dict(zip([c[0] for c in cursor.description], row)) if row else None

    # --- fingerprints -----------------------------------------------------------------

    def load_decisions(self) -> dict[bytes, bytes]:
        """Every stored decision, fingerprint → encoded response (see :class:`DecisionCodec`).

        Bytes, not objects: two identical rows must not share one mutable response.
        The table holds the last run's rows only, so reading it whole is what a run needs.
        """
        with self._io():
            return dict(self.db.execute("SELECT fingerprint, response FROM decisions"))

    def update_decisions(self, *, stale: Iterable[bytes] = (), fresh: Mapping[bytes, bytes] | None = None) -> None:
        """Drop the ``stale`` fingerprints and store the ``fresh`` decisions, in one transaction.

        An unchanged sheet writes nothing: the rows it keeps are already stored.
        """
        with self._io(), self.db:
            self.db.executemany("DELETE FROM decisions WHERE fingerprint = ?", ((fp,) for fp in stale))
            if fresh:  # in key order: appending to the index is far cheaper than inserting at random
                self.db.executemany("INSERT OR REPLACE INTO decisions VALUES (?, ?)", sorted(fresh.items()))

    # --- calendar feeds ---------------------------------------------------------------

    def calendar_index(self) -> dict[str, tuple[str, int, str, str | None]]:
        """Every activity the calendar feeds have held: UID → (digest, sequence, modified, cancelled at)."""
        with self._io():
            return {uid: (digest, sequence, modified, cancelled) for uid, digest, sequence, modified, cancelled
                    in self.db.execute("SELECT uid, digest, sequence, modified, cancelled FROM calendar")}

    def calendar_rows(self, uids: Iterable[str]) -> dict[str, tuple[str, bytes]]:
        """UID → (what the feed said, as JSON; its rendered VEVENT), for the ``uids`` asked."""
        uids = list(uids)
        found: dict[str, tuple[str, bytes]] = {}
        with self._io():
            for start in range(0, len(uids), 500):  # SQLite's limit on ? parameters is 999 on older builds
                chunk = uids[start:start + 500]
                found.update((uid, (item, vevent)) for uid, item, vevent in self.db.execute(
                    f"SELECT uid, item, vevent FROM calendar WHERE uid IN ({','.join('?' * len(chunk))})", chunk))
        return found

    def update_calendar(self, rows: Iterable[tuple]) -> None:
        """Store calendar rows ``(uid, digest, sequence, modified, cancelled, item, vevent)``, in one transaction."""
        with self._io(), self.db:
            self.db.executemany("INSERT OR REPLACE INTO calendar VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


@contextmanager
def sync_lock(folder: Path, *, wait: float = 0):
    """Hold the sync lock; raise :class:`SyncLocked` when another sync holds it.

    An OS-level lock (``flock``) is released by the kernel when its process dies,
    so a killed run never blocks the next one. The state folder is made 0700 and
    every file in it 0600 before and after the run, whatever the umask (the caches
    of the locate stage are created there during a run).
    """
    with writing(folder):
        make_folder(folder, PRIVATE_FOLDER)
        tighten(folder)
    lock = filelock.FileLock(folder / "sync.lock", mode=PRIVATE_FILE)
    try:
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            if not wait:
                raise
            log.info("another sync holds the lock %s; waiting up to %g s", folder / "sync.lock", wait)
            lock.acquire(timeout=wait)
    except filelock.Timeout:  # (a TimeoutError, so an OSError: caught first)
        waited = f" after waiting {wait:g} s" if wait else ""
        raise SyncLocked(f"another sync is running (lock {folder / 'sync.lock'}){waited}; "
                         "try again later or pass --wait SECONDS") from None
    except OSError as exc:
        raise publish_error(folder / "sync.lock", exc) from None
    try:
        yield
        with writing(folder):
            tighten(folder)
    finally:
        lock.release()
