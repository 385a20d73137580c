"""Street addresses and intersections through a geopy geocoder, cached and polite.

Each distinct place is asked once: answers live in a :class:`GeocodeCache` in
the state folder, so a second run with the same locations sends nothing. New
look-ups wait ``min_delay_seconds`` between requests (cached answers never
wait) and stop at ``max_lookups_per_run``. An outage never fails the sync: a
429, a 5xx, a timeout or an unreadable answer (latitude 91, ``"abc"``, ``[null]``,
a 200 ``{"error": …}``: see :mod:`sync.locate.answers`) holds the response
"location lookup pending", is never cached, and is asked again next run; after
``outage_after_failures`` failures in a row the run stops asking.

We wait between requests ourselves rather than wrap geopy's ``RateLimiter``:
its retries treat every service error alike, and a 429 needs its ``Retry-After``.

>>> locator = build_street_locator(config.geocoder, state_folder=state,   # doctest: +SKIP
...                                geography=load_geography())
>>> locator.locate("1901 W Cermak Rd", precision=Precision.ADDRESS)       # doctest: +SKIP
Location(precision=<Precision.ADDRESS: 'address'>, community_area=31, ...)
"""

from __future__ import annotations

import functools
import inspect
import logging
import math
import os
import time
from pathlib import Path

from geopy import exc as geopy_exc
from geopy.adapters import RequestsAdapter
from geopy.geocoders import Nominatim, get_geocoder_for_service
from geopy.geocoders.base import Geocoder

from sync.config import GeocoderConfig
from sync.errors import ConfigError, LocationNotFound, LookupPending, OutsideCity
from sync.locate.addresses import geocoder_query
from sync.locate.answers import PARSE_ERRORS, CheckedAdapter, checker_for
from sync.locate.base import StreetLocator
from sync.locate.cache import Answer, GeocodeCache, cache_key
from sync.locate.geography import Geography
from sync.records import Location, Precision

logger = logging.getLogger("sync")

CACHE_FILE = "geocoder.sqlite3"
PENDING = "location lookup pending"
#: An answer whose box is wider than this is a whole street (Nominatim's answer to
#: an intersection, or to a house number it lacks), not the place asked for.
MAX_EXTENT_METERS = 1000.0
#: Errors that will not clear within a run: stop asking and warn staff.
_STOP_ERRORS = (
    geopy_exc.GeocoderAuthenticationFailure,
    geopy_exc.GeocoderInsufficientPrivileges,
    geopy_exc.GeocoderQuotaExceeded,
)


