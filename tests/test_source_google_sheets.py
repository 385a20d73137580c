"""The Google Sheets source: the real gspread and google-auth over HTTP to the loopback Sheets API."""

from __future__ import annotations

import json
import socket
import time
from email.utils import formatdate

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sync.config import GoogleSheetsSource as SheetsConfig
from sync.config import StatusWritebackConfig
from sync.errors import SourceError, SourceTimeout
from sync.sources import open_source
from sync.sources.files import parse_csv_text
from sync.sources.google_sheets import (
    READ_ONLY_SCOPE, READ_WRITE_SCOPE, STATUS_HEADER, GoogleSheetsSource, parse_retry_after,
)
from tests.helpers import HEADERS, NOW, csv_text, response, run_cli, write_config
from testing.sheets_fixtures import KEY, WORKSHEET, key_file, private_key, sheet_rows, sheets_api  # noqa: F401
from testing.sheets_api import (
    CLIENT_EMAIL, api_error, not_json, permission_denied, rate_limited, slow, unavailable, usage_limits,
)

WRITEBACK = StatusWritebackConfig(enabled=True)

#: Cells a sheet really holds: a ZIP with a leading zero, commas, quotes, a newline,
#: text that looks like a formula, a blank row and rows whose last cells are empty.
RESPONSES = [
    response(),
    response(**{"ZIP code (optional)": "02134", "Name of your activity": 'Circle, "together"\nsecond line'}),
    {},
    response(**{"Describe your activity": "=HYPERLINK(\"x\")", "Phone (optional, for staff only)": "",
                "May we show this activity on the public healing map?": ""}),
    response(**{"Your name": "Verónica Vázquez", "Languages": "Spanish"}),
]
RESPONSES_READ = len(RESPONSES) - 1  # the blank row is no response

#: A PEM frame around four bytes of nothing: the shape of a key, deliberately not one.
GARBLED_PEM = "\n".join(["-----BEGIN " + "PRIVATE KEY-----", "AAAA", "-----END " + "PRIVATE KEY-----", ""])


class FakeTime:
    """A clock that only moves when the client sleeps."""

    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def make_source(api, key_path, *, writeback=None, **options) -> tuple[GoogleSheetsSource, FakeTime]:
    options.setdefault("spreadsheet", KEY)
    options.setdefault("api_endpoint", api.url)
    cfg = SheetsConfig(kind="google_sheets", credentials=key_path, **options)
    source = GoogleSheetsSource.from_config(cfg, writeback=writeback)
    fake = FakeTime()
    source.http._sleep, source.http._clock = fake.sleep, fake.clock
    return source, fake


def assert_one_line(message: str, private_key) -> None:
    """Messages reach staff as one line and never carry the key."""
    assert "\n" not in message
    assert "PRIVATE KEY" not in message
    assert str(private_key.private_numbers().d)[:12] not in message


@pytest.fixture
def sheet(sheets_api):
    return sheets_api.add_spreadsheet(KEY, {WORKSHEET: sheet_rows(RESPONSES), "Notes": [["staff notes"]]})


# --- reading ------------------------------------------------------------------------------


def test_one_metadata_and_one_values_read_per_read(sheets_api, key_file, sheet):
    source, _ = make_source(sheets_api, key_file)
    source.read()
    assert sheets_api.counts == {"token": 1, "spreadsheets.get": 1, "values.get": 1}
    values_read = [e for e in sheets_api.log if e.endpoint == "values.get"][0]
    assert values_read.worksheet == WORKSHEET
    assert values_read.query["valueRenderOption"] == "FORMATTED_VALUE"
    source.read()
    assert sheets_api.counts == {"token": 1, "spreadsheets.get": 2, "values.get": 2}  # the token is reused


