"""A loopback server speaking the parts of the Sheets v4 REST API and Google's token endpoint we use.

Answers are modelled on recorded Google traffic: ``spreadsheets.get`` returns
``sheets[].properties.gridProperties``; ``values.get`` trims trailing blank
cells and rows, sends blank rows as ``[]`` and omits ``values`` for an empty
range; errors carry ``{"error": {"code", "message", "status"}}``. The token
endpoint checks the JWT-bearer assertion's RS256 signature against the public
key of a key it issued, so the real google-auth client runs unmodified.

It needs nothing but the standard library and ``cryptography``, so a test can
start it in its own process and point a ``healing-map`` subprocess at it::

    with SheetsAPI() as api:
        api.add_spreadsheet("KEY", {"Form Responses 1": rows})
        api.write_key_file(path, private_key)
        api.inject("values.get", rate_limited(retry_after=0.05))
"""

from __future__ import annotations

import base64
import collections
import itertools
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

READ_SCOPES = {
    "https://www.googleapis.com/auth/spreadsheets.readonly",
    "https://www.googleapis.com/auth/spreadsheets",
}
WRITE_SCOPES = {"https://www.googleapis.com/auth/spreadsheets"}
CLIENT_EMAIL = "healing-map-sync@together-we-heal.iam.gserviceaccount.com"
#: google-auth always signs for Google's token endpoint, whatever the key file's token_uri says.
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"


# --- faults -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One canned answer that replaces the next normal one (``status=None``: answer normally, late)."""

    status: int | None = None
    body: bytes = b""
    content_type: str = "application/json; charset=UTF-8"
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0


def api_error(code: int, message: str, status: str, *, retry_after: float | None = None, **extra) -> Fault:
    """A Google API error in the Sheets v4 shape."""
    body = json.dumps({"error": {"code": code, "message": message, "status": status, **extra}}).encode()
    headers = (("Retry-After", f"{retry_after:g}"),) if retry_after is not None else ()
    return Fault(code, body, headers=headers)


def rate_limited(*, retry_after: float | None = 0.05) -> Fault:
    return api_error(
        429, "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' "
        "of service 'sheets.googleapis.com'.", "RESOURCE_EXHAUSTED", retry_after=retry_after,
        details=[{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
                  "domain": "googleapis.com"}],
    )


def unavailable(code: int = 503) -> Fault:
    status = {500: "INTERNAL", 502: "UNAVAILABLE", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}[code]
    return api_error(code, "The service is currently unavailable.", status)


def permission_denied() -> Fault:
    return api_error(403, "The caller does not have permission", "PERMISSION_DENIED")


def usage_limits() -> Fault:
    """The older 403 rate-limit shape, with ``errors[].domain == "usageLimits"``."""
    return api_error(403, "Rate Limit Exceeded", "PERMISSION_DENIED",
                     errors=[{"domain": "usageLimits", "reason": "rateLimitExceeded",
                              "message": "Rate Limit Exceeded"}])


def not_found() -> Fault:
    return api_error(404, "Requested entity was not found.", "NOT_FOUND")


def not_json(code: int = 200) -> Fault:
    """What a captive portal or a misconfigured proxy answers."""
    return Fault(code, b"<!DOCTYPE html><html><body>Sign in to the network</body></html>", "text/html; charset=UTF-8")


def slow(seconds: float) -> Fault:
    return Fault(delay=seconds)


def invalid_grant(description: str = "Invalid JWT Signature.") -> Fault:
    body = json.dumps({"error": "invalid_grant", "error_description": description}).encode()
    return Fault(400, body)


# --- the sheet model ----------------------------------------------------------------------


@dataclass
class Worksheet:
    title: str
    sheet_id: int
    rows: list[list[str]]
    row_count: int = 1000
    column_count: int = 26

    def __post_init__(self):
        self.row_count = max(self.row_count, len(self.rows))
        self.column_count = max(self.column_count, max(map(len, self.rows), default=0))

    def properties(self, index: int) -> dict:
        return {"sheetId": self.sheet_id, "title": self.title, "index": index, "sheetType": "GRID",
                "gridProperties": {"rowCount": self.row_count, "columnCount": self.column_count}}


@dataclass
class Spreadsheet:
    key: str
    title: str
    worksheets: list[Worksheet] = field(default_factory=list)

    def find(self, title: str) -> Worksheet | None:
        return next((w for w in self.worksheets if w.title.casefold() == title.casefold()), None)


@dataclass(frozen=True)
class Logged:
    """One request the server answered, for assertions."""

    endpoint: str
    method: str
    path: str
    query: dict
    worksheet: str | None = None


class Refused(Exception):
    """Raised inside a handler to answer with an error at once."""

    def __init__(self, fault: Fault):
        self.fault = fault


