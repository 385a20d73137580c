"""The staff page, summit.csv and the printable summary, rendered from hand-built responses and events."""

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from markupsafe import escape  # as the templates escape: &#39; and &#34; for quotes

from sync.config import Config
from sync.locate.geography import load_geography
from sync.publish import build_outputs
from sync.publish.exports import reason_summary
from sync.publish.staff_page import render_staff_page
from sync.publish.summit import campaign_weeks, render_summary_page, summit_csv, summit_rows
from sync.reasons import staff_action, staff_title
from sync.records import Location, Precision, Reason, Response, Status
from tests.helpers import ROOT

HOSTILE = '<script>alert("x")</script> ${7*7} it\'s "quoted"'
PILSEN, HYDE_PARK = 31, 41


@pytest.fixture(scope="module")
def geography():
    return load_geography()


@pytest.fixture
def config(tmp_path):
    return Config.model_validate({
        "campaign": {"title": "Together <We> Heal", "starts": "2026-11-02", "ends": "2027-01-17"},
        "source": {"kind": "file", "path": "responses.csv"},
        "output": {"folder": str(tmp_path / "output"), "state_folder": str(tmp_path / "state")},
        "location": {"sides": str(ROOT / "config" / "sides.csv"), "aliases": str(ROOT / "config" / "neighborhoods.csv")},
    })


def response(row: int, title: str, *reasons: Reason, area: int | None = PILSEN) -> Response:
    r = Response(row_number=row, raw={"submitted_at": "11/20/2026 10:00:00"}, title=title, location_text="Pilsen",
                 submitted_at=datetime(2026, 11, 20, 10), event_type="Healing circle", event_date=date(2026, 12, 5),
                 link="https://zoom.us/j/1", organization="Casa Pilsen", public_consent=True, reasons=list(reasons),
                 location=Location(Precision.COMMUNITY_AREA, area, "Lower West Side") if area else None)
    r.decide_status()
    return r


@pytest.fixture
def responses():
    return [
        response(2, "Healing circle in Pilsen"),
        response(3, HOSTILE, Reason("missing_link", "missing link"),
                 Reason("date_outside_campaign", "date 03/14/2027 is outside the campaign"), area=None),
        response(4, "", Reason("missing_title", "missing activity name"), area=None),
        response(5, "=HYPERLINK(\"http://evil.example\")", Reason("link_not_http", f"link is not http(s): {HOSTILE!r}"),
                 area=None),
        response(6, "Circle, no consent", Reason("no_consent", "the host did not consent", "held")),
        response(7, "Circle", Reason("phone_invalid", "phone is not a number", "warning")),
    ]


def event(**fields) -> dict:
    base = {
        "id": "x", "title": "Circle", "organization": "Casa Pilsen", "type": "Healing circle", "type_detail": "",
        "description": "", "date": "2026-11-05", "starts_at": "", "ends_at": "", "languages": ["English"],
        "link": "https://zoom.us/j/1", "community_area": PILSEN, "community_area_name": "Lower West Side",
        "precision": "community_area", "place": "Lower West Side", "lat": 41.85, "lon": -87.66,
    }
    return {**base, **fields}


@pytest.fixture
def events():
    return [
        event(languages=["English", "Spanish"]),
        event(date="2026-11-20", type="Storytelling", languages=[], organization="  casa   PILSEN "),
        event(date="2026-12-05", title="=HYPERLINK(\"http://evil.example\")", community_area=HYDE_PARK,
              community_area_name="Hyde Park", organization="UChicago", languages=["=1+1"]),
        event(date="2027-01-17", title=HOSTILE, type="Community conversation", community_area=None,
              community_area_name="", precision="citywide", place="Citywide", lat=None, lon=None),
    ]


def report_for(responses, **extra) -> dict:
    counts = {"read": len(responses)}
    counts.update({s.value: sum(1 for r in responses if r.status is s) for s in Status})
    return {
        "generated_at": "2026-11-25T09:15:00-06:00", "version": "0.1.0", "source": "responses.csv",
        "config": "healing-map.toml", "dry_run": False, "counts": counts,
        "reasons": {"rejected": reason_summary(responses, Status.REJECTED),
                    "held": reason_summary(responses, Status.HELD)},
        "warnings": [], "geocoder": {}, "timings": {"read": 0.01}, **extra,
    }


