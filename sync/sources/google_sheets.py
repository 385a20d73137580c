"""The live responses sheet, read through the Sheets API with gspread and a service account.

One read is one ``spreadsheets.get`` (to find the worksheet) and one
``values.get`` of the whole worksheet as formatted text, so ``02134`` stays
``02134`` and cells read exactly as the sheet's CSV export shows them. gspread's
own client has no timeout and its ``BackOffHTTPClient`` retries without bound,
so :class:`SheetsHTTPClient` adds a timeout and bounded retries. Every failure
becomes one :class:`~sync.errors.SourceError` line that says what to do.

>>> source = GoogleSheetsSource.from_config(config.source)     # doctest: +SKIP
>>> source.read().headers[0]                                   # doctest: +SKIP
'Timestamp'
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import json
import logging
import os
import random
import time
import urllib.parse
from pathlib import Path
from typing import Any

import gspread
import requests
from google.auth import exceptions as auth_errors
from google.oauth2 import service_account
from gspread.exceptions import APIError, NoValidUrlKeyFound
from gspread.utils import absolute_range_name, extract_id_from_url

from sync.config import GoogleSheetsSource as SheetsConfig, StatusWritebackConfig
from sync.errors import SourceError, SourceTimeout
from sync.records import SheetTable
from sync.sources.base import Source, table_from_rows

log = logging.getLogger("sync")

DEFAULT_ENDPOINT = "https://sheets.googleapis.com"
READ_ONLY_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"
READ_WRITE_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
KEY_FIELDS = ("client_email", "private_key", "token_uri")
#: The other ``type`` values of Google credential files: a message may name these.
_OTHER_CREDENTIALS = {"authorized_user", "external_account", "external_account_authorized_user",
                      "impersonated_service_account", "gdch_service_account"}
#: ``errors[].domain``/``reason`` and ``details[].reason`` values that make a 403 a rate limit.
RATE_LIMIT_REASONS = {"usageLimits", "rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"}
#: Columns of the status worksheet; :meth:`GoogleSheetsSource.write_status` takes rows in this order.
STATUS_HEADER = ["Submitted", "Activity", "Status", "Reasons", "Community area"]


def key_file_path(configured: Path | None) -> Path:
    """The service-account key file: the config's, else ``GOOGLE_APPLICATION_CREDENTIALS``."""
    if configured is not None:
        return configured
    if os.environ.get("GOOGLE_APPLICATION_CREDENTIALS"):
        return Path(os.environ["GOOGLE_APPLICATION_CREDENTIALS"])
    raise SourceError("no service-account key: set [source] credentials in the config "
                      "or the GOOGLE_APPLICATION_CREDENTIALS environment variable")


