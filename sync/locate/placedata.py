"""The gazetteer's data: the names residents use for places, from files staff can edit.

Every file is CSV (or one name a line) with ``#`` comment lines naming its
sources; a bad row is a :class:`~sync.errors.ConfigError` naming the file and
line. ``config/neighborhoods.csv`` maps neighbourhood names to community areas,
``config/venues.csv`` well-known public places, ``config/sides.csv`` each
community area to one of the City's nine sides, ``config/streets.txt`` the
street names that make "Clark and Foster" an intersection, and
``config/place-corrections.csv`` the answers staff have settled by hand.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sync.errors import ConfigError
from sync.locate.geography import Geography
from sync.locate.placetext import place_key

#: The City's nine sides, as it names them.
SIDES = ("Far North", "Northwest", "North", "West", "Central", "South", "Southwest", "Far Southeast",
         "Far Southwest")
#: Names residents use for more than one side at once.
COMPOSITE_SIDES = {"Far South": ("Far Southeast", "Far Southwest")}
#: Spoken forms of the sides beyond "<side> side" (Spanish "lado"/"zona" + direction, the
#: Southeast Side that Chicagoans mean as the Far Southeast).
SIDE_ALIASES = {
    "far north": "Far North", "far south": "Far South", "far southeast": "Far Southeast",
    "far southwest": "Far Southwest", "southeast side": "Far Southeast", "far south side": "Far South",
    "lado norte": "North", "lado sur": "South", "lado oeste": "West", "lado noroeste": "Northwest",
    "lado suroeste": "Southwest", "zona norte": "North", "zona sur": "South", "zona oeste": "West",
    "zona noroeste": "Northwest", "zona suroeste": "Southwest", "extremo sur": "Far South",
    "lejano sur": "Far South", "extremo norte": "Far North",
}

#: US state names, folded, → their postal codes: "Hammond, Indiana" is "Hammond, IN".
STATE_NAMES = {
    "alabama": "al", "alaska": "ak", "arizona": "az", "arkansas": "ar", "california": "ca", "colorado": "co",
    "connecticut": "ct", "delaware": "de", "district of columbia": "dc", "florida": "fl", "georgia": "ga",
    "hawaii": "hi", "idaho": "id", "illinois": "il", "indiana": "in", "iowa": "ia", "kansas": "ks",
    "kentucky": "ky", "louisiana": "la", "maine": "me", "maryland": "md", "massachusetts": "ma",
    "michigan": "mi", "minnesota": "mn", "mississippi": "ms", "missouri": "mo", "montana": "mt",
    "nebraska": "ne", "nevada": "nv", "new hampshire": "nh", "new jersey": "nj", "new mexico": "nm",
    "new york": "ny", "north carolina": "nc", "north dakota": "nd", "ohio": "oh", "oklahoma": "ok",
    "oregon": "or", "pennsylvania": "pa", "rhode island": "ri", "south carolina": "sc", "south dakota": "sd",
    "tennessee": "tn", "texas": "tx", "utah": "ut", "vermont": "vt", "virginia": "va", "washington": "wa",
    "west virginia": "wv", "wisconsin": "wi", "wyoming": "wy",
}


@dataclass(frozen=True, slots=True)
class Place:
    """A name the gazetteer knows and what it stands for.

    ``kind``: ``venue``, ``neighborhood``, ``area``, ``side``, ``citywide``, ``reject`` or ``outside``
    (a well-known place beyond the city).
    """

    kind: str
    #: The name as the data file writes it ("DuSable Museum", "Homan Square", "South").
    name: str
    area: int | None = None
    sides: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None

    @property
    def target(self) -> tuple:
        """What two names must share to mean the same place: the area, else the side(s)."""
        return ("area", self.area) if self.area is not None else (self.kind, self.sides)


def read_rows(path: Path, columns: tuple[str, ...], *, setting: str) -> Iterator[tuple[int, dict]]:
    """``(line number, row)`` of a CSV with ``#`` comment lines; a missing file or column names the setting."""
    try:
        fh = open(path, newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found (location.{setting})") from None
    with fh:
        lines = [(number, text) for number, text in enumerate(fh, start=1) if not text.lstrip().startswith("#")]
        if not lines:
            raise ConfigError(f"{path}: no header row (location.{setting})")
        reader = csv.DictReader(text for _, text in lines)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise ConfigError(f"{path}:{lines[0][0]}: missing column(s) {', '.join(missing)}")
        for (number, _), row in zip(lines[1:], reader):
            yield number, row


def _area_number(value: str, geography: Geography, where: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: community_area must be a number 1–77, not {value!r}") from None
    if number not in geography.areas:
        raise ConfigError(f"{where}: no community area number {number}")
    return number


def load_sides(path: Path, geography: Geography) -> dict[int, str]:
    """Community area number → its side; every area in exactly one of the nine."""
    sides: dict[int, str] = {}
    for line, row in read_rows(path, ("community_area", "side"), setting="sides"):
        where = f"{path}:{line}"
        number = _area_number(row["community_area"], geography, where)
        if row["side"] not in SIDES:
            raise ConfigError(f"{where}: side must be one of {', '.join(SIDES)}, not {row['side']!r}")
        sides[number] = row["side"]
    missing = sorted(set(geography.areas) - set(sides))
    if missing:
        raise ConfigError(f"{path}: no side for community area(s) {', '.join(map(str, missing))}")
    return sides


def side_places() -> dict[str, Place]:
    """Every spoken form of a side, by key: "south side", "sw side", "far south side", "lado sur"…"""
    places = {}
    for side in SIDES:
        places[place_key(f"{side} side")] = Place("side", side, sides=(side,))
    for spoken, side in SIDE_ALIASES.items():
        places[place_key(spoken)] = Place("side", side, sides=COMPOSITE_SIDES.get(side, (side,)))
    return places


def load_names(geography: Geography, *, neighborhoods: Path, venues: Path) -> dict[str, Place]:
    """Every name by key: the 77 official names, then neighbourhoods, venues and sides.

    An earlier kind wins a key it shares with a later one, so no alias can move an
    official community-area name to another area.
    """
    names: dict[str, Place] = {place_key(a.name): Place("area", a.name, a.number) for a in geography.areas.values()}
    for line, row in read_rows(neighborhoods, ("alias", "community_area"), setting="aliases"):
        number = _area_number(row["community_area"], geography, f"{neighborhoods}:{line}")
        names.setdefault(place_key(row["alias"]), Place("neighborhood", row["alias"].strip(), number))
    for line, row in read_rows(venues, ("venue", "community_area"), setting="venues"):
        where = f"{venues}:{line}"
        if (row["community_area"] or "").strip().casefold() == "outside":  # Brookfield Zoo, Evanston's campus
            names.setdefault(place_key(row["venue"]), Place("outside", row["venue"].strip()))
            continue
        number = _area_number(row["community_area"], geography, where)
        lat, lon = _point(row, where)
        names.setdefault(place_key(row["venue"]), Place("venue", row["venue"].strip(), number, lat=lat, lon=lon))
    for key, place in side_places().items():
        names.setdefault(key, place)
    names.pop("", None)
    return names


def _point(row: dict, where: str) -> tuple[float | None, float | None]:
    lat, lon = (row.get("lat") or "").strip(), (row.get("lon") or "").strip()
    if not lat and not lon:
        return None, None
    try:
        return float(lat), float(lon)
    except ValueError:
        raise ConfigError(f"{where}: lat and lon must both be numbers or both blank") from None


def load_streets(path: Path) -> frozenset[str]:
    """Street names as keys ("clark", "king drive", "stony island"); one a line, ``#`` comments."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found (location.streets)") from None
    return frozenset(key for line in lines if not line.lstrip().startswith("#") and (key := place_key(line)))


def load_corrections(path: Path, names: dict[str, Place], geography: Geography) -> dict[str, Place]:
    """Answers staff settled: typed text → a community area, a known name, ``side:<Side>``,
    ``citywide`` or ``reject``. A missing file is no corrections."""
    if not path.exists():
        return {}
    corrections = {}
    for line, row in read_rows(path, ("typed", "place"), setting="corrections"):
        where, typed, place = f"{path}:{line}", place_key(row["typed"] or ""), (row["place"] or "").strip()
        if not typed:
            raise ConfigError(f"{where}: 'typed' is blank")
        corrections[typed] = _correction(place, names, geography, where)
    return corrections


def _correction(place: str, names: dict[str, Place], geography: Geography, where: str) -> Place:
    lowered = place.casefold()
    if lowered in ("citywide", "reject"):
        return Place(lowered, lowered)
    if lowered.startswith("side:"):
        side = place.split(":", 1)[1].strip()
        known = {s.casefold(): s for s in (*SIDES, *COMPOSITE_SIDES)}
        if side.casefold() not in known:
            raise ConfigError(f"{where}: unknown side {side!r}; one of {', '.join(known.values())}")
        side = known[side.casefold()]
        return Place("side", side, sides=COMPOSITE_SIDES.get(side, (side,)))
    if place.isdigit():
        number = _area_number(place, geography, where)
        return Place("area", geography.areas[number].name, number)
    known_place = names.get(place_key(place))
    if known_place is None:
        raise ConfigError(f"{where}: {place!r} is not a community area, neighbourhood, venue or side the "
                          "gazetteer knows; write an area number 1–77, side:<Side>, citywide or reject")
    return known_place
