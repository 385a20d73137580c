"""Sources for exports of the sheet: a CSV or XLSX file on disk, or a sheet published as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import requests

from sync.errors import SourceError, SourceTimeout
from sync.records import SheetTable
from sync.sources.base import MAX_CELL_CHARS, Source, table_from_rows

# Python's csv module refuses fields over 128 KiB by default; allow a little over Sheets' limit
# so an overlong cell gets our clear message rather than csv's.
csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_CHARS * 4))


def parse_csv_text(text: str, *, origin: str) -> SheetTable:
    """Parse CSV text (a Sheets export) into a table, every cell kept as text."""
    text = text.removeprefix("\ufeff")
    if "\x00" in text[:4096]:
        raise SourceError(f"{origin}: not a CSV file (it contains binary data)")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise SourceError(f"{origin}: not a valid CSV file: {exc}") from None
    return table_from_rows(rows, origin=origin)


class FileSource(Source):
    """A CSV (``.csv``) or Excel (``.xlsx``) download of the responses sheet.

    >>> FileSource("config/sample-responses.csv").read().headers[0]   # doctest: +SKIP
    'Timestamp'
    """

    def __init__(self, path: str | Path, *, worksheet: str = ""):
        self.path = Path(path)
        self.worksheet = worksheet
        self.description = str(self.path)

    def read(self) -> SheetTable:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            raise SourceError(f"{self.path}: file not found") from None
        except OSError as exc:
            raise SourceError(f"{self.path}: cannot read: {exc.strerror}") from None
        if self.path.suffix.lower() in (".xlsx", ".xlsm") or data[:4] == b"PK\x03\x04":
            return self._read_xlsx(data)
        if b"\x00" in data[:4096]:
            raise SourceError(f"{self.path}: not a CSV file (it contains binary data); export the sheet as CSV or XLSX")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise SourceError(f"{self.path}: not a CSV file in UTF-8; export the sheet as CSV or XLSX") from None
        return parse_csv_text(text, origin=str(self.path))

    def _read_xlsx(self, data: bytes) -> SheetTable:
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many unrelated types for a broken file
            raise SourceError(f"{self.path}: not a readable XLSX file: {exc}") from None
        if self.worksheet and self.worksheet not in book.sheetnames:
            raise SourceError(
                f"{self.path}: no worksheet {self.worksheet!r}; it has {', '.join(map(repr, book.sheetnames))}"
            )
        sheet = book[self.worksheet] if self.worksheet else book.worksheets[0]
        rows = [[_xlsx_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
        return table_from_rows(rows, origin=str(self.path))


def _xlsx_text(value) -> str:
    """Render an XLSX cell as the text the sheet showed, as far as it can be known."""
    from datetime import datetime, time

    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0):
            return f"{value.month}/{value.day}/{value.year}"
        return f"{value.month}/{value.day}/{value.year} {value:%H:%M:%S}"
    if isinstance(value, time):
        return value.strftime("%I:%M:%S %p").lstrip("0")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class UrlSource(Source):
    """A sheet published to the web as CSV, fetched over HTTP(S)."""

    def __init__(self, url: str, *, timeout: float = 30.0, session: requests.Session | None = None):
        self.url = url
        self.timeout = timeout
        self.session = session or requests.Session()
        self.description = url

    def read(self) -> SheetTable:
        try:
            response = self.session.get(self.url, timeout=self.timeout)
        except requests.Timeout:
            raise SourceTimeout(f"{self.url}: no answer after {self.timeout:g} s") from None
        except requests.RequestException as exc:
            raise SourceError(f"{self.url}: cannot fetch: {exc}") from None
        if response.status_code != 200:
            raise SourceError(f"{self.url}: HTTP {response.status_code}; is the sheet published as CSV?")
        content_type = response.headers.get("Content-Type", "")
        if "html" in content_type:
            raise SourceError(f"{self.url}: answered a web page, not CSV; publish the sheet as CSV")
        response.encoding = "utf-8"
        return parse_csv_text(response.text, origin=self.url)
