"""The shared rules (sync/publish/rules.py): their docstring examples run, and the edge cases hold."""

import doctest
from datetime import datetime

import sync.publish.rules as rules
from sync.publish.rules import coverage_classes, fold, is_upcoming, is_web_url, shade


def test_docstring_examples():
    result = doctest.testmod(rules)
    assert result.attempted > 0 and result.failed == 0


def test_every_count_gets_a_class_and_the_busiest_the_darkest_shade():
    counts = {n: n % 7 for n in range(1, 78)}
    classes = coverage_classes(counts)
    assert classes[0][0] == 1 and classes[-1][1] == 6
    assert all(a[1] + 1 == b[0] for a, b in zip(classes, classes[1:]))  # contiguous, no gaps
    assert shade(6, classes) == rules.SHADES[-1]
    assert [shade(n, classes) for n in range(1, 7)] == sorted([shade(n, classes) for n in range(1, 7)],
                                                              key=rules.SHADES.index)


def test_a_single_count_is_one_class_in_the_darkest_shade():
    assert coverage_classes({5: 2, 6: 2}) == [(1, 2)]
    assert shade(1, [(1, 2)]) == shade(2, [(1, 2)]) == rules.SHADES[-1]


def test_upcoming_lasts_until_the_end_and_an_end_before_the_start_is_ignored():
    start = datetime(2026, 12, 5, 18)
    assert is_upcoming(start, datetime(2026, 12, 5, 17), datetime(2026, 12, 5, 19))
    assert not is_upcoming(start, datetime(2026, 12, 5, 17), datetime(2026, 12, 5, 19, 1))


def test_only_web_addresses_are_links():
    assert not is_web_url("data:text/html,<script>alert(1)</script>")
    assert not is_web_url("https://example.org\n")
    assert not is_web_url("http://[::1")  # urlsplit raises on it


def test_search_folding_matches_what_residents_type():
    assert fold("PILSEN") == fold("Pilsen") == "pilsen"
    assert fold("Humbóldt Park") == "humboldt park"
    assert fold("København") == "københavn"  # ø is a letter, not an accent
