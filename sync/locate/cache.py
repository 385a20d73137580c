"""The geocoder's answers, kept in SQLite in the state folder so no place is asked twice.

Hits are kept forever: a street corner does not move, and the community area is
worked out again from the point on every run, so new boundaries still apply.
Misses expire (``geocoder.miss_ttl_hours``) because map data improves. A
provider's ``Retry-After`` is kept too, so the next runs honour it.

One writer at a time (the sync holds its lock); WAL lets a reader look while a
run writes, and each answer is committed as soon as it arrives, so a run that
dies keeps what it paid for.

>>> cache = GeocodeCache(":memory:", miss_ttl_seconds=3600)
>>> cache.put_hit("nominatim", "1901 W Cermak Rd, Chicago, IL", lat=41.8523, lon=-87.6742,
...               display_name="1901, West Cermak Road", kind="place:house")
>>> cache.get("nominatim", "1901 w cermak rd,  chicago, il").lat
41.8523
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    provider TEXT NOT NULL,
    query TEXT NOT NULL,
    found INTEGER NOT NULL,
    lat REAL, lon REAL, display_name TEXT, kind TEXT,
    asked_at REAL NOT NULL,
    expires_at REAL,            -- NULL: kept forever (hits)
    PRIMARY KEY (provider, query)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS holds (
    provider TEXT PRIMARY KEY,
    until REAL NOT NULL         -- do not ask this provider before this time (Retry-After)
);
"""


@dataclass(frozen=True)
class Answer:
    """What the geocoder said about one query: a point, or nothing (``found`` false)."""

    found: bool
    lat: float | None = None
    lon: float | None = None
    display_name: str = ""
    #: The provider's class of the place, e.g. ``place:house`` or ``highway:primary``.
    kind: str = ""


def cache_key(query: str) -> str:
    """Fold case and spacing, so "1901 W Cermak Rd" and "1901 w cermak  rd" are one entry."""
    return " ".join(query.casefold().split())


class GeocodeCache:
    """Answers keyed by (provider, normalized query), with expiring misses."""

    def __init__(self, path: str | Path, *, miss_ttl_seconds: float):
        self.path = path
        self.miss_ttl_seconds = miss_ttl_seconds
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)

    def _clock(self) -> float:
        """Wall-clock seconds; expiries must survive between runs. Tests replace this."""
        return time.time()

    def get(self, provider: str, query: str) -> Answer | None:
        """The remembered answer, or ``None`` when never asked or the miss has expired."""
        row = self._db.execute(
            "SELECT found, lat, lon, display_name, kind FROM answers"
            " WHERE provider = ? AND query = ? AND (expires_at IS NULL OR expires_at > ?)",
            (provider, cache_key(query), self._clock()),
        ).fetchone()
        if row is None:
            return None
        found, lat, lon, display_name, kind = row
        return Answer(bool(found), lat, lon, display_name or "", kind or "")

    def put_hit(self, provider: str, query: str, *, lat: float, lon: float, display_name: str, kind: str) -> None:
        self._put(provider, query, Answer(True, lat, lon, display_name, kind), expires_at=None)

    def put_miss(self, provider: str, query: str) -> None:
        """Remember that nothing matched, until ``miss_ttl_seconds`` from now."""
        now = self._clock()
        self._put(provider, query, Answer(False), expires_at=now + self.miss_ttl_seconds)

    def hold(self, provider: str, *, seconds: float) -> None:
        """Ask nothing of ``provider`` for ``seconds`` (its ``Retry-After``), across runs."""
        self._db.execute("INSERT OR REPLACE INTO holds VALUES (?, ?)", (provider, self._clock() + seconds))

    def held_for(self, provider: str) -> float:
        """Seconds left before ``provider`` may be asked again; 0 when it may be now."""
        row = self._db.execute("SELECT until FROM holds WHERE provider = ?", (provider,)).fetchone()
        return max(0.0, row[0] - self._clock()) if row else 0.0

    def close(self) -> None:
        self._db.close()

    def _put(self, provider: str, query: str, answer: Answer, *, expires_at: float | None) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (provider, cache_key(query), int(answer.found), answer.lat, answer.lon,
             answer.display_name, answer.kind, self._clock(), expires_at),
        )
