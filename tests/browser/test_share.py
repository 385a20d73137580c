"""Share links: the page's state in its address (map_url.js).

Each test opens the page fresh at an address with a fragment, as a visitor following a link does.
The filters are checked against the independent oracle of tests/browser/pages.py.
"""

from __future__ import annotations

from urllib.parse import quote


import pytest

from testing.browser import SITE
from tests.browser.conftest import PHONE
from tests.browser.pages import xss_events, event, expected_ids, mixed_events
from tests.browser.sharing import fragment, in_view, list_ids, render

pytestmark = pytest.mark.browser


# ---------- opening a link ----------

def test_a_shared_link_restores_the_filters_and_opens_the_activity(open_page):
    events = mixed_events()
    target = next(e for e in events if e["community_area"] == 32 and e["type"] == "Community conversation")
    address = f"index.html#area=32&type=community-conversation&when=all&a={target['id']}"
    opened = open_page(render(events), address=address)
    page = opened.page
    state = page.evaluate("() => HealingMap.state()")
    assert (state["area"], state["when"], state["type"]) == ("32", "all", "1")
    assert page.locator("#hm-area").input_value() == "32"
    assert page.locator("#hm-area option:checked").inner_text() == "Loop"
    assert page.locator("#hm-type option:checked").inner_text() == "Community conversation"
    by_id = {e["id"]: e for e in events}
    expected = [i for i in expected_ids(events, when="all", type="Community conversation")
                if by_id[i]["community_area"] == 32]
    assert target["id"] in expected and list_ids(page) == expected
    # the activity: its popup open, highlighted in it; highlighted in the list and scrolled into view
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator(".hm-popup-title").inner_text() == "Loop"
    assert popup.locator(".hm-highlight .hm-popup-item-title").inner_text() == target["title"]
    item = page.locator(f"#activity-{target['id']}")
    assert "hm-shared" in item.get_attribute("class") and item.get_attribute("aria-current") == "true"
    assert page.locator("#hm-list .hm-shared").count() == 1
    assert in_view(page, f"#activity-{target['id']}")
    assert fragment(page) == f"#area=32&type=community-conversation&when=all&a={target['id']}"
    assert opened.js_errors() == []


def test_a_link_far_down_the_list_renders_and_scrolls_to_it(open_page):
    events = [event(n, area=8 + n % 3, day=n % 30, hour=8 + n % 12, title=f"Activity {n:03d}") for n in range(140)]
    last = expected_ids(events)[-1]
    page = open_page(render(events), address=f"index.html#a={last}").page
    assert page.locator("#hm-list li.hm-item").count() > 50  # "Show more" pressed for it
    assert in_view(page, f"#activity-{last}")
    page.locator(".leaflet-popup-content .hm-highlight").wait_for()


def test_an_activity_hidden_by_the_links_filters_is_shown_anyway(open_page):
    events = mixed_events()
    past = next(e for e in events if e["id"] not in expected_ids(events) and e["community_area"])
    page = open_page(render(events), address=f"index.html#type=storytelling&a={past['id']}").page
    assert page.evaluate("() => HealingMap.state().when") == "all"
    assert page.evaluate("() => HealingMap.state().type") == ""
    assert in_view(page, f"#activity-{past['id']}.hm-shared")
    assert fragment(page) == f"#when=all&a={past['id']}"


def test_an_activity_no_longer_published_is_said_to_be_gone(open_page):
    opened = open_page(render(mixed_events()), address="index.html#when=week&a=0123456789ab")
    page = opened.page
    assert page.inner_text("#hm-share-status") == "The activity in this link is no longer on the map."
    assert page.get_attribute("#hm-share-status", "role") == "status"
    assert page.evaluate("() => HealingMap.state().when") == "week"
    assert fragment(page) == "#when=week"
    assert opened.js_errors() == []


def test_a_side_activity_opens_its_regions_popup(open_page):
    side = event(1, area=None, precision="side", place="South Side", side="South", title="Southside circle")
    events = [side, event(2, area=41), event(3, area=8)]
    page = open_page(render(events), address=f"index.html#side=south&a={side['id']}").page
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator(".hm-popup-title").inner_text() == "South Side"
    assert popup.locator(".hm-highlight .hm-popup-item-title").inner_text() == "Southside circle"
    assert list_ids(page) == ["ev0002", "ev0001"]  # Hyde Park is on the South Side; the Near North Side is not
    assert page.locator("#hm-area option:checked").inner_text() == "South Side"


