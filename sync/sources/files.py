"""Sources for exports of the sheet: a CSV or XLSX file on disk, or a sheet published as CSV.

What Excel writes besides a UTF-8 CSV is read or named: "Unicode text" (UTF-16
with a byte-order mark, tab-separated) is read as it is; a CSV saved with ";"
between cells (Excel in much of Europe and Latin America) or tabs is read with
that delimiter, the one that splits the header row into the most cells. A file
in another encoding (Excel's plain "CSV (Comma delimited)" on Windows writes
Windows-1252) is refused with the line and byte and the way to save it as UTF-8,
rather than guessed at: a wrong guess would put garbled names on the public map,
while the refusal keeps the last good map and takes staff one "Save As" to fix.
"""

from __future__ import annotations

import codecs
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


#: Delimiters a spreadsheet's CSV export may use, the usual one first (it wins a tie).
DELIMITERS = (",", ";", "\t")
SAVE_AS_UTF8 = ("in Excel, use Save As › \"CSV UTF-8 (Comma delimited)\"; "
                "in Google Sheets, File › Download › Comma-separated values")


def parse_csv_text(text: str, *, origin: str) -> SheetTable:
    """Parse CSV text (a Sheets export) into a table, every cell kept as text."""
    text = text.removeprefix("\ufeff")
    if "\x00" in text[:4096]:
        raise SourceError(f"{origin}: not a CSV file (it contains binary data)")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=sniff_delimiter(text)))
    except csv.Error as exc:
        raise SourceError(f"{origin}: not a valid CSV file: {exc}") from None
    return table_from_rows(rows, origin=origin)


def sniff_delimiter(text: str) -> str:
    """The delimiter of :data:`DELIMITERS` that splits the first row into the most cells."""
    def cells(delimiter: str) -> int:
        try:
            return len(next(csv.reader(io.StringIO(text[:65536], newline=""), delimiter=delimiter), []))
        except csv.Error:
            return 0
    return max(DELIMITERS, key=cells)  # max keeps the first of equals: "," unless another splits more


def decode_csv_bytes(data: bytes, *, origin: str) -> str:
    """The text of a CSV file: UTF-8, or UTF-16 with a byte-order mark; else a message saying what to do."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise SourceError(f"{origin}: not a readable UTF-16 file, though it starts like one; "
                              f"save it again: {SAVE_AS_UTF8}") from None
    if b"\x00" in data[:4096]:
        raise SourceError(f"{origin}: not a CSV file (it contains binary data); export the sheet as CSV or XLSX")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        seen = bytes([byte]).decode("cp1252", errors="replace")
        raise SourceError(
            f"{origin}: not UTF-8: line {line} has byte 0x{byte:02X} ({seen!r} in Windows-1252), so the file "
            f"was saved in another encoding; {SAVE_AS_UTF8}") from None


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
        return parse_csv_text(decode_csv_bytes(data, origin=str(self.path)), origin=str(self.path))

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
    """Render an XLSX cell as text, as far as possible as the sheet showed it.

    A date cell holds a date, not text in the sheet's locale: it is written ISO
    (``2026-12-05``, ``2026-11-24 14:03:27``), which normalize reads the same
    whatever ``campaign.date_order`` says.
    """
    from datetime import date, datetime, time

    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else f"{value:%Y-%m-%d %H:%M:%S}"
    if isinstance(value, date):
        return value.isoformat()
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