@pytest.fixture
def page(responses, events, config, geography):
    return render_staff_page(report_for(responses), responses=responses, events=events, config=config,
                             geography=geography)


def figure(html: str, key: str) -> str:
    """The chart figure with id ``key``."""
    return re.search(rf'<figure class="chart" id="{key}">.*?</figure>', html, re.S).group(0)


def test_counts_and_sync_outcome_shown(page):
    for key, n in {"read": 6, "published": 2, "held": 1, "rejected": 3}.items():
        assert f'<li class="{key}"><strong>{n}</strong>' in page
    assert "Succeeded" in page and 'datetime="2026-11-25T09:15:00-06:00"' in page
    assert "week 4 of 11" in page


def test_every_rejected_row_and_reason_listed(page):
    rejected = page[page.index('id="rejected"'):page.index('id="held"')]
    for row in (3, 4, 5):
        assert f'<tr id="row-{row}"><th scope="row" class="num">{row}</th>' in rejected
    for message in ("missing link", "date 03/14/2027 is outside the campaign", "missing activity name",
                    escape(f"link is not http(s): {HOSTILE!r}")):
        assert f"<li>{message}</li>" in rejected
    assert 'href="#row-3"' in rejected  # the by-reason table links to the rows
    assert "row-2" not in page and "row-6" not in page
    held = page[page.index('id="held"'):page.index('id="details"')]
    assert "<code>no_consent</code>" in held and "<td>6</td>" in held
    # the reason catalogue's words for staff, escaped like any other text
    assert f"<strong>{escape(staff_title('no_consent'))}</strong>" in held
    assert f"<td>{escape(staff_action('no_consent'))}</td>" in held
    assert f"<td>{escape(staff_action('missing_link'))}</td>" in rejected


def test_sheet_values_are_escaped(page, config, geography, events, responses):
    summary = render_summary_page(report_for(responses), events, config, geography)
    for html in (page, summary):
        assert "<script" not in html and "<We>" not in html
        assert "Together &lt;We&gt; Heal" in html
    assert escape(HOSTILE) in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; ${7*7} it&#39;s &#34;quoted&#34;" in page


def test_same_sheet_same_page(responses, events, config, geography, page):
    """Only the sheet and the sync time change the page, not how long the run took."""
    slower = report_for(responses, timings={"read": 9.5, "locate": 120.0})
    assert render_staff_page(slower, responses=responses, events=events, config=config, geography=geography) == page


def test_page_is_self_contained(page):
    # src= appears only as text, in the escaped embed snippets
    assert "<link" not in page and not re.search(r"<[^>]*\ssrc=", page) and "@import" not in page
    assert "url(http" not in page and "&lt;iframe src=" in page
    assert not re.search(r'href="(https?:)?//', page)


def test_every_area_in_the_per_area_chart_zeros_marked(page, geography):
    chart = figure(page, "areas")
    assert chart.count("<g><title>") == 77
    for area in geography.areas.values():
        assert f'<th scope="row">{escape(area.name)}</th>' in chart
    assert chart.count("0 · not reached</text>") == 75
    assert chart.count("<tr class=zero>") == 75
    assert '<th scope="row">Lower West Side</th><td class=num>2</td>' in chart
    assert '<tr class=zero><th scope="row">Ashburn</th><td class=num>0</td>' in chart
    assert figure(page, "map").count('<path class="area"') == 77


def test_share_of_areas_reached(page):
    assert "<strong>2 of 77</strong> community areas (3%) have at least one published activity; 75 not yet." in page
    assert "1 citywide activity is not counted in any area." in page
    assert "Not reached yet (75)" in page


def test_weeks_start_on_the_campaign_start(events, config):
    weeks = campaign_weeks(events, config.campaign)
    assert len(weeks) == 11 and weeks[0].first == date(2026, 11, 2) and weeks[-1].last == date(2027, 1, 17)
    assert [w.activities for w in weeks] == [1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1]


