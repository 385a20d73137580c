"""``healing-map sync`` as cron runs it, reading the loopback Sheets API through the real gspread and google-auth.

One successful run publishes; then each failure must exit 3 with one clear
line on stderr and leave every output byte-for-byte as the good run wrote it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from sync.sources.google_sheets import STATUS_HEADER
from tests.helpers import NOW, ROOT, run_cli, snapshot, write_config
from testing.sheets_fixtures import KEY, WORKSHEET, key_file, private_key, sheets_api  # noqa: F401
from testing.sheets_api import CLIENT_EMAIL, SheetsAPI, permission_denied, rate_limited, slow

SAMPLE = list(csv.reader((ROOT / "config" / "sample-responses.csv").open(encoding="utf-8", newline="")))


def sheets_source(api: SheetsAPI, key_path: Path) -> dict:
    return {"kind": "google_sheets", "spreadsheet": f"https://docs.google.com/spreadsheets/d/{KEY}/edit",
            "credentials": str(key_path), "api_endpoint": api.url, "timeout_seconds": 1.0}


@dataclass
class Published:
    api: SheetsAPI
    folder: Path
    config: Path
    key_file: Path
    exit_code: int
    stderr: str
    counts: dict


@pytest.fixture(scope="module")
def published(tmp_path_factory, private_key):
    """One good sync into a folder that the failure tests then try to damage."""
    folder = tmp_path_factory.mktemp("published")
    with SheetsAPI() as api:
        key_path = folder / "service-account.json"
        api.write_key_file(key_path, private_key)
        api.add_spreadsheet(KEY, {WORKSHEET: SAMPLE})
        config = write_config(folder, source=sheets_source(api, key_path))
        result = run_cli("sync", "--config", str(config), "--now", NOW)
        yield Published(api, folder, config, key_path, result.returncode, result.stderr, dict(api.counts))


def test_a_sync_reads_the_sheet_once_and_publishes(published):
    assert published.exit_code == 0, published.stderr
    assert published.counts == {"token": 1, "spreadsheets.get": 1, "values.get": 1}
    outputs = snapshot(published.folder / "output")
    assert "public/index.html" in outputs and "staff/responses.csv" in outputs


def _forbid(api: SheetsAPI, key_path: Path, private_key):
    api.inject("spreadsheets.get", permission_denied())
    yield f"permission denied; share the sheet with {CLIENT_EMAIL} as Viewer"


def _delete_sheet(api: SheetsAPI, key_path: Path, private_key):
    sheet = api.spreadsheets.pop(KEY)
    yield f"no spreadsheet with key '{KEY}'"
    api.spreadsheets[KEY] = sheet


def _revoke_key(api: SheetsAPI, key_path: Path, private_key):
    api.revoke()
    yield f"Google refused the service-account key {key_path} ({CLIENT_EMAIL}): invalid_grant"
    api.write_key_file(key_path, private_key)


def _hang(api: SheetsAPI, key_path: Path, private_key):
    api.inject("spreadsheets.get", slow(5))
    yield f"{api.url.removeprefix('http://')} did not answer within 1 s"


@pytest.mark.parametrize("failure", [_forbid, _delete_sheet, _revoke_key, _hang], ids=["403", "404", "invalid_grant", "timeout"])
def test_a_failed_read_exits_3_and_leaves_the_outputs_untouched(published, private_key, failure):
    assert published.exit_code == 0, published.stderr
    before = snapshot(published.folder / "output")
    scenario = failure(published.api, published.key_file, private_key)
    expected = next(scenario)
    try:
        result = run_cli("sync", "--config", str(published.config), "--now", NOW)
    finally:
        next(scenario, None)
    assert result.returncode == 3, result.stderr
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error: ")
    assert expected in result.stderr
    assert snapshot(published.folder / "output") == before


def test_a_rate_limited_sync_waits_as_asked_and_publishes(tmp_path, sheets_api, key_file):
    sheets_api.add_spreadsheet(KEY, {WORKSHEET: SAMPLE})
    sheets_api.inject("values.get", rate_limited(retry_after=0.05), rate_limited(retry_after=0.05))
    result = run_cli("sync", "--config", str(write_config(tmp_path, source=sheets_source(sheets_api, key_file))),
                     "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert sheets_api.counts == {"token": 1, "spreadsheets.get": 1, "values.get": 3}
    assert result.stderr.count("Google Sheets answered HTTP 429") == 2


def test_write_back_fills_the_status_worksheet_and_leaves_the_responses(tmp_path, sheets_api, key_file):
    sheets_api.add_spreadsheet(KEY, {WORKSHEET: SAMPLE})
    before = sheets_api.rows(KEY, WORKSHEET)
    config = write_config(tmp_path, source=sheets_source(sheets_api, key_file), status_writeback={"enabled": True})
    result = run_cli("sync", "--config", str(config), "--now", NOW)
    assert result.returncode == 0, result.stderr
    status = sheets_api.rows(KEY, "Sync status")
    assert status[0] == STATUS_HEADER and len(status) == len(SAMPLE)
    assert {row[2] for row in status[1:]} <= {"published", "held", "rejected"}
    assert sheets_api.rows(KEY, WORKSHEET) == before
    assert {e.worksheet for e in sheets_api.log if e.method != "GET"} == {"Sync status"}


def test_a_failed_write_back_is_a_warning_and_the_map_is_published(tmp_path, sheets_api, key_file):
    sheets_api.add_spreadsheet(KEY, {WORKSHEET: SAMPLE})
    sheets_api.inject("batchUpdate", permission_denied())
    config = write_config(tmp_path, source=sheets_source(sheets_api, key_file), status_writeback={"enabled": True})
    result = run_cli("sync", "--config", str(config), "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert f"status write-back failed: https://docs.google.com/spreadsheets/d/{KEY} (worksheet '{WORKSHEET}'): " \
           f"permission denied; share the sheet with {CLIENT_EMAIL} as Editor" in result.stderr
    assert (tmp_path / "output" / "public" / "index.html").exists()
