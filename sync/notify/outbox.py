"""The outbox: every message to a host and the last status each response was told, in the state folder.

A SQLite file of its own (``outbox.sqlite``, mode 0600: it holds hosts' addresses),
committed with ``synchronous=FULL`` so a message is on disk before any attempt
to send it. Its states:

- ``queued``: waiting for ``healing-map notify --send`` (review mode) or the next send;
- ``sent``: the server accepted it (250);
- ``failed``: the server refused it for good (5xx), with the server's words;
- ``skipped``: no valid address in the response's own email column;
- ``suppressed``: the host opted out, or staff suppressed the response;
- ``replaced``: the response changed status again before it was sent; the newer message replaces it.

``last_status`` holds, per response id, the status the host was last told (or, for
responses present before notifications were on, the status recorded then).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sync.errors import PublishError

FILE = "outbox.sqlite"
STATES = ("queued", "sent", "failed", "skipped", "suppressed", "replaced")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS last_status (
    response_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    changes INTEGER NOT NULL,
    baseline INTEGER NOT NULL DEFAULT 0,
    recorded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    message_id TEXT PRIMARY KEY,
    response_id TEXT NOT NULL,
    row_number INTEGER,
    title TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    reasons TEXT NOT NULL DEFAULT '[]',
    language TEXT NOT NULL,
    recipient TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    eml BLOB,
    queued_at TEXT NOT NULL,
    attempted_at TEXT,
    sent_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS messages_by_state ON messages (state, queued_at);
CREATE INDEX IF NOT EXISTS messages_by_response ON messages (response_id);
"""

#: Columns a listing shows (the message bytes stay in the file).
_LISTED = ("message_id", "response_id", "row_number", "title", "status", "reasons", "language", "recipient",
           "subject", "state", "detail", "queued_at", "attempted_at", "sent_at", "attempts")


@dataclass(frozen=True)
class Message:
    """One message to a host, as planned by :mod:`sync.notify` and kept in the outbox."""

    message_id: str
    response_id: str
    row_number: int
    title: str
    status: str
    reasons: tuple[str, ...]
    language: str
    recipient: str
    subject: str
    state: str
    detail: str = ""
    eml: bytes | None = field(default=None, repr=False)


