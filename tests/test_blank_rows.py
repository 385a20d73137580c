"""Blank rows between responses are skipped and counted apart, from a CSV, an XLSX and the Sheets API.

323 rows read for 320 real responses was the bug: every blank row became a
response rejected seven times over.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.helpers import HEADERS, NOW, csv_text, response, run_cli, write_config
from testing.sheets_fixtures import KEY, WORKSHEET, key_file, private_key, sheet_rows, sheets_api  # noqa: F401

TITLE = "Name of your activity"
#: Sheet rows 2 to 7: three responses, three blank rows (one of spaces); row 5 is rejected.
ROWS = [response(**{TITLE: "A"}), {}, {h: " " for h in HEADERS}, response(**{TITLE: ""}), {},
        response(**{TITLE: "C"})]


def csv_source(folder, api, key):
    path = folder / "responses.csv"
    path.write_text(csv_text(ROWS), encoding="utf-8")
    return {"kind": "file", "path": str(path)}


def xlsx_source(folder, api, key):
    import openpyxl

    book = openpyxl.Workbook()
    for row in sheet_rows(ROWS):
        book.active.append([cell or None for cell in row])  # an empty cell is no value at all in XLSX
    book.save(folder / "responses.xlsx")
    return {"kind": "file", "path": str(folder / "responses.xlsx")}


def sheets_source(folder, api, key):
    api.add_spreadsheet(KEY, {WORKSHEET: sheet_rows(ROWS)})
    return {"kind": "google_sheets", "spreadsheet": KEY, "worksheet": WORKSHEET, "credentials": str(key),
            "api_endpoint": api.url}


def read_csv(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


@pytest.mark.parametrize("make_source", [csv_source, xlsx_source, sheets_source], ids=["csv", "xlsx", "sheets_api"])
def test_blank_rows_are_counted_apart_and_row_numbers_stay_right(tmp_path, sheets_api, key_file, make_source):
    config = write_config(tmp_path, source=make_source(tmp_path, sheets_api, key_file))
    done = run_cli("sync", "--config", str(config), "--now", NOW, "--verbose")
    assert done.returncode == 0, done.stderr
    assert "  3 blank rows skipped (not responses)" in done.stdout.splitlines()

    staff = tmp_path / "output" / "staff"
    counts = json.loads((staff / "report.json").read_text(encoding="utf-8"))["counts"]
    assert counts == {"read": 3, "published": 2, "held": 0, "rejected": 1, "blank_rows": 3}
    assert [(row["row_number"], row["reason_codes"]) for row in read_csv(staff / "rejected.csv")] == [
        ("5", "missing_title")]
    assert sorted(row["row_number"] for row in read_csv(staff / "responses.csv")) == ["2", "5", "7"]
    assert "3 blank rows skipped: they are not responses." in (staff / "index.html").read_text(encoding="utf-8")


def test_the_cron_line_is_unchanged_without_blank_rows(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text(csv_text([response()]), encoding="utf-8")
    done = run_cli("sync", "--config", str(write_config(tmp_path, source={"kind": "file", "path": str(path)})),
                   "--now", NOW)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("healing-map sync ok: 1 read, 1 published, 0 held, 0 rejected in ")
    assert "blank" not in done.stdout and "warning" not in done.stdout
