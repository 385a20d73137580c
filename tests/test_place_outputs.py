"""Sides, venues, virtual answers and the ZIP column, from the sheet to every output."""

import csv
import io
import json

import pytest

from tests.helpers import NOW, response, run_cli, write_responses

LOCATION, ZIP, TITLE = ("Which community area or neighborhood is it rooted in?", "ZIP code (optional)",
                        "Name of your activity")
ROWS = [
    response(**{LOCATION: "South Side", TITLE: "Southside circle"}),
    response(**{LOCATION: "Far South Side", TITLE: "Far south stories"}),
    response(**{LOCATION: "DuSable Museum", TITLE: "Museum talk"}),
    response(**{LOCATION: "Online – all of Chicago", ZIP: "60615", TITLE: "Zoom circle"}),
    response(**{LOCATION: "", ZIP: "60621", TITLE: "ZIP only"}),
    response(**{LOCATION: "Hyde Park/Kenwood", TITLE: "Two places"}),
    response(**{LOCATION: "Hydee Parkk", TITLE: "Unplaced"}),
]


def read_csv(path):
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    folder = tmp_path_factory.mktemp("places")
    result = run_cli("sync", "--config", str(write_responses(folder, ROWS)), "--now", NOW)
    assert result.returncode == 0, result.stderr
    return folder / "output"


def by_title(rows):
    return {r["title"]: r for r in rows}


def test_each_answer_is_placed_as_a_chicagoan_would(synced):
    staff = by_title(read_csv(synced / "staff" / "responses.csv"))
    assert (staff["Southside circle"]["precision"], staff["Southside circle"]["side"]) == ("side", "South")
    assert staff["Southside circle"]["community_area"] == ""
    assert staff["Far south stories"]["side"] == "Far South"
    assert (staff["Museum talk"]["precision"], staff["Museum talk"]["venue"],
            staff["Museum talk"]["community_area"]) == ("venue", "DuSable Museum", "40")
    assert (staff["Zoom circle"]["precision"], staff["Zoom circle"]["zip"]) == ("citywide", "60615")
    assert (staff["ZIP only"]["status"], staff["ZIP only"]["precision"], staff["ZIP only"]["community_area"]) == (
        "published", "zip", "68")
    assert staff["Two places"]["community_area"] == "41"
    assert "more than one place (Hyde Park, Kenwood)" in staff["Two places"]["warnings"]
    rejected = read_csv(synced / "staff" / "rejected.csv")
    assert [r["title"] for r in rejected] == ["Unplaced"]
    assert "'Hydee Parkk'" in rejected[0]["reasons"] and "did you mean" in rejected[0]["reasons"]


def test_public_files_show_sides_as_regions_and_venues_as_their_area(synced):
    public = by_title(read_csv(synced / "public" / "events.csv"))
    south = public["Southside circle"]
    assert (south["precision"], south["side"], south["place"], south["lat"], south["community_area"]) == (
        "side", "South", "South Side", "", "")
    museum = public["Museum talk"]
    assert (museum["precision"], museum["place"], museum["community_area"]) == ("community_area", "Washington Park", "40")
    features = {f["properties"]["title"]: f for f in json.loads((synced / "public" / "events.geojson").read_text())["features"]}
    assert features["Southside circle"]["geometry"] is None
    assert features["Southside circle"]["properties"]["side"] == "South"
    assert features["Zoom circle"]["geometry"] is None
    data = (synced / "public" / "activities.js").read_text(encoding="utf-8")
    assert '"sides":[["Far South",[' in data and '["South",[34,35,36,37,38,39,40,41,42,43,60,69]]' in data


def test_summit_counts_sides_apart_from_areas(synced):
    rows = {r["community_area_name"]: r for r in read_csv(synced / "staff" / "summit.csv")}
    assert len(rows) == 77 + 10 + 1  # areas, the nine sides and Far South, citywide
    assert rows["South Side"]["activities"] == "1" and rows["Far South Side"]["activities"] == "1"
    assert rows["Citywide"]["activities"] == "1"
    assert rows["Washington Park"]["activities"] == "1"  # the museum
    assert sum(int(r["activities"]) for r in rows.values()) == 6  # every published activity once
