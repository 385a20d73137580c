"""The labelled place corpus (tests/data/place_corpus.csv) and how the locator is scored on it.

Each row is an answer as residents type it, with the ZIP column's answer and what a
Chicagoan would take it for: a community area number, ``side:<Side>``, ``citywide``,
``zip:<ZIP>``, ``street`` (needs the online geocoder), ``outside`` or ``reject``. A
wrong place is worse than no place, so outcomes are told apart: ``right``,
``wrong_place`` (placed, but not where the label says, or placed when it should not
be), ``unplaced`` (a placeable answer rejected) and ``wrong_reason`` (rejected as
expected, for another reason).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from sync.errors import LocateError
from sync.records import Location, Precision

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "place_corpus.csv"
OUTCOMES = ("right", "wrong_place", "unplaced", "wrong_reason")
_ERROR_LABELS = {"street": "needs_geocoder", "outside": "outside_city", "reject": "location_not_found"}


@dataclass(frozen=True)
class Case:
    text: str
    zip: str
    expected: str
    category: str


@dataclass(frozen=True)
class Scored:
    case: Case
    outcome: str
    got: str


def load_corpus(path: Path = CORPUS) -> list[Case]:
    with open(path, newline="", encoding="utf-8") as fh:
        return [Case(r["text"], r["zip"], r["expected"].strip(), r["category"].strip()) for r in csv.DictReader(fh)]


def describe(result: Location | LocateError) -> str:
    """The outcome in the corpus's own vocabulary."""
    if isinstance(result, LocateError):
        return result.code
    if result.precision is Precision.CITYWIDE:
        return "citywide"
    if result.precision is Precision.SIDE:
        return f"side:{result.side}"
    if result.precision is Precision.ZIP:
        return f"zip:{result.zip} ({result.community_area})"
    return str(result.community_area)


def judge(case: Case, result: Location | LocateError) -> str:
    expected = case.expected
    if isinstance(result, LocateError):
        if expected in _ERROR_LABELS:
            return "right" if result.code == _ERROR_LABELS[expected] else "wrong_reason"
        return "unplaced"
    if expected in _ERROR_LABELS:
        return "wrong_place"
    if expected == "citywide":
        ok = result.precision is Precision.CITYWIDE
    elif expected.startswith("side:"):
        ok = result.precision is Precision.SIDE and result.side == expected.split(":", 1)[1]
    elif expected.startswith("zip:"):
        ok = result.precision is Precision.ZIP and result.zip == expected.split(":", 1)[1]
    else:
        ok = result.precision not in (Precision.CITYWIDE, Precision.SIDE) and str(result.community_area) == expected
    return "right" if ok else "wrong_place"


def score(locate, cases: list[Case]) -> list[Scored]:
    """Run ``locate(text, zip)`` on every case and judge each answer."""
    scored = []
    for case in cases:
        try:
            result = locate(case.text, case.zip)
        except LocateError as exc:
            result = exc
        scored.append(Scored(case, judge(case, result), describe(result)))
    return scored


def table(scored: list[Scored]) -> dict[str, Counter]:
    """Outcome counts per category, plus ``all``."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for s in scored:
        counts[s.case.category][s.outcome] += 1
        counts["all"][s.outcome] += 1
    return dict(counts)
