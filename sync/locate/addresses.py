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
def classify(text: str) -> Precision | None:
    """``ADDRESS``, ``INTERSECTION``, or ``None`` for anything else (a place name)."""
    try:
        tags, kind = usaddress.tag(text)
    except usaddress.RepeatedLabelError:
        return None
    if kind == "Street Address" and "AddressNumber" in tags and "StreetName" in tags:
        return Precision.ADDRESS
    if kind == "Intersection" and "StreetName" in tags and "SecondStreetName" in tags:
        return Precision.INTERSECTION
    return None


def zip_in_text(text: str) -> str | None:
    """The last five-digit ZIP code written in a text, if any."""
    found = _ZIP_IN_TEXT.findall(text)
    return found[-1] if found else None
