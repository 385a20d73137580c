"""The locator on the labelled corpus of answers residents write: every answer right, no wrong place."""

import pytest

from sync.config import load_config
from sync.locate.gazetteer import Gazetteer
from testing.place_corpus import load_corpus, score, table
from tests.helpers import DEFAULT_CONFIG


@pytest.fixture(scope="module")
def scored():
    return score(Gazetteer.from_config(load_config(DEFAULT_CONFIG)).locate, load_corpus())


def test_the_corpus_is_large_and_covers_every_category(scored):
    counts = table(scored)
    assert len(scored) >= 500
    assert {"neighborhood", "typo", "virtual", "side", "venue", "street", "outside", "direction_trap"} <= set(counts)


def test_no_answer_is_placed_in_the_wrong_place(scored):
    wrong = [f"{s.case.text!r}: expected {s.case.expected}, got {s.got}" for s in scored if s.outcome == "wrong_place"]
    assert wrong == []


def test_every_answer_is_judged_right(scored):
    misses = [f"{s.outcome}: {s.case.text!r} expected {s.case.expected}, got {s.got}"
              for s in scored if s.outcome != "right"]
    assert misses == []


def test_the_judge_tells_a_wrong_place_from_a_rejection():
    from sync.errors import LocationNotFound
    from sync.records import Location, Precision
    from testing.place_corpus import Case, judge

    everywhere_is_rogers_park = Location(Precision.COMMUNITY_AREA, 1, "Rogers Park")
    assert judge(Case("Pilsen", "", "31", "neighborhood"), everywhere_is_rogers_park) == "wrong_place"
    assert judge(Case("asdf", "", "reject", "unplaceable"), everywhere_is_rogers_park) == "wrong_place"
    assert judge(Case("Pilsen", "", "31", "neighborhood"), LocationNotFound("no")) == "unplaced"
    assert judge(Case("South Side", "", "side:South", "side"),
                 Location(Precision.SIDE, side="South")) == "right"
