"""Turn raw sheet rows into typed :class:`~sync.records.Response` records.

Normalizing never raises for a bad cell: it keeps what it can and records a
:class:`~sync.records.Reason` (frictionless-style: errors are data). Only a
header row that does not match the configured mapping stops the run, because
then every row would be read wrong.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, time
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import email_validator
import phonenumbers
from rapidfuzz import fuzz, process

from sync.config import CANONICAL_FIELDS, Config, FieldsConfig
from sync.contacts import ContactScrubber
from sync.errors import HeaderMismatch
from sync.records import Reason, Response, RowCells, SheetTable

#: How fields are named in messages staff read.
FIELD_LABELS = {
    "submitted_at": "timestamp", "contact_email": "email", "contact_name": "name",
    "organization": "organization", "title": "activity name", "event_type": "activity type",
    "description": "description", "event_date": "date", "start_time": "start time",
    "end_time": "end time", "location": "location", "zip": "ZIP code", "link": "link",
    "languages": "languages", "contact_phone": "phone", "public_consent": "consent",
    "approved": "approval",
}

_YES = frozenset({"yes", "y", "true", "sí", "si", "x", "✓", "✔", "approved", "1"})
_NO = frozenset({"no", "n", "false", "0", "rejected"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([ap])?\.?\s*m?\.?$", re.IGNORECASE)
_OTHER_PREFIX = re.compile(r"^other\s*[:\-–]\s*", re.IGNORECASE)
_BARE_DOMAIN = re.compile(r"^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+([/?#].*)?$", re.IGNORECASE)


def _fold(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def map_headers(headers: list[str], fields: FieldsConfig) -> dict[str, int]:
    """Match the sheet's header row to the configured fields: field name → column index.

    Headers are compared after trimming and case-folding. A missing header or a
    mapped header that appears twice raises :class:`HeaderMismatch` naming it,
    with the sheet's unmatched headers as likely renames; unmatched headers
    alone are ignored (staff may add their own columns).
    """
    wanted = {_fold(text): name for name, text in fields.headers().items()}
    positions: dict[str, list[int]] = {}
    for index, header in enumerate(headers):
        positions.setdefault(_fold(header), []).append(index)
    duplicated = [headers[idx[0]] for key, idx in positions.items() if key in wanted and len(idx) > 1]
    columns = {wanted[key]: idx[0] for key, idx in positions.items() if key in wanted}
    missing = [fields.headers()[name] for name in CANONICAL_FIELDS
               if name not in columns and name not in fields.optional]
    unknown = [h for h in headers if h.strip() and _fold(h) not in wanted]
    if duplicated:
        raise HeaderMismatch(
            "duplicated header(s): " + ", ".join(map(repr, duplicated)) + "; each question must appear once",
            duplicated=duplicated,
        )
    if missing:
        message = "header(s) missing from the sheet: " + ", ".join(map(repr, missing))
        if unknown:
            message += "; the sheet has unmapped header(s): " + ", ".join(map(repr, unknown))
            guesses = _rename_guesses(missing, unknown)
            if guesses:
                message += " (renamed? " + "; ".join(f"{u!r} for {m!r}" for m, u in guesses) + ")"
        message += ". Update [fields] in the config to match the form's questions."
        raise HeaderMismatch(message, missing=missing, unknown=unknown)
    return columns


def _rename_guesses(missing: list[str], unknown: list[str]) -> list[tuple[str, str]]:
    guesses = []
    for header in missing:
        best = process.extractOne(header, unknown, scorer=fuzz.token_set_ratio, processor=_fold)
        if best and best[1] >= 60:
            guesses.append((header, best[0]))
    return guesses


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Trim, NFC-normalize and drop control characters; collapse spaces unless ``multiline``."""
    # Most cells are clean already. A printable string holds no control character and no
    # whitespace but U+0020 (the others are all categories Cc or Z*), so when it is also NFC,
    # has no double space and no space at either end, every step below would leave it as is.
    if (value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " "
            and (value.isascii() or unicodedata.is_normalized("NFC", value))):
        return value
    value = unicodedata.normalize("NFC", _CONTROL.sub("", value))
    if multiline:
        lines = [_SPACES.sub(" ", line).strip() for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return _SPACES.sub(" ", value).strip()


@functools.lru_cache(maxsize=4096)
def parse_date(text: str, order: str = "MDY") -> date | None:
    """``12/5/2026`` (or ``5/12/2026`` for DMY) or ISO ``2026-12-05``; ``None`` if neither."""
    text = text.strip()
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        parts = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})", text)
        if not parts:
            return None
        first, second, year = int(parts[1]), int(parts[2]), int(parts[3])
        year += 2000 if year < 100 else 0
        month, day = (first, second) if order == "MDY" else (second, first)
        return date(year, month, day)
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def parse_time(text: str) -> time | None:
    """``6:30:00 PM``, ``6:30 pm``, ``6pm``, ``18:30``; ``None`` if not a time of day."""
    match = _TIME.match(text.strip())
    if not match:
        return None
    hour, minute, second = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    meridiem = (match[4] or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    elif match[2] is None:
        return None  # a bare number is not a time
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


@functools.lru_cache(maxsize=65536)
def parse_timestamp(text: str, order: str, zone: str) -> datetime | None:
    """A Forms timestamp, ``11/24/2026 14:03:27``, as an aware datetime in the campaign zone."""
    day_part, _, time_part = text.strip().partition(" ")
    day = parse_date(day_part, order)
    if day is None:
        return None
    moment = parse_time(time_part) if time_part else time(0)
    if moment is None:
        return None
    return datetime.combine(day, moment, tzinfo=ZoneInfo(zone))


def parse_yes_no(text: str) -> bool | None:
    folded = text.strip().casefold()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    return None


def normalize_link(text: str) -> tuple[str, Reason | None]:
    """An http(s) URL, or the reason it is not one. A bare ``zoom.us/j/1`` gets ``https://``."""
    if not text:
        return "", None
    if _BARE_DOMAIN.match(text):
        return "https://" + text, Reason("link_scheme_added", f"link had no http(s)://; assumed https://{text}", "warning", "link")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        shown = text if len(text) <= 60 else text[:57] + "…"
        return "", Reason("link_not_http", f"link is not an http(s) address: {shown!r}", "rejected", "link")
    if not parts.netloc or " " in text:
        return "", Reason("link_invalid", f"link is not a valid web address: {text[:60]!r}", "rejected", "link")
    return text, None


@functools.lru_cache(maxsize=65536)
def normalize_email(text: str) -> tuple[str, bool]:
    """The normalized address and whether it is valid (syntax only: no network)."""
    try:
        return email_validator.validate_email(text, check_deliverability=False).normalized, True
    except email_validator.EmailNotValidError:
        return text, False


@functools.lru_cache(maxsize=65536)
def normalize_phone(text: str, region: str) -> tuple[str, bool]:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return text, False
    if not phonenumbers.is_valid_number(number):
        return text, False
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL), True


