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

from sync.records import Response, Status

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

PUBLIC_COLUMNS = (
    "id", "title", "organization", "type", "type_detail", "description", "date", "starts_at", "ends_at",
    "languages", "link", "community_area", "community_area_name", "precision", "place", "lat", "lon",
)

STAFF_COLUMNS = (
    "row_number", "status", "reasons", "warnings", "submitted_at", "contact_name", "contact_email",
    "contact_phone", "organization", "title", "type", "type_detail", "date", "starts_at", "ends_at",
    "location_text", "zip", "link", "languages", "public_consent", "approved", "community_area",
    "community_area_name", "precision", "lat", "lon", "matched", "description",
)

REJECTED_COLUMNS = (
    "row_number", "submitted_at", "title", "contact_name", "contact_email", "reason_codes", "reasons",
    "location_text", "link",
)


def neutralize(value):
    """Make a text cell inert in spreadsheets; leave numbers and empty cells alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(columns: tuple[str, ...], rows: list[dict]) -> bytes:
    """A CSV file Excel opens as UTF-8: BOM, CRLF, formulas neutralized."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else neutralize(row.get(c)) for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def public_csv_rows(events: list[dict]) -> list[dict]:
    return [{**event, "languages": ", ".join(event["languages"])} for event in events]


def geojson_bytes(events: list[dict]) -> bytes:
    """RFC 7946 FeatureCollection; citywide activities have a null geometry (no fake point)."""
    features = []
    for event in events:
        properties = {k: v for k, v in event.items() if k not in ("lat", "lon")}
        geometry = None
        if event["lat"] is not None and event["lon"] is not None:
            geometry = {"type": "Point", "coordinates": [event["lon"], event["lat"]]}
        features.append({"type": "Feature", "id": event["id"], "geometry": geometry, "properties": properties})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")


def _iso(value) -> str:
    return value.isoformat() if value is not None else ""


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def staff_row(r: Response) -> dict:
    """Everything staff need about one response, the exact location included."""
    loc = r.location
    return {
        "row_number": r.row_number,
        "status": r.status.value if r.status else "",
        "reasons": "; ".join(x.message for x in r.blocking_reasons),
        "warnings": "; ".join(x.message for x in r.warnings),
        "submitted_at": _iso(r.submitted_at) or r.raw.get("submitted_at", ""),
        "contact_name": r.contact_name,
        "contact_email": r.contact_email,
        "contact_phone": r.contact_phone,
        "organization": r.organization,
        "title": r.title,
        "type": r.event_type,
        "type_detail": r.event_type_detail,
        "date": _iso(r.event_date) or r.raw.get("event_date", ""),
        "starts_at": _iso(r.starts_at),
        "ends_at": _iso(r.ends_at),
        "location_text": r.location_text,
        "zip": r.zip,
        "link": r.link or r.raw.get("link", ""),
        "languages": ", ".join(r.languages),
        "public_consent": _yes_no(r.public_consent),
        "approved": _yes_no(r.approved),
        "community_area": loc.community_area if loc else None,
        "community_area_name": (loc.community_area_name or "") if loc else "",
        "precision": loc.precision.value if loc else "",
        "lat": loc.lat if loc else None,
        "lon": loc.lon if loc else None,
        "matched": loc.matched if loc else "",
        "description": r.description,
    }


def rejected_row(r: Response) -> dict:
    return {
        "row_number": r.row_number,
        "submitted_at": _iso(r.submitted_at) or r.raw.get("submitted_at", ""),
        "title": r.title,
        "contact_name": r.contact_name,
        "contact_email": r.contact_email,
        "reason_codes": " ".join(x.code for x in r.blocking_reasons),
        "reasons": "; ".join(x.message for x in r.blocking_reasons),
        "location_text": r.location_text,
        "link": r.raw.get("link", ""),
    }


def reason_summary(responses: list[Response], status: Status) -> dict[str, dict]:
    """Reason code → how many responses it put in ``status``, with one example message."""
    counts: Counter = Counter()
    examples: dict[str, str] = {}
    for r in responses:
        if r.status is status:
            decisive = [x for x in r.blocking_reasons if x.severity == status.value]
            for reason in decisive:
                examples.setdefault(reason.code, reason.message)
            counts.update({x.code for x in decisive})
    return {code: {"count": n, "example": examples[code]} for code, n in counts.most_common()}
