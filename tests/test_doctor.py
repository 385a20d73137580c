"""``healing-map doctor``: one check per thing staff must set up, against the loopback Sheets API."""

from __future__ import annotations

import pytest

from sync.config import load_config
from sync.doctor import run_checks
from tests.helpers import HEADERS, csv_text, response, run_cli, write_config
from testing.sheets_fixtures import KEY, WORKSHEET, key_file, private_key, sheet_rows, sheets_api  # noqa: F401
from testing.sheets_api import CLIENT_EMAIL, permission_denied

RESPONSES = [response(), response(**{"Name of your activity": "Story night"})]


@pytest.fixture
def sheets_config(tmp_path, sheets_api, key_file):
    """A config whose source is the loopback sheet; returns its path."""
    return write_config(tmp_path, source={"kind": "google_sheets", "spreadsheet": KEY, "credentials": str(key_file),
                                          "api_endpoint": sheets_api.url, "timeout_seconds": 2.0})


def by_name(checks) -> dict:
    return {check.name: check for check in checks}


def test_every_check_passes_on_a_good_set_up(sheets_api, sheets_config):
    sheets_api.add_spreadsheet(KEY, {WORKSHEET: sheet_rows(RESPONSES)})
    checks = run_checks(load_config(sheets_config))
    assert [c.name for c in checks] == ["config", "credentials", "sheet", "headers", "locator", "outputs", "modes"]
    assert all(c.ok for c in checks), checks
    found = by_name(checks)
    assert CLIENT_EMAIL in found["credentials"].detail
    assert found["sheet"].detail.startswith("read 2 responses from https://docs.google.com/spreadsheets/d/")
    assert found["locator"].detail == "77 community areas loaded"
    assert sheets_api.counts["values.get"] == 1


def test_a_question_renamed_mid_campaign_is_named(sheets_api, sheets_config):
    renamed = [h if h != "Name of your activity" else "Name of the activity" for h in HEADERS]
    sheets_api.add_spreadsheet(KEY, {WORKSHEET: sheet_rows(RESPONSES, headers=renamed)})
    found = by_name(run_checks(load_config(sheets_config)))
    assert found["sheet"].ok and not found["headers"].ok
    assert "'Name of your activity'" in found["headers"].detail
    assert "'Name of the activity'" in found["headers"].detail


def test_a_broken_key_skips_the_checks_that_need_it(sheets_api, sheets_config, key_file):
    sheets_api.add_spreadsheet(KEY, {WORKSHEET: sheet_rows(RESPONSES)})
    key_file.write_text('{"type": "service_account"}')
    found = by_name(run_checks(load_config(sheets_config)))
    assert not found["credentials"].ok
    assert "field(s) 'client_email', 'private_key', 'token_uri' missing" in found["credentials"].detail
    assert found["sheet"].detail == "skipped: fix the credentials first"
    assert found["headers"].detail == "skipped: the sheet could not be read"
    assert found["locator"].ok
    assert sheets_api.counts == {}


def test_no_access_says_whom_to_share_with(sheets_api, sheets_config):
    sheets_api.add_spreadsheet(KEY, {WORKSHEET: sheet_rows(RESPONSES)})
    sheets_api.inject("spreadsheets.get", permission_denied())
    found = by_name(run_checks(load_config(sheets_config)))
    assert found["credentials"].ok and not found["sheet"].ok
    assert found["sheet"].detail.endswith(f"share the sheet with {CLIENT_EMAIL} as Viewer")


def test_a_file_source_has_no_credentials_check(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text(csv_text(RESPONSES), encoding="utf-8")
    checks = run_checks(load_config(write_config(tmp_path, source={"kind": "file", "path": str(path)})))
    assert [c.name for c in checks] == ["config", "sheet", "headers", "locator", "outputs", "modes"]
    assert all(c.ok for c in checks), checks


def test_the_cli_prints_one_line_per_check_and_exits_0(sheets_api, sheets_config):
    sheets_api.add_spreadsheet(KEY, {WORKSHEET: sheet_rows(RESPONSES)})
    result = run_cli("doctor", "--config", str(sheets_config))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["✓ config", "✓ credentials", "✓ sheet", "✓ headers", "✓ locator",
                                                      "✓ outputs", "✓ modes"]


def test_the_cli_exits_3_when_a_check_fails(sheets_api, sheets_config):
    sheets_api.add_spreadsheet(KEY, {WORKSHEET: sheet_rows(RESPONSES)})
    sheets_api.inject("spreadsheets.get", permission_denied())
    result = run_cli("doctor", "--config", str(sheets_config))
    assert result.returncode == 3
    assert f"✗ sheet: https://docs.google.com/spreadsheets/d/{KEY} (worksheet '{WORKSHEET}'): permission denied" in result.stdout
    assert "✗ headers: skipped: the sheet could not be read" in result.stdout
