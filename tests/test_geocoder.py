"""The geopy street locator against a loopback Nominatim: real geopy, real HTTP, fake time."""

from __future__ import annotations

import pytest

from sync.config import GeocoderConfig
from sync.errors import ConfigError, LocationNotFound, LookupPending, OutsideCity
from sync.locate.addresses import geocoder_query
from sync.locate.geocoder import build_street_locator
from sync.locate.geography import load_geography
from sync.locate.progress import progress_iter
from sync.records import Location, Precision
from testing.nominatim import Fault, NominatimServer

ADDRESS, INTERSECTION = Precision.ADDRESS, Precision.INTERSECTION
CERMAK = "1901 w cermak rd, chicago, il"


class FakeTime:
    """A clock that moves only when slept on (or told to), recording every sleep."""

    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


class WallClock:
    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, *, hours: float = 0, seconds: float = 0) -> None:
        self.now += hours * 3600 + seconds


@pytest.fixture
def server():
    with NominatimServer() as s:
        yield s


@pytest.fixture
def wall():
    return WallClock()


@pytest.fixture
def run(server, tmp_path, wall):
    """Start a run: a new locator over the same state folder, as each sync does."""
    opened = []

    def start(*, time: FakeTime | None = None, **options):
        config = GeocoderConfig(**{
            "enabled": True, "user_agent": "healing-map-tests (tests@example.org)",
            "domain": server.domain, "scheme": "http", "timeout_seconds": 2.0, "min_delay_seconds": 0.0,
            **options,
        })
        locator = build_street_locator(config, state_folder=tmp_path / "state", geography=load_geography())
        time = time or FakeTime()
        locator._clock, locator._sleep = time.clock, time.sleep
        locator.cache._clock = wall
        opened.append(locator)
        return locator

    yield start
    for locator in opened:
        locator.close()


def outcome(locator, text: str, precision: Precision = ADDRESS):
    """The Location, or the LocateError class name with its message."""
    try:
        return locator.locate(text, precision=precision)
    except (LocationNotFound, OutsideCity, LookupPending) as error:
        return type(error).__name__, str(error)


def verdict(locator, text: str, precision: Precision = ADDRESS) -> str:
    """"located", or the LocateError class name."""
    result = outcome(locator, text, precision)
    return result[0] if isinstance(result, tuple) else "located"


# --- answers ---------------------------------------------------------------------------


def test_an_address_is_located_at_its_exact_point_in_its_community_area(run, server):
    locator = run()
    location = locator.locate("1901 W. Cermak Rd., Suite 200", precision=ADDRESS)
    assert location == Location(
        ADDRESS, 31, "Lower West Side", 41.8523, -87.6742, zip="60608",
        matched="1901, West Cermak Road, Pilsen, Lower West Side, Chicago, Cook County, Illinois, 60608, United States",
    )
    assert server.requests == {CERMAK: 1}
    params = server.params[CERMAK]
    assert params["q"] == "1901 W Cermak Rd, Chicago, IL"
    assert (params["bounded"], params["countrycodes"], params["format"], params["limit"]) == ("1", "us", "json", "1")
    minlon, minlat, maxlon, maxlat = load_geography().bounds
    assert [float(v) for v in params["viewbox"].split(",")] == pytest.approx([minlon, minlat, maxlon, maxlat])
    assert locator.stats() == {"requests": 1, "cache_hits": 0, "misses": 0, "pending": 0, "capped": 0}


def test_an_intersection_is_asked_as_a_corner_and_located(run, server):
    location = run().locate("63rd and Halsted", precision=INTERSECTION)
    assert (location.precision, location.community_area, location.community_area_name) == (INTERSECTION, 68, "Englewood")
    assert (location.lat, location.lon, location.zip) == (41.7797, -87.6444, "60621")
    assert server.params["63rd & halsted, chicago, il"]["q"] == "63rd & Halsted, Chicago, IL"


def test_an_empty_answer_is_not_found_and_remembered(run, server):
    locator = run()
    assert outcome(locator, "123 Nowhere St") == ("LocationNotFound", "no address found for '123 Nowhere St'")
    assert outcome(locator, "123 nowhere st.") == ("LocationNotFound", "no address found for '123 nowhere st.'")
    assert server.total == 1
    assert locator.stats() == {"requests": 1, "cache_hits": 1, "misses": 2, "pending": 0, "capped": 0}


def test_a_hit_outside_the_community_areas_is_outside_chicago(run, server):
    kind, message = outcome(run(), "4949 W Cermak Rd, Cicero IL")
    assert kind == "OutsideCity"
    assert message.startswith("outside Chicago: '4949 W Cermak Rd, Cicero IL' is at Cicero Town Hall")


def test_the_search_is_bounded_to_the_city_box(run, server):
    """Evanston is in the server's table but north of the box, so bounded Nominatim finds nothing."""
    assert verdict(run(), "1501 Sherman Ave, Evanston, IL") == "LocationNotFound"
    assert server.total == 1


