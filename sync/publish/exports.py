"""CSV and GeoJSON exports, built in memory (bytes) so nothing is written until all are ready.

CSVs open cleanly in Excel and Google Sheets: UTF-8 with a BOM, CRLF line
ends, and any text cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR
prefixed with ``'`` so a spreadsheet shows it as text instead of running it
(OWASP's advice on CSV injection). Numbers we generate are written as numbers.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import islice
from operator import attrgetter

from sync.fields import EVENT_VIEW, REJECTED_VIEW, STAFF_VIEW, Field, columns
from sync.reasons import staff_action, staff_title
from sync.records import Response, Status

#: A text cell starting with one of these is prefixed with ``'``: a set look-up of its first character.
_FORMULA_FIRST = frozenset(("=", "+", "-", "@", "\t", "\r"))

#: ``events.csv``'s columns (:data:`sync.fields.EVENT_VIEW`); public custom questions follow them.
PUBLIC_COLUMNS = columns(EVENT_VIEW)
#: ``responses.csv``'s columns (:data:`sync.fields.STAFF_VIEW`); every custom question follows them.
STAFF_COLUMNS = columns(STAFF_VIEW)
#: ``rejected.csv``'s columns (:data:`sync.fields.REJECTED_VIEW`).
REJECTED_COLUMNS = columns(REJECTED_VIEW)


def csv_bytes(columns: tuple[str, ...], rows: Iterable[Mapping]) -> bytes:
    """A CSV file Excel opens as UTF-8: BOM, CRLF, formulas neutralized. ``rows`` are dicts by column."""
    return values_csv_bytes(columns, ([row.get(c) for c in columns] for row in rows))


def values_csv_bytes(columns: tuple[str, ...], rows: Iterable[Sequence]) -> bytes:
    """:func:`csv_bytes` for rows given as values in column order, consumed one at a time.

    The one place formulas are made inert: a text cell starting with ``=``, ``+``, ``-``,
    ``@``, tab or CR gets a ``'`` in front; numbers and empty cells stay as they are.
    The text is encoded as it is written, so a 600,000-row file is never held as a
    Python string (4 bytes a character once one emoji is in it) besides its bytes.
    """
    buffer = io.BytesIO()
    text = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    text.write("\ufeff")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(columns)
    # (the csv module writes None as an empty cell)
    writer.writerows(["'" + v if isinstance(v, str) and v[:1] in _FORMULA_FIRST else v for v in row]
                     for row in rows)
    text.flush()
    data = buffer.getvalue()
    text.detach()
    return data


def public_csv_values(events: Iterable[dict], extras: Sequence[Field] = ()) -> Iterable[list]:
    """Public events as ``events.csv`` values in :data:`PUBLIC_COLUMNS` order, then the public ``extras``.

    Lists (the languages, a multi-choice answer) are one cell, joined by ", " as the form joins them.
    """
    names = PUBLIC_COLUMNS + tuple(f.csv for f in extras)
    for event in events:
        yield [", ".join(v) if type(v) is list else v for v in map(event.get, names)]


def geojson_bytes(events: Iterable[dict]) -> bytes:
    """RFC 7946 FeatureCollection; citywide and side activities have a null geometry (no fake point).

    Byte for byte what ``json.dumps`` of the whole collection gives, built in slices of
    features so the document is never one Python string.
    """
    encode = json.JSONEncoder(ensure_ascii=False).encode
    out = io.BytesIO()
    out.write(b'{"type": "FeatureCollection", "features": [')
    features = map(_feature, events)
    first = True
    while chunk := list(islice(features, 2000)):
        if not first:
            out.write(b", ")
        out.write(encode(chunk)[1:-1].encode("utf-8"))
        first = False
    out.write(b"]}")
    return out.getvalue()


def _feature(event: dict) -> dict:
    properties = event.copy()  # copying and dropping two keys beats filtering every key
    properties.pop("lat", None)
    properties.pop("lon", None)
    geometry = None
    if event["lat"] is not None and event["lon"] is not None:
        geometry = {"type": "Point", "coordinates": [event["lon"], event["lat"]]}
    return {"type": "Feature", "id": event["id"], "geometry": geometry, "properties": properties}


def _iso(value) -> str:
    return value.isoformat() if value is not None else ""


_YES_NO = {None: "", True: "yes", False: "no"}


def _located(get: Callable, empty=None) -> Callable[[Response], object]:
    """A cell from the response's location (``empty`` when it has none)."""
    return lambda r: empty if r.location is None else get(r.location)


