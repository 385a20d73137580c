"""The publish stage: build every output in memory, then write each file atomically.

``public/`` is safe to publish as-is (no contact details, locations no finer
than the configured precision); ``staff/`` holds everything staff need.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sync.config import Config
from sync.fields import EVENT_VIEW, FIELDS, STAFF_VIEW, columns
from sync.publish.exports import (
    PUBLIC_COLUMNS, REJECTED_COLUMNS, STAFF_COLUMNS, geojson_bytes, public_csv_values, rejected_values, row_writer,
    values_csv_bytes,
)
from sync.records import Location, Precision, Response, Status

if TYPE_CHECKING:  # shapely and the gazetteer load only when a run publishes (sync.publish.release does not)
    from sync.locate.geography import Geography
    from sync.publish.calendar import CalendarPlan

#: Decimal places of public coordinates (~1 m); coarsening to the public precision happens first.
_DIGITS = 5


def event_id(r: Response, *, twin: int = 0) -> str:
    """The response's id: the same on every sync and after edits, and revealing nothing about the host.

    A hash of the sheet's Timestamp cell as written, which Forms fills once and nobody retypes: staff
    correcting any answer in the sheet (the title, the date, the place) and rows deleted or sorted
    elsewhere leave it alone, so a share link, a host's map link and a calendar UID keep working.
    ``twin`` numbers the responses submitted in the same second, in row order (:func:`event_ids`
    works it out). Without a timestamp (a CSV file without one) the sheet row number is the basis.
    Not stable when a host edits through the form's own edit link: Forms rewrites the Timestamp
    then. Used by events.csv, the map's share links, the calendar UIDs and the hosts' messages.
    """
    stamp = r.raw.get("submitted_at", "")
    basis = f"submitted|{stamp}|{twin}" if stamp else f"row|{r.row_number}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:12]


def event_ids(responses: Iterable[Response]) -> dict[int, str]:
    """Every response's :func:`event_id` by sheet row number, responses submitted in the same second numbered."""
    twins: Counter[str] = Counter()
    ids = {}
    for r in sorted(responses, key=lambda r: r.row_number):
        stamp = r.raw.get("submitted_at", "")
        ids[r.row_number] = event_id(r, twin=twins[stamp])
        twins[stamp] += 1
    return ids


def legacy_event_id(r: Response) -> str:
    """The id before :func:`event_id` left the title and date out (they change when staff correct them).

    Only to find what an existing notify outbox recorded under it, so no host is told twice.
    """
    row = r.row_number if not r.raw.get("submitted_at") else ""
    basis = f"{r.raw.get('submitted_at', '')}|{r.title}|{r.event_date}|{row}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:12]


def public_point(loc: Location, precision: Precision,
                 geography: Geography) -> tuple[float | None, float | None, str, Precision]:
    """Coarsen a location to the public precision: (lat, lon, place label, precision shown)."""
    if loc.precision is Precision.CITYWIDE:
        return None, None, "Citywide", Precision.CITYWIDE
    if loc.precision is Precision.SIDE:  # a region, never a point inside one of its areas
        return None, None, f"{loc.side} Side", Precision.SIDE
    # Any other location lies in one community area, at a point.
    assert loc.community_area is not None and loc.lat is not None and loc.lon is not None, loc
    area, lat, lon = geography.areas[loc.community_area], loc.lat, loc.lon
    if loc.precision.rank >= precision.rank:
        shown = loc.precision
    elif precision is Precision.ZIP and (code := loc.zip or geography.zip_at(lat, lon)) and (
            point := geography.zip_point(code)):
        (lat, lon), shown = point, Precision.ZIP
        loc = Location(Precision.ZIP, loc.community_area, loc.community_area_name, lat, lon, zip=code)
    elif precision in (Precision.INTERSECTION, Precision.VENUE):
        # An address shown no finer than an intersection: its block, about 100 m.
        shown, lat, lon = Precision.INTERSECTION, round(lat, 3), round(lon, 3)
    else:
        shown, lat, lon = Precision.COMMUNITY_AREA, area.lat, area.lon
    if shown is Precision.VENUE:
        place = f"{loc.venue} ({area.name})"
    else:
        place = f"{area.name} (ZIP {loc.zip})" if shown is Precision.ZIP and loc.zip else area.name
    return round(lat, _DIGITS), round(lon, _DIGITS), place, shown


