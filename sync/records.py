"""Typed records passed between the stages.

A :class:`SheetTable` is what a source reads: the header row and the data rows,
every cell text. ``normalize`` turns each row into a :class:`Response`;
``validate`` and ``locate`` attach :class:`Reason` objects and a
:class:`Location`; :func:`decide_status` derives the one status.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime


class Status(str, enum.Enum):
    PUBLISHED = "published"
    HELD = "held"
    REJECTED = "rejected"


class Precision(str, enum.Enum):
    """How finely a response is located, finest first."""

    ADDRESS = "address"
    INTERSECTION = "intersection"
    VENUE = "venue"
    ZIP = "zip"
    COMMUNITY_AREA = "community_area"
    SIDE = "side"
    CITYWIDE = "citywide"

    @property
    def rank(self) -> int:
        """0 for the finest (address) up to 6 for citywide."""
        return _PRECISION_RANK[self]


#: Looked up once per published response, so not ``list(Precision).index`` each time.
_PRECISION_RANK = {precision: rank for rank, precision in enumerate(Precision)}


@dataclass(frozen=True)
class SheetTable:
    """The raw sheet: header row plus data rows, all cells text.

    ``first_row_number`` is the sheet row number of ``rows[0]`` (2 when the
    header is row 1), so staff can find a response in the sheet. Blank rows
    between responses are not responses: the source skips them, counts them in
    ``blank_rows`` and keeps each remaining row's sheet number in ``row_numbers``
    (``None`` when nothing was skipped: the rows are numbered on from the first).
    ``warnings`` are the source's notes for staff (a value under no header).
    """

    headers: list[str]
    rows: list[list[str]]
    origin: str
    first_row_number: int = 2
    blank_rows: int = 0
    row_numbers: list[int] | None = None
    warnings: tuple[str, ...] = ()

    def row_number(self, offset: int) -> int:
        """The sheet row number of ``rows[offset]``."""
        return self.first_row_number + offset if self.row_numbers is None else self.row_numbers[offset]

    def offset(self, row_number: int) -> int | None:
        """Where the row with this sheet number is in ``rows`` (``None``: a blank or absent row)."""
        if self.row_numbers is None:
            offset = row_number - self.first_row_number
            return offset if 0 <= offset < len(self.rows) else None
        offset = bisect.bisect_left(self.row_numbers, row_number)
        return offset if offset < len(self.row_numbers) and self.row_numbers[offset] == row_number else None


class RowCells(Mapping):
    """One data row's mapped cells, field name → text: a view, not a dict per row.

    Every row shares the header mapping (field name → column index) and keeps
    its own list of cells, so a 600,000-row sheet does not hold 600,000 dicts.
    Compares equal to a dict with the same items.
    """

    __slots__ = ("_columns", "_row")

    def __init__(self, columns: dict[str, int], row: list[str]):
        self._columns = columns
        self._row = row

    @property
    def columns(self) -> dict[str, int]:
        """The header mapping, field name → column index: one dict, shared by every row of the table."""
        return self._columns

    @property
    def row(self) -> list[str]:
        """The sheet row's cells, every column, as the source read them (do not change them)."""
        return self._row

    def __getitem__(self, name: str) -> str:
        return self._row[self._columns[name]]

    def get(self, name: str, default=None):
        index = self._columns.get(name)
        return default if index is None else self._row[index]

    def __contains__(self, name) -> bool:
        return name in self._columns

    def __iter__(self):
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __repr__(self) -> str:
        return f"RowCells({dict(self)!r})"

    def __reduce__(self):
        return RowCells, (self._columns, self._row)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a response is not published, or a note for staff.

    ``severity`` is ``rejected``, ``held`` or ``warning``; warnings never change
    the status but reach the staff files. ``recheck`` keeps the response out of
    the stored decisions, so it is located again next run (from the geocoder's
    cache until the miss expires).
    """

    code: str
    message: str
    severity: str = "rejected"
    field: str | None = None
    #: The answer may change on a later run (online geocoder miss or outage): decide the response again.
    recheck: bool = False


@dataclass(frozen=True, slots=True)
class Location:
    """A resolved place. ``lat``/``lon`` are the exact point (staff only).

    A ``side`` location names one of the City's nine sides (or "Far South", two of
    them) and no community area; a ``venue`` one names the venue. ``note`` is a
    warning for staff ("two places named; the first was used").
    """

    precision: Precision
    community_area: int | None = None
    community_area_name: str | None = None
    lat: float | None = None
    lon: float | None = None
    zip: str | None = None
    matched: str = ""
    side: str | None = None
    venue: str | None = None
    note: str = ""


class _NoExtras(Mapping):
    """An empty read-only mapping that pickles as itself: the extras of a response without any."""

    __slots__ = ()

    def __getitem__(self, name: str):
        raise KeyError(name)

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "{}"

    def __reduce__(self):
        return "NO_EXTRAS"


#: The extras of every response without any: one shared empty mapping, not a dict per response.
NO_EXTRAS: Mapping[str, str | tuple[str, ...]] = _NoExtras()


@dataclass(slots=True)
class Response:
    """One form response after normalization.

    Text fields are trimmed and NFC-normalized; parsed values are ``None`` when
    absent or unparseable (the matching :class:`Reason` says which). ``raw`` is
    the row's mapped cells, field name → text (a read-only mapping). ``extras`` are the
    answers to staff's own questions (``[[fields.extra]]``), by field name: text, or a
    tuple of answers for a multi-choice question; they are worked out again each run
    from ``raw``, never stored with the decision. Slots, not a ``__dict__``: a
    10-million-cell sheet holds 600,000 of these.
    """

    row_number: int
    raw: Mapping[str, str]
    submitted_at: datetime | None = None
    contact_email: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    organization: str = ""
    title: str = ""
    event_type: str = ""
    event_type_detail: str = ""
    description: str = ""
    event_date: date | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    location_text: str = ""
    zip: str = ""
    link: str = ""
    languages: tuple[str, ...] = ()
    public_consent: bool | None = None
    approved: bool | None = None
    reasons: list[Reason] = field(default_factory=list)
    location: Location | None = None
    status: Status | None = None
    extras: Mapping[str, str | tuple[str, ...]] = field(default_factory=lambda: NO_EXTRAS)

    def add(self, reason: Reason) -> None:
        self.reasons.append(reason)

    def decide_status(self) -> Status:
        """Set and return the status implied by the reasons collected so far."""
        severities = {r.severity for r in self.reasons}
        if "rejected" in severities:
            self.status = Status.REJECTED
        elif "held" in severities:
            self.status = Status.HELD
        else:
            self.status = Status.PUBLISHED
        return self.status

    @property
    def blocking_reasons(self) -> list[Reason]:
        return [r for r in self.reasons if r.severity != "warning"]

    @property
    def warnings(self) -> list[Reason]:
        return [r for r in self.reasons if r.severity == "warning"]