def _or_cell(attribute: str, name: str) -> Callable[[Response], object]:
    """The parsed value in ISO form, else the cell as the host typed it (staff see a bad date as it was)."""
    return lambda r: (v.isoformat() if (v := getattr(r, attribute)) is not None else r.raw.get(name, ""))


def _joined(codes: bool, blocking: bool, separator: str) -> Callable[[Response], str]:
    """The codes or messages of the blocking reasons (or the warnings), joined."""
    def cell(r: Response) -> str:
        if not r.reasons:
            return ""
        return separator.join([x.code if codes else x.message for x in r.reasons
                               if (x.severity != "warning") is blocking])
    return cell


#: How each column of the staff files is written from a response, by field name (:mod:`sync.fields`).
STAFF_CELLS: dict[str, Callable[[Response], object]] = {
    "row_number": attrgetter("row_number"),
    "status": lambda r: r.status.value if r.status else "",
    "reason_codes": _joined(True, True, " "),
    "reason_titles": lambda r: "; ".join(staff_title(x.code) for x in r.blocking_reasons) if r.reasons else "",
    "reasons": _joined(False, True, "; "),
    "warning_codes": _joined(True, False, " "),
    "warnings": _joined(False, False, "; "),
    "staff_actions": lambda r: " ".join(dict.fromkeys(staff_action(x.code) for x in r.blocking_reasons)),
    "submitted_at": _or_cell("submitted_at", "submitted_at"),
    "contact_name": attrgetter("contact_name"),
    "contact_email": attrgetter("contact_email"),
    "contact_phone": attrgetter("contact_phone"),
    "organization": attrgetter("organization"),
    "title": attrgetter("title"),
    "event_type": attrgetter("event_type"),
    "type_detail": attrgetter("event_type_detail"),
    "event_date": _or_cell("event_date", "event_date"),
    "starts_at": lambda r: r.starts_at.isoformat() if r.starts_at is not None else "",
    "ends_at": lambda r: r.ends_at.isoformat() if r.ends_at is not None else "",
    "location": attrgetter("location_text"),
    "zip": attrgetter("zip"),
    "link": lambda r: r.link or r.raw.get("link", ""),
    "languages": lambda r: ", ".join(r.languages),
    "public_consent": lambda r: _YES_NO[r.public_consent],
    "approved": lambda r: _YES_NO[r.approved],
    "community_area": _located(attrgetter("community_area")),
    "community_area_name": _located(lambda loc: loc.community_area_name or "", ""),
    "side": _located(lambda loc: loc.side or "", ""),
    "venue": _located(lambda loc: loc.venue or "", ""),
    "precision": _located(lambda loc: loc.precision.value, ""),
    "lat": _located(attrgetter("lat")),
    "lon": _located(attrgetter("lon")),
    "matched": _located(attrgetter("matched"), ""),
    "description": attrgetter("description"),
}


#: ``rejected.csv`` is for fixing a response with its host: the link as they typed it.
REJECTED_CELLS = {**STAFF_CELLS, "link": lambda r: r.raw.get("link", "")}


def row_writer(view: tuple[str, ...], extras: Sequence[Field] = (), *,
               cells: Mapping[str, Callable[[Response], object]] = STAFF_CELLS) -> Callable[[Response], list]:
    """A response's cells for ``view``'s columns (by field name), then its answers to the ``extras``."""
    getters = [cells[name] for name in view]
    names = [f.name for f in extras]

    def values(r: Response) -> list:
        row = [cell(r) for cell in getters]
        if names:
            answers = r.extras
            row += [", ".join(v) if type(v) is tuple else v for v in map(answers.get, names, [""] * len(names))]
        return row

    return values


#: A rejected response's row of ``rejected.csv``, in :data:`REJECTED_COLUMNS` order.
rejected_values = row_writer(REJECTED_VIEW, cells=REJECTED_CELLS)


def reason_summary(responses: list[Response], status: Status) -> dict[str, dict]:
    """Reason code → how many responses it put in ``status``, an example message, its title and staff action."""
    counts: Counter = Counter()
    examples: dict[str, str] = {}
    for r in responses:
        if r.status is status:
            decisive = [x for x in r.blocking_reasons if x.severity == status.value]
            for reason in decisive:
                examples.setdefault(reason.code, reason.message)
            counts.update({x.code for x in decisive})
    return {code: {"count": n, "example": examples[code], "title": staff_title(code), "action": staff_action(code)}
            for code, n in counts.most_common()}