def public_events(responses: list[Response], config: Config, geography: Geography) -> list[dict]:
    """Published responses as public events, in date and time order."""
    build = _PublicEvents(config, geography, ids=event_ids(responses)).event
    events = [build(r) for r in responses if r.status is Status.PUBLISHED]
    events.sort(key=lambda e: (e["starts_at"] or e["date"], e["title"].casefold()))
    return events


class _PublicEvents:
    """Builds public events, working out each place and time that responses share only once.

    Responses located alike share one Location, and those starting alike one datetime
    (see normalize and the state codec), so a 600,000-row sheet coarsens a few
    hundred places and formats a few thousand times, not hundreds of thousands.
    """

    def __init__(self, config: Config, geography: Geography, *, ids: dict[int, str]):
        self.ids = ids  # every response's id by row (event_ids)
        self.precision = config.location.public_precision
        self.geography = geography
        self._points: dict[int, tuple] = {}
        self._texts: dict[int, tuple] = {}
        self._cells = [(FIELDS[name].csv, _EVENT_CELLS[name]) for name in EVENT_VIEW]
        #: Public custom questions: (key, field name, whether a list) each.
        self._extras = [(f.csv, f.name, f.type == "multi-choice") for f in config.fields.public_extras()]

    def event(self, r: Response) -> dict:
        """The public columns of :data:`sync.fields.EVENT_VIEW`, then the public custom questions' answers."""
        loc = r.location
        if loc is None:
            raise ValueError(f"row {r.row_number} is published without a location")
        point = self._point(loc)
        event = {key: cell(self, r, loc, point) for key, cell in self._cells}
        for key, name, many in self._extras:
            answer = r.extras.get(name, "")
            event[key] = list(answer) if many else answer
        return event

    def _point(self, loc: Location) -> tuple:
        # Keyed by identity (the object is kept, so its id is not reused): hashing a Location
        # would cost as much as coarsening it.
        known = self._points.get(id(loc))
        if known is None or known[0] is not loc:
            known = self._points[id(loc)] = (loc, public_point(loc, self.precision, self.geography))
        return known[1]

    def _iso(self, moment) -> str:
        if moment is None:
            return ""
        known = self._texts.get(id(moment))
        if known is None or known[0] is not moment:
            known = self._texts[id(moment)] = (moment, moment.isoformat())
        return known[1]


#: How each public column is worked out, by field name: (builder, response, its location, public point) → value.
#: The point is :func:`public_point`'s (lat, lon, place label, precision shown).
_EVENT_CELLS: dict[str, Callable[[_PublicEvents, Response, Location, tuple], object]] = {
    "id": lambda b, r, loc, point: b.ids[r.row_number],
    "title": lambda b, r, loc, point: r.title,
    "organization": lambda b, r, loc, point: r.organization,
    "event_type": lambda b, r, loc, point: r.event_type,
    "type_detail": lambda b, r, loc, point: r.event_type_detail,
    "description": lambda b, r, loc, point: r.description,
    "event_date": lambda b, r, loc, point: b._iso(r.event_date),
    "starts_at": lambda b, r, loc, point: b._iso(r.starts_at),
    "ends_at": lambda b, r, loc, point: b._iso(r.ends_at),
    "languages": lambda b, r, loc, point: list(r.languages),
    "link": lambda b, r, loc, point: r.link,
    "community_area": lambda b, r, loc, point: loc.community_area,
    "community_area_name": lambda b, r, loc, point: loc.community_area_name or "",
    "side": lambda b, r, loc, point: loc.side or "",
    "precision": lambda b, r, loc, point: point[3].value,
    "place": lambda b, r, loc, point: point[2],
    "lat": lambda b, r, loc, point: point[0],
    "lon": lambda b, r, loc, point: point[1],
}


def side_areas(config: Config, geography: Geography) -> dict[str, list[int]]:
    """Each side of the city (and "Far South") → its community areas, from ``location.sides``."""
    from sync.locate.placedata import COMPOSITE_SIDES, load_sides

    members: dict[str, list[int]] = {}
    for number, side in sorted(load_sides(config.location.sides, geography).items()):
        members.setdefault(side, []).append(number)
    for name, parts in COMPOSITE_SIDES.items():
        members[name] = sorted(n for part in parts for n in members.get(part, []))
    return members


