"""Tell street addresses and intersections from place names.

usaddress, a trained parser of US addresses, finds street addresses ("1901 W
Cermak Rd"). Intersections are two streets joined by "and", "&", "/", "@" or
"y": each side a numbered street ("63rd"), a street with its type ("Stony
Island Ave") or a name in the bundled street list ("Clark and Foster"), and
never a place name typed alone ("Pilsen and Little Village" are places).

>>> streets = StreetNames(frozenset({"clark", "foster", "halsted", "stony island"}), places=frozenset({"pilsen"}))
>>> classify("1901 W Cermak Rd", streets)
<Precision.ADDRESS: 'address'>
>>> classify("63rd and Halsted", streets)
<Precision.INTERSECTION: 'intersection'>
>>> classify("Clark & Foster", streets)
<Precision.INTERSECTION: 'intersection'>
>>> classify("corner of 79th and Stony Island", streets)
<Precision.INTERSECTION: 'intersection'>
>>> classify("Pilsen and Halsted", streets) is None
True
>>> classify("Hyde Park", streets) is None
True
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import usaddress

from sync.locate.placetext import fold, is_ordinal_street, place_key
from sync.records import Precision

_ZIP_IN_TEXT = re.compile(r"(?<!\d)(\d{5})(?:-\d{4})?(?!\d)")
_JOINS = re.compile(r"\s*(?:&|/|@|\band\b|\by\b|\bi\b)\s*", re.IGNORECASE)
_LEADING = re.compile(r"^(?:(?:the\s+)?corner\s+of|intersection\s+of|esquina\s+de|near|at|on|by|around)\s+",
                      re.IGNORECASE)
_TRAILING = re.compile(r"(?:,?\s*(?:chicago|il|illinois|\d{5}))+\s*$", re.IGNORECASE)
_DIRECTION_WORDS = frozenset({"n", "s", "e", "w", "north", "south", "east", "west"})
_STREET_TYPES = frozenset({
    "st", "street", "ave", "av", "avenue", "blvd", "boulevard", "rd", "road", "dr", "drive", "pkwy", "parkway",
    "pl", "place", "ct", "court", "ln", "lane", "hwy", "highway", "ter", "terrace", "expy", "expressway", "way",
    "calle", "avenida",
})


@dataclass(frozen=True)
class StreetNames:
    """Street names as place keys, and the place names a side of an "and" may not be."""

    names: frozenset[str] = frozenset()
    places: frozenset[str] = field(default=frozenset())

    def is_street(self, part: str) -> bool:
        """Whether one side of an "X and Y" answer is a street."""
        words = fold(part).split()
        typed = bool(words) and words[-1] in _STREET_TYPES
        if typed:
            words = words[:-1]
        if words and words[0] in _DIRECTION_WORDS and len(words) > 1:
            words = words[1:]
        if not words:
            return False
        if len(words) == 1 and (is_ordinal_street(words[0]) or (typed and words[0].isdigit())):
            return True
        key = place_key(" ".join(words))
        if key in self.places and not typed:
            return False
        return key in self.names or typed


@functools.lru_cache(maxsize=65536)
def _tag(text: str) -> tuple[dict, str]:
    """usaddress's labels and kind, parsed once per text for classify and geocoder_query."""
    try:
        return usaddress.tag(text)
    except usaddress.RepeatedLabelError:
        return {}, "Ambiguous"


def classify(text: str, streets: StreetNames = StreetNames()) -> Precision | None:
    """``ADDRESS``, ``INTERSECTION``, or ``None`` for anything else (a place name)."""
    core = _TRAILING.sub("", _LEADING.sub("", text.strip()))
    parts = [p for p in _JOINS.split(core) if p.strip()]
    if len(parts) == 2 and all(streets.is_street(p) for p in parts):
        return Precision.INTERSECTION
    tags, kind = _tag(text)
    number, street = tags.get("AddressNumber", ""), tags.get("StreetName", "")
    if kind == "Street Address" and number[:1].isdigit() and len(number) <= 5 and street and (
            "StreetNamePostType" in tags or "StreetNamePreDirectional" in tags or streets.is_street(street)):
        return Precision.ADDRESS
    return None


def zip_in_text(text: str) -> str | None:
    """The last five-digit ZIP code written in a text, if any."""
    found = _ZIP_IN_TEXT.findall(text)
    return found[-1] if found else None


#: The labels that make a street line. Units ("Suite 200"), recipients and
#: landmarks are left out: geocoders miss addresses that carry them.
_STREET_LABELS = (
    "AddressNumberPrefix", "AddressNumber", "AddressNumberSuffix", "StreetNamePreModifier",
    "StreetNamePreDirectional", "StreetNamePreType", "StreetName", "StreetNamePostType",
    "StreetNamePostDirectional", "StreetNamePostModifier",
)


def geocoder_query(text: str, precision: Precision) -> str:
    """The query to send a geocoder: the street line(s), then the city, state and ZIP.

    Chicago and IL are added when the host left them out. An intersection is
    written "A & B", the form ArcGIS and Google parse as a corner; Nominatim has
    no intersection search, so the locator refuses its street-long answers.

    >>> geocoder_query("1901 W. Cermak Rd., Suite 200", Precision.ADDRESS)
    '1901 W Cermak Rd, Chicago, IL'
    >>> geocoder_query("63rd and Halsted", Precision.INTERSECTION)
    '63rd & Halsted, Chicago, IL'
    >>> geocoder_query("123 Main St Evanston", Precision.ADDRESS)
    '123 Main St, Evanston, IL'
    """
    tags, _ = _tag(text)
    first = _join(tags, _STREET_LABELS)
    if precision is Precision.INTERSECTION:
        second = _join(tags, tuple("Second" + label for label in _STREET_LABELS))
        street = f"{first} & {second}" if first and second else ""
    else:
        street = first
    if not street:
        words = " ".join(text.replace(".", " ").split())
        return words if "chicago" in words.casefold() else f"{words}, Chicago, IL"
    place = _clean(tags.get("PlaceName", "")) or "Chicago"
    state = _clean(tags.get("StateName", "")) or "IL"
    zip_code = _clean(tags.get("ZipCode", ""))
    return f"{street}, {place}, {state}" + (f" {zip_code}" if zip_code else "")


def _join(tags: dict, labels: tuple[str, ...]) -> str:
    return " ".join(_clean(tags[label]) for label in labels if label in tags).strip()


def _clean(value: str) -> str:
    """Drop the periods and commas hosts type ("W.", "Rd.,") so equal places share one query."""
    return " ".join(value.replace(".", " ").replace(",", " ").split())