#: The fields :meth:`Normalizer.row` reads.
_ROW_FIELDS = (
    "submitted_at", "contact_email", "contact_name", "contact_phone", "organization", "title", "event_type",
    "description", "event_date", "start_time", "end_time", "location", "zip", "link", "languages",
    "public_consent", "approved",
)


class Normalizer:
    """Normalizes rows for one config; caches look-ups that repeat across rows."""

    def __init__(self, config: Config):
        self.config = config
        self.zone = config.campaign.timezone
        self.tz = config.campaign.tz
        self.order = config.campaign.date_order
        self.validation = config.validation
        self._types = {_fold(t): t for t in config.validation.event_types}
        self._languages = {_fold(lang): lang for lang in config.validation.languages}
        # Answers that repeat across rows (types, language lists, dates and times) are worked
        # out once per distinct answer; the results are immutable, so rows share them.
        self._type_of: dict[str, tuple[str, str]] = {}
        self._languages_of: dict[str, tuple[str, ...]] = {}
        self._moments: dict[tuple, datetime] = {}
        self._scrubber = ContactScrubber(region=config.validation.phone_region)
        #: Sheet headers outside the mapping, set by :meth:`cells`; ignored but reported.
        self.ignored_headers: list[str] = []
        #: Field name → column index of the last table, set by :meth:`cells`.
        self.columns: dict[str, int] = {}
        self._complete, self._getter = False, None

    def cells(self, table: SheetTable) -> list[RowCells]:
        """Each data row as field → cell text (a :class:`RowCells` view), after matching the header row."""
        self.columns = columns = map_headers(table.headers, self.config.fields)
        self._complete = all(name in columns for name in _ROW_FIELDS)
        # An absent optional column reads the "" that _pick appends to the row (index -1).
        self._getter = operator.itemgetter(*(columns.get(name, -1) for name in _ROW_FIELDS))
        mapped = set(columns.values())
        self.ignored_headers = [h for i, h in enumerate(table.headers) if h and i not in mapped]
        return [RowCells(columns, row) for row in table.rows]

    def table(self, table: SheetTable) -> list[Response]:
        """Normalize every data row of a table."""
        return [self.row(cells, table.row_number(offset)) for offset, cells in enumerate(self.cells(table))]

    def row(self, cells: Mapping[str, str], row_number: int) -> Response:
        (submitted, email, name, phone, organization, title, kind, description, day, start, end, location, zip_code,
         link, languages, consent, approved) = self._pick(cells)
        r = Response(row_number=row_number, raw=cells)
        r.contact_name = clean_text(name)
        r.organization = clean_text(organization)
        r.title = clean_text(title)
        r.description = clean_text(description, multiline=True)
        r.location_text = clean_text(location)
        r.zip = clean_text(zip_code)
        self._submitted(r, clean_text(submitted))
        self._email(r, clean_text(email))
        phone = clean_text(phone)
        self._phone(r, phone)
        self._event_type(r, clean_text(kind))
        self._scrubber.scrub(r, name=r.contact_name, phone=phone)
        self._schedule(r, clean_text(day), clean_text(start), clean_text(end))
        r.link, problem = normalize_link(clean_text(link))
        if problem:
            r.add(problem)
        r.languages = self._language_list(clean_text(languages))
        self._yes_no(r, "public_consent", clean_text(consent))
        self._yes_no(r, "approved", clean_text(approved))
        return r

    def _pick(self, cells: Mapping[str, str]) -> tuple[str, ...]:
        """The cells :meth:`row` reads, in :data:`_ROW_FIELDS` order; ``""`` for an absent column."""
        # A view over a row of the last table: index its list directly, no lookup by name.
        if type(cells) is RowCells and cells._columns is self.columns:
            row = cells._row
            return self._getter(row) if self._complete else self._getter(row + [""])
        return tuple(cells.get(name, "") for name in _ROW_FIELDS)

    def _submitted(self, r: Response, text: str) -> None:
        if text:
            r.submitted_at = parse_timestamp(text, self.order, self.zone)
            if r.submitted_at is None:
                r.add(Reason("timestamp_invalid", f"timestamp {text!r} is not a date and time", "warning", "submitted_at"))

    def _email(self, r: Response, text: str) -> None:
        if not text:
            return
        r.contact_email, valid = normalize_email(text)
        if not valid:
            r.add(Reason("email_invalid", f"contact email {text!r} is not a valid address", "warning", "contact_email"))

    def _phone(self, r: Response, text: str) -> None:
        if not text:
            return
        r.contact_phone, valid = normalize_phone(text, self.validation.phone_region)
        if not valid:
            r.add(Reason("phone_invalid", f"phone {text!r} is not a valid number", "warning", "contact_phone"))

    def _event_type(self, r: Response, text: str) -> None:
        if not text:
            return
        if text not in self._type_of:
            self._type_of[text] = self._match_type(text)
        r.event_type, r.event_type_detail = self._type_of[text]

    def _match_type(self, text: str) -> tuple[str, str]:
        """(configured type, "") or (the other type, the host's own words)."""
        known = self._types.get(_fold(text))
        if known is None and not _OTHER_PREFIX.match(text):
            best = process.extractOne(_fold(text), list(self._types), scorer=fuzz.ratio, score_cutoff=90)
            known = self._types[best[0]] if best else None
        if known:
            return known, ""
        return self.validation.other_type, _OTHER_PREFIX.sub("", text).strip()

    def _schedule(self, r: Response, day_text: str, start_text: str, end_text: str) -> None:
        if day_text:
            r.event_date = parse_date(day_text, self.order)
            if r.event_date is None:
                r.add(Reason("date_invalid", f"date {day_text!r} is not a date", "rejected", "event_date"))
        start = self._time(r, "start_time", start_text)
        end = self._time(r, "end_time", end_text)
        if r.event_date is not None and start is not None:
            r.starts_at = self._moment(r.event_date, start)
            if end is not None:
                r.ends_at = self._moment(r.event_date, end)

    def _moment(self, day: date, moment: time) -> datetime:
        key = (day, moment)
        if key not in self._moments:
            self._moments[key] = datetime.combine(day, moment, tzinfo=self.tz)
        return self._moments[key]

    def _time(self, r: Response, field: str, text: str) -> time | None:
        if not text:
            return None
        parsed = parse_time(text)
        if parsed is None:
            r.add(Reason(f"{field}_invalid", f"{FIELD_LABELS[field]} {text!r} is not a time of day", "rejected", field))
        return parsed

    def _language_list(self, text: str) -> tuple[str, ...]:
        if text not in self._languages_of:
            self._languages_of[text] = self._split_languages(text)
        return self._languages_of[text]

    def _split_languages(self, text: str) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for part in re.split(r"[,;/]", text):
            part = part.strip()
            if part:
                seen.setdefault(self._languages.get(_fold(part), part), None)
        return tuple(seen)

    def _yes_no(self, r: Response, field: str, text: str) -> None:
        value = parse_yes_no(text) if text else None
        setattr(r, field, value)
        if text and value is None:
            r.add(Reason(f"{field}_unclear", f"{FIELD_LABELS[field]} answer {text!r} is neither yes nor no", "warning", field))


def required_present(r: Response, field: str) -> bool:
    """Whether the host answered a field (raw cell, so a bad value is not also 'missing')."""
    return bool(r.raw.get(field, "").strip())


__all__ = [
    "FIELD_LABELS", "Normalizer", "clean_text", "map_headers", "normalize_link",
    "parse_date", "parse_time", "parse_timestamp", "required_present",
]
