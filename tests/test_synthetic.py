"""The synthetic form-response generator (testing/synthetic.py; ``python -m bench.synthetic`` runs it), the bundled sample it produced
(config/sample-responses.csv) and the neighbourhood aliases (config/neighborhoods.csv)."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from tests.helpers import HEADERS as FORM_HEADERS
from testing.synthetic import HEADERS, generate_responses, write_csv

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "config" / "sample-responses.csv"
ALIASES = ROOT / "config" / "neighborhoods.csv"
SAMPLE_ROWS, SAMPLE_SEED = 320, 2026

EXPECTED_HEADERS = FORM_HEADERS  # the brief's form, as tests/helpers.py spells it out
COL = {h: i for i, h in enumerate(EXPECTED_HEADERS)}


def _chicago_data() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("chicago")
    assert spec is not None and spec.submodule_search_locations, "the chicago package is not installed"
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def _stamp(value: str) -> datetime:
    return datetime.strptime(value, "%m/%d/%Y %H:%M:%S")


def _csv_text(headers: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO(newline="")
    write_csv(buf, headers, rows)
    return buf.getvalue()


@pytest.fixture(scope="module")
def sample() -> list[list[str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == EXPECTED_HEADERS
    return table[1:]


# --- the generator ---------------------------------------------------------------------------

def test_headers_are_exactly_the_forms() -> None:
    headers, rows = generate_responses(5)
    assert headers == EXPECTED_HEADERS == HEADERS
    assert "Approved" not in headers


def test_same_seed_same_rows_and_different_seed_different_rows() -> None:
    a = generate_responses(400, seed=7)
    b = generate_responses(400, seed=7)
    c = generate_responses(400, seed=8)
    assert a == b
    assert a[1] != c[1]
    assert generate_responses(400) == generate_responses(400, seed=2026)


def test_every_row_is_complete_and_all_strings() -> None:
    headers, rows = generate_responses(2000, seed=11)
    assert len(rows) == 2000
    for row in rows:
        assert len(row) == len(headers)
        assert all(isinstance(cell, str) for cell in row)


def test_formats_look_like_a_google_form() -> None:
    _, rows = generate_responses(3000, seed=3)
    ts = re.compile(r"^(1[0-1])/([1-9]|[12]\d|3[01])/2026 ([1-9]|1\d|2[0-3]|0):[0-5]\d:[0-5]\d$")
    date = re.compile(r"^([1-9]|1[0-2])/([1-9]|[12]\d|3[01])/20\d\d$")
    time = re.compile(r"^([1-9]|1[0-2]):[0-5]\d:00 (AM|PM)$")
    stamps = []
    for row in rows:
        assert ts.match(row[COL["Timestamp"]]), row[COL["Timestamp"]]
        assert row[COL["Date of the activity"]] == "" or date.match(row[COL["Date of the activity"]])
        for col in ("Start time", "End time"):
            assert row[COL[col]] == "" or time.match(row[COL[col]]), row[COL[col]]
        assert row[COL["May we show this activity on the public healing map?"]] in {"Yes", "No", ""}
        stamps.append(_stamp(row[COL["Timestamp"]]))
    assert stamps == sorted(stamps), "timestamps must be in increasing order"
    assert datetime(2026, 10, 20) <= stamps[0] and stamps[-1] < datetime(2026, 11, 25)


def test_mix_has_roughly_the_briefs_shares() -> None:
    _, rows = generate_responses(20000, seed=5)
    n = len(rows)

    def share(pred) -> float:
        return sum(1 for r in rows if pred(r)) / n

    consent = COL["May we show this activity on the public healing map?"]
    assert 0.85 < share(lambda r: r[consent] == "Yes") < 0.94
    assert 0.05 < share(lambda r: r[consent] == "No") < 0.11
    assert 0.25 < share(lambda r: r[COL["End time"]] == "") < 0.36
    assert 0.005 < share(lambda r: r[COL["Name of your activity"]] == "") < 0.025
    types = {"Healing circle", "Community conversation", "Storytelling", "Faith gathering",
             "Arts and culture", "Youth activity", "Workshop or training"}
    assert 0.03 < share(lambda r: r[COL["What type of activity is it?"]] not in types) < 0.08


def test_rows_for_a_smaller_n_are_a_prefix_apart_from_timestamps() -> None:
    _, small = generate_responses(300, seed=9)
    _, large = generate_responses(900, seed=9)
    assert [r[1:] for r in small] == [r[1:] for r in large[:300]]


def test_60k_rows_are_generated() -> None:
    """Speed is measured by bench/scale.py, not asserted here (a busy machine would fail a timed test)."""
    _, rows = generate_responses(60_000, seed=1)
    assert len(rows) == 60_000 and len({row[0] for row in rows[:1000]}) > 1


def test_cli_writes_sheets_style_csv(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    subprocess.run([sys.executable, "-m", "bench.synthetic", "--rows", "25", "--seed", "4", "--output", str(out)],
                   cwd=ROOT, check=True)
    data = out.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") >= 26
    assert data.decode("utf-8") == _csv_text(*generate_responses(25, seed=4))
    stdout = subprocess.run([sys.executable, "-m", "bench.synthetic", "--rows", "25", "--seed", "4"],
                            cwd=ROOT, check=True, capture_output=True).stdout
    assert stdout == data


# --- the bundled sample ------------------------------------------------------------------------

def test_bundled_sample_is_what_the_generator_makes() -> None:
    expected = _csv_text(*generate_responses(SAMPLE_ROWS, seed=SAMPLE_SEED))
    assert SAMPLE.read_bytes() == expected.encode("utf-8"), (
        "regenerate with: python -m bench.synthetic --rows 320 --seed 2026 --output config/sample-responses.csv")


def test_sample_has_at_least_300_rows(sample) -> None:
    assert len(sample) >= 300
    assert all(len(r) == len(EXPECTED_HEADERS) for r in sample)


def _any_cell(rows, pred, col: str | None = None) -> bool:
    if col is not None:
        return any(pred(r[COL[col]]) for r in rows)
    return any(pred(cell) for r in rows for cell in r)


@pytest.mark.parametrize(
    ("label", "col", "pred"),
    [
        ("leading-zero ZIP 02134", "ZIP code (optional)", lambda v: v == "02134"),
        ("ZIP outside Chicago 60201", "ZIP code (optional)", lambda v: v == "60201"),
        ("javascript: link", "Link to join or register", lambda v: v.lower().startswith("javascript:")),
        ("data: link", "Link to join or register", lambda v: v.lower().startswith("data:")),
        ("link without a scheme", "Link to join or register", lambda v: v.startswith("zoom.us/")),
        ("www link", "Link to join or register", lambda v: v.startswith("www.")),
        ("blank link", "Link to join or register", lambda v: v == ""),
        ("formula starting with =", None, lambda v: v.startswith("=")),
        ("formula starting with +", None, lambda v: v.startswith("+1 555")),
        ("formula starting with -@", None, lambda v: v.startswith("-@")),
        ("formula starting with @", None, lambda v: v.startswith("@")),
        ("<script>", None, lambda v: "<script>" in v),
        ("<img onerror>", None, lambda v: "onerror=" in v),
        ("<b>", None, lambda v: "<b>" in v),
        ("template literal", None, lambda v: "${" in v and "`" in v),
        ("Polish character", None, lambda v: any(c in v for c in "ąćęłńśźżŁŚŻ")),
        ("Spanish ñ and ¿", None, lambda v: "ñ" in v and "¿" in v),
        ("emoji", None, lambda v: "🌱" in v or "💜" in v),
        ("description with a line break", "Describe your activity", lambda v: "\n" in v),
        ("description over 5000 chars", "Describe your activity", lambda v: len(v) > 5000),
        ("description of 3000-5000 chars", "Describe your activity", lambda v: 3000 <= len(v) <= 5000),
        ("consent No", "May we show this activity on the public healing map?", lambda v: v == "No"),
        ("consent blank", "May we show this activity on the public healing map?", lambda v: v == ""),
        ("missing title", "Name of your activity", lambda v: v == ""),
        ("missing date", "Date of the activity", lambda v: v == ""),
        ("date in 2025", "Date of the activity", lambda v: v.endswith("/2025")),
        ("date in March 2027", "Date of the activity", lambda v: v.startswith("3/") and v.endswith("/2027")),
        ("Other: free text type", "What type of activity is it?", lambda v: v.startswith("Other: ")),
        ("free-text type", "What type of activity is it?", lambda v: v == "Poetry night"),
        ("lower-case area", "Which community area or neighborhood is it rooted in?", lambda v: v == "hyde park"),
        ("upper-case area", "Which community area or neighborhood is it rooted in?", lambda v: v == "AUSTIN"),
        ("misspelling", "Which community area or neighborhood is it rooted in?", lambda v: v == "Englwood"),
        ("nickname", "Which community area or neighborhood is it rooted in?", lambda v: v == "Pilsen"),
        ("ZIP as location", "Which community area or neighborhood is it rooted in?", lambda v: v == "60623"),
        ("street address", "Which community area or neighborhood is it rooted in?",
         lambda v: v == "5100 S Ashland Ave, Chicago, IL 60609"),
        ("intersection", "Which community area or neighborhood is it rooted in?", lambda v: v == "63rd and Halsted"),
        ("citywide", "Which community area or neighborhood is it rooted in?", lambda v: v == "City-wide"),
        ("outside Chicago", "Which community area or neighborhood is it rooted in?", lambda v: v == "Evanston"),
        ("blank location", "Which community area or neighborhood is it rooted in?", lambda v: v.strip() == ""),
        ("O'Hare", "Which community area or neighborhood is it rooted in?", lambda v: v == "O'Hare"),
        ("malformed email", "Email Address", lambda v: v in {"maria at gmail", "bob@"}),
        ("upper-case email", "Email Address", lambda v: "@" in v and v == v.upper()),
        ("garbage phone", "Phone (optional, for staff only)", lambda v: v == "call me"),
        ("formatted phone", "Phone (optional, for staff only)", lambda v: v == "(773) 555-0142"),
        ("multi-language answer", "Languages", lambda v: v == "English, Spanish, Polish"),
    ],
)
def test_sample_contains_each_kind_of_mess(sample, label, col, pred) -> None:
    assert _any_cell(sample, pred, col), f"no {label} in the sample"


def test_sample_has_end_time_before_start_time(sample) -> None:
    def minutes(t: str) -> int:
        clock, half = t.split(" ")
        h, m, _ = (int(x) for x in clock.split(":"))
        return (h % 12 + (12 if half == "PM" else 0)) * 60 + m

    s, e = COL["Start time"], COL["End time"]
    assert any(r[s] and r[e] and minutes(r[e]) < minutes(r[s]) for r in sample)


def test_sample_has_a_repeat_submission(sample) -> None:
    e, t, d, desc = (COL["Email Address"], COL["Name of your activity"], COL["Date of the activity"],
                     COL["Describe your activity"])
    seen: dict[tuple[str, str, str], list[str]] = {}
    repeats = 0
    for row in sample:
        key = (row[e], row[t], row[d])
        if row[t] and row[d] and key in seen:
            first = seen[key]
            if first[desc] != row[desc]:
                assert _stamp(first[COL["Timestamp"]]) <= _stamp(row[COL["Timestamp"]])
                repeats += 1
        seen.setdefault(key, row)
    assert repeats >= 1


# --- the neighbourhood aliases ------------------------------------------------------------------

def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.casefold())


@pytest.fixture(scope="module")
def aliases() -> list[dict[str, str]]:
    from sync.locate.placedata import read_rows

    return [row for _, row in read_rows(ALIASES, ("alias", "community_area", "source"), setting="aliases")]


def _ambiguous() -> set[str]:
    """Names the file leaves out on purpose, from its "# ambiguous, deliberately absent:" comment."""
    text = ALIASES.read_text(encoding="utf-8")
    found = re.search(r"#\s*ambiguous, deliberately absent:(.*?)\n(?!#\s{2,})", text, re.S)
    listed = re.sub(r"\(.*?\)", "", found.group(1).replace("#", "")) if found else ""
    return {_norm(name) for name in re.split(r"[;,]", listed) if name.strip()}


def test_aliases_are_numbers_1_to_77_without_duplicates(aliases) -> None:
    assert len(aliases) >= 150
    seen: set[str] = set()
    for row in aliases:
        alias = row["alias"]
        assert alias and alias == alias.strip()
        assert row["community_area"].isdigit() and 1 <= int(row["community_area"]) <= 77, row
        key = alias.casefold()
        assert key not in seen, f"duplicate alias {alias!r}"
        seen.add(key)


def test_no_alias_names_an_official_area_with_another_number(aliases) -> None:
    with (_chicago_data() / "CommAreas.csv").open(encoding="utf-8", newline="") as fh:
        official = {_norm(r["COMMUNITY"]): int(r["AREA_NUMBE"]) for r in csv.DictReader(fh)}
    assert len(official) == 77
    for row in aliases:
        number = official.get(_norm(row["alias"]))
        assert number is None or number == int(row["community_area"]), row


def test_every_city_neighborhood_name_is_an_alias_or_an_official_area(aliases) -> None:
    with (_chicago_data() / "CommAreas.csv").open(encoding="utf-8", newline="") as fh:
        official = {_norm(r["COMMUNITY"]) for r in csv.DictReader(fh)}
    known = {_norm(r["alias"]) for r in aliases} | official | _ambiguous()
    with (_chicago_data() / "Neighborhoods_2012b.csv").open(encoding="utf-8", newline="") as fh:
        names = {r["PRI_NEIGH"] for r in csv.DictReader(fh)}
    assert len(names) == 98
    missing = sorted(n for n in names if _norm(n) not in known)
    assert not missing, missing


@pytest.mark.parametrize(
    ("alias", "number"),
    [("Pilsen", 31), ("Little Village", 30), ("La Villita", 30), ("K-Town", 29), ("Bronzeville", 38),
     ("Back of the Yards", 61), ("Canaryville", 61), ("Wicker Park", 24), ("Ukrainian Village", 24),
     ("Bucktown", 22), ("O'Hare", 76), ("OHare", 76), ("O Hare", 76), ("Chinatown", 34), ("Boystown", 6),
     ("Northalsted", 6), ("Wrigleyville", 6), ("Andersonville", 77), ("Streeterville", 8), ("Gold Coast", 8),
     ("River North", 8), ("Old Town", 8), ("The Loop", 32), ("Downtown", 32), ("South Loop", 33),
     ("Printers Row", 32), ("West Loop", 28), ("Greektown", 28), ("Fulton Market", 28), ("Little Italy", 28),
     ("University Village", 28), ("Tri-Taylor", 28), ("Medical District", 28), ("Humboldt", 23),
     ("Ravenswood", 4), ("Roscoe Village", 5), ("Rosemoor", 49),
     ("Cabrini-Green", 8), ("Lakeview", 6), ("Jackson Park Highlands", 43), ("Marquette Park", 66),
     ("Lawndale", 29), ("East Village", 24)],
)
def test_well_known_nicknames(gazetteer, alias, number) -> None:
    assert gazetteer.locate(alias).community_area == number


def test_garfield_park_alone_is_ambiguous_and_rejected(gazetteer) -> None:
    from sync.errors import LocationNotFound

    with pytest.raises(LocationNotFound, match="West Garfield Park or East Garfield Park"):
        gazetteer.locate("Garfield Park")


@pytest.fixture(scope="module")
def gazetteer():
    from sync.config import load_config
    from sync.locate.gazetteer import Gazetteer

    return Gazetteer.from_config(load_config(ROOT / "config" / "healing-map.toml"))
