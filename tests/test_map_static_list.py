"""The map page without its script: the upcoming activities in the HTML, their schema.org data, the meta tags.

No browser here (tests/browser/test_map_static.py opens the page with JavaScript off): the page's
HTML is parsed with the standard library and held to the filters' oracle and to the schema.org
``Event`` properties the JSON-LD uses.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

from sync.publish.map_page import PAGE_BUDGET_BYTES, MapPage
from sync.publish.static_list import STATIC_LIST_MAX
from testing.map_events import synthetic_events
from tests.browser.pages import NOW, XSS, config, event, expected_ids, mixed_events, render, xss_events

SCHEMA = "https://schema.org/"
OFFSET_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?[+-]\d\d:\d\d$")


class Page(HTMLParser):
    """Every element's tag, attributes and the text inside it, plus the parts the tests read."""

    def __init__(self, html: str | MapPage):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.stack: list[tuple[str, dict]] = []
        self.items: list[dict] = []   # li.hm-item in #hm-list, with their title text
        self.noscript: list[tuple[str, str]] = []  # (lang, text) of the noscript paragraphs
        self.json_ld: list[str] = []
        self.meta: dict[str, str] = {}
        self.title_text: dict[str, str] = {}
        self._text_for: list | None = None
        self.feed(html.html if isinstance(html, MapPage) else html)

    VOID = {"meta", "link", "input", "br", "img", "hr", "source", "area", "base", "col", "embed", "wbr"}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta[attrs.get("name") or attrs["property"]] = attrs.get("content") or ""
        if tag == "li" and "hm-item" in (attrs.get("class") or "").split():
            self.items.append({"id": attrs.get("data-id"), "title": "", "links": []})
        if tag == "a" and self.items and self._inside("li", "hm-item"):
            self.items[-1]["links"].append(attrs.get("href"))
        if tag not in self.VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self.stack:
            return
        tag, attrs = self.stack[-1]
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self.json_ld.append(data)
        elif tag == "h4" and "hm-item-title" in (attrs.get("class") or ""):
            self.items[-1]["title"] += data
        elif tag == "p" and "hm-noscript" in (attrs.get("class") or ""):
            self.noscript.append((attrs.get("lang"), data))

    def _inside(self, tag: str, class_name: str) -> bool:
        return any(t == tag and class_name in (a.get("class") or "").split() for t, a in self.stack)


# ---------- a hand-written check of the schema.org Event properties the JSON-LD uses ----------

EVENT_REQUIRED = {"@context", "@type", "name", "startDate", "eventStatus", "eventAttendanceMode", "location"}
EVENT_ALLOWED = EVENT_REQUIRED | {"endDate", "description", "url", "organizer"}
STATUSES = {SCHEMA + s for s in ("EventScheduled", "EventCancelled", "EventPostponed", "EventRescheduled",
                                 "EventMovedOnline")}
MODES = {SCHEMA + m for m in ("OnlineEventAttendanceMode", "OfflineEventAttendanceMode", "MixedEventAttendanceMode")}


def check_event(item: dict) -> list[str]:
    """What is wrong with one JSON-LD object as a schema.org Event (an empty list when nothing is)."""
    errors = [f"missing {k}" for k in sorted(EVENT_REQUIRED - item.keys())]
    errors += [f"unexpected {k}" for k in sorted(item.keys() - EVENT_ALLOWED)]
    if item.get("@context") != "https://schema.org" or item.get("@type") != "Event":
        errors.append("not a schema.org Event")
    if not isinstance(item.get("name"), str) or not item["name"]:
        errors.append("name must be text")
    start = item.get("startDate", "")
    if not (OFFSET_TIME.match(start) or re.match(r"^\d{4}-\d\d-\d\d$", start)):
        errors.append(f"startDate {start!r} is not an ISO 8601 date or a time with its offset")
    if "endDate" in item:
        if not OFFSET_TIME.match(item["endDate"]):
            errors.append("endDate is not a time with its offset")
        elif OFFSET_TIME.match(start) and datetime.fromisoformat(item["endDate"]) <= datetime.fromisoformat(start):
            errors.append("endDate is not after startDate")
    if item.get("eventStatus") not in STATUSES:
        errors.append("eventStatus is not an EventStatusType")
    if item.get("eventAttendanceMode") not in MODES:
        errors.append("eventAttendanceMode is not an EventAttendanceModeEnumeration")
    location = item.get("location") or {}
    if location.get("@type") == "VirtualLocation":
        if item.get("eventAttendanceMode") != SCHEMA + "OnlineEventAttendanceMode":
            errors.append("a VirtualLocation needs the online attendance mode")
        if set(location) - {"@type", "url"} or not str(location.get("url", "https://")).startswith(("https://", "http://")):
            errors.append("VirtualLocation has properties other than a web url")
    elif location.get("@type") == "Place":
        address = location.get("address") or {}
        if not isinstance(location.get("name"), str) or not location["name"] or set(location) - {"@type", "name", "address"}:
            errors.append("Place needs a name and an address only")
        if address != {"@type": "PostalAddress", "addressLocality": "Chicago", "addressRegion": "IL",
                       "addressCountry": "US"}:
            errors.append(f"address {address!r} is not Chicago, IL")
        if item.get("eventAttendanceMode") != SCHEMA + "OfflineEventAttendanceMode":
            errors.append("a Place needs the offline attendance mode")
    else:
        errors.append("location is neither a Place nor a VirtualLocation")
    if "url" in item and not re.match(r"^https?://[^\s]+$", item["url"]):
        errors.append("url is not a web address")
    if "organizer" in item and (set(item["organizer"]) != {"@type", "name"} or item["organizer"]["@type"] != "Organization"):
        errors.append("organizer must be an Organization with a name only")
    if "description" in item and not isinstance(item["description"], str):
        errors.append("description must be text")
    return errors


