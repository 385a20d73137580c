"""One exception hierarchy for the package, rooted in :class:`HealingMapError`.

Run-level errors carry the process exit code the CLI uses, so the mapping from
failure to exit code lives in one table (here) rather than in the CLI.
Per-response location problems are :class:`LocateError` subclasses: they never
stop a run, they become a reason on the response.
"""

from __future__ import annotations


class HealingMapError(Exception):
    """Base class of every error raised on purpose by the package."""

    exit_code = 1


class ConfigError(HealingMapError):
    """The configuration file is missing, malformed or has a bad value (exit 2)."""

    exit_code = 2


class UsageError(ConfigError):
    """The command line itself is wrong (exit 2)."""


class SourceError(HealingMapError):
    """The responses could not be read; outputs are left untouched (exit 3)."""

    exit_code = 3


class HeaderMismatch(SourceError):
    """The sheet's header row does not match the configured mapping."""

    def __init__(self, message: str, *, missing=(), unknown=(), duplicated=()):
        super().__init__(message)
        self.missing = tuple(missing)
        self.unknown = tuple(unknown)
        self.duplicated = tuple(duplicated)


class SourceTimeout(SourceError, TimeoutError):
    """The source did not answer in time."""


class GuardTripped(HealingMapError):
    """Published activities dropped more than the safety guard allows (exit 4)."""

    exit_code = 4
    #: The run's counts, recorded in the run history with the refusal.
    counts: dict | None = None


class SyncLocked(HealingMapError):
    """Another sync holds the lock (exit 5)."""

    exit_code = 5


class PublishError(HealingMapError):
    """The outputs could not be written; the previous ones stay in place."""

    exit_code = 6


# --- per-response location errors: never fatal, each becomes a reason ---------------


class LocateError(HealingMapError):
    """A response's location could not be resolved.

    ``code`` is a stable identifier used in the staff CSVs and the report;
    ``status`` is the response status this error implies (rejected or held).
    """

    code = "location_not_found"
    status = "rejected"
    #: Set when an online service answered: it may answer otherwise later.
    recheck = False


class LocationNotFound(LocateError):
    """Nothing in the gazetteer (or the geocoder) matches the text."""

    code = "location_not_found"


class OutsideCity(LocateError):
    """The place exists but lies outside Chicago."""

    code = "outside_city"


class NeedsGeocoder(LocateError):
    """An address or intersection, and no online geocoder is configured."""

    code = "needs_geocoder"


class LookupPending(LocateError):
    """The online geocoder was unavailable or over its per-run cap; retried next run."""

    code = "location_pending"
    status = "held"
    recheck = True


# --- mail to hosts: never fatal to a sync; each says what happens to the message ---------------


class MailError(HealingMapError):
    """Sending a message to a host failed. ``smtp_code`` is the server's reply code, when it sent one."""

    def __init__(self, message: str, *, smtp_code: int | None = None):
        super().__init__(message)
        self.smtp_code = smtp_code


class MailUnavailable(MailError):
    """The mail server cannot be used now (refused, 421, dropped, TLS or login failed): keep every message queued."""


class MailTimeout(MailUnavailable, TimeoutError):
    """The mail server did not answer in time: keep every message queued."""


class MailDeferred(MailError):
    """A 4xx for one message (greylisting, a full mailbox): keep it queued, go on with the others."""


class MailRefused(MailError):
    """A 5xx for one message (no such address, refused content): mark it failed with the server's words."""