def test_rows_are_identical_to_the_csv_export(sheets_api, key_file, sheet, tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(csv_text(RESPONSES), encoding="utf-8", newline="")
    from_csv = parse_csv_text(export.read_text(encoding="utf-8"), origin=str(export))
    source, _ = make_source(sheets_api, key_file)
    from_api = source.read()
    assert from_api.headers == from_csv.headers == HEADERS
    assert from_api.rows == from_csv.rows
    # The blank row (sent as []) is no response: skipped, counted, the rows after it keep their numbers.
    assert (from_api.blank_rows, from_api.row_numbers) == (from_csv.blank_rows, from_csv.row_numbers) == (1, [2, 3, 5, 6])
    assert len(from_api.rows) == RESPONSES_READ


def test_a_zip_with_a_leading_zero_stays_text(sheets_api, key_file, sheet):
    source, _ = make_source(sheets_api, key_file)
    assert source.read().rows[1][HEADERS.index("ZIP code (optional)")] == "02134"
    # What unformatted values (and so gspread's get_all_records) would have given:
    raw = source.http.values_get(KEY, f"'{WORKSHEET}'", params={"valueRenderOption": "UNFORMATTED_VALUE"})
    assert raw["values"][2][HEADERS.index("ZIP code (optional)")] == 2134


def test_the_spreadsheet_may_be_given_as_its_full_url(sheets_api, key_file, sheet):
    url = f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0"
    source, _ = make_source(sheets_api, key_file, spreadsheet=url)
    assert len(source.read().rows) == RESPONSES_READ


def test_open_source_builds_the_adapter_with_the_read_only_scope(sheets_api, key_file, sheet):
    cfg = SheetsConfig(kind="google_sheets", spreadsheet=KEY, credentials=key_file, api_endpoint=sheets_api.url)
    source = open_source(cfg)
    assert source.credentials.scopes == [READ_ONLY_SCOPE]
    assert source.read().headers == HEADERS


def test_the_key_file_may_come_from_the_environment(sheets_api, key_file, sheet, monkeypatch):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    cfg = SheetsConfig(kind="google_sheets", spreadsheet=KEY, api_endpoint=sheets_api.url)
    assert len(GoogleSheetsSource.from_config(cfg).read().rows) == RESPONSES_READ


def test_twenty_thousand_rows_in_one_values_read(sheets_api, key_file):
    many = [response(**{"Name of your activity": f"Circle {n}", "ZIP code (optional)": f"{60600 + n % 60:05d}"})
            for n in range(20_000)]
    sheets_api.add_spreadsheet(KEY, {WORKSHEET: sheet_rows(many)})
    source, _ = make_source(sheets_api, key_file)
    started = time.perf_counter()
    table = source.read()
    seconds = time.perf_counter() - started
    assert len(table.rows) == 20_000
    assert table.rows[-1][HEADERS.index("Name of your activity")] == "Circle 19999"
    assert sheets_api.counts["values.get"] == 1
    assert seconds < 20, f"20,000 rows took {seconds:.1f} s"


def test_a_renamed_worksheet_lists_the_worksheets_that_exist(sheets_api, key_file):
    sheets_api.add_spreadsheet(KEY, {"Form Responses 2": sheet_rows(RESPONSES), "Notes": [["x"]]})
    source, _ = make_source(sheets_api, key_file)
    with pytest.raises(SourceError) as caught:
        source.read()
    message = str(caught.value)
    assert "no worksheet 'Form Responses 1'; the spreadsheet has 'Form Responses 2', 'Notes'" in message
    assert sheets_api.counts["values.get"] == 0


def test_the_worksheet_title_matches_regardless_of_case(sheets_api, key_file, sheet):
    source, _ = make_source(sheets_api, key_file, worksheet="form responses 1")
    assert len(source.read().rows) == RESPONSES_READ


def test_an_empty_worksheet_is_an_error_not_an_empty_map(sheets_api, key_file):
    sheets_api.add_spreadsheet(KEY, {WORKSHEET: []})
    source, _ = make_source(sheets_api, key_file)
    with pytest.raises(SourceError, match="the sheet is empty"):
        source.read()


# --- retries ------------------------------------------------------------------------------


def test_429_is_retried_after_the_retry_after_the_server_asks(sheets_api, key_file, sheet):
    sheets_api.inject("values.get", rate_limited(retry_after=0.05), rate_limited(retry_after=0.05))
    source, fake = make_source(sheets_api, key_file)
    assert len(source.read().rows) == RESPONSES_READ
    assert fake.sleeps == [0.05, 0.05]
    assert sheets_api.counts["values.get"] == 3
    assert sheets_api.counts["spreadsheets.get"] == 1


def test_a_burst_of_5xx_is_retried_with_exponential_backoff_and_jitter(sheets_api, key_file, sheet):
    sheets_api.inject("spreadsheets.get", unavailable(500), unavailable(503), unavailable(503))
    source, fake = make_source(sheets_api, key_file)
    source.read()
    assert sheets_api.counts["spreadsheets.get"] == 4
    assert len(fake.sleeps) == 3
    for attempt, delay in enumerate(fake.sleeps):
        assert 2**attempt / 2 <= delay <= 2**attempt  # base 1 s, doubling, jittered in [50 %, 100 %]


def test_jitter_spreads_the_waits(sheets_api, key_file, sheet):
    source, _ = make_source(sheets_api, key_file)
    source.http._random = iter([0.0, 1.0]).__next__
    response_503 = requests.Response()
    response_503.status_code = 503
    assert source.http.retry_delay(response_503, 3) == 2.0
    assert source.http.retry_delay(response_503, 3) == 4.0


def test_retries_are_bounded_in_count(sheets_api, key_file, sheet, private_key):
    sheets_api.inject("values.get", *[unavailable(503)] * 10)
    source, fake = make_source(sheets_api, key_file, max_attempts=3)
    with pytest.raises(SourceError) as caught:
        source.read()
    message = str(caught.value)
    assert "still answered HTTP 503" in message and "after 3 tries" in message
    assert "the next run will try again" in message
    assert sheets_api.counts["values.get"] == 3
    assert len(fake.sleeps) == 2
    assert_one_line(message, private_key)


def test_retries_are_bounded_in_time(sheets_api, key_file, sheet):
    sheets_api.inject("values.get", *[unavailable(502)] * 10)
    source, fake = make_source(sheets_api, key_file, max_attempts=10, max_retry_seconds=5)
    with pytest.raises(SourceError, match="still answered HTTP 502"):
        source.read()
    assert sum(fake.sleeps) <= 5
    assert sheets_api.counts["values.get"] == len(fake.sleeps) + 1 < 10


def test_a_retry_after_longer_than_the_budget_fails_at_once(sheets_api, key_file, sheet):
    sheets_api.inject("values.get", rate_limited(retry_after=600))
    source, fake = make_source(sheets_api, key_file, max_retry_seconds=120)
    with pytest.raises(SourceError, match="after 1 try over 0.0 s; the sheet is being read too often"):
        source.read()
    assert fake.sleeps == []


def test_the_usage_limits_403_is_retried(sheets_api, key_file, sheet):
    sheets_api.inject("values.get", usage_limits())
    source, fake = make_source(sheets_api, key_file)
    source.read()
    assert sheets_api.counts["values.get"] == 2
    assert len(fake.sleeps) == 1


@pytest.mark.parametrize("value, seconds", [("0.05", 0.05), ("2", 2.0), ("-3", 0.0), ("soon", None), (None, None)])
def test_parse_retry_after_seconds(value, seconds):
    assert parse_retry_after(value) == seconds


def test_parse_retry_after_http_date():
    assert 25 <= parse_retry_after(formatdate(time.time() + 30, usegmt=True)) <= 30


# --- errors a staff member can act on -----------------------------------------------------


def test_403_says_whom_to_share_the_sheet_with(sheets_api, key_file, sheet, private_key):
    sheets_api.inject("spreadsheets.get", permission_denied())
    source, fake = make_source(sheets_api, key_file)
    with pytest.raises(SourceError) as caught:
        source.read()
    message = str(caught.value)
    assert message.endswith(f"permission denied; share the sheet with {CLIENT_EMAIL} as Viewer")
    assert sheets_api.counts["spreadsheets.get"] == 1 and fake.sleeps == []
    assert_one_line(message, private_key)


def test_404_names_the_key(sheets_api, key_file, sheet):
    source, _ = make_source(sheets_api, key_file, spreadsheet="1NoSuchSheet")
    with pytest.raises(SourceError, match=r"^no spreadsheet with key '1NoSuchSheet'; check \[source\] spreadsheet"):
        source.read()


def test_a_disabled_sheets_api_says_to_enable_it(sheets_api, key_file, sheet):
    sheets_api.inject("spreadsheets.get", api_error(
        403, "Google Sheets API has not been used in project 1234 before or it is disabled.", "PERMISSION_DENIED",
        details=[{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED"}]))
    source, _ = make_source(sheets_api, key_file)
    with pytest.raises(SourceError, match="the Google Sheets API is not enabled"):
        source.read()


def test_a_revoked_key_says_the_key_was_refused(sheets_api, key_file, sheet, private_key):
    sheets_api.revoke()
    source, _ = make_source(sheets_api, key_file)
    with pytest.raises(SourceError) as caught:
        source.read()
    message = str(caught.value)
    assert message.startswith(f"Google refused the service-account key {key_file} ({CLIENT_EMAIL}): invalid_grant")
    assert "revoked or deleted" in message
    assert sheets_api.counts == {"token": 1}
    assert_one_line(message, private_key)


def test_a_key_google_never_issued_is_refused(sheets_api, key_file, sheet):
    forged = json.loads(key_file.read_text())
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged["private_key"] = other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()).decode()
    key_file.write_text(json.dumps(forged))
    source, _ = make_source(sheets_api, key_file)
    with pytest.raises(SourceError, match="invalid_grant: Invalid JWT Signature"):
        source.read()


def test_a_slow_answer_is_a_timeout_naming_host_and_seconds(sheets_api, key_file, sheet):
    sheets_api.inject("values.get", slow(5))
    source, _ = make_source(sheets_api, key_file, timeout_seconds=0.3)
    started = time.perf_counter()
    with pytest.raises(SourceTimeout) as caught:
        source.read()
    host = sheets_api.url.removeprefix("http://")
    assert str(caught.value).startswith(f"{host} did not answer within 0.3 s")
    assert time.perf_counter() - started < 2
    assert isinstance(caught.value, TimeoutError)


def test_a_slow_token_endpoint_is_a_timeout_too(sheets_api, key_file, sheet):
    sheets_api.inject("token", slow(5))
    source, _ = make_source(sheets_api, key_file, timeout_seconds=0.3)
    with pytest.raises(SourceTimeout, match="did not answer within 0.3 s"):
        source.read()


def test_a_non_json_answer_is_named(sheets_api, key_file, sheet):
    sheets_api.inject("values.get", not_json())
    source, _ = make_source(sheets_api, key_file)
    with pytest.raises(SourceError, match="answered something that is not JSON .*check \\[source\\] api_endpoint"):
        source.read()


def test_a_non_json_error_page_is_retried_then_named_without_the_page(sheets_api, key_file, sheet):
    sheets_api.inject("values.get", not_json(502), not_json(502))
    source, _ = make_source(sheets_api, key_file, max_attempts=2)
    with pytest.raises(SourceError) as caught:
        source.read()
    assert "HTTP 502 (a body that is not JSON) after 2 tries" in str(caught.value)
    assert "<html" not in str(caught.value)


def test_a_non_json_client_error_is_named(sheets_api, key_file, sheet):
    sheets_api.inject("spreadsheets.get", not_json(400))
    source, _ = make_source(sheets_api, key_file)
    with pytest.raises(SourceError, match="answered HTTP 400 with a body that is not a Google API answer"):
        source.read()


def test_an_unreachable_endpoint_is_named(sheets_api, key_file, sheet):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed when the block ends: nothing listens there
    source, _ = make_source(sheets_api, key_file, api_endpoint=f"http://127.0.0.1:{port}")
    with pytest.raises(SourceError, match=rf"^cannot reach 127.0.0.1:{port}: ConnectionError; check the network"):
        source.read()


BROKEN_KEYS = [
    ("missing", None, "service-account key file not found"),
    ("not json", "{'type': 'service_account',", "not a JSON key file (line 1, column 2)"),
    ("wrong type", {"type": "authorized_user"}, "field 'type' is 'authorized_user', not 'service_account'"),
    ("no key", {"private_key": ""}, "field(s) 'private_key' missing or empty"),
    ("no email", {"client_email": None}, "field(s) 'client_email' missing or empty"),
    ("bad email", {"client_email": "nobody"}, "field 'client_email' is not an email address"),
    ("bad token uri", {"token_uri": "oauth2.googleapis.com/token"}, "field 'token_uri' is not a URL"),
    ("garbled key", {"private_key": GARBLED_PEM},
     "field 'private_key' is not a valid PEM private key"),
    ("no type", {"type": None}, "field 'type' is missing"),
    ("secret type", {"type": "sk_live_" + "9f" * 60}, "field 'type' is not 'service_account'"),
    ("not an object", ["service_account"], "not a service-account key file (the JSON is not an object)"),
    ("not utf-8", b"\xff\xfe{}", "not a JSON key file (not UTF-8 text)"),
]


@pytest.mark.parametrize("case, change, expected", BROKEN_KEYS, ids=[c[0] for c in BROKEN_KEYS])
def test_a_broken_key_file_names_the_field(sheets_api, key_file, sheet, private_key, case, change, expected):
    if change is None:
        key_file.unlink()
    elif isinstance(change, str):
        key_file.write_text(change)
    elif isinstance(change, bytes):
        key_file.write_bytes(change)
    elif isinstance(change, list):
        key_file.write_text(json.dumps(change))
    else:
        fields = {**json.loads(key_file.read_text()), **change}
        key_file.write_text(json.dumps({k: v for k, v in fields.items() if v is not None or k != "type"}))
    cfg = SheetsConfig(kind="google_sheets", spreadsheet=KEY, credentials=key_file, api_endpoint=sheets_api.url)
    source = GoogleSheetsSource.from_config(cfg)
    with pytest.raises(SourceError) as caught:
        source.read()
    message = str(caught.value)
    assert message.startswith(f"{key_file}: ") and expected in message
    assert sheets_api.counts == {}
    assert_one_line(message, private_key)


def test_a_secret_looking_type_never_reaches_stderr_or_history(sheets_api, key_file, sheet, tmp_path):
    secret = "sk_live_" + "7c" * 60
    key_file.write_text(json.dumps({**json.loads(key_file.read_text()), "type": secret}))
    config = write_config(tmp_path, source={"kind": "google_sheets", "spreadsheet": KEY, "worksheet": WORKSHEET,
                                            "credentials": str(key_file), "api_endpoint": sheets_api.url})
    done = run_cli("sync", "--config", str(config), "--now", NOW)
    assert done.returncode == 3
    assert done.stderr == (f"Error: {key_file}: field 'type' is not 'service_account'; this is not a "
                           "service-account key (see docs/google-sheets.md)\n")
    history = run_cli("history", "--config", str(config))
    assert history.returncode == 0 and "field 'type' is not 'service_account'" in history.stdout
    assert secret[:16] not in done.stdout + done.stderr + history.stdout + history.stderr


def test_blank_rows_from_the_api_are_skipped_and_rows_keep_their_sheet_numbers(sheets_api, key_file):
    rows = sheet_rows([response(), {}, response(**{"Name of your activity": "B"})])
    rows.insert(3, ["  ", "", " "])  # a row of spaces, as well as the empty one the API sends as []
    sheets_api.add_spreadsheet(KEY, {WORKSHEET: rows})
    source, _ = make_source(sheets_api, key_file)
    table = source.read()
    assert (len(table.rows), table.blank_rows, table.row_numbers) == (2, 2, [2, 5])


def test_no_key_configured_says_where_to_set_one(monkeypatch):
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    with pytest.raises(SourceError, match=r"no service-account key: set \[source\] credentials"):
        GoogleSheetsSource.from_config(SheetsConfig(kind="google_sheets", spreadsheet=KEY))


def test_a_url_that_is_not_a_sheet_is_named():
    with pytest.raises(SourceError, match="not a Google Sheets URL"):
        GoogleSheetsSource.from_config(SheetsConfig(kind="google_sheets", spreadsheet="https://example.org/x",
                                                    credentials="key.json"))


# --- status write-back --------------------------------------------------------------------


STATUS_ROWS = [["11/20/2026 10:00:00", "Healing circle in Pilsen", "published", "", "Lower West Side"],
               ["11/21/2026 09:00:00", "=IMPORTXML(\"http://x\")", "rejected", "missing link", "Loop"]]


def test_write_back_creates_the_status_worksheet_and_never_writes_the_responses(sheets_api, key_file, sheet):
    before = sheets_api.rows(KEY, WORKSHEET)
    source, _ = make_source(sheets_api, key_file, writeback=WRITEBACK)
    assert source.credentials.scopes == [READ_WRITE_SCOPE]
    source.read()
    source.write_status(STATUS_ROWS)
    assert sheets_api.rows(KEY, "Sync status") == [STATUS_HEADER, *STATUS_ROWS]
    assert sheets_api.rows(KEY, WORKSHEET) == before
    writes = [e for e in sheets_api.log if e.method != "GET"]
    assert [e.endpoint for e in writes] == ["batchUpdate", "values.update"]
    assert {e.worksheet for e in writes} == {"Sync status"}
    assert writes[-1].query["valueInputOption"] == "RAW"  # "=IMPORTXML(…)" stays text


def test_write_back_rewrites_the_status_worksheet_each_run(sheets_api, key_file, sheet):
    source, _ = make_source(sheets_api, key_file, writeback=WRITEBACK)
    source.write_status(STATUS_ROWS * 3)
    source.write_status(STATUS_ROWS[:1])
    assert sheets_api.rows(KEY, "Sync status") == [STATUS_HEADER, STATUS_ROWS[0]]
    assert sheets_api.counts["batchUpdate"] == 1 and sheets_api.counts["values.batchClear"] == 1
    assert {e.worksheet for e in sheets_api.log if e.method != "GET"} == {"Sync status"}


def test_write_back_grows_the_status_worksheet_past_its_grid(sheets_api, key_file):
    sheets_api.add_spreadsheet(KEY, {WORKSHEET: sheet_rows(RESPONSES), "Sync status": [["old"]]})
    source, _ = make_source(sheets_api, key_file, writeback=StatusWritebackConfig(enabled=True))
    rows = [["11/20/2026", f"Circle {n}", "published", "", "Hyde Park"] for n in range(1500)]
    source.write_status(rows)
    assert sheets_api.rows(KEY, "Sync status") == [STATUS_HEADER, *rows]


def test_write_back_without_editor_access_says_share_as_editor(sheets_api, key_file, sheet):
    sheets_api.inject("batchUpdate", permission_denied())
    source, _ = make_source(sheets_api, key_file, writeback=WRITEBACK)
    with pytest.raises(SourceError, match=f"share the sheet with {CLIENT_EMAIL} as Editor$"):
        source.write_status(STATUS_ROWS)
    assert [e.endpoint for e in sheets_api.log] == ["spreadsheets.get", "batchUpdate"]


def test_write_back_refuses_the_responses_worksheet(sheets_api, key_file):
    cfg = SheetsConfig(kind="google_sheets", spreadsheet=KEY, credentials=key_file)
    with pytest.raises(SourceError, match="is the responses worksheet"):
        GoogleSheetsSource.from_config(cfg, writeback=StatusWritebackConfig(enabled=True, worksheet="form responses 1"))


def test_write_back_off_keeps_the_read_only_scope(sheets_api, key_file, sheet):
    source, _ = make_source(sheets_api, key_file, writeback=StatusWritebackConfig(enabled=False))
    assert source.credentials.scopes == [READ_ONLY_SCOPE]
    with pytest.raises(ValueError):
        source.write_status(STATUS_ROWS)
