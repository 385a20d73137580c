"""Launch day: a new form's sheet has its header row and no response yet, and the map goes live empty."""

from __future__ import annotations

import json

import openpyxl
import pytest

from tests.helpers import HEADERS, NOW, csv_text, response, run_cli, write_config, write_responses
from testing.sheets_fixtures import KEY, WORKSHEET, key_file, private_key, sheet_rows, sheets_api  # noqa: F401

FORM = "https://forms.gle/together-we-heal"


def assert_live_and_empty(tmp_path, result) -> None:
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("healing-map sync ok: 0 read, 0 published, 0 held, 0 rejected in ")
    out = tmp_path / "output"
    report = json.loads((out / "staff" / "report.json").read_text())
    assert report["counts"] == {"read": 0, "published": 0, "held": 0, "rejected": 0, "blank_rows": 0}
    page = (out / "public" / "index.html").read_text(encoding="utf-8")
    assert f'<a class="hm-button hm-first" href="{FORM}" data-i18n="be_first">Be the first to add your activity</a>' in page
    data = (out / "public" / "activities.js").read_text(encoding="utf-8")
    assert '"be_first":"Sé el primero en agregar tu actividad"' in data  # the Spanish page says it too
    assert "No activities have been published yet." in page
    assert "<strong>0 responses yet.</strong>" in (out / "staff" / "index.html").read_text(encoding="utf-8")
    assert (out / "public" / "events.csv").read_text(encoding="utf-8-sig").count("\n") == 1  # the header row
    assert json.loads((out / "public" / "events.geojson").read_text())["features"] == []


def test_a_header_only_csv_publishes_an_empty_map_that_invites_the_first_activity(tmp_path):
    config = write_responses(tmp_path, [])
    assert_live_and_empty(tmp_path, run_cli("sync", "--config", str(config), "--now", NOW))


def test_a_header_only_xlsx_too(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = WORKSHEET
    book.active.append(HEADERS)
    book.save(tmp_path / "responses.xlsx")
    config = write_config(tmp_path, source={"kind": "file", "path": str(tmp_path / "responses.xlsx")})
    assert_live_and_empty(tmp_path, run_cli("sync", "--config", str(config), "--now", NOW))


def test_a_header_only_google_sheet_too(tmp_path, sheets_api, key_file):
    sheets_api.add_spreadsheet(KEY, {WORKSHEET: sheet_rows([])})
    config = write_config(tmp_path, source={"kind": "google_sheets", "spreadsheet": KEY, "credentials": str(key_file),
                                            "api_endpoint": sheets_api.url, "timeout_seconds": 2.0})
    assert_live_and_empty(tmp_path, run_cli("sync", "--config", str(config), "--now", NOW))


@pytest.mark.parametrize("content, message", [
    ("", "the sheet is empty (no header row)"),
    (csv_text([response()]).split("\r\n", 1)[1], "header(s) missing from the sheet"),  # a response, no header
])
def test_a_sheet_without_its_header_row_is_still_exit_3(tmp_path, content, message):
    config = write_responses(tmp_path, [])
    (tmp_path / "responses.csv").write_text(content, encoding="utf-8")
    result = run_cli("sync", "--config", str(config), "--now", NOW)
    assert result.returncode == 3 and message in result.stderr
    assert not (tmp_path / "output" / "public").exists()


def test_emptied_after_activities_is_the_drop_the_guard_stops(tmp_path):
    config = write_responses(tmp_path, [response(**{"Name of your activity": f"Circle {i}"}) for i in range(3)])
    assert run_cli("sync", "--config", str(config), "--now", NOW).returncode == 0
    write_responses(tmp_path, [])
    tripped = run_cli("sync", "--config", str(config), "--now", NOW)
    assert tripped.returncode == 4
    assert "published activities would drop from 3 to 0, more than 50%" in tripped.stderr
    assert "Circle 2" in (tmp_path / "output" / "public" / "events.csv").read_text(encoding="utf-8-sig")
    forced = run_cli("sync", "--config", str(config), "--now", NOW, "--force")
    assert forced.returncode == 0 and forced.stdout.startswith("healing-map sync ok: 0 read, 0 published")
