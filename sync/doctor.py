"""``healing-map doctor``: check a set-up before the first scheduled sync, one line per check.

Each check says what it found or what to fix. A check whose input failed
(no credentials, so no sheet, so no headers) says it was skipped rather than
repeating the same error, so the first ✗ is the one to act on.

>>> run_checks(load_config("config/healing-map.toml"))[0]   # doctest: +SKIP
Check(name='config', ok=True, detail='config/healing-map.toml loaded')
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sync.config import Config, GoogleSheetsSource as SheetsConfig
from sync.errors import HeaderMismatch, HealingMapError
from sync.locate.geography import load_geography
from sync.normalize import map_headers
from sync.publish.files import shown
from sync.publish.release import RELEASES
from sync.records import SheetTable
from sync.sources import open_source

#: Chicago has 77 community areas; fewer means the locator's data is damaged.
COMMUNITY_AREAS = 77


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def run_checks(config: Config) -> list[Check]:
    """Run every check against a loaded config (loading it is the first check, done by the caller)."""
    checks = [Check("config", True, f"{config.path} loaded")]
    credentials_ok = True
    if isinstance(config.source, SheetsConfig):
        checks.append(_check_credentials(config.source))
        credentials_ok = checks[-1].ok
    table = None
    if credentials_ok:
        check, table = _check_sheet(config)
        checks.append(check)
    else:
        checks.append(Check("sheet", False, "skipped: fix the credentials first"))
    checks.append(_check_headers(config, table))
    checks.append(_check_locator())
    checks.append(_check_writable(config))
    checks.append(_check_modes(config))
    if config.notify.enabled:
        checks.append(_check_smtp(config))
    return checks


def _check_smtp(config: Config) -> Check:
    """Connect, start TLS, log in and QUIT, as a send would, without sending anything."""
    from sync.notify.transport import SmtpTransport

    smtp = config.notify.smtp
    try:
        with SmtpTransport.from_config(config.notify):
            pass
    except HealingMapError as exc:
        return Check("smtp", False, str(exc))
    steps = {"starttls": ", STARTTLS", "tls": ", TLS", "none": ", no TLS"}[smtp.security]
    login = f", logged in as {smtp.username}" if smtp.username else ""
    return Check("smtp", True, f"connected to {smtp.host}:{smtp.port}{steps}{login}; nothing sent")


def _sheet_source(config: Config):
    """The source as the sync builds it, with the write-back scope when write-back is on."""
    if config.source.kind == "google_sheets":
        from sync.sources.google_sheets import GoogleSheetsSource  # gspread only when it is used

        return GoogleSheetsSource.from_config(config.source, writeback=config.status_writeback)
    return open_source(config.source)


def _check_credentials(source: SheetsConfig) -> Check:
    from sync.sources.google_sheets import key_file_path, load_credentials

    try:
        path = key_file_path(source.credentials)
        credentials = load_credentials(path, scopes=[])
    except HealingMapError as exc:
        return Check("credentials", False, str(exc))
    return Check("credentials", True, f"{path} is a service-account key for {credentials.service_account_email}")


def _check_sheet(config: Config) -> tuple[Check, SheetTable | None]:
    try:
        table = _sheet_source(config).read()
    except HealingMapError as exc:
        return Check("sheet", False, str(exc)), None
    return Check("sheet", True, f"read {len(table.rows):,} responses from {table.origin}"), table


def _check_headers(config: Config, table: SheetTable | None) -> Check:
    if table is None:
        return Check("headers", False, "skipped: the sheet could not be read")
    try:
        columns = map_headers(table.headers, config.fields)
    except HeaderMismatch as exc:
        return Check("headers", False, str(exc))
    return Check("headers", True, f"all {len(columns)} mapped questions found in the header row")


def _check_locator() -> Check:
    try:
        areas = len(load_geography().areas)
    except (OSError, ValueError, KeyError) as exc:
        return Check("locator", False, f"cannot load the community areas: {exc}; reinstall the 'chicago' package")
    if areas != COMMUNITY_AREAS:
        return Check("locator", False,
                     f"{areas} community areas loaded, expected {COMMUNITY_AREAS}; reinstall the 'chicago' package")
    return Check("locator", True, f"{areas} community areas loaded")


def _check_writable(config: Config) -> Check:
    """Create and remove a file in the output and state folders (or the nearest folder above that exists)."""
    problems = []
    for folder in dict.fromkeys((config.output.folder, config.output.folder / RELEASES, config.output.state_folder)):
        existing = next(p for p in (folder, *folder.parents) if p.exists())
        try:
            fd, probe = tempfile.mkstemp(prefix=".doctor-", dir=existing)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            problems.append(f"{shown(existing)} is not writable ({exc.strerror or exc})")
    if problems:
        return Check("outputs", False, "; ".join(problems) + ": the sync would exit 6")
    folders = f"{shown(config.output.folder)}/ and {shown(config.output.state_folder)}/"
    return Check("outputs", True, f"{folders} are writable")


def _check_modes(config: Config) -> Check:
    """Staff files and the state hold contact details: 0700 folders, 0600 files. Public ones: world-readable."""
    staff = [config.staff_dir, *(config.output.folder / RELEASES).glob("*/staff")]
    private = {p.resolve() for p in (config.output.state_folder, *staff) if p.is_dir()}
    too_open = [f"{shown(path)} is {mode:04o}" for folder in sorted(private) for path, mode in _modes(folder)
                if mode & 0o077]
    unreadable = [f"{shown(path)} is {mode:04o}" for path, mode in _modes(config.public_dir)
                  if mode & (need := 0o005 if path.is_dir() else 0o004) != need]
    problems = [f"{', '.join(found)} ({fix})" for found, fix in (
        (too_open, "they hold contact details: chmod go-rwx them; each sync makes its own files private"),
        (unreadable, "a web server cannot read them: chmod a+rX them")) if found]
    if problems:
        return Check("modes", False, "; ".join(problems))
    return Check("modes", True, "staff files and the state are private (0700/0600); public files are world-readable")


def _modes(folder: Path) -> list[tuple[Path, int]]:
    """A folder and every file in it with their permission bits ([] when it does not exist yet)."""
    if not folder.is_dir():
        return []
    found = [(folder, stat.S_IMODE(folder.stat().st_mode))]
    with os.scandir(folder) as entries:
        found += [(Path(e.path), stat.S_IMODE(e.stat(follow_symlinks=False).st_mode))
                  for e in entries if e.is_file(follow_symlinks=False)]
    return found