class GeopyStreetLocator(StreetLocator):
    """A :class:`StreetLocator` over any geopy geocoder, with a persistent cache."""

    def __init__(self, geocoder: Geocoder, *, name: str, cache: GeocodeCache, geography: Geography,
                 query_options: dict, min_delay_seconds: float, max_lookups_per_run: int,
                 max_retry_after_seconds: float, outage_after_failures: int):
        self.geocoder = geocoder
        self.name = name
        self.cache = cache
        self.geography = geography
        self.query_options = query_options
        self.min_delay_seconds = min_delay_seconds
        self.max_lookups_per_run = max_lookups_per_run
        self.max_retry_after_seconds = max_retry_after_seconds
        self.outage_after_failures = outage_after_failures
        self._counts = dict.fromkeys(("requests", "cache_hits", "misses", "pending", "capped"), 0)
        self._asked = 0
        self._failures_in_a_row = 0
        self._last_request: float | None = None
        self._stopped = ""  # why this run stopped asking, once it has
        self._failed: set[str] = set()  # queries that failed this run: not asked twice
        self._told_unreadable = False  # staff hear of the first unreadable answer of a run

    def _clock(self) -> float:
        return time.monotonic()

    def _sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def locate(self, query: str, *, precision: Precision) -> Location:
        text = geocoder_query(query, precision)
        answer = self.cache.get(self.name, text)
        if answer is not None:
            self._counts["cache_hits"] += 1
        else:
            answer = self._ask(text)
        if not answer.found or answer.lat is None or answer.lon is None:  # a found answer has its point
            self._counts["misses"] += 1
            raise LocationNotFound(f"no {precision.value} found for {query!r}")
        area = self.geography.area_at(answer.lat, answer.lon)
        if area is None:
            where = answer.display_name or f"{answer.lat:.5f}, {answer.lon:.5f}"
            raise OutsideCity(f"outside Chicago: {query!r} is at {where}")
        return Location(precision, area.number, area.name, answer.lat, answer.lon,
                        zip=self.geography.zip_at(answer.lat, answer.lon), matched=answer.display_name)

    def stats(self) -> dict:
        """``requests`` sent, ``cache_hits``, ``misses`` (nothing found), ``pending`` (of which ``capped``)."""
        return dict(self._counts)

    def close(self) -> None:
        self.geocoder.__exit__(None, None, None)  # closes the keep-alive connections
        self.cache.close()

    def _ask(self, text: str) -> Answer:
        """Ask the geocoder about one new query, or raise :class:`LookupPending`."""
        key = cache_key(text)
        if self._stopped or key in self._failed or self.cache.held_for(self.name) > 0:
            raise self._pending()
        if self._asked >= self.max_lookups_per_run:
            self._counts["capped"] += 1
            raise self._pending()
        self._asked += 1
        try:
            result = self._geocode(text)
        except geopy_exc.GeocoderQueryError:
            result = None  # the service refused this query: a miss, not an outage
        except geopy_exc.GeocoderServiceError as error:
            self._failed.add(key)
            if isinstance(error, geopy_exc.GeocoderParseError) and not self._told_unreadable:
                self._told_unreadable = True
                logger.warning("geocoder %s answered %r with something unreadable (%s); held as %s",
                               self.name, text, error, PENDING)
            self._failure(error)
            raise self._pending() from None
        self._failures_in_a_row = 0
        if result is None or _extent_meters(result.raw) > MAX_EXTENT_METERS:
            self.cache.put_miss(self.name, text)
            return Answer(False)
        kind = ":".join(str(result.raw[k]) for k in ("class", "type") if k in result.raw)
        self.cache.put_hit(self.name, text, lat=result.latitude, lon=result.longitude,
                           display_name=result.address, kind=kind)
        return Answer(True, result.latitude, result.longitude, result.address, kind)

    def _geocode(self, text: str):
        """One request, plus one more after a short ``Retry-After``."""
        for attempt in (1, 2):
            self._wait_for_slot()
            self._counts["requests"] += 1
            try:
                return self.geocoder.geocode(text, exactly_one=True, **self.query_options)
            except PARSE_ERRORS as error:  # an answer the adapter's check could not judge, and geopy choked on
                raise geopy_exc.GeocoderParseError(f"geopy could not read the answer: {error}") from error
            except geopy_exc.GeocoderRateLimited as error:
                wait = error.retry_after
                if attempt == 2 or wait is None or wait > self.max_retry_after_seconds:
                    raise
                self._sleep(wait)

    def _wait_for_slot(self) -> None:
        if self._last_request is not None:
            wait = self.min_delay_seconds - (self._clock() - self._last_request)
            if wait > 0:
                self._sleep(wait)
        self._last_request = self._clock()

    def _failure(self, error: geopy_exc.GeocoderServiceError) -> None:
        """Decide whether this run keeps asking after ``error``."""
        self._failures_in_a_row += 1
        if isinstance(error, geopy_exc.GeocoderRateLimited):
            if error.retry_after:
                self.cache.hold(self.name, seconds=error.retry_after)
            self._stop(f"rate limited (Retry-After: {error.retry_after or 'none'})")
        elif isinstance(error, _STOP_ERRORS):
            self._stop(f"refused: {error}")
        elif self._failures_in_a_row >= self.outage_after_failures:
            self._stop(f"{self._failures_in_a_row} failures in a row, the last: {error}")

    def _stop(self, why: str) -> None:
        self._stopped = why
        logger.warning("geocoder %s %s; the remaining new look-ups wait for the next run", self.name, why)

    def _pending(self) -> LookupPending:
        self._counts["pending"] += 1
        return LookupPending(PENDING)