def report_json(report: dict) -> str:
    """``staff/report.json``: the report, indented, non-ASCII kept as is."""
    return json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n"


def build_outputs(responses: list[Response], events: list[dict], report: dict, *, config: Config,
                  geography: Geography, generated_at: datetime,
                  outbox: list[dict] | None = None, calendar: CalendarPlan | None = None) -> dict[Path, bytes | str]:
    """Every output file's content, keyed by path; nothing is written here.

    ``outbox``: the staff page's list of messages; ``calendar``: the feeds' entries as
    :func:`~sync.publish.calendar.plan_calendar` planned them with the state's ledger (without
    it, every activity is new: SEQUENCE 0).
    """
    from sync.publish.calendar import EVENT_FOLDER, calendar_files, plan_calendar
    from sync.publish.compress import with_precompressed
    from sync.publish.map_page import render_map_page
    from sync.publish.staff_page import render_staff_page
    from sync.publish.summit import render_summary_page, summit_csv

    public, staff = config.public_dir, config.staff_dir
    extras, public_extras = config.fields.extra_fields(), config.fields.public_extras()
    rejected = [r for r in responses if r.status is Status.REJECTED]
    sides = side_areas(config, geography)
    calendar = calendar or plan_calendar(events, config=config, now=generated_at)
    feeds = calendar_files(calendar, config=config, areas={n: a.name for n, a in geography.areas.items()},
                           sides=sides, public_dir=public)
    outputs = {
        public / "events.csv": values_csv_bytes(PUBLIC_COLUMNS + columns((), public_extras),
                                                public_csv_values(events, public_extras)),
        public / "events.geojson": geojson_bytes(events),
        **{public / name: text for name, text in render_map_page(  # the map, its embed and their data
            events, areas=geography.outlines, config=config, generated_at=generated_at, sides=sides).files().items()},
        **feeds,
        staff / "responses.csv": values_csv_bytes(STAFF_COLUMNS + columns((), extras),
                                                  map(row_writer(STAFF_VIEW, extras), responses)),
        staff / "rejected.csv": values_csv_bytes(REJECTED_COLUMNS, map(rejected_values, rejected)),
        staff / "report.json": report_json(report),
        staff / "summit.csv": summit_csv(events, geography),
        staff / "summary.html": render_summary_page(report, events, config, geography),
        staff / "index.html": render_staff_page(report, responses=responses, events=events, config=config,
                                                geography=geography, outbox=outbox),
        **page_files(events, config=config, geography=geography, now=generated_at),
    }
    return with_precompressed(outputs, public, skip=[public / EVENT_FOLDER])


def page_files(events: list[dict], *, config: Config, geography: Geography,
               now: datetime) -> dict[Path, bytes | str]:
    """What the map page links besides the data: link preview, map placeholder, icon, manifest, bundled Leaflet.

    ``now``: the sync's time; the placeholder shades what the live map shades at first (upcoming activities).
    """
    from sync.publish.bundled import bundled_files
    from sync.publish.map_page import page_labels
    from sync.publish.preview import (FAVICON, MANIFEST, PLACEHOLDER, PREVIEW, favicon_svg, manifest,
                                      placeholder_png, preview_png, shaded_at_first)

    public, language = config.public_dir, config.map.languages[0]
    text = page_labels(config)[language]
    files: dict[Path, bytes | str] = {
        public / PREVIEW: preview_png(events, areas=geography.outlines, title=config.campaign.title,
                                      subtitle=text["page_title"]),
        public / PLACEHOLDER: placeholder_png(  # the map box's first paint
            shaded_at_first(events, now=now, tz=config.campaign.tz, limit=config.map.max_activities),
            areas=geography.outlines),
        public / FAVICON: favicon_svg(),
        public / MANIFEST: manifest(name=f"{text['page_title']} · {config.campaign.title}",
                                    short_name=text["page_title"], description=text["tagline"], lang=language),
    }
    if config.map.assets == "bundled":
        files.update(bundled_files(public))
    return files