class Outbox:
    """The outbox file: plan records in one transaction, then one state change per send."""

    def __init__(self, state_folder: Path):
        state_folder.mkdir(parents=True, exist_ok=True)
        self.path = state_folder / FILE
        try:
            # Created 0600 before SQLite opens it; SQLite gives its journal the same mode.
            os.close(os.open(self.path, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600))
            os.chmod(self.path, 0o600)
            self.db = sqlite3.connect(self.path, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")  # every commit reaches the disk before a send
            self.db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise PublishError(f"could not open the outbox {self.path}: {exc}") from None

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc) -> None:
        self.db.close()

    # --- what hosts were told ------------------------------------------------------------

    def last_statuses(self) -> dict[str, tuple[str, int, bool]]:
        """Response id → (status last told or recorded, status changes so far, recorded as baseline)."""
        return {rid: (status, changes, bool(baseline)) for rid, status, changes, baseline
                in self.db.execute("SELECT response_id, status, changes, baseline FROM last_status")}

    def started(self) -> bool:
        """Whether a sync with notifications on already recorded the responses present then."""
        return self._meta("started_at") is not None

    def record(self, messages: Iterable[Message], statuses: Iterable[tuple[str, str, int, bool]], *,
               now: datetime) -> None:
        """Queue ``messages`` and record ``statuses`` (id, status, changes, baseline), in one transaction.

        A message already in the outbox (same id: same response, status, reasons and
        change) is left as it is, so planning again after a killed run queues nothing twice.
        A queued message of a response that now has a newer one is marked ``replaced``.
        """
        at = now.isoformat(timespec="seconds")
        with self.db:
            for m in messages:
                self.db.execute(
                    "UPDATE messages SET state = 'replaced', detail = ? WHERE response_id = ? AND state = 'queued'"
                    " AND message_id != ?", (f"replaced by {m.message_id}", m.response_id, m.message_id))
                self.db.execute(
                    "INSERT OR IGNORE INTO messages (message_id, response_id, row_number, title, status, reasons,"
                    " language, recipient, subject, state, detail, eml, queued_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (m.message_id, m.response_id, m.row_number, m.title, m.status, json.dumps(list(m.reasons)),
                     m.language, m.recipient, m.subject, m.state, m.detail, m.eml, at))
            self.db.executemany(
                "INSERT OR REPLACE INTO last_status VALUES (?,?,?,?,?)",
                ((rid, status, changes, int(baseline), at) for rid, status, changes, baseline in statuses))
            if self._meta("started_at") is None:
                self._set_meta("started_at", at)

    # --- sending -------------------------------------------------------------------------

    def queued(self, limit: int | None = None) -> list[Message]:
        """Queued messages, oldest first."""
        rows = self.db.execute(
            "SELECT message_id, response_id, row_number, title, status, reasons, language, recipient, subject,"
            " state, detail, eml FROM messages WHERE state = 'queued' ORDER BY queued_at, row_number, message_id"
            + (" LIMIT ?" if limit is not None else ""), (limit,) if limit is not None else ())
        return [Message(mid, rid, number, title, status, tuple(json.loads(reasons)), language, recipient, subject,
                        state, detail, eml)
                for mid, rid, number, title, status, reasons, language, recipient, subject, state, detail, eml in rows]

    def mark(self, message_id: str, state: str, *, at: datetime, detail: str = "") -> None:
        """Record one attempt: ``sent``, ``failed`` or still ``queued`` (with why), committed at once."""
        if state not in STATES:
            raise ValueError(f"unknown outbox state {state!r}")
        stamp = at.isoformat(timespec="seconds")
        with self.db:
            self.db.execute(
                "UPDATE messages SET state = ?, detail = ?, attempted_at = ?, attempts = attempts + 1,"
                " sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END WHERE message_id = ?",
                (state, detail, stamp, state, stamp, message_id))

    def version(self) -> str:
        """Changes with every message queued and every attempt to send one."""
        count, attempts = self.db.execute("SELECT COUNT(*), COALESCE(SUM(attempts), 0) FROM messages").fetchone()
        return f"{count}:{attempts}"

    def mark_released(self) -> None:
        """Note that a release now shows the outbox as it is."""
        with self.db:
            self._set_meta("released", self.version())

    def released(self) -> bool:
        """Whether the outbox is unchanged since :meth:`mark_released`."""
        return self._meta("released") == self.version()

    def note_outage(self, detail: str, *, at: datetime) -> None:
        """Remember the last time the mail server could not be used (the next report says so)."""
        with self.db:
            self._set_meta("outage", json.dumps({"at": at.isoformat(timespec="seconds"), "detail": detail}))

    def clear_outage(self) -> None:
        with self.db:
            self.db.execute("DELETE FROM meta WHERE key = 'outage'")

    def outage(self) -> dict | None:
        value = self._meta("outage")
        return json.loads(value) if value else None

    # --- listing -------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        found = dict(self.db.execute("SELECT state, COUNT(*) FROM messages GROUP BY state"))
        return {state: found.get(state, 0) for state in STATES}

    def listing(self, *, limit: int = 200) -> list[dict]:
        """Queued and failed messages first, then the latest others: what staff act on comes first."""
        cursor = self.db.execute(
            f"SELECT {', '.join(_LISTED)} FROM messages ORDER BY state NOT IN ('queued', 'failed'),"
            " COALESCE(attempted_at, queued_at) DESC, row_number LIMIT ?", (limit,))
        return [dict(zip(_LISTED, row), reasons=json.loads(row[5])) for row in cursor]

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
