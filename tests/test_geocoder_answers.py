"""Every shape of geocoder answer, served by the loopback Nominatim to the real geopy.

An answer that cannot be read (latitude 91, "NaN", "abc", ``[null]``, ``"hello"``, a
200 ``{"error": …}``) holds the response "location lookup pending", is never
cached, counts towards the outage limit and never fails the run.
"""

from __future__ import annotations

import sqlite3

import pytest

from sync.config import GeocoderConfig
from sync.errors import LookupPending
from sync.locate.geocoder import CACHE_FILE, build_street_locator
from sync.locate.geography import load_geography
from sync.records import Precision
from testing.nominatim import MALFORMED, Fault, NominatimServer

UNREADABLE = [name for name in MALFORMED if name != "no display_name"]


@pytest.fixture
def server():
    with NominatimServer() as s:
        yield s


@pytest.fixture
def run(server, tmp_path):
    """Start a run: a new locator over the same state folder, as each sync does."""
    opened = []

    def start(**options):
        config = GeocoderConfig(**{
            "enabled": True, "user_agent": "healing-map-tests (tests@example.org)", "domain": server.domain,
            "scheme": "http", "timeout_seconds": 2.0, "min_delay_seconds": 0.0, **options,
        })
        locator = build_street_locator(config, state_folder=tmp_path / "state", geography=load_geography())
        opened.append(locator)
        return locator

    yield start
    for locator in opened:
        locator.close()


def cached_answers(tmp_path) -> list[tuple]:
    with sqlite3.connect(tmp_path / "state" / CACHE_FILE) as db:
        return db.execute("SELECT query, found FROM answers").fetchall()


@pytest.mark.parametrize("name", UNREADABLE)
def test_an_unreadable_answer_is_pending_never_cached_and_asked_again(run, server, tmp_path, caplog, name):
    server.fail(Fault.answer(MALFORMED[name]))
    locator = run()
    with pytest.raises(LookupPending, match="^location lookup pending$"):
        locator.locate("1901 W Cermak Rd", precision=Precision.ADDRESS)
    with pytest.raises(LookupPending):  # the same place again this run: not asked twice
        locator.locate("1901 w. cermak rd.", precision=Precision.ADDRESS)
    assert server.total == 1
    assert cached_answers(tmp_path) == []
    assert locator.stats()["pending"] == 2
    assert any("geocoder nominatim answered '1901 W Cermak Rd, Chicago, IL' with something unreadable" in m
               for m in caplog.messages)

    server.fail(None)  # the next run asks again and locates it
    assert run().locate("1901 W Cermak Rd", precision=Precision.ADDRESS).community_area == 31
    assert server.total == 2
    assert cached_answers(tmp_path) == [("1901 w cermak rd, chicago, il", 1)]


def test_unreadable_answers_count_towards_the_outage_limit(run, server):
    server.fail(Fault.answer(MALFORMED["latitude 91"]))
    locator = run(outage_after_failures=3)
    for n in range(100, 106):
        with pytest.raises(LookupPending):
            locator.locate(f"{n} N State St", precision=Precision.ADDRESS)
    assert server.total == 3
    assert locator.stats() == {"requests": 3, "cache_hits": 0, "misses": 0, "pending": 6, "capped": 0}


def test_an_error_object_is_not_remembered_as_not_found(run, server, tmp_path):
    """A 200 ``{"error": "Internal"}`` used to be cached as a miss for a day and the response rejected."""
    server.fail(Fault.answer({"error": "Internal"}, times=1))
    with pytest.raises(LookupPending):
        run().locate("1901 W Cermak Rd", precision=Precision.ADDRESS)
    assert cached_answers(tmp_path) == []


def test_a_place_without_display_name_is_used_and_named_by_its_point(run, server, tmp_path):
    server.fail(Fault.answer(MALFORMED["no display_name"]))
    location = run().locate("1901 W Cermak Rd", precision=Precision.ADDRESS)
    assert (location.community_area, location.lat, location.lon, location.matched) == (31, 41.8523, -87.6742, "")
    assert cached_answers(tmp_path) == [("1901 w cermak rd, chicago, il", 1)]


def test_a_numeric_point_is_read_like_a_string_one(run, server):
    server.fail(Fault.answer([{"lat": 41.8523, "lon": -87.6742, "display_name": "1901, West Cermak Road"}]))
    location = run().locate("1901 W Cermak Rd", precision=Precision.ADDRESS)
    assert (location.community_area, location.matched) == (31, "1901, West Cermak Road")


def test_nothing_found_is_still_a_miss(run, server, tmp_path):
    server.fail(Fault.answer([]))
    locator = run()
    with pytest.raises(Exception, match="no address found"):
        locator.locate("1901 W Cermak Rd", precision=Precision.ADDRESS)
    assert cached_answers(tmp_path) == [("1901 w cermak rd, chicago, il", 0)]