def test_types_and_languages_charts(page):
    assert '<th scope="row">Healing circle</th><td class=num>2</td>' in figure(page, "types")
    languages = figure(page, "languages")
    assert '<th scope="row">Not stated</th><td class=num>1</td>' in languages
    assert '<th scope="row">=1+1</th><td class=num>1</td>' in languages


def test_summit_csv(events, geography):
    data = summit_csv(events, geography)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == 77 + 9 + 1  # the areas, the nine sides, citywide
    assert [r["community_area"] for r in rows] == [str(n) for n in range(1, 78)] + [""] * 10
    assert [r["community_area_name"] for r in rows[77:80]] == ["Far North Side", "Northwest Side", "North Side"]
    assert sum(int(r["activities"]) for r in rows) == 4
    pilsen = rows[PILSEN - 1]
    assert pilsen == {
        "community_area": "31", "community_area_name": "Lower West Side", "activities": "2",
        "first_date": "2026-11-05", "last_date": "2026-11-20", "types": "Healing circle: 1; Storytelling: 1",
        "languages": "English: 1; Not stated: 1; Spanish: 1", "organizations": "1",
    }
    assert rows[-1]["community_area_name"] == "Citywide" and rows[-1]["activities"] == "1"
    assert rows[0] == {"community_area": "1", "community_area_name": "Rogers Park", "activities": "0",
                       "first_date": "", "last_date": "", "types": "", "languages": "", "organizations": "0"}
    assert rows[HYDE_PARK - 1]["languages"] == "'=1+1: 1"  # a formula in a sheet answer stays text


def test_summit_rows_keep_numbers_as_numbers(events, geography):
    rows = summit_rows(events, geography)
    assert rows[PILSEN - 1]["activities"] == 2 and rows[PILSEN - 1]["organizations"] == 1
    assert rows[-1]["community_area"] is None  # the CSV writes an empty cell, not "None"


def test_summary_page_for_the_summit(responses, events, config, geography):
    html = render_summary_page(report_for(responses), events, config, geography)
    assert "@page" in html and "@media print" in html
    assert "<strong>2 / 77</strong><span>areas reached\n(3%)</span>" in html
    assert "<strong>4</strong><span>activities (1 citywide)</span>" in html
    assert "Not reached yet: 75 community areas" in html
    names = re.search(r'<ul class="names">(.*?)</ul>', html, re.S).group(1)
    assert names.count("<li>") == 75 and "<li>Ashburn</li>" in names and "Hyde Park" not in names
    assert figure(html, "top").count("<g><title>") == 2


def test_nothing_yet(config, geography):
    html = render_staff_page(report_for([]), responses=[], events=[], config=config, geography=geography)
    assert "No response was rejected." in html and "No response is held." in html
    assert "<strong>0 of 77</strong>" in html and figure(html, "areas").count("0 · not reached</text>") == 77
    assert render_summary_page(report_for([]), [], config, geography).count("<li>") == 4 + 77


def test_build_outputs_writes_the_staff_files(responses, events, config, geography):
    files = build_outputs(responses, events, report_for(responses), config=config, geography=geography,
                          generated_at=datetime.fromisoformat("2026-11-25T09:15:00-06:00"))
    staff = Path(config.staff_dir)
    assert {staff / name for name in ("index.html", "summit.csv", "summary.html")} <= set(files)
    assert files[staff / "summit.csv"].count(b"\r\n") == 1 + 77 + 9 + 1
    rejected = list(csv.DictReader(io.StringIO(files[staff / "rejected.csv"].decode("utf-8-sig"), newline="")))
    assert [r["title"] for r in rejected if r["row_number"] == "5"] == ["'=HYPERLINK(\"http://evil.example\")"]
    for href in ("responses.csv", "rejected.csv", "report.json", "summit.csv", "summary.html",
                 "../public/index.html", "../public/events.csv"):
        assert f'href="{href}"' in files[staff / "index.html"]
