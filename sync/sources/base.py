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
    trims them; an empty sheet, or one with a header row only, is an error
    because publishing nothing over a good map is never what staff want.
    """
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise SourceError(f"{origin}: the sheet is empty (no header row)")
    headers = [cell.strip() for cell in rows[0]]
    if not any(headers):
        raise SourceError(f"{origin}: the first row is blank; expected the form's question headers")
    data = rows[1:]
    if not data:
        raise SourceError(f"{origin}: the sheet has a header row but no responses")
    width = len(headers)
    for offset, row in enumerate(data):
        for cell in row:
            if len(cell) > MAX_CELL_CHARS:
                raise SourceError(
                    f"{origin}: row {offset + 2} has a cell of {len(cell):,} characters, "
                    f"over the {MAX_CELL_CHARS:,} a Google Sheet allows"
                )
        if len(row) < width:
            row.extend([""] * (width - len(row)))
        elif len(row) > width and any(cell.strip() for cell in row[width:]):
            raise SourceError(f"{origin}: row {offset + 2} has values in columns with no header")
    return SheetTable(headers=headers, rows=[row[:width] for row in data], origin=origin)
