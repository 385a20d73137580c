"""The offline locator: community areas, neighbourhood names, ZIP codes, "citywide".

>>> gaz = Gazetteer.from_config(load_config())               # doctest: +SKIP
>>> gaz.locate("pilsen").community_area_name                  # doctest: +SKIP
'Lower West Side'
>>> gaz.locate("Englwood").matched                            # doctest: +SKIP
"misspelling of 'englewood' (94)"
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from pathlib import Path

from rapidfuzz import fuzz, process

from sync.errors import ConfigError, LocateError, LocationNotFound, NeedsGeocoder, OutsideCity
from sync.locate.addresses import classify, zip_in_text
from sync.locate.base import StreetLocator
from sync.locate.geography import CommunityArea, Geography, load_geography
from sync.records import Location, Precision

_NOISE_SUFFIXES = re.compile(
    r"(\s+(neighbou?rhood|community area|community|area|side of chicago|chicago il|chicago illinois|"
    r"chicago|il|illinois|usa))+$"
)
_STATE_SUFFIX = re.compile(r"^(?P<city>[a-z .'-]+?)\s*,?\s+(?P<state>[a-z]{2})$")


def place_key(text: str) -> str:
    """Fold a place name for comparison: case, accents, apostrophes, punctuation, spacing."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[’'`´]", "", text)
    text = re.sub(r"[^a-z0-9&]+", " ", text)
    return re.sub(r"^the\s+", "", text.strip())


def load_aliases(path: Path, geography: Geography) -> dict[str, int]:
    """Read ``alias,community_area`` rows; a bad row is a config error naming the line."""
    aliases: dict[str, int] = {}
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                try:
                    number = int(row["community_area"])
                except (KeyError, TypeError, ValueError):
                    raise ConfigError(f"{path}:{line}: community_area must be a number 1–77") from None
                if number not in geography.areas:
                    raise ConfigError(f"{path}:{line}: no community area number {number}")
                aliases[place_key(row["alias"])] = number
    except FileNotFoundError:
        raise ConfigError(f"{path}: aliases file not found (location.aliases)") from None
    return aliases


class Gazetteer:
    """Resolves what hosts type as a place, offline; hands addresses to a street locator."""

    def __init__(self, geography: Geography, aliases: dict[str, int], *, citywide_words=("citywide",),
                 fuzzy_threshold: float = 88.0, street_locator: StreetLocator | None = None):
        self.geography = geography
        self.street_locator = street_locator
        self.fuzzy_threshold = fuzzy_threshold
        self.citywide = frozenset(place_key(w) for w in citywide_words)
        self.names: dict[str, int] = {place_key(a.name): n for n, a in geography.areas.items()}
        for alias, number in aliases.items():
            self.names.setdefault(alias, number)
        self._choices = list(self.names)
        # Longest first, so "west englewood" wins over "englewood" inside a longer text.
        self._contained = [
            (re.compile(rf"\b{re.escape(name)}\b"), name) for name in sorted(self.names, key=len, reverse=True)
        ]

    @classmethod
    def from_config(cls, config, *, geography: Geography | None = None,
                    street_locator: StreetLocator | None = None) -> "Gazetteer":
        geography = geography or load_geography()
        return cls(
            geography, load_aliases(config.location.aliases, geography),
            citywide_words=config.location.citywide_words,
            fuzzy_threshold=config.location.fuzzy_threshold,
            street_locator=street_locator,
        )

    def locate(self, text: str, zip_code: str = "") -> Location:
        """Resolve a location answer (and the optional ZIP answer) or raise a ``LocateError``."""
        key = place_key(text)
        zip_code = zip_code.strip()
        if not key:
            if zip_code:
                return self.locate_zip(zip_code)
            raise LocationNotFound("no location given")
        if key in self.citywide:
            return Location(Precision.CITYWIDE, matched="citywide")
        if key in self.names:
            return self._area(self.names[key], f"name {text!r}")
        if re.fullmatch(r"\d{5}(?: \d{4})?", key):
            return self.locate_zip(key[:5])
        kind = classify(text)
        if kind is not None:
            return self._street(text, kind, zip_code)
        stripped = _NOISE_SUFFIXES.sub("", key).strip()
        if stripped in self.names:
            return self._area(self.names[stripped], f"name {text!r}")
        if stripped in self.citywide:
            return Location(Precision.CITYWIDE, matched="citywide")
        outside = self._outside_city(stripped or key)
        if outside:
            raise OutsideCity(f"{outside} is outside Chicago")
        for pattern, name in self._contained:
            if pattern.search(key):
                return self._area(self.names[name], f"{name!r} in {text!r}")
        best = process.extractOne(stripped or key, self._choices, scorer=fuzz.ratio,
                                  score_cutoff=self.fuzzy_threshold)
        if best:
            return self._area(self.names[best[0]], f"misspelling of {best[0]!r} ({best[1]:.0f})")
        if zip_code:
            return self.locate_zip(zip_code)
        raise LocationNotFound(f"no community area or neighborhood matches {text!r}")

    def locate_zip(self, code: str) -> Location:
        """A ZIP code's community area (the one covering most of it) and a point inside it."""
        code = code.strip()[:5]
        if not re.fullmatch(r"\d{5}", code):
            raise LocationNotFound(f"ZIP code {code!r} is not five digits")
        area = self.geography.zip_area(code)
        if area is not None:
            lat, lon = self.geography.zip_point(code)
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

    def _area(self, number: int, matched: str) -> Location:
        area: CommunityArea = self.geography.areas[number]
        return Location(Precision.COMMUNITY_AREA, area.number, area.name, area.lat, area.lon, matched=matched)

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
        raise NeedsGeocoder(f"{kind.value} needs an online geocoder (none configured): {text!r}")

    def _outside_city(self, key: str) -> str | None:
        """``"Evanston, IL"`` when the text names a US place other than Chicago."""
        cities = _us_places()
        match = _STATE_SUFFIX.match(key)
        if match and (match["city"].strip(), match["state"]) in cities:
            return cities[(match["city"].strip(), match["state"])]
        return cities.get((key, "il"))


@functools.cache
def _us_places() -> dict[tuple[str, str], str]:
    """(folded city, folded state) → "City, ST" for every US ZIP's city except Chicago."""
    import zipcodes

    places = {}
    for record in zipcodes.list_all():
        for city in [record["city"], *record.get("acceptable_cities", [])]:
            if city == "Chicago":
                continue
            places[(place_key(city), record["state"].lower())] = f"{city.title()}, {record['state']}"
    return places


@functools.lru_cache(maxsize=4096)
def _zip_record(code: str) -> dict | None:
    import zipcodes

    found = zipcodes.matching(code)
    return found[0] if found else None
