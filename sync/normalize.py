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
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import email_validator
import phonenumbers
from rapidfuzz import fuzz, process

from sync.config import Config, FieldsConfig
from sync.contacts import ContactScrubber
from sync.errors import HeaderMismatch
from sync.fields import QUESTIONS, Field
from sync.records import Reason, Response, RowCells, SheetTable

#: How fields are named in messages staff read (the labels of :mod:`sync.fields`).
FIELD_LABELS = {f.name: f.label for f in QUESTIONS}

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
    expected = fields.headers()  # the built-in questions, then staff's own ([[fields.extra]])
    wanted = {_fold(text): name for name, text in expected.items()}
    positions: dict[str, list[int]] = {}
    for index, header in enumerate(headers):
        positions.setdefault(_fold(header), []).append(index)
    duplicated = [headers[idx[0]] for key, idx in positions.items() if key in wanted and len(idx) > 1]
    columns = {wanted[key]: idx[0] for key, idx in positions.items() if key in wanted}
    missing = [text for name, text in expected.items() if name not in columns and name not in fields.optional]
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
        return "https://" + text, Reason("link_scheme_added", f"link had no http(s)://; assumed https://{text}",
                                         "warning", "link")
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


#: The fields :meth:`Normalizer.row` reads: the built-in questions, in the table's order.
_ROW_FIELDS = tuple(f.name for f in QUESTIONS)
#: The order of :meth:`Normalizer.row`'s steps (each field's ``normalizer``); it is the order of the reasons
#: staff read. ``scrub`` takes contact details out of the public text once the host's name and phone are known.
_STEP_ORDER = ("timestamp", "email", "phone", "text", "multiline", "event_type", "scrub", "date", "time", "link",
               "languages", "yes-no")