_A1 = re.compile(r"^([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?$")


def _column(letters: str) -> int:
    return sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(letters))) - 1


def _letters(index: int) -> str:
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(65 + rest) + text
    return text


def _split_range(text: str) -> tuple[str, tuple[int, int, int, int] | None]:
    """``'Sheet 1'!A1:C3`` → (``Sheet 1``, (row0, col0, row1, col1)) with inclusive bounds."""
    if text.startswith("'"):
        quote = text.find("'!", 1)
        quote = quote if quote > 0 else len(text) - 1
        title, rest = text[1:quote].replace("''", "'"), text[quote + 2:]
    else:
        title, _, rest = text.partition("!")
    if not rest:
        return title, None
    match = _A1.match(rest)
    if not match:
        raise Refused(api_error(400, f"Unable to parse range: {text}", "INVALID_ARGUMENT"))
    c0, r0, c1, r1 = match.groups()
    c1, r1 = c1 or c0, r1 or r0
    return title, (int(r0) - 1, _column(c0), int(r1) - 1, _column(c1))


def _a1(title: str, r0: int, c0: int, r1: int, c1: int) -> str:
    name = title if re.fullmatch(r"\w+", title) else "'" + title.replace("'", "''") + "'"
    return f"{name}!{_letters(c0)}{r0 + 1}:{_letters(c1)}{r1 + 1}"


def _trimmed(rows: list[list[str]]) -> list[list[str]]:
    """Rows as the API returns them: trailing blank cells and rows dropped, blank rows ``[]``."""
    out = []
    for row in rows:
        cells = list(row)
        while cells and cells[-1] == "":
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def _unformatted(cell: str):
    """What UNFORMATTED_VALUE gives for a cell typed as a number in the sheet."""
    try:
        number = float(cell)
    except ValueError:
        return cell
    return int(number) if number.is_integer() else number


# --- the server ---------------------------------------------------------------------------


