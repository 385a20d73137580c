"""The one interface every source implements."""

from __future__ import annotations

import abc

from sync.errors import SourceError
from sync.records import SheetTable

#: Google Sheets refuses longer cells, so a longer one means the input is not a sheet export.
MAX_CELL_CHARS = 50_000


class Source(abc.ABC):
    """Reads the responses sheet as text: a header row and data rows.

    Adapters never guess types (``02134`` stays ``02134``); they pad short rows
    with ``""`` so every row has one cell per header, and raise
    :class:`~sync.errors.SourceError` with a message staff can act on.
    """

    #: Shown in messages and the report, e.g. the file path or sheet URL.
    description: str = ""

    @abc.abstractmethod
    def read(self) -> SheetTable:
        """Read the whole sheet once."""


def table_from_rows(rows: list[list[str]], *, origin: str) -> SheetTable:
    """Split raw rows into a :class:`SheetTable`, checking what every source must.

    Trailing empty rows are dropped and short rows padded, as the Sheets API
    trims them. Blank rows between responses (every cell blank or spaces) are
    skipped and counted, the others keeping their sheet row numbers. A value in
    a column with no header is ignored with a warning naming its cell, as a
    stray note in the sheet should not stop the map. An empty sheet is an
    error; a header row with no responses is a new form's sheet on launch day,
    which publishes an empty map (the safety guard still refuses it after a map
    had activities).
    """
    headers = _header_row(rows, origin)
    data = rows[1:]
    stray, blank = _check_rows(data, headers, origin)
    row_numbers = None
    if blank:
        skipped = set(blank)
        row_numbers = [offset + 2 for offset in range(len(data)) if offset not in skipped]
        data = [row for offset, row in enumerate(data) if offset not in skipped]
    share_repeated_cells(data, len(headers))
    warnings = tuple(_stray_warning(column, rows) for column, rows in sorted(stray.items()))
    return SheetTable(headers=headers, rows=data, origin=origin, blank_rows=len(blank), row_numbers=row_numbers,
                      warnings=warnings)


def _header_row(rows: list[list[str]], origin: str) -> list[str]:
    """The trimmed header row, once trailing empty rows are dropped; an error for an empty sheet."""
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise SourceError(f"{origin}: the sheet is empty (no header row)")
    headers = [cell.strip() for cell in rows[0]]
    while headers and not headers[-1]:  # a CSV header row may end in empty cells
        headers.pop()
    if not headers:
        raise SourceError(f"{origin}: the first row is blank; expected the form's question headers")
    return headers


def _check_rows(data: list[list[str]], headers: list[str], origin: str) -> tuple[dict[int, list[int]], list[int]]:
    """Pad or cut every row to the headers' width, in place; (stray values by column, blank row offsets).

    One loop over the rows with no call per row: a 600,000-row sheet passes in well under a second.
    """
    width = len(headers)
    unnamed = [column for column, header in enumerate(headers) if not header]
    stray: dict[int, list[int]] = {}  # column → the sheet rows with a value there, under no header
    blank: list[int] = []
    for offset, row in enumerate(data):
        # max(map(len, …)) looks at every cell in C: a 10-million-cell sheet is checked in a blink.
        if row and max(map(len, row)) > MAX_CELL_CHARS:
            longest = next(cell for cell in row if len(cell) > MAX_CELL_CHARS)
            raise SourceError(
                f"{origin}: row {offset + 2} has a cell of {len(longest):,} characters, "
                f"over the {MAX_CELL_CHARS:,} a Google Sheet allows"
            )
        if len(row) < width:
            row.extend([""] * (width - len(row)))
        elif len(row) > width:
            for column in range(width, len(row)):
                if row[column].strip():
                    stray.setdefault(column, []).append(offset + 2)
            row = data[offset] = row[:width]
        for column in unnamed:
            if row[column].strip():
                stray.setdefault(column, []).append(offset + 2)
        # Most rows start with a timestamp: one look at the first cell settles them.
        if not row[0].strip() and not "".join(
                row if not unnamed else [cell for cell, header in zip(row, headers) if header]).strip():
            blank.append(offset)
    return stray, blank


def _stray_warning(column: int, rows: list[int]) -> str:
    letter = column_letter(column)
    if len(rows) == 1:
        return f"cell {letter}{rows[0]} has a value in a column with no header; ignored"
    return (f"cell {letter}{rows[0]} and {len(rows) - 1} more in column {letter} have values in a column "
            "with no header; ignored")


def column_letter(column: int) -> str:
    """A 0-based column index as the sheet names it: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    column += 1
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def share_repeated_cells(rows: list[list[str]], width: int, *, sample: int = 1000) -> None:
    """Make equal cells of a column one string object, in columns that repeat themselves.

    Dates, times, activity types, yes/no answers and language lists repeat across
    thousands of rows: a 10-million-cell sheet would hold millions of copies of a
    few hundred strings (~50 bytes each). A column whose first ``sample`` cells are
    mostly distinct (timestamps, emails, links) is left alone: sharing would only
    cost there.
    """
    head = rows[:sample]
    for column in range(width):
        if len({row[column] for row in head}) * 2 > len(head):
            continue
        seen: dict[str, str] = {}
        share = seen.setdefault
        for row in rows:
            row[column] = share(row[column], row[column])