_MULTILINE_AT = tuple(index for index, f in enumerate(QUESTIONS) if f.normalizer == "multiline")


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
        #: Field name → column index of the last table, set by :meth:`cells` (staff's own questions included).
        self.columns: dict[str, int] = {}
        #: The part of :attr:`columns` a response's decision depends on: the built-in questions only, so
        #: adding, renaming or removing one of staff's own questions keeps every stored decision.
        self.decision_columns: dict[str, int] = {}
        self._complete = False
        self._getter: Callable[[list[str]], tuple[str, ...]] = tuple  # set by cells()
        self._extras = config.fields.extra_fields()
        self._choices = {f.name: {_fold(c): c for c in f.choices} for f in self._extras}
        self._answers_of: dict[tuple[str, str], tuple[str, ...]] = {}
        self._steps = self._plan()

    def _plan(self) -> list[tuple]:
        """Each step of :meth:`row` with the field it reads and where its cell is in :meth:`_pick`'s tuple."""
        steps = {"timestamp": self._submitted, "email": self._email, "phone": self._phone, "text": self._text,
                 "multiline": self._text, "event_type": self._event_type, "date": self._date, "time": self._time,
                 "link": self._link, "languages": self._languages_step, "yes-no": self._yes_no}
        at = {name: index for index, name in enumerate(_ROW_FIELDS)}
        plan: list[tuple] = [(_STEP_ORDER.index(f.normalizer), steps[f.normalizer], at[f.name], f) for f in QUESTIONS]
        plan.append((_STEP_ORDER.index("scrub"), self._scrub, at["contact_phone"], None))
        return [(step, index, f) for _, step, index, f in sorted(plan, key=lambda p: (p[0], p[2]))]

    def cells(self, table: SheetTable) -> list[RowCells]:
        """Each data row as field → cell text (a :class:`RowCells` view), after matching the header row."""
        self.columns = columns = map_headers(table.headers, self.config.fields)
        self.decision_columns = columns if not self._extras else {
            name: index for name, index in columns.items() if name in _ROW_FIELDS}
        self._complete = all(name in columns for name in _ROW_FIELDS)
        # An absent optional column reads the "" that _pick appends to the row (index -1).
        self._getter = operator.itemgetter(*(columns.get(name, -1) for name in _ROW_FIELDS))
        mapped = set(columns.values())
        self.ignored_headers = [h for i, h in enumerate(table.headers) if h and i not in mapped]
        return [RowCells(columns, row) for row in table.rows]

    def table(self, table: SheetTable) -> list[Response]:
        """Normalize every data row of a table (staff's own questions included)."""
        responses = [self.row(cells, table.row_number(offset)) for offset, cells in enumerate(self.cells(table))]
        self.extras(responses)
        return responses

    def row(self, cells: Mapping[str, str], row_number: int) -> Response:
        """One response from its cells: each field's step (its ``normalizer`` in :mod:`sync.fields`), in order."""
        cells_in_order = self._pick(cells)
        texts = list(map(clean_text, cells_in_order))
        for index in _MULTILINE_AT:  # the description keeps its line breaks
            texts[index] = clean_text(cells_in_order[index], multiline=True)
        r = Response(row_number=row_number, raw=cells)
        for step, index, field in self._steps:
            step(r, field, texts[index])
        return r

    def _pick(self, cells: Mapping[str, str]) -> tuple[str, ...]:
        """The cells :meth:`row` reads, in :data:`_ROW_FIELDS` order; ``""`` for an absent column."""
        # A view over a row of the last table: index its list directly, no lookup by name.
        if type(cells) is RowCells and cells.columns is self.columns:
            row = cells.row
            return self._getter(row) if self._complete else self._getter(row + [""])
        return tuple(cells.get(name, "") for name in _ROW_FIELDS)

    def _text(self, r: Response, field: Field, text: str) -> None:
        setattr(r, field.attribute, text)

    def _scrub(self, r: Response, field: Field | None, phone: str) -> None:
        self._scrubber.scrub(r, name=r.contact_name, phone=phone)

    def _link(self, r: Response, field: Field, text: str) -> None:
        r.link, problem = normalize_link(text)
        if problem:
            r.add(problem)

    def _languages_step(self, r: Response, field: Field, text: str) -> None:
        r.languages = self._language_list(text)

    def _submitted(self, r: Response, field: Field, text: str) -> None:
        if text:
            r.submitted_at = parse_timestamp(text, self.order, self.zone)
            if r.submitted_at is None:
                r.add(Reason("timestamp_invalid", f"timestamp {text!r} is not a date and time", "warning",
                             "submitted_at"))

    def _email(self, r: Response, field: Field, text: str) -> None:
        if not text:
            return
        r.contact_email, valid = normalize_email(text)
        if not valid:
            r.add(Reason("email_invalid", f"contact email {text!r} is not a valid address", "warning", "contact_email"))

    def _phone(self, r: Response, field: Field, text: str) -> None:
        if not text:
            return
        r.contact_phone, valid = normalize_phone(text, self.validation.phone_region)
        if not valid:
            r.add(Reason("phone_invalid", f"phone {text!r} is not a valid number", "warning", "contact_phone"))

    def _event_type(self, r: Response, field: Field, text: str) -> None:
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

    def _date(self, r: Response, field: Field, text: str) -> None:
        if text:
            r.event_date = parse_date(text, self.order)
            if r.event_date is None:
                r.add(Reason("date_invalid", f"date {text!r} is not a date", "rejected", field.name))

    def _moment(self, day: date, moment: time) -> datetime:
        key = (day, moment)
        if key not in self._moments:
            self._moments[key] = datetime.combine(day, moment, tzinfo=self.tz)
        return self._moments[key]

    def _time(self, r: Response, field: Field, text: str) -> None:
        """A start or end time, on the activity's date (an end time only once the start is known)."""
        if not text:
            return
        parsed = parse_time(text)
        if parsed is None:
            r.add(Reason(f"{field.name}_invalid", f"{field.label} {text!r} is not a time of day", "rejected",
                         field.name))
        elif r.event_date is not None and (field.attribute == "starts_at" or r.starts_at is not None):
            setattr(r, field.attribute, self._moment(r.event_date, parsed))

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

    def _yes_no(self, r: Response, field: Field, text: str) -> None:
        value = parse_yes_no(text) if text else None
        setattr(r, field.attribute, value)
        if text and value is None:
            r.add(Reason(f"{field.name}_unclear", f"{field.label} answer {text!r} is neither yes nor no", "warning",
                         field.name))

    # --- staff's own questions ([[fields.extra]]) ---

    def extras(self, responses: list[Response]) -> None:
        """Set each response's answers to staff's own questions, from its cells.

        Never stored with a decision: worked out again each run, so adding, renaming or
        removing a question changes no stored decision. Public answers lose any contact
        details, as the built-in public text does (warning ``contact_removed``).
        """
        if not self._extras:
            return
        public = [f for f in self._extras if f.role == "public"]
        for r in responses:
            raw = r.raw
            answers = {f.name: self._answer(f, raw.get(f.name, "")) for f in self._extras}
            for f in public:
                if answers[f.name] and f.type in ("text", "choice", "multi-choice"):
                    self._scrub_answer(r, f, answers)
            r.extras = answers

    def _answer(self, field: Field, cell: str) -> str | tuple[str, ...]:
        if field.type == "text":
            return clean_text(cell, multiline=True)
        text = clean_text(cell)
        if field.type == "yes-no":
            value = parse_yes_no(text) if text else None
            return text if value is None else ("yes" if value else "no")
        key = (field.name, text)
        if key not in self._answers_of:
            self._answers_of[key] = self._choices_in(field, text)
        answer = self._answers_of[key]
        return answer if field.type == "multi-choice" else (answer[0] if answer else "")

    def _choices_in(self, field: Field, text: str) -> tuple[str, ...]:
        """The configured choices an answer names, in their own spelling; other answers as typed.

        A multi-choice cell joins the answers with ", " (as Google Forms writes checkboxes),
        so a choice that itself holds a comma is matched whole before splitting the rest.
        """
        known = self._choices[field.name]
        if field.type == "choice" or not text:
            return (known.get(_fold(text), text),) if text else ()
        parts = [part.strip() for part in text.split(",")]
        found: dict[str, None] = {}
        start = 0
        while start < len(parts):
            for end in range(len(parts), start, -1):
                choice = known.get(_fold(", ".join(parts[start:end])))
                if choice is not None:
                    found.setdefault(choice, None)
                    start = end
                    break
            else:
                if parts[start]:
                    found.setdefault(parts[start], None)
                start += 1
        return tuple(found)

    def _scrub_answer(self, r: Response, field: Field, answers: dict) -> None:
        value = answers[field.name]
        texts = list(value) if isinstance(value, tuple) else [value]
        own = [t for t in texts if t not in field.choices]  # a configured choice is the form's words, not the host's
        if not own:
            return
        cleaned = self._scrubber.clean_texts(own, name=r.contact_name, phone=clean_text(r.raw.get("contact_phone", "")))
        if cleaned == own:
            return
        swap = dict(zip(own, cleaned))
        texts = [swap.get(t, t) for t in texts]
        answers[field.name] = tuple(texts) if isinstance(value, tuple) else texts[0]
        r.add(Reason("contact_removed", f"contact details removed from the answer to {field.label!r}", "warning",
                     field.name))


def required_present(r: Response, field: str) -> bool:
    """Whether the host answered a field (raw cell, so a bad value is not also 'missing')."""
    return bool(r.raw.get(field, "").strip())


__all__ = [
    "FIELD_LABELS", "Normalizer", "clean_text", "map_headers", "normalize_link",
    "parse_date", "parse_time", "parse_timestamp", "required_present",
]