def test_on_a_phone_the_link_opens_the_list_at_the_activity(open_page):
    events = mixed_events()
    target = expected_ids(events)[20]
    page = open_page(render(events), address=f"index.html#lang=es&a={target}", viewport=PHONE).page
    assert page.evaluate("() => document.body.dataset.view") == "list"
    assert page.evaluate("() => document.documentElement.lang") == "es"
    assert in_view(page, f"#activity-{target}.hm-shared")
    assert page.locator(".leaflet-popup").count() == 0


def test_anchors_and_unknown_values_are_not_state(open_page):
    events = mixed_events()
    opened = open_page(render(events), address="index.html#area=999&side=nowhere&type=juggling&when=soon&lang=xx&a=<b>")
    page = opened.page
    state = page.evaluate("() => HealingMap.state()")
    assert (state["area"], state["type"], state["when"], state["language"]) == ("", "", "upcoming", "en")
    assert list_ids(page) == expected_ids(events)
    assert fragment(page) == ""
    anchored = open_page(render(events), address="index.html#hm-list-heading").page
    assert fragment(anchored) == "#hm-list-heading"  # a plain anchor is left alone
    assert opened.js_errors() == []


# ---------- the fragment follows the filters ----------

def test_changing_filters_rewrites_the_fragment_without_history_entries(open_page):
    events = mixed_events()
    target = expected_ids(events)[3]
    page = open_page(render(events), address=f"index.html#a={target}").page
    entries = page.evaluate("() => history.length")
    page.select_option("#hm-type", label="Storytelling")
    assert fragment(page) == "#type=storytelling"  # a filter change lets the activity go
    page.select_option("#hm-area", label="Lincoln Square")
    page.select_option("#hm-language", label="Spanish")
    page.get_by_role("radio", name="This week").check()
    page.fill("#hm-q", "rozmowa á&b")
    page.press("#hm-q", "Enter")
    assert fragment(page) == "#area=4&type=storytelling&language=spanish&when=week&q=rozmowa%20%C3%A1%26b"
    page.select_option("#hm-area", label="Far Southeast Side")
    page.click("#hm-lang-switch")
    assert fragment(page) == ("#side=far-southeast&type=storytelling&language=spanish&when=week"
                              "&q=rozmowa%20%C3%A1%26b&lang=es")
    page.click("#hm-reset")
    assert fragment(page) == "#lang=es"
    assert page.evaluate("() => history.length") == entries  # replaced, never pushed: Back leaves the page
    page.click("#hm-lang-switch")
    assert page.evaluate("() => location.href") == SITE + "index.html"


def test_a_new_fragment_in_the_same_page_is_applied(open_page):
    events = mixed_events()
    page = open_page(render(events), address="index.html").page
    target = next(e for e in events if e["id"] in expected_ids(events) and e["community_area"] == 8)
    page.evaluate("(hash) => { location.hash = hash; }", f"area=8&a={target['id']}")
    page.locator(".leaflet-popup-content .hm-highlight").wait_for()
    assert page.evaluate("() => HealingMap.state().area") == "8"
    assert page.locator(f"#activity-{target['id']}.hm-shared").count() == 1


# ---------- untrusted text ----------

WATCH = """
window.__xss = [];
for (const name of ['alert', 'confirm', 'prompt']) { window[name] = (...a) => window.__xss.push(name + a.join(',')); }
"""


@pytest.mark.parametrize("embed", [False, True], ids=["index", "embed"])
def test_payloads_in_the_address_and_the_activities_stay_text(open_page, embed):
    events = xss_events()
    payload = "<img src=x onerror=alert(1)>"
    page_name = "embed.html" if embed else "index.html"
    address = f"{page_name}#when=all&q={quote(payload)}&a={quote(events[1]['id'])}&type=%3Cscript%3E"
    opened = open_page(render(events), address=address, init_script=WATCH)
    page = opened.page
    assert page.input_value("#hm-q") == payload
    assert page.evaluate("() => HealingMap.state().type") == ""
    page.fill("#hm-q", "")
    page.press("#hm-q", "Enter")
    page.locator("#hm-list li.hm-item").first.locator("button.hm-share-button").click()
    assert page.evaluate("() => window.__xss") == []
    assert page.locator("#hm-list img, #hm-list script, #hm-share img").count() == 0
    assert opened.js_errors() == []
