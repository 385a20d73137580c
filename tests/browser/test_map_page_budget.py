"""The page's size budget and what goes into it: the page and its data script (no browser needed)."""

from __future__ import annotations

from testing.map_events import synthetic_events
from sync.publish.map_page import DESCRIPTION_MAX_CHARS, PAGE_BUDGET_BYTES
from tests.browser.pages import event, page_data, render

_data = page_data


def test_ten_thousand_activities_fit_in_the_budget():
    events = synthetic_events(10_000)
    page = render(events)
    size = len(page.html.encode("utf-8")) + len(page.data.encode("utf-8"))
    assert size < 1_500_000, f"{size:,} bytes"
    assert size <= PAGE_BUDGET_BYTES
    data = _data(page)
    assert len(data["ev"]["id"]) == 10_000
    assert len(data["ev"]["places"]) <= 77  # one place per community area: markers are per place


def test_descriptions_are_excerpts_that_fill_what_the_budget_leaves():
    long = "Word " * 1600  # 8,000 characters
    small = render([event(1, description=long), event(2, description="Short and sweet.")])
    descriptions = list(_data(small)["ev"]["d"].values()) if isinstance(_data(small)["ev"]["d"], dict) else _data(small)["ev"]["d"]
    assert descriptions[1] == "Short and sweet."
    assert descriptions[0].endswith("…") and len(descriptions[0]) <= DESCRIPTION_MAX_CHARS
    big = _data(render(synthetic_events(10_000)))["ev"]["d"]
    lengths = [len(d) for d in (big.values() if isinstance(big, dict) else big)]
    assert max(lengths, default=0) <= DESCRIPTION_MAX_CHARS


def test_contact_fields_never_reach_the_page():
    e = event(1)
    e.update(contact_email="host@example.org", contact_phone="+1 312 555 0100", contact_name="Jane Host")
    for text in render([e]).files().values():
        assert "host@example.org" not in text and "555 0100" not in text and "Jane Host" not in text


def test_inlined_script_and_styles_cannot_end_their_elements():
    from sync.publish.map_page import SCRIPT_FILES, TEMPLATES

    for name in (*SCRIPT_FILES, "map_page.css"):
        text = (TEMPLATES / name).read_text(encoding="utf-8").lower()
        assert "</script" not in text and "</style" not in text and "<!--" not in text, name


def test_the_page_is_the_same_for_the_same_input():
    events = synthetic_events(50)
    assert render(events) == render(events)
