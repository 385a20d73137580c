"""The sync CLI with the geocoder on, against the loopback Nominatim, as cron runs it."""

from __future__ import annotations

import csv
import json

import pytest

from sync.locate.geography import load_geography
from tests.helpers import NOW, response, run_cli, write_responses
from testing.nominatim import MALFORMED, Fault, NominatimServer

LOCATION = "Which community area or neighborhood is it rooted in?"
TEXTS = ["1901 W Cermak Rd", "63rd and Halsted", "1901 w. cermak rd.", "Pilsen",
         "4949 W Cermak Rd, Cicero IL", "123 Nowhere St"]


@pytest.fixture
def server():
    with NominatimServer() as s:
        yield s


def write(tmp_path, server, texts=TEXTS):
    rows = [response(**{LOCATION: text, "Name of your activity": f"Activity {n}"}) for n, text in enumerate(texts)]
    return write_responses(tmp_path, rows, geocoder={
        "enabled": True, "domain": server.domain, "scheme": "http", "min_delay_seconds": 0,
    })


def sync(config):
    done = run_cli("sync", "--config", str(config), "--now", NOW)
    assert done.returncode == 0, done.stderr
    return done


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def by_title(rows):
    return {row["title"]: row for row in rows}


def test_each_place_is_asked_once_and_never_again(tmp_path, server):
    config = write(tmp_path, server)
    sync(config)
    assert server.total == 4  # Cermak (twice in the sheet), 63rd & Halsted, Cicero, Nowhere
    sync(config)
    assert server.total == 4

    staff = by_title(read_csv(tmp_path / "output" / "staff" / "responses.csv"))
    assert [staff[f"Activity {n}"]["status"] for n in range(6)] == [
        "published", "published", "published", "published", "rejected", "rejected"]
    assert staff["Activity 4"]["reasons"].startswith("outside Chicago")
    assert staff["Activity 5"]["reasons"] == "no address found for '123 Nowhere St'"
    report = json.loads((tmp_path / "output" / "staff" / "report.json").read_text(encoding="utf-8"))
    assert report["counts"] == {"read": 6, "published": 4, "held": 0, "rejected": 2, "blank_rows": 0}


def test_only_staff_see_the_exact_point(tmp_path, server):
    sync(write(tmp_path, server))
    staff = by_title(read_csv(tmp_path / "output" / "staff" / "responses.csv"))["Activity 0"]
    assert (staff["precision"], staff["lat"], staff["lon"]) == ("address", "41.8523", "-87.6742")
    assert staff["community_area_name"] == "Lower West Side"
    assert staff["matched"].startswith("1901, West Cermak Road")

    area = load_geography().areas[31]
    public = by_title(read_csv(tmp_path / "output" / "public" / "events.csv"))
    event = public["Activity 0"]
    assert (event["precision"], event["community_area_name"]) == ("community_area", "Lower West Side")
    assert (float(event["lat"]), float(event["lon"])) == (round(area.lat, 5), round(area.lon, 5))
    # Every text file (the .gz/.br copies hold the same bytes; the preview is a picture), calendar lines unfolded.
    published = "".join(path.read_text(encoding="utf-8").replace("\n ", "")
                        for path in (tmp_path / "output" / "public").rglob("*")
                        if path.is_file() and path.suffix not in (".gz", ".br", ".png"))
    assert "41.8523" not in published and "Cermak" not in published


def test_an_outage_holds_street_locations_and_publishes_the_rest(tmp_path, server):
    server.fail(Fault.unavailable())
    config = write(tmp_path, server, ["1901 W Cermak Rd", "63rd and Halsted", "5700 S Cicero Ave", "Pilsen"])
    done = sync(config)
    assert "geocoder nominatim 3 failures in a row" in done.stderr  # outage_after_failures = 3
    staff = by_title(read_csv(tmp_path / "output" / "staff" / "responses.csv"))
    assert [(staff[f"Activity {n}"]["status"], staff[f"Activity {n}"]["reasons"]) for n in range(4)] == [
        ("held", "location lookup pending")] * 3 + [("published", "")]
    assert [e["title"] for e in read_csv(tmp_path / "output" / "public" / "events.csv")] == ["Activity 3"]

    server.fail(None)  # the next run asks again and publishes them
    sync(config)
    staff = by_title(read_csv(tmp_path / "output" / "staff" / "responses.csv"))
    assert [staff[f"Activity {n}"]["status"] for n in range(4)] == ["published"] * 4
    assert server.total == 6


def test_a_miss_is_asked_again_once_it_expires(tmp_path, server):
    """Unchanged rows reuse their decisions, except geocoder misses: those follow the cache's expiry."""
    rows = [response(**{LOCATION: "123 Nowhere St"})]
    config = write_responses(tmp_path, rows, geocoder={
        "enabled": True, "domain": server.domain, "scheme": "http", "min_delay_seconds": 0, "miss_ttl_hours": 0,
    })
    sync(config)
    sync(config)
    assert server.total == 2  # expired at once: asked on every run
    config = write_responses(tmp_path, rows, geocoder={
        "enabled": True, "domain": server.domain, "scheme": "http", "min_delay_seconds": 0, "miss_ttl_hours": 24,
    })
    sync(config)
    sync(config)
    assert server.total == 3  # remembered for a day after the third run's miss


@pytest.mark.parametrize("name", ["latitude 91", '"hello"', '{"error":"Internal"}'])
def test_an_unreadable_answer_holds_the_response_and_the_sync_succeeds(tmp_path, server, name):
    server.fail(Fault.answer(MALFORMED[name]))
    config = write(tmp_path, server, ["1901 W Cermak Rd", "Pilsen"])
    done = sync(config)
    assert "with something unreadable" in done.stderr and "Traceback" not in done.stderr
    staff = by_title(read_csv(tmp_path / "output" / "staff" / "responses.csv"))
    assert [(staff[f"Activity {n}"]["status"], staff[f"Activity {n}"]["reasons"]) for n in range(2)] == [
        ("held", "location lookup pending"), ("published", "")]

    server.fail(None)  # nothing was cached: the next run asks again and publishes it
    sync(config)
    assert by_title(read_csv(tmp_path / "output" / "staff" / "responses.csv"))["Activity 0"]["status"] == "published"
    assert server.total == 2
