import pytest

from sync.errors import SourceError
from sync.sources import FileSource, UrlSource
from tests.helpers import HEADERS, csv_text, response


def test_csv_cells_stay_text(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("\ufeff" + csv_text([response(**{"ZIP code (optional)": "02134"})]), encoding="utf-8")
    table = FileSource(path).read()
    assert table.headers == HEADERS
    assert table.rows[0][HEADERS.index("ZIP code (optional)")] == "02134"
    assert table.first_row_number == 2


def test_short_rows_padded_and_trailing_blank_rows_dropped(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(",".join(f'"{h}"' for h in HEADERS) + "\r\n11/20/2026 10:00:00,a@b.org\r\n,,,\r\n\r\n")
    table = FileSource(path).read()
    assert len(table.rows) == 1 and len(table.rows[0]) == len(HEADERS)


def test_xlsx_export(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Form Responses 1"
    row = response(**{"ZIP code (optional)": "02134"})
    sheet.append(HEADERS)
    sheet.append([row[h] for h in HEADERS])
    book.save(tmp_path / "r.xlsx")
    table = FileSource(tmp_path / "r.xlsx").read()
    assert table.rows[0][HEADERS.index("ZIP code (optional)")] == "02134"
    with pytest.raises(SourceError, match="no worksheet 'Nope'; it has 'Form Responses 1'"):
        FileSource(tmp_path / "r.xlsx", worksheet="Nope").read()


@pytest.mark.parametrize("content, message", [
    (b"", "the sheet is empty"),
    (b"\r\n\r\n", "the sheet is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a "),
    (b"\xff\xfe\x00t\x00", "not a readable UTF-16 file, though it starts like one; save it again: in Excel"),
    (b"\x00\x00\x00\x18ftypmp42", "not a CSV file \\(it contains binary data\\)"),
    (b'"a","b\n', "not a valid CSV"),
])
def test_unreadable_inputs(tmp_path, content, message):
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=message):
        FileSource(path).read()


def test_cell_over_sheets_limit(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(csv_text([response(**{"Describe your activity": "x" * 50_001})]))
    with pytest.raises(SourceError, match="row 2 has a cell of 50,001 characters, over the 50,000"):
        FileSource(path).read()
    path.write_text(csv_text([response(**{"Describe your activity": "x" * 50_000})]))
    assert len(FileSource(path).read().rows) == 1


def test_missing_file(tmp_path):
    with pytest.raises(SourceError, match="file not found"):
        FileSource(tmp_path / "none.csv").read()


def test_published_csv_url(httpserver):
    httpserver.expect_request("/pub").respond_with_data(csv_text([response()]), content_type="text/csv")
    table = UrlSource(httpserver.url_for("/pub")).read()
    assert table.rows[0][HEADERS.index("Name of your activity")] == "Healing circle in Pilsen"


def test_url_errors(httpserver):
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    httpserver.expect_request("/login").respond_with_data("<html>sign in</html>", content_type="text/html")
    with pytest.raises(SourceError, match="HTTP 404"):
        UrlSource(httpserver.url_for("/gone")).read()
    with pytest.raises(SourceError, match="answered a web page, not CSV"):
        UrlSource(httpserver.url_for("/login")).read()


# --- what Excel writes besides a UTF-8 CSV ---------------------------------------------------

NAME = "Name of your activity"


def write_rows(path, rows, *, delimiter=",", encoding="utf-8"):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows([row.get(h, "") for h in HEADERS] for row in rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


ROWS = [response(**{NAME: "Café con historias", "Your name": "Verónica Vázquez"}),
        response(**{NAME: "Circle; with a semicolon, and a comma"})]


def test_excel_unicode_text_utf16_with_tabs_is_read(tmp_path):
    table = FileSource(write_rows(tmp_path / "r.txt", ROWS, delimiter="\t", encoding="utf-16")).read()
    assert table.headers == HEADERS
    assert [row[HEADERS.index(NAME)] for row in table.rows] == [ROWS[0][NAME], ROWS[1][NAME]]


def test_a_semicolon_csv_is_read_with_its_delimiter(tmp_path):
    table = FileSource(write_rows(tmp_path / "r.csv", ROWS, delimiter=";")).read()
    assert table.headers == HEADERS
    assert table.rows[1][HEADERS.index(NAME)] == "Circle; with a semicolon, and a comma"


def test_a_windows_1252_csv_says_where_and_how_to_save_it_as_utf8(tmp_path):
    path = write_rows(tmp_path / "r.csv", ROWS, encoding="cp1252")
    with pytest.raises(SourceError) as caught:
        FileSource(path).read()
    assert str(caught.value) == (
        f"{path}: not UTF-8: line 2 has byte 0xF3 ('ó' in Windows-1252), so the file was saved in another "
        "encoding; in Excel, use Save As › \"CSV UTF-8 (Comma delimited)\"; in Google Sheets, File › Download › "
        "Comma-separated values")


def test_blank_rows_in_the_middle_are_skipped_and_rows_keep_their_numbers(tmp_path):
    path = write_rows(tmp_path / "r.csv", [response(), {}, {"Timestamp": "  ", NAME: " "}, response(**{NAME: "B"}),
                                           {}])
    table = FileSource(path).read()
    assert [row[HEADERS.index(NAME)] for row in table.rows] == ["Healing circle in Pilsen", "B"]
    assert (table.blank_rows, table.row_numbers) == (2, [2, 5])  # the trailing blank row is no sheet row at all
    assert [table.row_number(n) for n in range(2)] == [2, 5]
    assert (table.offset(5), table.offset(3), table.offset(9)) == (1, None, None)


def test_a_value_right_of_the_headers_is_a_warning_naming_its_cell(tmp_path):
    path = tmp_path / "r.csv"
    lines = write_rows(path, [response(), response(**{NAME: "B"}), response(**{NAME: "C"})]).read_bytes().decode().split("\r\n")
    lines[2] += ",,a staff note"  # sheet row 3, two columns right of the last header
    lines[3] += ", ,another"
    path.write_text("\r\n".join(lines))
    table = FileSource(path).read()
    assert len(table.rows) == 3 and all(len(row) == len(HEADERS) for row in table.rows)
    column = chr(ord("A") + len(HEADERS) + 1)
    assert table.warnings == (
        f"cell {column}3 and 1 more in column {column} have values in a column with no header; ignored",)
    lines[3] = lines[3].removesuffix(", ,another")
    path.write_text("\r\n".join(lines))
    assert FileSource(path).read().warnings == (f"cell {column}3 has a value in a column with no header; ignored",)


def test_xlsx_blank_rows_and_real_dates_whatever_the_date_order(tmp_path):
    import datetime

    import openpyxl

    from sync.config import load_config
    from sync.normalize import Normalizer
    from tests.helpers import DEFAULT_CONFIG

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    cells = {**response(), "Timestamp": datetime.datetime(2026, 11, 4, 14, 3, 27),
             "Date of the activity": datetime.datetime(2026, 12, 5)}
    sheet.append([cells[h] for h in HEADERS])
    sheet.append([None] * len(HEADERS))
    sheet.append([cells[h] for h in HEADERS])
    book.save(tmp_path / "r.xlsx")
    table = FileSource(tmp_path / "r.xlsx").read()
    assert (len(table.rows), table.blank_rows, table.row_numbers) == (2, 1, [2, 4])
    config = load_config(DEFAULT_CONFIG)
    for order in ("MDY", "DMY"):
        dmy = config.model_copy(update={"campaign": config.campaign.model_copy(update={"date_order": order})})
        r = Normalizer(dmy).table(table)[1]
        assert (r.row_number, r.event_date, r.submitted_at.date()) == (
            4, datetime.date(2026, 12, 5), datetime.date(2026, 11, 4)), order
