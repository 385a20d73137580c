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
    (b"\xff\xfe\x00t\x00e", "not a "),
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
