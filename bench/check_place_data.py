"""Check the locator's place data: ``config/neighborhoods.csv``, ``config/venues.csv``, ``config/streets.txt``.

The files are edited by hand, from public sources, and a wrong row does not fail loudly at run time:
it quietly pins an activity in the wrong community area. This script is the review a person would do,
written down so it runs after every edit::

    .venv/bin/python -m bench.check_place_data            # prints a summary, exit 1 on any problem
    .venv/bin/python -m bench.check_place_data --config-dir path/to/config

Names are compared by the matcher's own key (:func:`sync.locate.placetext.place_key`), so two rows the
matcher could not tell apart ("St. Sabina" and "Saint Sabina") count as a duplicate. Every check runs
on every row and the problems are listed together, as the sync's own validation does.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sync.locate.geography import Geography, data_dir, load_geography
from sync.locate.placetext import place_key

ROOT = Path(__file__).resolve().parent.parent

NEIGHBORHOOD_COLUMNS = ("alias", "community_area", "source")
NEIGHBORHOOD_SOURCES = ("city", "official", "common", "es", "pl")
VENUE_COLUMNS = ("venue", "community_area", "kind", "lat", "lon")
VENUE_KINDS = ("library", "park", "college", "museum", "stadium", "church", "cultural_center", "hospital",
               "landmark", "school")

#: Minimum sizes the issue asked for.
MIN_NEIGHBORHOODS, MIN_VENUES, MIN_CITY_NAMES, MIN_STREETS = 300, 220, 98, 350

#: Streets the issue names; an intersection on any of them must be recognised.
REQUIRED_STREETS = (
    "Clark", "Foster", "Lawrence", "Kimball", "Halsted", "King Drive", "Martin Luther King", "Cottage Grove",
    "Stony Island", "Western", "Ashland", "Cicero", "Pulaski", "Kedzie", "California", "Damen", "Racine", "Cermak",
    "Roosevelt", "Madison", "Chicago", "North", "Division", "Belmont", "Fullerton", "Diversey", "Irving Park",
    "Milwaukee", "Archer", "Ogden", "Lake Shore", "Sheridan", "Broadway", "Devon", "Touhy", "Howard", "Peterson",
    "Bryn Mawr", "Montrose", "Addison", "Grand", "Harlem", "Narragansett", "Central", "Austin", "Laramie", "Kostner",
    "Homan", "Jeffery", "Exchange", "Commercial", "Ewing", "Vincennes", "Wentworth", "State", "Michigan", "Wabash",
    "Garfield", "Pershing", "Marquette", "Vernon", "Drexel", "Ellis", "Woodlawn", "Dorchester", "Kenwood", "Lake Park",
)

#: The comment line of neighborhoods.csv that lists names left out on purpose.
AMBIGUOUS_PREFIX = "# ambiguous, deliberately absent:"
#: City SEC_NEIGH values that are a side or several names at once, not one neighbourhood.
CITY_NON_NAMES = frozenset({"southeast side", "ukrainian village and east village"})

#: A street written with its direction or abbreviated type ("N Clark St") or a numbered street ("63rd").
_STREET_DIRECTION = re.compile(r"^(n|s|e|w|nw|ne|sw|se)\.?\s", re.IGNORECASE)
_STREET_TYPE = re.compile(r"\s(st|ave|av|blvd|rd|pl|ct|ter|pkwy|hwy|dr|ln)\.?$", re.IGNORECASE)
_STREET_NUMBER = re.compile(r"\d")


@dataclass(frozen=True)
class Row:
    """One data row, with where it came from for the messages."""

    where: str
    name: str
    area: int | None
    fields: dict


def read_data(path: Path, columns: tuple[str, ...], problems: list[str]) -> tuple[list[str], list[Row]]:
    """The ``#`` comment lines and the rows of a CSV; parse problems are appended to ``problems``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    comments = [line for line in lines if line.lstrip().startswith("#")]
    if not lines or not lines[0].startswith("#"):
        problems.append(f"{path.name}: must open with '#' comment lines naming its sources")
    numbered = [(number, line) for number, line in enumerate(lines, start=1)
                if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        problems.append(f"{path.name}: no header row")
        return comments, []
    reader = csv.reader(line for _, line in numbered)
    header = next(reader)
    if tuple(header) != columns:
        problems.append(f"{path.name}:{numbered[0][0]}: header must be {','.join(columns)}, not {','.join(header)}")
        return comments, []
    rows = []
    for (number, _), values in zip(numbered[1:], reader):
        where = f"{path.name}:{number}"
        if len(values) != len(columns):
            problems.append(f"{where}: {len(values)} fields, expected {len(columns)}")
            continue
        fields = dict(zip(columns, (value.strip() for value in values)))
        rows.append(Row(where, fields[columns[0]], _area(fields["community_area"], where, problems), fields))
    return comments, rows


def _area(value: str, where: str, problems: list[str]) -> int | None:
    if value == "outside" and where.startswith("venues.csv"):
        return None  # a well-known place beyond the city limits (Brookfield Zoo)
    if not value.isdigit() or not 1 <= int(value) <= 77:
        problems.append(f"{where}: community_area must be a number 1-77, not {value!r}")
        return None
    return int(value)


def check_neighborhoods(rows: list[Row], problems: list[str]) -> None:
    """Every row names a place and a source tag the header defines."""
    for row in rows:
        if not place_key(row.name):
            problems.append(f"{row.where}: empty name")
        if row.fields["source"] not in NEIGHBORHOOD_SOURCES:
            problems.append(f"{row.where}: source must be one of {', '.join(NEIGHBORHOOD_SOURCES)}, "
                            f"not {row.fields['source']!r}")


def check_venues(rows: list[Row], geography: Geography, problems: list[str]) -> int:
    """Kinds, coordinates, and each point inside its stated area; returns how many rows have a point."""
    located = 0
    for row in rows:
        if not place_key(row.name):
            problems.append(f"{row.where}: empty name")
        if row.fields["kind"] not in VENUE_KINDS:
            problems.append(f"{row.where}: kind must be one of {', '.join(VENUE_KINDS)}, not {row.fields['kind']!r}")
        lat, lon = row.fields["lat"], row.fields["lon"]
        if not lat and not lon:
            continue
        try:
            point = float(lat), float(lon)
        except ValueError:
            problems.append(f"{row.where}: lat and lon must both be numbers or both blank")
            continue
        located += 1
        found = geography.area_at(*point)
        if row.area is not None and (found is None or found.number != row.area):
            where_it_is = f"area {found.number} ({found.name})" if found else "outside the city"
            problems.append(f"{row.where}: {row.name!r} is said to be in area {row.area} but "
                            f"{lat},{lon} is in {where_it_is}")
    return located


def check_names(rows: list[Row], geography: Geography, problems: list[str]) -> None:
    """No name twice (by the matcher's key), in one file or across both, and no official name moved."""
    official = {place_key(area.name): area.number for area in geography.areas.values()}
    seen: dict[str, Row] = {}
    for row in rows:
        key = place_key(row.name)
        if key in seen:
            problems.append(f"{row.where}: {row.name!r} repeats {seen[key].name!r} ({seen[key].where})")
        seen.setdefault(key, row)
        if key in official and row.area is not None and official[key] != row.area:
            problems.append(f"{row.where}: {row.name!r} is community area {official[key]}'s name, "
                            f"mapped here to {row.area}")


def city_names() -> tuple[list[str], set[str]]:
    """The City's 98 primary neighbourhood names, and every name it uses (secondary ones too), as keys."""
    with open(data_dir() / "Neighborhoods_2012b.csv", newline="", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    primary = [record["PRI_NEIGH"].strip() for record in records]
    keys = {place_key(name) for name in primary}
    for record in records:
        for part in record["SEC_NEIGH"].split(","):
            if place_key(part) and place_key(part) not in CITY_NON_NAMES:
                keys.add(place_key(part))
    return primary, keys


def ambiguous_names(comments: list[str]) -> set[str]:
    """Keys of the names the ambiguous comment line lists ("Garfield Park (26/27), ...")."""
    names = set()
    for line in comments:
        if line.startswith(AMBIGUOUS_PREFIX):
            text = re.sub(r"\([^)]*\)", "", line[len(AMBIGUOUS_PREFIX):])
            names |= {place_key(part) for part in text.split(",") if place_key(part)}
    return names


def check_city_coverage(rows: list[Row], comments: list[str], problems: list[str]) -> int:
    """Every City name is a row or listed as ambiguous; returns how many City names have a row."""
    primary, keys = city_names()
    present = {place_key(row.name) for row in rows}
    left_out = ambiguous_names(comments)
    for name in primary:
        if place_key(name) not in present and place_key(name) not in left_out:
            problems.append(f"neighborhoods.csv: the City's neighbourhood {name!r} is neither a row nor "
                            "in the ambiguous comment line")
    covered = len(keys & present)
    if covered < MIN_CITY_NAMES:
        problems.append(f"neighborhoods.csv: {covered} of the City's names covered, need {MIN_CITY_NAMES}")
    return covered


def read_streets(path: Path, problems: list[str]) -> list[str]:
    """Street names, one a line; each must be a bare name, once."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0].startswith("#"):
        problems.append(f"{path.name}: must open with '#' comment lines naming its source")
    names, seen = [], {}
    for number, line in enumerate(lines, start=1):
        name = line.strip()
        if not name or name.startswith("#"):
            continue
        where = f"{path.name}:{number}"
        if _STREET_NUMBER.search(name):
            problems.append(f"{where}: {name!r}: numbered streets are matched by pattern, not listed")
        if _STREET_DIRECTION.search(name) or _STREET_TYPE.search(name):
            problems.append(f"{where}: {name!r}: write the name without its direction or abbreviated type")
        key = place_key(name)
        if key in seen:
            problems.append(f"{where}: {name!r} repeats line {seen[key]}")
        seen.setdefault(key, number)
        names.append(name)
    missing = [street for street in REQUIRED_STREETS if place_key(street) not in seen]
    if missing:
        problems.append(f"{path.name}: missing {', '.join(missing)}")
    return names


def _iter_counts(label: str, rows: list[Row], column: str) -> Iterator[str]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.fields[column]] = counts.get(row.fields[column], 0) + 1
    yield f"  {label}: " + ", ".join(f"{value} {count}" for value, count in sorted(counts.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config-dir", type=Path, default=ROOT / "config", help="folder holding the three files")
    args = parser.parse_args(argv)
    problems: list[str] = []
    geography = load_geography()

    comments, neighborhoods = read_data(args.config_dir / "neighborhoods.csv", NEIGHBORHOOD_COLUMNS, problems)
    _, venues = read_data(args.config_dir / "venues.csv", VENUE_COLUMNS, problems)
    streets = read_streets(args.config_dir / "streets.txt", problems)

    check_neighborhoods(neighborhoods, problems)
    located = check_venues(venues, geography, problems)
    check_names(neighborhoods + venues, geography, problems)
    covered = check_city_coverage(neighborhoods, comments, problems)
    for label, count, least in (("neighbourhood rows", len(neighborhoods), MIN_NEIGHBORHOODS),
                                ("venue rows", len(venues), MIN_VENUES), ("street names", len(streets), MIN_STREETS)):
        if count < least:
            problems.append(f"{count} {label}, need at least {least}")

    areas = {row.area for row in neighborhoods + venues if row.area is not None}
    print(f"neighborhoods.csv: {len(neighborhoods)} rows, {covered} of the City's names covered, "
          f"{len(ambiguous_names(comments))} names left out as ambiguous")
    print(*_iter_counts("by source", neighborhoods, "source"), sep="\n")
    print(f"venues.csv: {len(venues)} rows, {located} with a point")
    print(*_iter_counts("by kind", venues, "kind"), sep="\n")
    print(f"streets.txt: {len(streets)} names")
    print(f"community areas named by some row: {len(areas)} of 77")
    for problem in problems:
        print(f"PROBLEM {problem}")
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
