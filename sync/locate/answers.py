"""Geocoder answers checked for shape before geopy reads them.

geopy trusts the service: a Nominatim answer with latitude ``"abc"`` or ``[null]``
raises ``ValueError`` or ``AttributeError`` out of ``geocode()``, a longitude of
-200 is quietly wrapped round to 160, and a 200 answer ``{"error": "Internal"}``
becomes ``GeocoderQueryError``, the same as a query the service refused. So the
geocoder's HTTP adapter is wrapped (geopy's ``adapter_factory``) by
:class:`CheckedAdapter`, which reads each JSON answer first and raises geopy's own
:class:`~geopy.exc.GeocoderParseError` (a ``GeocoderServiceError``) for one it
cannot use, an error object sent with a 200 included. The street locator then
treats it as any outage: the responses are held "location lookup pending",
nothing is cached, and the failure counts towards ``outage_after_failures``.

Nominatim's answers (and those of its kin, which share its format) are checked
field by field: a list of places, each with ``lat`` and ``lon`` that parse to
finite numbers in range. ``display_name`` is optional: without one the place is
still used, named by its point. For other providers, whose formats differ, the
answer must at least be a JSON object or list; what geopy then fails to read is
caught around the call (:data:`PARSE_ERRORS`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, MutableMapping

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderParseError
from geopy.geocoders import Nominatim

#: What a geopy geocoder raises when it cannot read an answer that passed the adapter's check.
PARSE_ERRORS = (ValueError, TypeError, AttributeError, LookupError)
#: Nominatim's answer to a reverse look-up that found nothing; geopy reads it as "no result".
_NOTHING_FOUND = "Unable to geocode"


class CheckedAdapter(BaseSyncAdapter):
    """A geopy adapter that passes every JSON answer through ``check`` before geopy reads it."""

    def __init__(self, *, inner: Callable[..., BaseSyncAdapter], check: Callable[[object], object],
                 proxies, ssl_context):
        super().__init__(proxies=proxies, ssl_context=ssl_context)
        self.inner = inner(proxies=proxies, ssl_context=ssl_context)
        self.check = check

    def get_json(self, url, *, timeout, headers):
        return self.check(self.inner.get_json(url, timeout=timeout, headers=headers))

    def get_text(self, url, *, timeout, headers):
        return self.inner.get_text(url, timeout=timeout, headers=headers)

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.inner.__exit__(exc_type, exc_val, exc_tb)


def checker_for(geocoder_class: type) -> Callable[[object], object]:
    """The answer check for a geopy geocoder class: Nominatim's format, or any JSON container."""
    return check_nominatim if issubclass(geocoder_class, Nominatim) else check_container


def check_container(body: object) -> object:
    """Any provider: the answer is a JSON object or list."""
    if not isinstance(body, (dict, list)):
        raise GeocoderParseError(f"answered {_kind(body)}, not a JSON object or list")
    return body


def check_nominatim(body: object) -> object:
    """Nominatim's ``/search``: a list of places (or one), each a usable point; else raise."""
    if isinstance(body, Mapping) and "error" in body:
        if body["error"] == _NOTHING_FOUND:
            return body
        raise GeocoderParseError(f"answered an error: {_short(body['error'])}")
    places = [body] if isinstance(body, Mapping) else body
    if not isinstance(places, list):
        raise GeocoderParseError(f"answered {_kind(body)}, not a list of places")
    for number, place in enumerate(places, 1):
        if not isinstance(place, MutableMapping):  # a JSON object is a dict
            raise GeocoderParseError(f"place {number} of the answer is {_kind(place)}, not an object")
        _coordinate(place, "lat", 90, number)
        _coordinate(place, "lon", 180, number)
        if not isinstance(place.get("display_name"), str):
            place["display_name"] = ""  # optional; geopy would refuse the place without it
    return body


def _coordinate(place: Mapping, key: str, limit: float, number: int) -> None:
    """Raise unless ``place[key]`` is a number, or a string of one, finite and within ±``limit``."""
    value = place.get(key)
    try:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValueError
        parsed = float(value)
    except ValueError:
        raise GeocoderParseError(f"place {number} of the answer has {key} {_short(value)}, not a number") from None
    if not math.isfinite(parsed) or abs(parsed) > limit:
        raise GeocoderParseError(f"place {number} of the answer has {key} {_short(value)}, "
                                 f"outside -{limit:g} to {limit:g}")


def _kind(value: object) -> str:
    return "nothing (null)" if value is None else f"a {type(value).__name__} ({_short(value)})"


def _short(value: object, limit: int = 40) -> str:
    """A value from the service fit for a one-line warning."""
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