def load_credentials(path: Path, *, scopes: list[str]) -> service_account.Credentials:
    """Read a service-account key file, naming the field that is wrong.

    Messages name the file and the field, never a field's value: whatever is in a
    key file may be key material, and messages reach stderr, cron mail and ``history``.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError(f"{path}: service-account key file not found") from None
    except UnicodeDecodeError:
        raise SourceError(f"{path}: not a JSON key file (not UTF-8 text); "
                          "download the service account's key again as JSON") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read the service-account key file: {exc.strerror}") from None
    try:
        info = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path}: not a JSON key file (line {exc.lineno}, column {exc.colno}); "
                          "download the service account's key again as JSON") from None
    if not isinstance(info, dict):
        raise SourceError(f"{path}: not a service-account key file (the JSON is not an object); "
                          "download the service account's key again as JSON")
    kind = info.get("type")
    if kind != "service_account":
        # Google's own credential types are safe to name; anything else is never echoed.
        problem = ("missing" if kind is None else f"{kind!r}, not 'service_account'" if kind in _OTHER_CREDENTIALS
                   else "not 'service_account'")
        raise SourceError(f"{path}: field 'type' is {problem}; this is not a service-account key "
                          "(see docs/google-sheets.md)")
    missing = [name for name in KEY_FIELDS if not isinstance(info.get(name), str) or not info[name].strip()]
    if missing:
        raise SourceError(f"{path}: field(s) {', '.join(map(repr, missing))} missing or empty "
                          "in the service-account key")
    if "@" not in info["client_email"]:
        raise SourceError(f"{path}: field 'client_email' is not an email address")
    if not info["token_uri"].startswith(("https://", "http://")):
        raise SourceError(f"{path}: field 'token_uri' is not a URL")
    try:
        return service_account.Credentials.from_service_account_info(info, scopes=scopes)
    except ValueError:
        raise SourceError(f"{path}: field 'private_key' is not a valid PEM private key; create a new key") from None
    except Exception as exc:  # google-auth reads other fields too (private_key_id, universe_domain…)
        raise SourceError(f"{path}: google-auth could not read the service-account key "
                          f"({type(exc).__name__}); create a new key") from None


def spreadsheet_key(text: str) -> str:
    """The key of a spreadsheet given as its key or its full URL."""
    text = text.strip()
    if "/" not in text:
        return text
    try:
        return extract_id_from_url(text)
    except NoValidUrlKeyFound:
        raise SourceError(f"{text}: not a Google Sheets URL (expected …/spreadsheets/d/<key>/…)") from None


class RetriesExhausted(Exception):
    """A retryable error that kept coming until the attempts or the time ran out."""

    def __init__(self, error: APIError, *, attempts: int, seconds: float):
        super().__init__(str(error))
        self.error, self.attempts, self.seconds = error, attempts, seconds


class SheetsHTTPClient(gspread.HTTPClient):
    """gspread's HTTP client with a per-request timeout, a base-URL rewrite and bounded retries.

    408, 429, 5xx and rate-limit 403s are retried with exponential backoff and
    jitter, or after the ``Retry-After`` the server asks for, until
    ``max_attempts`` tries or ``max_retry_seconds`` since the first. ``_sleep``,
    ``_clock`` and ``_random`` are attributes so tests need not wait.
    """

    backoff_base = 1.0
    backoff_cap = 32.0

    def __init__(self, auth, session=None, *, endpoint: str = DEFAULT_ENDPOINT, timeout: float = 30.0,
                 max_attempts: int = 5, max_retry_seconds: float = 120.0):
        super().__init__(auth, session)
        self.endpoint = endpoint.rstrip("/")
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.max_retry_seconds = max_retry_seconds
        self._sleep = time.sleep
        self._clock = time.monotonic
        self._random = random.random

    def request(self, method, endpoint, *args, **kwargs):
        url = self.endpoint + endpoint[len(DEFAULT_ENDPOINT):] if endpoint.startswith(DEFAULT_ENDPOINT) else endpoint
        started = self._clock()
        for attempt in range(1, self.max_attempts + 1):
            try:
                return super().request(method, url, *args, **kwargs)
            except APIError as err:
                delay = self.retry_delay(err.response, attempt)
                if delay is None:
                    raise
                elapsed = self._clock() - started
                if attempt == self.max_attempts or elapsed + delay > self.max_retry_seconds:
                    raise RetriesExhausted(err, attempts=attempt, seconds=elapsed) from err
                log.warning("Google Sheets answered HTTP %s; try %d of %d in %.1f s",
                            err.response.status_code, attempt + 1, self.max_attempts, delay)
                self._sleep(delay)

    def retry_delay(self, response: requests.Response, attempt: int) -> float | None:
        """Seconds to wait before the next try, or ``None`` when the error is not worth retrying."""
        status = response.status_code
        if not (status in (408, 429) or status >= 500 or (status == 403 and _reasons(response) & RATE_LIMIT_REASONS)):
            return None
        asked = parse_retry_after(response.headers.get("Retry-After"))
        if asked is not None:
            return asked
        backoff = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return backoff * (0.5 + self._random() / 2)


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number (Google sends ``"30"``; tests ``"0.05"``) or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _reasons(response: requests.Response) -> set[str]:
    try:
        error = response.json()["error"]
        return ({e.get("domain") for e in error.get("errors", [])} | {e.get("reason") for e in error.get("errors", [])}
                | {d.get("reason") for d in error.get("details", [])}) - {None}
    except (ValueError, KeyError, TypeError, AttributeError):
        return set()


class GoogleSheetsSource(Source):
    """The form's linked Google Sheet, read with a service account (Viewer; Editor for write-back)."""

    def __init__(self, key: str, *, worksheet: str, key_file: Path, endpoint: str = DEFAULT_ENDPOINT,
                 timeout: float = 30.0, max_attempts: int = 5, max_retry_seconds: float = 120.0,
                 status_worksheet: str | None = None):
        if status_worksheet is not None and status_worksheet.strip().casefold() == worksheet.strip().casefold():
            raise SourceError(f"status write-back worksheet {status_worksheet!r} is the responses worksheet; "
                              "set [status_writeback] worksheet to another name")
        self.key = key
        self.worksheet = worksheet
        self.key_file = key_file
        self.status_worksheet = status_worksheet
        self.url = f"https://docs.google.com/spreadsheets/d/{key}"
        self.description = f"{self.url} (worksheet {worksheet!r})"
        self._client_options: dict[str, Any] = dict(endpoint=endpoint, timeout=timeout, max_attempts=max_attempts,
                                                    max_retry_seconds=max_retry_seconds)

    @classmethod
    def from_config(cls, cfg: SheetsConfig, *, writeback: StatusWritebackConfig | None = None) -> GoogleSheetsSource:
        """Build the source; ``writeback`` (when enabled) asks for the read-write scope."""
        return cls(
            spreadsheet_key(cfg.spreadsheet), worksheet=cfg.worksheet, key_file=key_file_path(cfg.credentials),
            endpoint=cfg.api_endpoint, timeout=cfg.timeout_seconds, max_attempts=cfg.max_attempts,
            max_retry_seconds=cfg.max_retry_seconds,
            status_worksheet=writeback.worksheet if writeback is not None and writeback.enabled else None,
        )

    @functools.cached_property
    def credentials(self) -> service_account.Credentials:
        scope = READ_WRITE_SCOPE if self.status_worksheet else READ_ONLY_SCOPE
        return load_credentials(self.key_file, scopes=[scope])

    @functools.cached_property
    def http(self) -> SheetsHTTPClient:
        """The gspread HTTP client (built on first use; reads the key file, no network)."""
        return SheetsHTTPClient(self.credentials, **self._client_options)

    def read(self) -> SheetTable:
        with self._errors(role="Viewer"):
            sheets = self._worksheets()
            title = self._find(sheets, self.worksheet)
            if title is None:
                names = ", ".join(repr(name) for name in sheets) or "none"
                raise SourceError(f"{self.url}: no worksheet {self.worksheet!r}; the spreadsheet has {names}. "
                                  "Set [source] worksheet to the one the form writes to")
            data = self.http.values_get(self.key, absolute_range_name(title),
                                        params={"valueRenderOption": "FORMATTED_VALUE", "majorDimension": "ROWS"})
        # FORMATTED_VALUE sends text; anything else (a number from a proxy, say) becomes text too.
        rows = [row if _all_text(row) else [str(cell) for cell in row] for row in data.get("values", [])]
        return table_from_rows(rows, origin=self.description)

    def write_status(self, rows: list[list[str]]) -> None:
        """Rewrite the status worksheet with :data:`STATUS_HEADER` and ``rows``, creating it when missing.

        Only the status worksheet is written: a bug here must never touch the responses.
        """
        if self.status_worksheet is None:
            raise ValueError("status write-back is not enabled for this source")
        values = [STATUS_HEADER, *rows]
        width = max(map(len, values))
        with self._errors(role="Editor"):
            sheets = self._worksheets()
            title = self._find(sheets, self.status_worksheet)
            if title is None:
                title = self.status_worksheet
                self.http.batch_update(self.key, {"requests": [{"addSheet": {"properties": {
                    "title": title, "gridProperties": {"rowCount": len(values), "columnCount": width}}}}]})
            else:
                grid = sheets[title]["gridProperties"]
                if grid.get("rowCount", 0) < len(values) or grid.get("columnCount", 0) < width:
                    self.http.batch_update(self.key, {"requests": [{"updateSheetProperties": {
                        "properties": {"sheetId": sheets[title]["sheetId"], "gridProperties": {
                            "rowCount": max(grid.get("rowCount", 0), len(values)),
                            "columnCount": max(grid.get("columnCount", 0), width)}},
                        "fields": "gridProperties(rowCount,columnCount)"}}]})
                self.http.values_batch_clear(self.key, body={"ranges": [absolute_range_name(title)]})
            # RAW: a response whose title starts with "=" must stay text, never become a formula.
            self.http.values_update(self.key, absolute_range_name(title, "A1"),
                                    params={"valueInputOption": "RAW"}, body={"values": values})

    def _worksheets(self) -> dict[str, dict]:
        """Worksheet title → properties, from one ``spreadsheets.get``."""
        meta = self.http.fetch_sheet_metadata(self.key, params={
            "includeGridData": "false", "fields": "properties.title,sheets.properties"})
        return {s["properties"]["title"]: s["properties"] for s in meta.get("sheets", [])}

    @staticmethod
    def _find(sheets: dict[str, dict], wanted: str) -> str | None:
        """The worksheet's exact title; Sheets titles are unique regardless of case."""
        if wanted in sheets:
            return wanted
        return next((title for title in sheets if title.strip().casefold() == wanted.strip().casefold()), None)

    @contextlib.contextmanager
    def _errors(self, *, role: str):
        """Turn what gspread, google-auth and requests raise into one actionable line."""
        try:
            yield
        except RetriesExhausted as exc:
            raise self._exhausted(exc) from None
        except APIError as exc:
            raise self._api_error(exc.response, exc, role) from None
        except auth_errors.RefreshError as exc:
            raise self._refused(exc) from None
        except auth_errors.TransportError as exc:
            raise self._network_error(exc.__cause__ or exc) from None
        except requests.JSONDecodeError as exc:
            raise SourceError(f"{self.description}: {self.http.endpoint} answered something that is not JSON "
                              f"({_one_line(exc.doc, 60)!r}); check [source] api_endpoint and any proxy "
                              "in between") from None
        except requests.RequestException as exc:
            raise self._network_error(exc) from None

    def _exhausted(self, exc: RetriesExhausted) -> SourceError:
        status = exc.error.response.status_code
        tries = f"{exc.attempts} {'try' if exc.attempts == 1 else 'tries'}"
        advice = ("the sheet is being read too often, lower the sync frequency" if status in (403, 429)
                  else "Google is having trouble, the next run will try again")
        return SourceError(f"{self.description}: Google Sheets still answered HTTP {status} ({_message(exc.error)}) "
                           f"after {tries} over {exc.seconds:.1f} s; {advice}")

    def _api_error(self, response: requests.Response, exc: APIError, role: str) -> SourceError:
        status = response.status_code
        if exc.code == -1:  # gspread could not parse the error body
            return SourceError(f"{self.description}: {_host(response.url)} answered HTTP {status} with a body that is "
                               "not a Google API answer; check [source] api_endpoint and any proxy in between")
        if status == 404:
            return SourceError(f"no spreadsheet with key {self.key!r}; check [source] spreadsheet "
                               "(the key is the part of the sheet's URL after /d/)")
        if status == 403 and "SERVICE_DISABLED" in _reasons(response):
            return SourceError(f"{self.description}: the Google Sheets API is not enabled for the service account's "
                               f"project; enable it in the Cloud console ({_message(exc)})")
        if status == 403:
            return SourceError(f"{self.description}: permission denied; share the sheet with "
                               f"{self.credentials.service_account_email} as {role}")
        if status == 401:
            return SourceError(f"{self.description}: Google refused the access token for "
                               f"{self.credentials.service_account_email} ({_message(exc)})")
        return SourceError(f"{self.description}: Google Sheets answered HTTP {status}: {_message(exc)}")

    def _refused(self, exc: auth_errors.RefreshError) -> SourceError:
        reason = _one_line(str(exc.args[0]), 200) if exc.args else "no reason given"
        who = f"the service-account key {self.key_file} ({self.credentials.service_account_email})"
        if reason.startswith("invalid_grant"):
            return SourceError(f"Google refused {who}: {reason} The key was revoked or deleted, or the file is wrong "
                               "(or this machine's clock is off); create a new key (docs/google-sheets.md)")
        return SourceError(f"could not get an access token for {who}: {reason}")

    def _network_error(self, exc: BaseException) -> SourceError:
        request = getattr(exc, "request", None)
        host = _host(request.url) if request is not None else _host(self.http.endpoint)
        if isinstance(exc, requests.Timeout):
            return SourceTimeout(f"{host} did not answer within {self.http.timeout:g} s while reading the Google "
                                 "Sheet; the next run will try again, or raise [source] timeout_seconds")
        return SourceError(f"cannot reach {host}: {exc.__class__.__name__}; check the network and "
                           "[source] api_endpoint")


def _all_text(row: list) -> bool:
    return set(map(type, row)) <= {str}


def _message(exc: APIError) -> str:
    if exc.code == -1:  # gspread could not parse the body; it may be a whole HTML page
        return "a body that is not JSON"
    return _one_line(str(exc.error.get("message", "")), 200) or "no message"


def _one_line(text: str, limit: int) -> str:
    """Server text fit for a one-line message: whitespace collapsed, cut at ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc or url
