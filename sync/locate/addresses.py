"""Tell street addresses and intersections from place names, with usaddress.

usaddress is a trained parser of US addresses; it labels "63rd and Halsted"
an intersection and "1901 W Cermak Rd" a street address, and calls names like
"Hyde Park" ambiguous, which is what lets the gazetteer keep those.

>>> classify("1901 W Cermak Rd")
<Precision.ADDRESS: 'address'>
>>> classify("63rd and Halsted")
<Precision.INTERSECTION: 'intersection'>
>>> classify("Hyde Park") is None
True
"""

from __future__ import annotations

import functools
import re

import usaddress

from sync.records import Precision

_ZIP_IN_TEXT = re.compile(r"(?<!\d)(\d{5})(?:-\d{4})?(?!\d)")


@functools.lru_cache(maxsize=65536)
def _tag(text: str) -> tuple[dict, str]:
    """usaddress's labels and kind, parsed once per text for classify and geocoder_query."""
    try:
        return usaddress.tag(text)
    except usaddress.RepeatedLabelError:
        return {}, "Ambiguous"


@functools.lru_cache(maxsize=65536)
def classify(text: str) -> Precision | None:
    """``ADDRESS``, ``INTERSECTION``, or ``None`` for anything else (a place name)."""
    tags, kind = _tag(text)
    if kind == "Street Address" and "AddressNumber" in tags and "StreetName" in tags:
        return Precision.ADDRESS
    if kind == "Intersection" and "StreetName" in tags and "SecondStreetName" in tags:
        return Precision.INTERSECTION
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
