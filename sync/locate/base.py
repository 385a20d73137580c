"""The interface every locator implements.

The offline :class:`~sync.locate.gazetteer.Gazetteer` resolves community-area
and neighbourhood names, ZIP codes and "citywide". Street addresses and
intersections go to a :class:`StreetLocator` (an online geocoder through
geopy) when one is configured.
"""

from __future__ import annotations

import abc

from sync.records import Location, Precision


class StreetLocator(abc.ABC):
    """Resolves a street address or an intersection to a point inside the city.

    Implementations return a :class:`~sync.records.Location` with precision
    ``address`` or ``intersection`` and its community area, or raise a
    :class:`~sync.errors.LocateError` subclass: ``LocationNotFound``,
    ``OutsideCity``, or ``LookupPending`` for an outage or the per-run cap
    (the response is held and asked again next run).
    """

    #: Short name for messages and the report, e.g. "nominatim".
    name: str = "geocoder"

    @abc.abstractmethod
    def locate(self, query: str, *, precision: Precision) -> Location:
        """Resolve one address or intersection (the text as the host typed it)."""

    def stats(self) -> dict:
        """Counters for the run report (requests made, cache hits, …)."""
        return {}

    def close(self) -> None:
        """Release connections and caches."""
        return None  # a locator holding none has nothing to release
