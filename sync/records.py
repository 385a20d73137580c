"""Typed records passed between the stages.

A :class:`SheetTable` is what a source reads: the header row and the data rows,
every cell text. ``normalize`` turns each row into a :class:`Response`;
``validate`` and ``locate`` attach :class:`Reason` objects and a
:class:`Location`; :func:`decide_status` derives the one status.
"""

from __future__ import annotations

import enum
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
    ZIP = "zip"
    COMMUNITY_AREA = "community_area"
    CITYWIDE = "citywide"

    @property
    def rank(self) -> int:
        """0 for the finest (address) up to 4 for citywide."""
        return list(Precision).index(self)


@dataclass(frozen=True)
class SheetTable:
    """The raw sheet: header row plus data rows, all cells text.

    ``first_row_number`` is the sheet row number of ``rows[0]`` (2 when the
    header is row 1), so staff can find a response in the sheet.
    """

    headers: list[str]
    rows: list[list[str]]
    origin: str
    first_row_number: int = 2


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Location:
    """A resolved place. ``lat``/``lon`` are the exact point (staff only)."""

    precision: Precision
    community_area: int | None = None
    community_area_name: str | None = None
    lat: float | None = None
    lon: float | None = None
    zip: str | None = None
    matched: str = ""


@dataclass
class Response:
    """One form response after normalization.

    Text fields are trimmed and NFC-normalized; parsed values are ``None`` when
    absent or unparseable (the matching :class:`Reason` says which).
    """

    row_number: int
    raw: dict[str, str]
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
