"""What staff read when the export is not the plain UTF-8 CSV expected: the CLI as cron runs it."""

from __future__ import annotations

import csv
import io

import pytest

from sync.sources.base import column_letter
from tests.helpers import HEADERS, NOW, response, run_cli, write_config

ROWS = [response(**{"Your name": "Verónica Vázquez"}), response(**{"Name of your activity": "Círculo; dos"})]


def export(folder, *, delimiter=",", encoding="utf-8", headers=HEADERS, extra=()):
    """The responses as a spreadsheet would save them; ``extra`` cells go right of the last header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for n, row in enumerate(ROWS):
        writer.writerow([row.get(h, "") for h in headers] + list(extra if n == 1 else ()))
    path = folder / "responses.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    return write_config(folder, source={"kind": "file", "path": str(path)}), path


def sync(config):
    return run_cli("sync", "--config", str(config), "--now", NOW)


@pytest.mark.parametrize("delimiter, encoding", [("\t", "utf-16"), (";", "utf-8"), (";", "utf-8-sig")],
                         ids=["excel-unicode-text", "semicolons", "semicolons-with-bom"])
def test_excel_exports_other_than_csv_utf8_are_read(tmp_path, delimiter, encoding):
    config, _ = export(tmp_path, delimiter=delimiter, encoding=encoding)
    done = sync(config)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("healing-map sync ok: 2 read, 2 published, 0 held, 0 rejected in ")
    events = (tmp_path / "output" / "public" / "events.csv").read_text(encoding="utf-8-sig")
    assert "Círculo; dos" in events


def test_a_windows_1252_csv_is_one_line_saying_how_to_save_it(tmp_path):
    config, path = export(tmp_path, encoding="cp1252")
    done = sync(config)
    assert done.returncode == 3
    assert done.stderr == (
        f"Error: {path}: not UTF-8: line 2 has byte 0xF3 ('ó' in Windows-1252), so the file was saved in another "
        "encoding; in Excel, use Save As › \"CSV UTF-8 (Comma delimited)\"; in Google Sheets, File › Download › "
        "Comma-separated values\n")


def test_a_stray_cell_is_a_warning_naming_it_and_the_cron_line_counts_warnings(tmp_path):
    config, _ = export(tmp_path, extra=["", "call me"])
    done = sync(config)
    assert done.returncode == 0, done.stderr
    cell = f"{column_letter(len(HEADERS) + 1)}3"
    assert done.stderr == f"WARNING: cell {cell} has a value in a column with no header; ignored\n"
    line = done.stdout.strip()
    assert line.startswith("healing-map sync ok: 2 read, 2 published, 0 held, 0 rejected in ")
    assert " s with 1 warning → " in line and "\n" not in line

    config, _ = export(tmp_path, headers=HEADERS + ["Staff notes"], extra=["y"])
    done = sync(config)
    assert done.returncode == 0, done.stderr
    assert " s with 2 warnings → " in done.stdout
    assert done.stderr.splitlines() == [
        f"WARNING: cell {column_letter(len(HEADERS) + 1)}3 has a value in a column with no header; ignored",
        "WARNING: column 'Staff notes' is not in the mapping and was ignored"]
