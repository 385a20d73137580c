"""The offline locator: what residents type as a place, resolved without a network.

The order of matching (README, "Locations"), each step only when the ones before
found nothing:

1. staff corrections (``config/place-corrections.csv``), by the folded answer;
2. a blank answer: the ZIP column, else "no location given";
3. an explicit whole-city phrase anywhere ("citywide", "all of Chicago", "todo Chicago") → citywide;
4. the whole answer is a known name: one of the 77 community areas, a neighbourhood,
   a venue or a side (after folding case, accents, punctuation and abbreviations),
   or a ZIP code;
5. a street address or an intersection → the online geocoder, else a ZIP written in
   the answer or the ZIP column, else ``needs_geocoder``;
6. a place in another state ("Gary, IN") → ``outside_city``;
7. known names inside a longer answer ("In Bronzeville", "Englewood, Chicago IL"):
   the most specific, the first when they disagree (with a warning); a name right
   after a direction it does not carry ("East Lawndale") does not count;
8. a town elsewhere in Illinois ("Evanston") → ``outside_city``;
9. virtual words ("Online", "Zoom", "en línea") with no place named → citywide;
10. a misspelling of one name, that changes no direction or generic word
    ("Pilson", "Lakeveiw"; never "West Side" → "East Side");
11. a ZIP written in the answer, then the ZIP column;
12. otherwise ``location_not_found``, naming what was typed and the closest names.

>>> gaz = Gazetteer.from_config(load_config())               # doctest: +SKIP
>>> gaz.locate("pilsen").community_area_name                  # doctest: +SKIP
'Lower West Side'
"""

from __future__ import annotations

import functools
import re

from sync.errors import LocateError, LocationNotFound, NeedsGeocoder, OutsideCity
from sync.locate.addresses import StreetNames, classify, zip_in_text
from sync.locate.base import StreetLocator
from sync.locate.geography import CommunityArea, Geography, load_geography
from sync.locate.placedata import STATE_NAMES, Place, load_corrections, load_names, load_sides, load_streets
from sync.locate.placetext import place_key
from sync.locate.typos import TypoMatcher, suggestions
from sync.records import Location, Precision

#: Words that say where an answer is without naming a place ("in", "area", "Chicago, IL").
NOISE_WORDS = frozenset({
    "the", "in", "at", "near", "around", "from", "on", "of", "and", "or", "area", "areas", "neighborhood",
    "neighborhoods", "community", "communities", "region", "chicago", "chi", "chitown", "il", "illinois",
    "usa", "us", "city", "en", "el", "la", "los", "las", "de", "del", "barrio", "vecindario", "zona", "comunidad",
    "dzielnica", "okolice", "residents", "for", "based", "rooted", "located", "hosted", "held", "our", "my",
    "is", "it", "its", "this", "we", "are", "all", "mostly", "primarily", "mainly", "serving", "serves",
})
#: Noise words that, alone, name the whole city ("Chicago", "Chicago, IL", "the city").
_CITY_WORDS = frozenset({"chicago", "chi", "chitown", "city"})
#: Directions that, typed right before a name that lacks them, make it another place.
_BLOCKING_DIRECTIONS = frozenset({"north", "south", "east", "west", "northwest", "northeast", "southwest",
                                   "southeast"})
#: Words that, right after a neighbourhood's name, make the answer an institution named after it, which
#: may stand elsewhere ("Hyde Park Academy" is in Woodlawn): only a known venue of that name places it.
_INSTITUTION_WORDS = frozenset({
    "academy", "school", "high", "elementary", "college", "university", "hospital", "conservatory", "station",
    "stadium", "museum", "library", "branch", "institute", "campus", "seminary", "clinic", "prep",
})
#: Longest name, in words, looked for inside an answer.
_MAX_NAME_WORDS = 7
#: Answers with more words than this are searched for exact names only, never for misspellings.
_MAX_TYPO_ANSWER_WORDS = 6
_STATE_CODES = frozenset(STATE_NAMES.values())
_STATE_SUFFIX = re.compile(r"^(?P<city>[a-z .'-]+?)\s+(?P<state>[a-z]{2})$")
_ZIP_ONLY = re.compile(r"\d{5}(?: \d{4})?")