def test_the_check_catches_what_it_must():
    good = {"@context": "https://schema.org", "@type": "Event", "name": "x", "startDate": "2026-12-05T18:30:00-06:00",
            "eventStatus": SCHEMA + "EventScheduled", "eventAttendanceMode": SCHEMA + "OnlineEventAttendanceMode",
            "location": {"@type": "VirtualLocation", "url": "https://zoom.us/j/1"}}
    assert check_event(good) == []
    assert check_event({**good, "email": "a@b.org"}) == ["unexpected email"]
    assert check_event({**good, "endDate": "2026-12-05T18:00:00-06:00"}) == ["endDate is not after startDate"]
    assert check_event({**good, "startDate": "2026-12-05T18:30:00"})  # no offset
    assert check_event({**good, "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode"})


# ---------- the list in the HTML ----------

def test_the_html_lists_every_upcoming_activity_in_date_order():
    events = mixed_events()
    page = Page(render(events))
    assert [item["id"] for item in page.items] == expected_ids(events, when="upcoming")
    titles = {e["id"]: e["title"] for e in events}
    assert all(item["title"] == titles[item["id"]] for item in page.items)
    # Join, and "Add to calendar": the activity's own calendar file, which works without the script
    assert all(item["links"] == [f"https://example.org/join/{int(item['id'][2:])}", f"calendar/event/{item['id']}.ics"]
               for item in page.items)


def test_noscript_speaks_both_languages_and_links_the_spreadsheet():
    page = Page(render(mixed_events()))
    assert [lang for lang, _ in page.noscript] == ["en", "es"]
    english, spanish = (text for _, text in page.noscript)
    assert "JavaScript" in english and "spreadsheet" in english
    assert "JavaScript" in spanish and "hoja de cálculo" in spanish
    links = [a.get("href") for tag, a in page.tags if tag == "a" and a.get("href") == "events.csv"]
    assert len(links) == 2