class SheetsAPI:
    """The loopback Sheets API: start with ``with SheetsAPI() as api`` or :meth:`start`."""

    def __init__(self, host: str = "127.0.0.1"):
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.counts: collections.Counter[str] = collections.Counter()
        self.log: list[Logged] = []
        self._faults: dict[str, collections.deque[Fault]] = collections.defaultdict(collections.deque)
        self._keys: dict[str, tuple[str, object]] = {}  # private_key_id → (client_email, public key)
        self._tokens: dict[str, set[str]] = {}  # access token → scopes
        self._ids = itertools.count(1_000_000)
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer((host, 0), _handler_for(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def token_uri(self) -> str:
        return self.url + "/token"

    def start(self) -> SheetsAPI:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="loopback-sheets", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping in a slow() fault
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SheetsAPI:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- set-up used by tests ---

    def add_spreadsheet(self, key: str, worksheets: dict[str, list[list[str]]], *,
                        title: str = "Together We Heal (Responses)") -> Spreadsheet:
        with self._lock:
            sheet = Spreadsheet(key, title, [Worksheet(name, next(self._ids), [list(r) for r in rows])
                                             for name, rows in worksheets.items()])
            self.spreadsheets[key] = sheet
            return sheet

    def write_key_file(self, path: Path, private_key, *, client_email: str = CLIENT_EMAIL,
                       key_id: str = "0123456789abcdef") -> None:
        """Write a service-account key file whose ``token_uri`` is this server, and trust its key."""
        pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
        info = {
            "type": "service_account", "project_id": "together-we-heal", "private_key_id": key_id,
            "private_key": pem, "client_email": client_email, "client_id": "104729000000000000000",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": self.token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "universe_domain": "googleapis.com",
        }
        Path(path).write_text(json.dumps(info, indent=2), encoding="utf-8")
        with self._lock:
            self._keys[key_id] = (client_email, private_key.public_key())

    def revoke(self, key_id: str = "0123456789abcdef") -> None:
        """Delete a key, as staff do in the Cloud console: its next token request is refused."""
        with self._lock:
            self._keys.pop(key_id, None)
            self._tokens.clear()

    def inject(self, endpoint: str, *faults: Fault) -> None:
        """Answer the next requests to ``endpoint`` with these faults, one each, in order."""
        with self._lock:
            self._faults[endpoint].extend(faults)

    def rows(self, key: str, title: str) -> list[list[str]]:
        """A worksheet's cells as ``values.get`` would return them."""
        with self._lock:
            return _trimmed(self.spreadsheets[key].find(title).rows)

    # --- request handling ---

    def handle(self, method: str, raw_path: str, headers, body: bytes) -> tuple[Fault, float]:
        """Route one request; returns the answer and how long to wait before sending it."""
        parsed = urllib.parse.urlsplit(raw_path)
        path = urllib.parse.unquote(parsed.path)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        endpoint, key, rest = _route(method, path)
        with self._lock:
            self.counts[endpoint] += 1
            fault = self._faults[endpoint].popleft() if self._faults[endpoint] else None
        if fault is not None and fault.status is not None:
            self.log.append(Logged(endpoint, method, path, query))
            return fault, fault.delay
        delay = fault.delay if fault else 0.0
        try:
            if endpoint == "token":
                return _json(200, self._token(body)), delay
            if endpoint == "unknown":
                raise Refused(api_error(404, f"No route for {method} {path} in the loopback server", "NOT_FOUND"))
            self._authorize(headers.get("Authorization", ""), write=method != "GET")
            with self._lock:
                sheet = self.spreadsheets.get(key)
                if sheet is None:
                    raise Refused(not_found())
                answer, worksheet = getattr(self, "_" + endpoint.replace(".", "_"))(sheet, rest, query, body)
                self.log.append(Logged(endpoint, method, path, query, worksheet))
            return _json(200, answer), delay
        except Refused as exc:
            self.log.append(Logged(endpoint, method, path, query))
            return exc.fault, delay

    def _token(self, body: bytes) -> dict:
        form = dict(urllib.parse.parse_qsl(body.decode()))
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            raise Refused(invalid_grant("Unsupported grant type."))
        try:
            head_b64, claims_b64, sig_b64 = form["assertion"].split(".")
            head, claims = json.loads(_unb64(head_b64)), json.loads(_unb64(claims_b64))
        except (KeyError, ValueError):
            raise Refused(invalid_grant("Invalid JWT: malformed assertion.")) from None
        with self._lock:
            email, public_key = self._keys.get(head.get("kid"), (None, None))
        if public_key is None or head.get("alg") != "RS256" or claims.get("iss") != email:
            raise Refused(invalid_grant())
        try:
            public_key.verify(_unb64(sig_b64), f"{head_b64}.{claims_b64}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise Refused(invalid_grant()) from None
        now = time.time()
        fresh = claims.get("iat", 0) - 300 <= now <= claims.get("exp", 0)
        if claims.get("aud") != GOOGLE_TOKEN_AUDIENCE or not fresh:
            raise Refused(invalid_grant("Invalid JWT: Token must be a short-lived token (60 minutes) "
                                        "and in a reasonable timeframe."))
        token = f"ya29.loopback-{next(self._ids)}"
        with self._lock:
            self._tokens[token] = set(claims.get("scope", "").split())
        return {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    def _authorize(self, header: str, *, write: bool) -> None:
        with self._lock:
            scopes = self._tokens.get(header.removeprefix("Bearer ").strip())
        if scopes is None:
            raise Refused(api_error(401, "Request had invalid authentication credentials.", "UNAUTHENTICATED"))
        if not scopes & (WRITE_SCOPES if write else READ_SCOPES):
            raise Refused(api_error(403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED"))

    def _spreadsheets_get(self, sheet: Spreadsheet, rest, query, body) -> tuple[dict, None]:
        return {
            "spreadsheetId": sheet.key,
            "properties": {"title": sheet.title, "locale": "en_US", "autoRecalc": "ON_CHANGE",
                           "timeZone": "America/Chicago"},
            "sheets": [{"properties": w.properties(i)} for i, w in enumerate(sheet.worksheets)],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{sheet.key}/edit",
        }, None

    def _worksheet(self, sheet: Spreadsheet, text: str) -> tuple[Worksheet, tuple[int, int, int, int]]:
        title, box = _split_range(text)
        worksheet = sheet.find(title)
        if worksheet is None:
            raise Refused(api_error(400, f"Unable to parse range: {text}", "INVALID_ARGUMENT"))
        return worksheet, box or (0, 0, worksheet.row_count - 1, worksheet.column_count - 1)

    def _values_get(self, sheet: Spreadsheet, rest, query, body) -> tuple[dict, str]:
        worksheet, (r0, c0, r1, c1) = self._worksheet(sheet, rest)
        rows = _trimmed([row[c0:c1 + 1] for row in worksheet.rows[r0:r1 + 1]])
        if query.get("valueRenderOption") == "UNFORMATTED_VALUE":
            rows = [[_unformatted(cell) for cell in row] for row in rows]
        answer = {"range": _a1(worksheet.title, r0, c0, r1, c1), "majorDimension": "ROWS"}
        if rows:
            answer["values"] = rows
        return answer, worksheet.title

    def _values_update(self, sheet: Spreadsheet, rest, query, body) -> tuple[dict, str]:
        worksheet, (r0, c0, _, _) = self._worksheet(sheet, rest)
        values = json.loads(body).get("values", [])
        r1, c1 = r0 + len(values) - 1, c0 + max(map(len, values), default=1) - 1
        if r1 >= worksheet.row_count or c1 >= worksheet.column_count:
            raise Refused(api_error(
                400, f"Range ({_a1(worksheet.title, r0, c0, r1, c1)}) exceeds grid limits. "
                f"Max rows: {worksheet.row_count}, max columns: {worksheet.column_count}", "INVALID_ARGUMENT"))
        for i, row in enumerate(values):
            while len(worksheet.rows) <= r0 + i:
                worksheet.rows.append([])
            target = worksheet.rows[r0 + i]
            target.extend([""] * (c0 + len(row) - len(target)))
            target[c0:c0 + len(row)] = ["" if v is None else str(v) for v in row]
        return {"spreadsheetId": sheet.key, "updatedRange": _a1(worksheet.title, r0, c0, r1, c1),
                "updatedRows": len(values), "updatedColumns": c1 - c0 + 1,
                "updatedCells": sum(map(len, values))}, worksheet.title

    def _values_batchClear(self, sheet: Spreadsheet, rest, query, body) -> tuple[dict, str]:
        cleared, titles = [], []
        for text in json.loads(body).get("ranges", []):
            worksheet, (r0, c0, r1, c1) = self._worksheet(sheet, text)
            for row in worksheet.rows[r0:r1 + 1]:
                row[c0:c1 + 1] = [""] * len(row[c0:c1 + 1])
            cleared.append(_a1(worksheet.title, r0, c0, r1, c1))
            titles.append(worksheet.title)
        return {"spreadsheetId": sheet.key, "clearedRanges": cleared}, ",".join(titles)

    def _batchUpdate(self, sheet: Spreadsheet, rest, query, body) -> tuple[dict, str]:
        replies, titles = [], []
        for i, request in enumerate(json.loads(body).get("requests", [])):
            if "addSheet" in request:
                props = request["addSheet"].get("properties", {})
                title = props.get("title") or f"Sheet{len(sheet.worksheets) + 1}"
                if sheet.find(title):
                    raise Refused(api_error(400, f'Invalid requests[{i}].addSheet: A sheet with the name "{title}" '
                                                  "already exists. Please enter another name.", "INVALID_ARGUMENT"))
                grid = props.get("gridProperties", {})
                worksheet = Worksheet(title, next(self._ids), [], grid.get("rowCount", 1000),
                                      grid.get("columnCount", 26))
                sheet.worksheets.append(worksheet)
                replies.append({"addSheet": {"properties": worksheet.properties(len(sheet.worksheets) - 1)}})
            elif "updateSheetProperties" in request:
                props = request["updateSheetProperties"]["properties"]
                worksheet = next(w for w in sheet.worksheets if w.sheet_id == props["sheetId"])
                grid = props.get("gridProperties", {})
                worksheet.row_count = grid.get("rowCount", worksheet.row_count)
                worksheet.column_count = grid.get("columnCount", worksheet.column_count)
                del worksheet.rows[worksheet.row_count:]
                replies.append({})
            else:
                raise Refused(api_error(400, f"requests[{i}] is not supported by the loopback server",
                                        "INVALID_ARGUMENT"))
            titles.append(worksheet.title)
        return {"spreadsheetId": sheet.key, "replies": replies}, ",".join(titles)


def _route(method: str, path: str) -> tuple[str, str | None, str]:
    """(endpoint name, spreadsheet key, range) for a request path."""
    if method == "POST" and path == "/token":
        return "token", None, ""
    match = re.fullmatch(r"/v4/spreadsheets/([^/:]+)(.*)", path)
    if not match:
        return "unknown", None, ""
    key, rest = match.groups()
    if method == "GET" and rest == "":
        return "spreadsheets.get", key, ""
    if method == "POST" and rest == ":batchUpdate":
        return "batchUpdate", key, ""
    if method == "POST" and rest == "/values:batchClear":
        return "values.batchClear", key, ""
    if rest.startswith("/values/") and method in ("GET", "PUT"):
        return ("values.get" if method == "GET" else "values.update"), key, rest[len("/values/"):]
    return "unknown", key, ""


def _json(status: int, payload: dict) -> Fault:
    return Fault(status, json.dumps(payload).encode())


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _handler_for(api: SheetsAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "ESF"

        def _answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            fault, delay = api.handle(self.command, self.path, self.headers, body)
            if delay and api._stopping.wait(delay):
                return
            try:
                self.send_response(fault.status or 200)
                self.send_header("Content-Type", fault.content_type)
                self.send_header("Content-Length", str(len(fault.body)))
                for name, value in fault.headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(fault.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to tell it

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, format, *args) -> None:
            pass

    return Handler