class Gazetteer:
    """Resolves what hosts type as a place, offline; hands addresses to a street locator."""

    def __init__(self, geography: Geography, names: dict[str, Place], *, sides: dict[int, str],
                 streets: StreetNames, corrections: dict[str, Place] | None = None,
                 citywide_words=("citywide",), virtual_words=("online",), fuzzy_threshold: float = 80.0,
                 street_locator: StreetLocator | None = None):
        self.geography = geography
        self.street_locator = street_locator
        self.names = names
        self.sides = sides
        self.streets = streets
        self.corrections = corrections or {}
        self._side_points: dict[tuple[str, ...], tuple[float, float]] = {}
        self.citywide_phrases = _phrases(citywide_words)
        self.virtual_phrases = _phrases(virtual_words)
        # "Lakeview" and "Lake View", "westlawn" and "West Lawn": the same letters are the same name.
        self.joined: dict[str, Place] = {}
        for key, place in names.items():
            self.joined.setdefault(key.replace(" ", ""), place)
        self.typos = TypoMatcher(names, threshold=fuzzy_threshold)

    @classmethod
    def from_config(cls, config, *, geography: Geography | None = None,
                    street_locator: StreetLocator | None = None) -> Gazetteer:
        geography = geography or load_geography()
        loc = config.location
        names = load_names(geography, neighborhoods=loc.aliases, venues=loc.venues)
        return cls(
            geography, names, sides=load_sides(loc.sides, geography),
            streets=StreetNames(load_streets(loc.streets), places=frozenset(names)),
            corrections=load_corrections(loc.corrections, names, geography),
            citywide_words=loc.citywide_words, virtual_words=loc.virtual_words,
            fuzzy_threshold=loc.fuzzy_threshold, street_locator=street_locator,
        )

    # -- the steps, in order ------------------------------------------------------------------------

    def locate(self, text: str, zip_code: str = "") -> Location:
        """Resolve a location answer (and the optional ZIP answer) or raise a ``LocateError``."""
        key, zip_code = place_key(text), zip_code.strip()
        if key in self.corrections:
            return self._place(self.corrections[key], text, how="staff correction")
        if not key:
            if zip_code:
                return self.locate_zip(zip_code)
            raise LocationNotFound("no location given")
        words = key.split()
        if self._has_phrase(words, self.citywide_phrases) or (
                all(w in NOISE_WORDS for w in words) and not _CITY_WORDS.isdisjoint(words)):
            return Location(Precision.CITYWIDE, matched=f"citywide: {text.strip()!r}")
        exact = self.names.get(key) or self.names.get(key.removeprefix("the ")) or self.joined.get(key.replace(" ", ""))
        if exact:
            return self._place(exact, text, how="name")
        if _ZIP_ONLY.fullmatch(key):
            return self.locate_zip(key[:5])
        kind = classify(text, self.streets)
        if kind is not None:
            return self._street(text, kind, zip_code)
        outside = self._outside_city(words, other_states_only=True) or self._outside_tail(text)
        if outside:
            raise OutsideCity(f"{text.strip()!r}: {outside} is outside Chicago")
        found = self._named_inside(words)
        if found:
            return self._best(found, text)
        outside = self._outside_city(words, other_states_only=False, street=key in self.streets.names)
        if outside:
            raise OutsideCity(f"{text.strip()!r}: {outside} is outside Chicago")
        if self._has_phrase(words, self.virtual_phrases):
            return Location(Precision.CITYWIDE, matched=f"virtual: {text.strip()!r}")
        content = _trim(words, NOISE_WORDS)
        if content and len(content) <= _MAX_TYPO_ANSWER_WORDS:
            typo = self.typos.match(content)
            if typo:
                place, shown = typo
                return self._place(place, text, how=f"misspelling of {shown!r} in")
        fallback = zip_in_text(text) or zip_code
        if fallback:
            return self.locate_zip(fallback)
        hint = suggestions(" ".join(content), self.names)
        did_you_mean = f"; did you mean {' or '.join(hint)}?" if hint else ""
        raise LocationNotFound(f"no community area, neighborhood or venue matches {text.strip()!r}{did_you_mean}")

    def locate_zip(self, code: str) -> Location:
        """A ZIP code's community area (the one covering most of it) and a point inside it."""
        code = code.strip()[:5]
        if not re.fullmatch(r"\d{5}", code):
            raise LocationNotFound(f"ZIP code {code!r} is not five digits")
        area, point = self.geography.zip_area(code), self.geography.zip_point(code)
        if area is not None and point is not None:  # a Chicago ZIP has both
            lat, lon = point
            return Location(Precision.ZIP, area.number, area.name, lat, lon, zip=code, matched=f"ZIP {code}")
        known = _zip_record(code)
        if known is None:
            raise LocationNotFound(f"ZIP code {code} does not exist")
        if known["city"] == "Chicago" and known["state"] == "IL":
            lat, lon = float(known["lat"]), float(known["long"])
            area = self.geography.area_at(lat, lon)
            if area is not None:
                return Location(Precision.ZIP, area.number, area.name, lat, lon, zip=code, matched=f"ZIP {code}")
        raise OutsideCity(f"ZIP code {code} is in {known['city']}, {known['state']}, outside Chicago")

    # -- helpers ------------------------------------------------------------------------------------

    def _place(self, place: Place, text: str, *, how: str, note: str = "") -> Location:
        matched = f"{how} {text.strip()!r}" if how != "name" else f"name {text.strip()!r}"
        if place.kind == "citywide":
            return Location(Precision.CITYWIDE, matched=matched, note=note)
        if place.kind == "reject":
            raise LocationNotFound(f"{text.strip()!r} is not a place on the map (staff correction)")
        if place.kind == "outside":
            raise OutsideCity(f"{text.strip()!r}: {place.name} is outside Chicago")
        if place.kind == "side":
            return self._side(place, matched, note)
        assert place.area is not None, place  # every kind of place but a side or an outside town names its area
        area: CommunityArea = self.geography.areas[place.area]
        if place.kind == "venue":
            lat, lon = (place.lat, place.lon) if place.lat is not None else (area.lat, area.lon)
            return Location(Precision.VENUE, area.number, area.name, lat, lon, matched=matched, venue=place.name,
                            note=note)
        return Location(Precision.COMMUNITY_AREA, area.number, area.name, area.lat, area.lon, matched=matched,
                        note=note)

    def _side(self, place: Place, matched: str, note: str) -> Location:
        lat, lon = self._side_point(place.sides)
        return Location(Precision.SIDE, lat=lat, lon=lon, matched=matched, side=place.name, note=note)

    def _side_point(self, sides: tuple[str, ...]) -> tuple[float, float]:
        """A point inside the side(s), for staff files (public files show the region, not a point)."""
        if sides not in self._side_points:
            import shapely

            union = shapely.union_all([a.polygon for n, a in self.geography.areas.items() if self.sides[n] in sides])
            point = union.representative_point()
            self._side_points[sides] = round(point.y, 6), round(point.x, 6)
        return self._side_points[sides]

    def _named_inside(self, words: list[str]) -> list[tuple[int, Place]]:
        """Known names inside the answer, longest first, not overlapping: ``(position, place)``."""
        spans = []
        for size in range(min(_MAX_NAME_WORDS, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                window = words[start:start + size]
                phrase = " ".join(window)
                place = self.names.get(phrase) or (self.joined.get(phrase.replace(" ", "")) if size == 1 else None)
                if place is None or (size == 1 and phrase in NOISE_WORDS):
                    continue
                spans.append((start, start + size, place))
        taken: set[int] = set()
        found: list[tuple[int, Place]] = []
        for start, end, place in spans:  # longest first, as generated
            if taken.intersection(range(start, end)):
                continue
            taken.update(range(start, end))
            before = words[start - 1] if start else ""
            after = words[end] if end < len(words) else ""
            if before in _BLOCKING_DIRECTIONS and before not in place_key(place.name).split():
                continue  # "East Lawndale": a direction the name does not carry
            if after in _INSTITUTION_WORDS and place.kind in ("area", "neighborhood"):
                continue  # "Hyde Park Academy": named after a place, maybe not in it
            found.append((start, place))
        found.sort(key=lambda item: item[0])
        return [(start, place) for start, place in found if place is not None]

    def _best(self, found: list[tuple[int, Place]], text: str) -> Location:
        """The most specific of the names in an answer; the first when they name different places."""
        finer = [place for _, place in found if place.kind != "side"] or [place for _, place in found]
        first = finer[0]
        others = sorted({p.name for p in finer if p.target != first.target})
        note = (f"the answer names more than one place ({first.name}, {', '.join(others)}); the first was used"
                if others else "")
        # A venue inside its own neighbourhood ("DuSable Museum in Washington Park") stays a venue.
        venue = next((p for p in finer if p.kind == "venue" and p.target == first.target), None)
        return self._place(venue or first, text, how=f"{first.name!r} in", note=note)

    def _has_phrase(self, words: list[str], phrases: frozenset[tuple[str, ...]]) -> bool:
        for phrase in phrases:
            size = len(phrase)
            if any(tuple(words[i:i + size]) == phrase for i in range(len(words) - size + 1)):
                return True
        return False

    def _street(self, text: str, kind: Precision, zip_code: str) -> Location:
        if self.street_locator is not None:
            try:
                return self.street_locator.locate(text, precision=kind)
            except LocateError as exc:
                exc.recheck = True  # a miss expires from the geocoder's cache; ask again then
                raise
        fallback = zip_in_text(text) or zip_code
        if fallback:
            return self.locate_zip(fallback)
        raise NeedsGeocoder(f"{kind.value} needs an online geocoder (none configured): {text.strip()!r}")

    def _outside_tail(self, text: str) -> str | None:
        """"Northwestern University, Evanston": the answer's last part names a town outside Chicago."""
        parts = [place_key(p) for p in text.split(",")]
        tail = " ".join(w for w in (parts[-1] if len(parts) > 1 else "").split() if w not in ("il", "illinois"))
        if not tail or tail in self.names or tail in self.streets.names:
            return None
        return towns_in("il").get(tail)

    def _outside_city(self, words: list[str], *, other_states_only: bool, street: bool = False) -> str | None:
        """``"Evanston, IL"`` when the answer names a US place other than Chicago.

        A bare name that is also a Chicago street ("Lincoln", "Washington") is taken for the town
        only when the town is a neighbour in the Chicago area ("Cicero"), not one downstate.
        """
        leading = 0
        while leading < len(words) - 1 and words[leading] in ("the", "in", "at", "near", "from"):
            leading += 1
        key = " ".join(w for w in words[leading:] if w not in ("usa", "us"))
        for name, code in STATE_NAMES.items():  # "Hammond, Indiana" → "hammond in"
            if key.endswith(" " + name):
                key = key[: -len(name)] + code
                break
        match = _STATE_SUFFIX.match(key)
        if match and match["state"] != "il" and match["state"] in _STATE_CODES:
            found = towns_in(match["state"]).get(match["city"].strip())
            if found:
                return found
        if other_states_only:
            return None
        if match and match["state"] == "il":
            key = match["city"].strip()
        if street and key not in chicago_area_towns():
            return None
        return towns_in("il").get(key)


def _trim(words: list[str], noise: frozenset[str]) -> list[str]:
    """The words between the leading and trailing noise ("in", "area", "Chicago, IL")."""
    start, end = 0, len(words)
    while start < end and words[start] in noise:
        start += 1
    while end > start and words[end - 1] in noise:
        end -= 1
    return words[start:end]


def _phrases(words) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(place_key(w).split()) for w in words if place_key(w))


@functools.cache
def towns_in(state: str) -> dict[str, str]:
    """Folded town name → "Town, ST" for one state's ZIP codes (Chicago left out).

    One state at a time, asked of the ``zipcodes`` package's compiled index when an answer
    first needs it: Illinois's 1,600 records cost a few milliseconds and under 2 MB, where
    materialising the whole country's 42,000 would take 140 MB.
    """
    import zipcodes

    records = zipcodes.filter_by(state=state.upper())
    towns: dict[str, str] = {}
    for record in records:  # a town's own name is how it is shown: "Evergreen Park", not "Evergreen Pk"
        if record["city"] != "Chicago":
            towns[place_key(record["city"])] = f"{record['city'].title()}, {record['state']}"
    for record in records:
        for city in record.get("acceptable_cities") or ():
            if city != "Chicago":
                towns.setdefault(place_key(city), f"{city.title()}, {record['state']}")
    return towns


#: Counties of the Chicago area in Illinois, whose towns residents name bare ("Cicero", "Oak Park").
CHICAGO_AREA_COUNTIES = frozenset({"Cook County", "DuPage County", "Lake County", "Will County", "Kane County",
                                   "McHenry County"})


@functools.cache
def chicago_area_towns() -> frozenset[str]:
    """Folded names of the towns in :data:`CHICAGO_AREA_COUNTIES`."""
    import zipcodes

    return frozenset(place_key(r["city"]) for r in zipcodes.filter_by(state="IL")
                     if r["county"] in CHICAGO_AREA_COUNTIES and r["city"] != "Chicago")


@functools.lru_cache(maxsize=4096)
def _zip_record(code: str) -> dict | None:
    import zipcodes

    found = zipcodes.matching(code)
    return found[0] if found else None


__all__ = ["Gazetteer", "NOISE_WORDS", "towns_in"]