def build_street_locator(config: GeocoderConfig, *, state_folder: Path, geography: Geography) -> StreetLocator | None:
    """The configured geocoder behind its cache, or ``None`` when ``[geocoder]`` is off."""
    if not config.enabled:
        return None
    geocoder = make_geocoder(config)
    state_folder.mkdir(parents=True, exist_ok=True)
    cache = GeocodeCache(state_folder / CACHE_FILE, miss_ttl_seconds=config.miss_ttl_hours * 3600)
    return GeopyStreetLocator(
        geocoder, name=config.provider, cache=cache, geography=geography,
        query_options=_query_options(geocoder, geography),
        min_delay_seconds=config.min_delay_seconds, max_lookups_per_run=config.max_lookups_per_run,
        max_retry_after_seconds=config.max_retry_after_seconds,
        outage_after_failures=config.outage_after_failures,
    )


def make_geocoder(config: GeocoderConfig) -> Geocoder:
    """The geopy geocoder named by ``provider``; a bad setting is a :class:`ConfigError` naming its key."""
    try:
        cls = get_geocoder_for_service(config.provider)
    except geopy_exc.GeocoderNotFound:
        raise ConfigError(f"geocoder.provider: geopy has no service {config.provider!r}") from None
    accepted = inspect.signature(cls).parameters
    options = {
        "timeout": config.timeout_seconds,
        "user_agent": config.user_agent or None,
        # requests otherwise resends a timed-out GET twice: three waits, and uncountable requests.
        # Every answer is checked before geopy reads it (sync.locate.answers).
        "adapter_factory": functools.partial(
            CheckedAdapter, inner=functools.partial(RequestsAdapter, max_retries=0), check=checker_for(cls)),
    }
    if "scheme" in accepted:
        options["scheme"] = config.scheme
    if config.domain:
        if "domain" not in accepted:
            raise ConfigError(f"geocoder.domain: {config.provider} does not take a domain")
        options["domain"] = config.domain
    if config.api_key_env:
        if "api_key" not in accepted:
            raise ConfigError(f"geocoder.api_key_env: {config.provider} does not take an API key")
        key = os.environ.get(config.api_key_env, "")
        if not key:
            raise ConfigError(f"geocoder.api_key_env: environment variable {config.api_key_env} is not set")
        options["api_key"] = key
    if issubclass(cls, Nominatim) and not config.user_agent:
        raise ConfigError("geocoder.user_agent: required by Nominatim's usage policy, e.g. "
                          '"healing-map (you@example.org)"')
    missing = [n for n, p in accepted.items() if p.default is p.empty and n not in options]
    if missing == ["api_key"]:
        raise ConfigError(f"geocoder.api_key_env: {config.provider} needs an API key; "
                          "name the environment variable that holds it")
    if missing:
        raise ConfigError(f"geocoder.provider: {config.provider} needs {', '.join(missing)}, "
                          "which [geocoder] cannot set")
    try:
        return cls(**options)
    except geopy_exc.ConfigurationError as error:
        raise ConfigError(f"geocoder: {config.provider}: {error}") from None


def _query_options(geocoder: Geocoder, geography: Geography) -> dict:
    """Keep the geocoder to the city's box, through whichever option it offers."""
    minlon, minlat, maxlon, maxlat = geography.bounds
    box = [(minlat, minlon), (maxlat, maxlon)]
    accepted = inspect.signature(geocoder.geocode).parameters
    if "viewbox" in accepted and "bounded" in accepted:  # Nominatim and its kin
        return {"viewbox": box, "bounded": True, "country_codes": "us"}
    if "bounds" in accepted:  # GoogleV3: a preference, not a limit; the polygons decide
        return {"bounds": box, "region": "us"}
    return {}


def _extent_meters(raw: dict) -> float:
    """The diagonal of an answer's bounding box (Nominatim's ``boundingbox``); 0 when it has none."""
    try:
        south, north, west, east = (float(v) for v in raw["boundingbox"])
    except (KeyError, TypeError, ValueError):
        return 0.0
    dy = (north - south) * 111_320
    dx = (east - west) * 111_320 * math.cos(math.radians((north + south) / 2))
    return math.hypot(dx, dy)
