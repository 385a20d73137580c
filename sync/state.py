"""State kept between runs, in its own folder: run history, response fingerprints, the lock.

Like a Singer tap's bookmarks, state is explicit: a SQLite file that says
which runs happened and what each unchanged response was decided to be, so a
sync of a 10,000-row sheet with 10 new rows does the validation and location
work for those 10 only.

>>> with StateStore(Path("output/state")) as state:          # doctest: +SKIP
...     state.last_good_published()
241
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import filelock

from sync.config import Config
from sync.errors import SyncLocked

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
    message TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS fingerprints (
    fingerprint TEXT PRIMARY KEY,
    response BLOB NOT NULL
);
"""

#: Bump when the pickled Response layout or any stage's decisions change, to drop old fingerprints.
STATE_VERSION = 2


def config_fingerprint(config: Config) -> str:
    """What a response's decision depends on besides its own cells."""
    relevant = {
        "version": STATE_VERSION,
        "campaign": config.campaign.model_dump(mode="json"),
        "fields": config.fields.model_dump(mode="json"),
        "validation": config.validation.model_dump(mode="json"),
        "location": config.location.model_dump(mode="json"),
        # only the keys that change answers; limits and timeouts do not
        "geocoder": config.geocoder.model_dump(mode="json", include={"enabled", "provider", "domain", "scheme"}),
        "aliases": hashlib.sha256(config.location.aliases.read_bytes()).hexdigest()
        if config.location.aliases.exists() else "",
    }
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:16]


def row_fingerprint(config_fp: str, cells: dict[str, str]) -> str:
    """A response's identity for caching: its mapped cells under one config."""
    digest = hashlib.sha256(config_fp.encode())
    for name in sorted(cells):
        digest.update(b"\x1f" + name.encode() + b"\x1e" + cells[name].encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class StateStore:
    """The SQLite state file: run history and per-response fingerprints."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "state.sqlite"
        self.db = sqlite3.connect(self.path, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(_SCHEMA)

    def __enter__(self) -> "StateStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # --- run history ------------------------------------------------------------------

    def record_run(self, *, started_at: datetime, finished_at: datetime, exit_code: int, outcome: str,
                   counts: dict | None = None, seconds: float | None = None, warnings=(), message: str = "") -> None:
        counts = counts or {}
        with self.db:
            self.db.execute(
                "INSERT INTO runs (started_at, finished_at, exit_code, outcome, read, published, held, rejected,"
                " seconds, warnings, message) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (started_at.isoformat(timespec="seconds"), finished_at.isoformat(timespec="seconds"), exit_code,
                 outcome, counts.get("read"), counts.get("published"), counts.get("held"), counts.get("rejected"),
                 seconds, json.dumps(list(warnings)), message),
            )

    def runs(self, limit: int = 20) -> list[dict]:
        """The most recent runs, newest first."""
        cursor = self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def last_good_published(self) -> int | None:
        """Published activities of the last run that wrote the outputs, if any."""
        row = self.db.execute(
            "SELECT published FROM runs WHERE outcome = 'published' ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else None

    # --- fingerprints -----------------------------------------------------------------

    def load_responses(self, fingerprints: list[str]) -> dict[str, bytes]:
        """Pickled decided responses stored under these fingerprints (those present).

        Bytes, not objects: two identical rows must not share one mutable response.
        """
        found: dict[str, bytes] = {}
        wanted = list(dict.fromkeys(fingerprints))
        for start in range(0, len(wanted), 900):  # SQLite's bound-parameter limit
            chunk = wanted[start:start + 900]
            marks = ",".join("?" * len(chunk))
            found.update(self.db.execute(
                f"SELECT fingerprint, response FROM fingerprints WHERE fingerprint IN ({marks})", chunk))
        return found

    def replace_responses(self, decided: dict[str, bytes]) -> None:
        """Keep exactly these fingerprints (the sheet's current rows)."""
        with self.db:
            self.db.execute("DELETE FROM fingerprints")
            self.db.executemany("INSERT INTO fingerprints VALUES (?, ?)", decided.items())


@contextmanager
def sync_lock(folder: Path, *, wait: float = 0):
    """Hold the sync lock; raise :class:`SyncLocked` when another sync holds it.

    An OS-level lock (``flock``) is released by the kernel when its process dies,
    so a killed run never blocks the next one.
    """
    folder.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(folder / "sync.lock")
    try:
        lock.acquire(timeout=wait)
    except filelock.Timeout:
        waited = f" after waiting {wait:g} s" if wait else ""
        raise SyncLocked(f"another sync is running (lock {folder / 'sync.lock'}){waited}; "
                         "try again later or pass --wait SECONDS") from None
    try:
        yield
    finally:
        lock.release()
