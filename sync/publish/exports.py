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
from collections.abc import Iterable, Mapping, Sequence
from itertools import islice

from sync.reasons import staff_action, staff_title
from sync.records import Response, Status

#: A text cell starting with one of these is prefixed with ``'``: a set look-up of its first character.
_FORMULA_FIRST = frozenset(("=", "+", "-", "@", "\t", "\r"))

PUBLIC_COLUMNS = (
    "id", "title", "organization", "type", "type_detail", "description", "date", "starts_at", "ends_at",
    "languages", "link", "community_area", "community_area_name", "side", "precision", "place", "lat", "lon",
)

STAFF_COLUMNS = (
    "row_number", "status", "reason_codes", "reason_titles", "reasons", "warning_codes", "warnings", "submitted_at", "contact_name", "contact_email",
    "contact_phone", "organization", "title", "type", "type_detail", "date", "starts_at", "ends_at",
    "location_text", "zip", "link", "languages", "public_consent", "approved", "community_area",
    "community_area_name", "side", "venue", "precision", "lat", "lon", "matched", "description",
)

REJECTED_COLUMNS = (
    "row_number", "submitted_at", "title", "contact_name", "contact_email", "reason_codes", "reason_titles",
    "reasons", "staff_actions", "location_text", "link",
)


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


def public_csv_values(events: Iterable[dict]) -> Iterable[list]:
    """Public events as ``events.csv`` values in :data:`PUBLIC_COLUMNS` order, one at a time."""
    for event in events:
        values = [event.get(c) for c in PUBLIC_COLUMNS]
        values[_LANGUAGES] = ", ".join(event["languages"])
        yield values


_LANGUAGES = PUBLIC_COLUMNS.index("languages")


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


def staff_values(r: Response) -> list:
    """Everything staff need about one response, the exact location included, in :data:`STAFF_COLUMNS` order."""
    loc = r.location
    raw = r.raw
    return [
        r.row_number,
        r.status.value if r.status else "",
        *(_reason_cells(r.reasons) if r.reasons else _NO_REASONS),
        r.submitted_at.isoformat() if r.submitted_at is not None else raw.get("submitted_at", ""),
        r.contact_name,
        r.contact_email,
        r.contact_phone,
        r.organization,
        r.title,
        r.event_type,
        r.event_type_detail,
        r.event_date.isoformat() if r.event_date is not None else raw.get("event_date", ""),
        r.starts_at.isoformat() if r.starts_at is not None else "",
        r.ends_at.isoformat() if r.ends_at is not None else "",
        r.location_text,
        r.zip,
        r.link or raw.get("link", ""),
        ", ".join(r.languages),
        _YES_NO[r.public_consent],
        _YES_NO[r.approved],
        *(_NO_PLACE if loc is None else (loc.community_area, loc.community_area_name or "", loc.side or "",
                                         loc.venue or "", loc.precision.value, loc.lat, loc.lon, loc.matched)),
        r.description,
    ]


_YES_NO = {None: "", True: "yes", False: "no"}
_NO_REASONS = ("", "", "", "", "")


def _reason_cells(reasons) -> tuple[str, str, str, str, str]:
    """reason_codes, reason_titles (from the catalogue), reasons (what was typed), warning_codes, warnings."""
    blocking = [x for x in reasons if x.severity != "warning"]
    warnings = [x for x in reasons if x.severity == "warning"]
    return (" ".join(x.code for x in blocking), "; ".join(staff_title(x.code) for x in blocking),
            "; ".join(x.message for x in blocking), " ".join(x.code for x in warnings),
            "; ".join(x.message for x in warnings))
_NO_PLACE = (None, "", "", "", "", None, None, "")


def rejected_values(r: Response) -> list:
    """A rejected response's row of ``rejected.csv``, in :data:`REJECTED_COLUMNS` order."""
    blocking = r.blocking_reasons
    return [
        r.row_number,
        _iso(r.submitted_at) or r.raw.get("submitted_at", ""),
        r.title,
        r.contact_name,
        r.contact_email,
        " ".join(x.code for x in blocking),
        "; ".join(staff_title(x.code) for x in blocking),
        "; ".join(x.message for x in blocking),
        " ".join(dict.fromkeys(staff_action(x.code) for x in blocking)),
        r.location_text,
        r.raw.get("link", ""),
    ]


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