def test_a_street_long_answer_to_an_intersection_is_not_a_location(run, server):
    assert outcome(run(), "Halsted & 95th", INTERSECTION) == (
        "LocationNotFound", "no intersection found for 'Halsted & 95th'")


# --- outages -----------------------------------------------------------------------------


def test_a_short_retry_after_is_waited_out_once(run, server):
    server.fail(Fault.rate_limited(2, times=1))
    time = FakeTime()
    locator = run(time=time, max_retry_after_seconds=5)
    assert locator.locate("1901 W Cermak Rd", precision=ADDRESS).community_area == 31
    assert server.total == 2
    assert time.sleeps == [2.0]


def test_a_long_retry_after_holds_lookups_until_it_has_passed(run, server, wall):
    server.fail(Fault.rate_limited(120))
    time = FakeTime()
    locator = run(time=time)
    assert outcome(locator, "1901 W Cermak Rd") == ("LookupPending", "location lookup pending")
    assert verdict(locator, "63rd and Halsted", INTERSECTION) == "LookupPending"
    assert (server.total, time.sleeps) == (1, [])
    assert locator.stats()["pending"] == 2
    server.fail(None)

    wall.advance(seconds=60)  # the next run, still inside Retry-After: asks nothing
    assert verdict(run(), "1901 W Cermak Rd") == "LookupPending"
    assert server.total == 1

    wall.advance(seconds=61)
    assert run().locate("1901 W Cermak Rd", precision=ADDRESS).community_area == 31
    assert server.total == 2


def test_a_503_holds_the_response_and_the_next_run_asks_again(run, server):
    server.fail(Fault.unavailable())
    assert outcome(run(), "1901 W Cermak Rd") == ("LookupPending", "location lookup pending")
    server.fail(None)
    assert run().locate("1901 W Cermak Rd", precision=ADDRESS).community_area == 31
    assert server.requests == {CERMAK: 2}


def test_an_outage_stops_the_run_asking_after_failures_in_a_row(run, server):
    server.fail(Fault.unavailable())
    locator = run(outage_after_failures=3)
    texts = [f"{n} N State St" for n in range(100, 106)]
    assert {verdict(locator, t) for t in texts} == {"LookupPending"}
    assert server.total == 3
    assert locator.stats() == {"requests": 3, "cache_hits": 0, "misses": 0, "pending": 6, "capped": 0}


def test_an_answer_slower_than_the_timeout_is_pending_and_asked_once(run, server):
    server.fail(Fault.slow(1.5))
    locator = run(timeout_seconds=0.2)
    assert outcome(locator, "1901 W Cermak Rd") == ("LookupPending", "location lookup pending")
    assert server.total == 1  # requests' own retries are off: a timeout is not resent


def test_a_body_that_is_not_json_is_pending(run, server):
    server.fail(Fault.not_json())
    assert outcome(run(), "1901 W Cermak Rd") == ("LookupPending", "location lookup pending")
    assert server.total == 1


def test_a_place_that_failed_is_not_asked_twice_in_one_run(run, server):
    server.fail(Fault.unavailable(times=1))
    locator = run()
    assert verdict(locator, "1901 W Cermak Rd") == "LookupPending"
    assert verdict(locator, "1901 w cermak rd") == "LookupPending"
    assert server.total == 1


# --- the cache ---------------------------------------------------------------------------


def test_the_first_run_asks_once_per_place_and_the_second_asks_nothing(run, server):
    texts = [("1901 W Cermak Rd", ADDRESS), ("1901 w. cermak rd.", ADDRESS), ("63rd and Halsted", INTERSECTION),
             ("63rd & Halsted", INTERSECTION), ("123 Nowhere St", ADDRESS), ("4949 W Cermak Rd, Cicero IL", ADDRESS)]
    first_run = run()
    first = [outcome(first_run, t, p) for t, p in texts]
    assert server.total == 4
    second_run = run()
    assert [outcome(second_run, t, p) for t, p in texts] == first
    assert server.total == 4
    assert second_run.stats() == {"requests": 0, "cache_hits": 6, "misses": 1, "pending": 0, "capped": 0}


def test_a_miss_is_asked_again_only_after_it_expires(run, server, wall):
    assert verdict(run(miss_ttl_hours=24), "123 Nowhere St") == "LocationNotFound"
    wall.advance(hours=23)
    assert verdict(run(miss_ttl_hours=24), "123 Nowhere St") == "LocationNotFound"
    assert server.total == 1
    wall.advance(hours=2)
    assert verdict(run(miss_ttl_hours=24), "123 Nowhere St") == "LocationNotFound"
    assert server.total == 2


def test_hits_are_kept_forever(run, server, wall):
    run().locate("1901 W Cermak Rd", precision=ADDRESS)
    wall.advance(hours=24 * 365)
    run().locate("1901 W Cermak Rd", precision=ADDRESS)
    assert server.total == 1


# --- politeness ----------------------------------------------------------------------------