def test_a_long_list_is_capped_at_the_soonest_and_says_so():
    events = [event(n, day=n // 8, hour=10 + n % 8) for n in range(STATIC_LIST_MAX + 30)]
    page = Page(render(events))
    upcoming = expected_ids(events, when="upcoming")
    assert len(upcoming) > STATIC_LIST_MAX
    assert [item["id"] for item in page.items] == upcoming[:STATIC_LIST_MAX]
    english, spanish = (text for _, text in page.noscript)
    assert f"the {STATIC_LIST_MAX} soonest of {len(upcoming)} upcoming" in english
    assert f"las {STATIC_LIST_MAX} más próximas de {len(upcoming)}" in spanish


def test_nothing_upcoming_is_said_without_the_script():
    events = [event(1, day=-3), event(2, day=-2)]
    page = Page(render(events))
    assert page.items == [] and page.json_ld == []
    assert page.noscript[0][1].startswith("Nothing is coming up right now.")


def test_ten_thousand_activities_keep_the_page_within_its_budget():
    rendered = render(synthetic_events(10_000), now=datetime(2026, 11, 25, 12, tzinfo=NOW.tzinfo))
    page = Page(rendered)
    assert len(page.items) == STATIC_LIST_MAX
    assert len(json.loads(page.json_ld[0])) == STATIC_LIST_MAX
    assert len(rendered.html.encode("utf-8")) + len(rendered.data.encode("utf-8")) <= PAGE_BUDGET_BYTES
    assert len(rendered.html.encode("utf-8")) < 400_000  # the activities' data is a file of its own


# ---------- schema.org JSON-LD ----------

def test_json_ld_describes_each_listed_activity_as_a_schema_org_event():
    events = mixed_events() + [event(950, area=None, day=2, title="Online circle", link="https://zoom.us/j/950"),
                               event(951, area=8, day=3, organization="", minutes=0, title="No org")]
    for e in events:  # contact details in the event dict must never be copied
        e.update(contact_email="host@example.org", contact_phone="+1 312 555 0100", contact_name="Jane Host")
    page = Page(render(events))
    assert len(page.json_ld) == 1
    data = json.loads(page.json_ld[0])
    assert [d["name"] for d in data] == [item["title"] for item in page.items]
    for item in data:
        assert check_event(item) == [], item
    by_name = {d["name"]: d for d in data}
    online = by_name["Online circle"]
    assert online["location"] == {"@type": "VirtualLocation", "url": "https://zoom.us/j/950"}
    assert online["eventAttendanceMode"] == SCHEMA + "OnlineEventAttendanceMode"
    assert online["url"] == "https://zoom.us/j/950" and online["startDate"].endswith("-06:00")
    placed = by_name["No org"]
    assert placed["location"]["name"] == "Near North Side" and "organizer" not in placed and "endDate" not in placed
    source = {e["title"]: e for e in events}
    for d in data:
        e = source[d["name"]]
        assert d["startDate"] == e["starts_at"] and d.get("endDate", "") == e["ends_at"]
        assert d.get("organizer", {}).get("name", "") == e["organization"]
    assert sum(1 for d in data if d.get("organizer", {}).get("name") == "Pilsen Healing Collective") > 1
    assert "host@example.org" not in page.json_ld[0] and "555" not in page.json_ld[0] and "Jane" not in page.json_ld[0]


def test_json_ld_dates_keep_the_chicago_offset_across_the_dst_change():
    events = [event(1, day=d) for d in (-15, 20, 120)]  # Nov 5 (CST), Dec 10, Mar 20 (CDT)
    data = json.loads(Page(render(events, now=datetime(2026, 11, 1, 9, tzinfo=NOW.tzinfo))).json_ld[0])
    assert [d["startDate"][-6:] for d in data] == ["-06:00", "-06:00", "-05:00"]
    assert date.fromisoformat(data[2]["startDate"][:10]) == NOW.date() + timedelta(days=120)


# ---------- untrusted text ----------

def test_no_xss_payload_escapes_into_json_ld_meta_tags_or_the_list():
    events = xss_events()
    title = "</title><script>alert(1)</script> \"'&"
    cfg = config()
    cfg = cfg.model_copy(update={"campaign": cfg.campaign.model_copy(update={"title": title})})
    html = render(events, cfg=cfg).html
    page = Page(html)
    # The JSON-LD block: no <, > or & at all; parsed, every payload comes back exactly.
    raw = page.json_ld[0]
    assert not set(raw) & set("<>&")
    names = [d["name"] for d in json.loads(raw)]
    upcoming = expected_ids(events, when="upcoming")
    assert len(names) == len(upcoming) > 0
    assert all(name in {e["title"] for e in events} for name in names)
    assert {d.get("url", "") for d in json.loads(raw)} <= {"", *(e["link"] for e in events if e["link"].startswith("https:"))}
    # No markup was injected anywhere: every element is one the template writes.
    benign = Page(render([event(1)], cfg=cfg))
    count = lambda p, tag: sum(1 for t, _ in p.tags if t == tag)  # noqa: E731
    for tag in ("script", "img", "svg", "iframe", "b", "style", "title"):
        assert count(page, tag) == count(benign, tag), tag
    assert not [a for _, attrs in page.tags for a in attrs if a.lower().startswith("on")]
    assert not [a for _, a in page.tags if (a.get("href") or "").lower().startswith("javascript")]
    # The list's titles are the payloads, as text; the meta tags carry the title as text.
    assert [item["title"] for item in page.items] == [next(e["title"] for e in events if e["id"] == i) for i in upcoming]
    assert page.meta["og:site_name"] == title and page.meta["twitter:title"].endswith(title)
    for payload in XSS:
        if "<" in payload:
            assert payload not in html.split('<script>', 1)[0]  # the head and the list, before any script