def test_the_cap_holds_new_lookups_past_it_in_submission_order(run, server):
    texts = ["1901 W Cermak Rd", "5700 S Cicero Ave", "100 N State St", "200 N State St"]
    locator = run(max_lookups_per_run=2)
    assert [verdict(locator, t) for t in texts] == ["located", "located", "LookupPending", "LookupPending"]
    assert list(server.requests) == [CERMAK, "5700 s cicero ave, chicago, il"]
    assert locator.locate("1901 W Cermak Rd", precision=ADDRESS).community_area == 31  # cached: not capped
    assert locator.stats() == {"requests": 2, "cache_hits": 1, "misses": 0, "pending": 2, "capped": 2}

    next_run = run(max_lookups_per_run=2)
    assert [verdict(next_run, t) for t in texts[2:]] == ["LocationNotFound", "LocationNotFound"]
    assert list(server.requests)[2:] == ["100 n state st, chicago, il", "200 n state st, chicago, il"]


def test_the_min_delay_is_kept_between_requests_but_not_for_cached_answers(run, server):
    time = FakeTime()
    locator = run(time=time, min_delay_seconds=1.0)
    locator.locate("1901 W Cermak Rd", precision=ADDRESS)       # first request: no wait
    locator.locate("63rd and Halsted", precision=INTERSECTION)  # waits a full second
    time.now += 0.3                                              # time spent elsewhere counts
    locator.locate("1901 W Cermak Rd", precision=ADDRESS)       # cached: no wait
    locator.locate("5700 S Cicero Ave", precision=ADDRESS)      # waits the rest
    assert time.sleeps == [1.0, 0.7]
    assert server.total == 3


# --- configuration -----------------------------------------------------------------------


def test_disabled_means_no_street_locator(tmp_path):
    assert build_street_locator(GeocoderConfig(), state_folder=tmp_path, geography=load_geography()) is None


@pytest.mark.parametrize("options, message", [
    ({"user_agent": ""}, "geocoder.user_agent: required by Nominatim's usage policy"),
    ({"provider": "nosuchservice"}, "geocoder.provider: geopy has no service 'nosuchservice'"),
    ({"api_key_env": "HEALING_MAP_TEST_NO_SUCH_KEY"}, "geocoder.api_key_env: nominatim does not take an API key"),
    ({"provider": "googlev3", "api_key_env": "HEALING_MAP_TEST_NO_SUCH_KEY"},
     "geocoder.api_key_env: environment variable HEALING_MAP_TEST_NO_SUCH_KEY is not set"),
    ({"provider": "bing"}, "geocoder.api_key_env: bing needs an API key"),
])
def test_bad_settings_are_config_errors_naming_the_key(tmp_path, options, message):
    config = GeocoderConfig(**{"enabled": True, "user_agent": "healing-map-tests", **options})
    with pytest.raises(ConfigError) as caught:
        build_street_locator(config, state_folder=tmp_path, geography=load_geography())
    assert str(caught.value).startswith(message)


def test_other_providers_come_through_the_same_path_with_keys_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("HEALING_MAP_TEST_GOOGLE_KEY", "AIza-test")
    google = build_street_locator(
        GeocoderConfig(enabled=True, provider="googlev3", api_key_env="HEALING_MAP_TEST_GOOGLE_KEY"),
        state_folder=tmp_path, geography=load_geography())
    arcgis = build_street_locator(GeocoderConfig(enabled=True, provider="arcgis"),
                                  state_folder=tmp_path, geography=load_geography())
    try:
        assert type(google.geocoder).__name__ == "GoogleV3" and google.geocoder.api_key == "AIza-test"
        assert set(google.query_options) == {"bounds", "region"}
        assert type(arcgis.geocoder).__name__ == "ArcGIS" and arcgis.query_options == {}
    finally:
        google.close()
        arcgis.close()


@pytest.mark.parametrize("text, precision, query", [
    ("1901 W. Cermak Rd., Suite 200", ADDRESS, "1901 W Cermak Rd, Chicago, IL"),
    ("St. Sabina Church, 1210 W 78th Pl", ADDRESS, "1210 W 78th Pl, Chicago, IL"),
    ("1901 W Cermak Rd Chicago IL 60608", ADDRESS, "1901 W Cermak Rd, Chicago, IL 60608"),
    ("63rd and Halsted", INTERSECTION, "63rd & Halsted, Chicago, IL"),
    ("W 63rd St. and S Halsted St, Chicago IL", INTERSECTION, "W 63rd St & S Halsted St, Chicago, IL"),
    ("4949 W Cermak Rd, Cicero IL", ADDRESS, "4949 W Cermak Rd, Cicero, IL"),
])
def test_geocoder_queries_name_the_street_then_the_city(text, precision, query):
    assert geocoder_query(text, precision) == query


def test_progress_passes_items_through_when_not_at_a_terminal():
    items = ["a", "b", "c"]
    assert list(progress_iter(iter(items), total=3, description="Locating", enabled=True)) == items
    assert list(progress_iter(items, total=3, description="Locating", enabled=False)) == items
