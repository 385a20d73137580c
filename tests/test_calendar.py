"""Calendar feeds: read back with icalendar and with vobject, an independent parser that builds its time
zones from the feed's own VTIMEZONE; syncs run as cron runs them (the CLI in a subprocess)."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date, datetime, timedelta, UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from sync.config import load_config
from sync.publish.calendar import FEED_ALL, calendar_files, feed_paths, plan_calendar, slug, webcal
from tests.browser.pages import XSS
from tests.helpers import NOW, ROOT, response, run_cli, write_config, write_responses

SAMPLE = ROOT / "config" / "sample-responses.csv"
CHICAGO = ZoneInfo("America/Chicago")
DOMAIN = "healing-map.chicago"
#: The ten sides a feed exists for: the nine of sides.csv and "Far South" (Far Southeast + Far Southwest).
SIDES = ("Far North", "Northwest", "North", "West", "Central", "South", "Southwest", "Far Southeast",
         "Far Southwest", "Far South")


def read_csv(path: Path) -> list[dict]:
    """A CSV's rows, each cell as typed (the ``'`` that keeps a spreadsheet from running a formula removed)."""
    rows = csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline=""))
    return [{k: re.sub(r"^'(?=[=+\-@\t\r])", "", v) for k, v in row.items()} for row in rows]


def feeds_of(public: Path) -> dict[str, Path]:
    """Every calendar file under ``public``, by its path there."""
    return {str(p.relative_to(public)): p for p in sorted(public.rglob("*.ics"))}


def parse(path: Path) -> tuple[list, list]:
    """The file's events as icalendar reads them and as vobject reads them (each must accept the file)."""
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    assert raw.endswith(b"END:VCALENDAR\r\n") and b"\n" not in raw.replace(b"\r\n", b""), f"{path}: not CRLF lines"
    assert all(len(line) <= 75 for line in raw.split(b"\r\n")), f"{path}: a line longer than 75 octets"
    by_icalendar = icalendar.Calendar.from_ical(text)
    by_vobject = vobject.readOne(text)
    assert [str(c.name) for c in by_icalendar.subcomponents][:1] == ["VTIMEZONE"]
    return list(by_icalendar.walk("VEVENT")), list(getattr(by_vobject, "vevent_list", []))


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def unfolded(path: Path) -> str:
    return path.read_bytes().decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")


def rows_of(config: Path, *, now: str) -> None:
    result = run_cli("sync", "--config", str(config), "--now", now)
    assert result.returncode == 0, result.stderr


# ---------- the bundled sample ----------


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("calendar-sample")
    config = write_config(folder, source={"kind": "file", "path": str(SAMPLE)})
    rows_of(config, now=NOW)
    public = folder / "output" / "public"
    return public, read_csv(public / "events.csv"), load_config(config)


def test_every_feed_parses_with_two_parsers_and_counts_the_published_activities(sample):
    public, events, config = sample
    feeds = feeds_of(public)
    assert len(events) > 150
    expected: Counter = Counter()
    sides = _side_members(config)
    for e in events:
        expected[FEED_ALL] += 1
        expected[f"calendar/type-{slug(e['type'])}.ics"] += 1
        if e["community_area"]:
            expected[f"calendar/area-{e['community_area']}-{slug(e['community_area_name'])}.ics"] += 1
        for side, numbers in sides.items():
            if e["side"] == side or (e["community_area"] and int(e["community_area"]) in numbers):
                expected[f"calendar/side-{slug(side)}.ics"] += 1
        expected[f"calendar/event/{e['id']}.ics"] += 1
    counted = {}
    for name, path in feeds.items():
        by_icalendar, by_vobject = parse(path)
        assert len(by_icalendar) == len(by_vobject), name
        counted[name] = len(by_icalendar)
    assert {k: v for k, v in counted.items() if v} == dict(expected)
    # every feed a subscriber may hold exists, empty or not: 77 areas, every type, every side
    assert sum(name.startswith("calendar/area-") for name in feeds) == 77
    assert {n for n in feeds if n.startswith("calendar/type-")} == {
        f"calendar/type-{slug(t)}.ics" for t in (*config.validation.event_types, config.validation.other_type)}
    assert {n for n in feeds if n.startswith("calendar/side-")} == {f"calendar/side-{slug(s)}.ics" for s in SIDES}
    assert "calendar/area-31-lower-west-side.ics" in feeds and "calendar/type-healing-circle.ics" in feeds
    assert all(re.fullmatch(r"calendar\.ics|calendar/(event/[0-9a-f]{12}|(area|type|side)-[a-z0-9-]+)\.ics", n)
               for n in feeds)
    # feeds get precompressed siblings; the thousands of one-activity files are not worth it
    assert (public / "calendar.ics.gz").is_file() and (public / "calendar" / "type-other.ics.br").is_file()
    assert not list((public / "calendar" / "event").glob("*.ics.*"))


def test_each_event_says_what_the_map_says(sample):
    public, events, _ = sample
    by_id = {e["id"]: e for e in events}
    by_icalendar, by_vobject = parse(public / FEED_ALL)
    assert len({str(v["UID"]) for v in by_icalendar}) == len(events)
    for vevent, other in zip(by_icalendar, by_vobject):
        uid = str(vevent["UID"])
        assert uid == other.uid.value and uid.endswith("@" + DOMAIN)
        e = by_id[uid.split("@")[0]]
        assert str(vevent["SUMMARY"]) == e["title"] == other.summary.value
        assert vevent.decoded("DTSTART") == datetime.fromisoformat(e["starts_at"]) == other.dtstart.value
        assert str(vevent["URL"]) == e["link"] and e["link"] in str(vevent["DESCRIPTION"])
        where = "Citywide or virtual" if e["precision"] == "citywide" else f"{e['place']}, Chicago"
        assert str(vevent["LOCATION"]) == where == other.location.value
        assert (str(vevent["STATUS"]), int(vevent["SEQUENCE"])) == ("CONFIRMED", 0)
        assert vevent.decoded("DTSTAMP") == vevent.decoded("LAST-MODIFIED") == datetime(2026, 11, 25, 18, tzinfo=UTC)


def test_no_contact_detail_or_markup_in_any_feed(sample):
    public, _, _ = sample
    hosts = list(csv.DictReader(io.StringIO(SAMPLE.read_text(encoding="utf-8"), newline="")))
    emails = {r["Email Address"].strip().casefold() for r in hosts if r["Email Address"].strip()}
    names = {r["Your name"].strip().casefold() for r in hosts if len(r["Your name"].strip()) > 4}
    phones = {re.sub(r"\D", "", r["Phone (optional, for staff only)"])[-7:] for r in hosts
              if len(re.sub(r"\D", "", r["Phone (optional, for staff only)"])) >= 7}
    for name, path in feeds_of(public).items():
        text = unfolded(path).casefold()
        assert not any(email in text for email in emails), name
        assert not any(host in text for host in names), name
        assert not any(re.search(rf"(?<!\d){p[:3]}\D?{p[3:]}(?!\d)", text) for p in phones), name
        assert "<" not in text and ">" not in text, name


# ---------- times across the daylight-saving changes ----------


def test_times_round_trip_in_chicago_across_both_daylight_saving_changes(tmp_path):
    cases = [  # (date typed, start, end, the wall clock's UTC offset in hours)
        ("10/31/2026", "6:00:00 PM", "7:30:00 PM", -5),
        ("11/1/2026", "1:30:00 AM", "", -5),           # the hour that happens twice: its first time (RFC 5545)
        ("11/1/2026", "10:00:00 AM", "11:00:00 AM", -6),
        ("3/13/2027", "6:00:00 PM", "8:00:00 PM", -6),
        ("3/14/2027", "10:00:00 AM", "11:30:00 AM", -5),
        ("11/1/2026", "", "", None),                   # no start time: all day
    ]
    rows = [response(**{"Name of your activity": f"Time {n}", "Date of the activity": day, "Start time": start,
                        "End time": end, "Timestamp": f"10/1/2026 10:0{n}:00"})
            for n, (day, start, end, _) in enumerate(cases)]
    config = write_responses(tmp_path, rows, campaign={"starts": date(2026, 10, 1), "ends": date(2027, 4, 30)},
                             validation={"required": ["title", "event_type", "event_date", "location", "link"]})
    rows_of(config, now="2026-10-15T12:00:00-05:00")
    public = tmp_path / "output" / "public"
    events = {e["title"]: e for e in read_csv(public / "events.csv")}
    assert len(events) == len(cases)
    by_icalendar, by_vobject = parse(public / FEED_ALL)
    for vevent, other in zip(by_icalendar, by_vobject):
        n = int(str(vevent["SUMMARY"]).split()[1])
        day, start, end, offset = cases[n]
        e = events[f"Time {n}"]
        if offset is None:
            assert "DTSTART;VALUE=DATE:20261101" in unfolded(public / FEED_ALL)
            assert vevent.decoded("DTSTART") == other.dtstart.value == date(2026, 11, 1)
            assert vevent.decoded("DTEND") == other.dtend.value == date(2026, 11, 2)
            continue
        assert vevent["DTSTART"].params["TZID"] == "America/Chicago"
        for parsed in (vevent.decoded("DTSTART"), other.dtstart.value):  # vobject: from the feed's VTIMEZONE
            # as instants: Python never calls a time in the repeated hour equal to one in another zone (PEP 495)
            assert utc(parsed) == utc(datetime.fromisoformat(e["starts_at"])), (n, parsed)
            assert parsed.utcoffset() == timedelta(hours=offset), (n, parsed)
            assert parsed.astimezone(CHICAGO).strftime("%-I:%M:%S %p") == start
        ends = [vevent.decoded("DTEND"), other.dtend.value]
        start_at = datetime.fromisoformat(e["starts_at"])
        wanted = datetime.fromisoformat(e["ends_at"]) if end else start_at + timedelta(hours=1)  # an hour, elapsed
        assert [utc(x) for x in ends] == [utc(wanted)] * 2, n


# ---------- edits, cancellations, and what the ledger remembers ----------


def test_an_edit_keeps_the_uid_and_raises_sequence_and_a_withdrawal_is_cancelled(tmp_path):
    rows = [response(**{"Name of your activity": f"Circle {n}", "Timestamp": f"11/20/2026 10:0{n}:00"})
            for n in range(3)]
    config = write_responses(tmp_path, rows, calendar={"keep_cancelled_days": 3})
    public = tmp_path / "output" / "public"
    rows_of(config, now="2026-11-25T12:00:00-06:00")
    first = {str(v["SUMMARY"]): v for v in parse(public / FEED_ALL)[0]}
    assert [int(v["SEQUENCE"]) for v in first.values()] == [0, 0, 0]

    rows[0]["Describe your activity"] = "Now with a shared meal afterwards."
    rows[0]["End time"] = "8:30:00 PM"
    rows[1]["May we show this activity on the public healing map?"] = "No"
    write_responses(tmp_path, rows, calendar={"keep_cancelled_days": 3})
    rows_of(config, now="2026-11-26T09:15:00-06:00")
    second_by_uid = {str(v["UID"]): v for v in parse(public / FEED_ALL)[0]}
    edited = second_by_uid[str(first["Circle 0"]["UID"])]
    assert int(edited["SEQUENCE"]) == 1 and "shared meal" in str(edited["DESCRIPTION"])
    assert edited.decoded("LAST-MODIFIED") == edited.decoded("DTSTAMP") == datetime(2026, 11, 26, 15, 15, tzinfo=UTC)
    assert edited.decoded("DTEND") == datetime(2026, 12, 5, 20, 30, tzinfo=CHICAGO)
    cancelled = second_by_uid[str(first["Circle 1"]["UID"])]
    assert (str(cancelled["STATUS"]), int(cancelled["SEQUENCE"])) == ("CANCELLED", 1)
    assert str(cancelled["SUMMARY"]) == "Cancelled: Circle 1"
    unchanged = second_by_uid[str(first["Circle 2"]["UID"])]
    assert unchanged.to_ical() == first["Circle 2"].to_ical()  # untouched: not one byte differs
    area_feed = parse(public / "calendar" / "area-31-lower-west-side.ics")
    assert sorted(str(v["STATUS"]) for v in area_feed[0]) == ["CANCELLED", "CONFIRMED", "CONFIRMED"]
    assert sorted(o.status.value for o in area_feed[1]) == ["CANCELLED", "CONFIRMED", "CONFIRMED"]
    one = parse(public / "calendar" / "event" / f"{str(edited['UID']).split('@')[0]}.ics")[0]
    assert [int(v["SEQUENCE"]) for v in one] == [1]
    assert not (public / "calendar" / "event" / f"{str(cancelled['UID']).split('@')[0]}.ics").exists()

    rows_of(config, now="2026-11-27T09:00:00-06:00")  # nothing changed but the day: nothing changes in the feed
    third = {str(v["UID"]): v.to_ical() for v in parse(public / FEED_ALL)[0]}
    assert third == {uid: v.to_ical() for uid, v in second_by_uid.items()}

    rows_of(config, now="2026-11-29T10:00:00-06:00")  # past keep_cancelled_days: the cancelled one is gone
    assert sorted(str(v["SUMMARY"]) for v in parse(public / FEED_ALL)[0]) == ["Circle 0", "Circle 2"]

    rows[1]["May we show this activity on the public healing map?"] = "Yes"  # consent again: back, SEQUENCE 2
    write_responses(tmp_path, rows, calendar={"keep_cancelled_days": 3})
    rows_of(config, now="2026-11-30T10:00:00-06:00")
    back = {str(v["SUMMARY"]): v for v in parse(public / FEED_ALL)[0]}["Circle 1"]
    assert (str(back["STATUS"]), int(back["SEQUENCE"]), str(back["UID"])) == ("CONFIRMED", 2, str(cancelled["UID"]))


def test_a_dry_run_remembers_nothing(tmp_path):
    rows = [response()]
    config = write_responses(tmp_path, rows)
    result = run_cli("sync", "--config", str(config), "--now", NOW, "--dry-run")
    assert result.returncode == 0, result.stderr
    rows_of(config, now=NOW)
    rows[0]["Describe your activity"] = "Edited once."
    write_responses(tmp_path, rows)
    rows_of(config, now="2026-11-26T12:00:00-06:00")
    (vevent,), _ = parse(tmp_path / "output" / "public" / FEED_ALL)
    assert int(vevent["SEQUENCE"]) == 1  # one edit after the first published run, whatever the dry run saw


# ---------- resident text ----------


def test_no_payload_becomes_markup_or_a_link(tmp_path):
    rows = [response(**{"Name of your activity": f"T{n} {p}", "Organization or group (optional)": f"O{n} {p}",
                        "Describe your activity": f"{p} description {p}",
                        "What type of activity is it?": f"Other: D{n} {p}",
                        "Link to join or register": f"https://example.org/join?q={''.join(p.split())}",
                        "Timestamp": f"11/20/2026 10:{n:02d}:00"})
            for n, p in enumerate(XSS)]
    config = write_responses(tmp_path, rows)
    rows_of(config, now=NOW)
    public = tmp_path / "output" / "public"
    published = read_csv(public / "events.csv")
    assert len(published) == len(XSS)
    feeds = feeds_of(public)
    for name, path in feeds.items():
        text = unfolded(path)
        assert "<" not in text and ">" not in text, name
        by_icalendar, by_vobject = parse(path)
        for vevent in by_icalendar:
            url = str(vevent.get("URL", ""))
            assert re.fullmatch(r"https://example\.org/join\?q=[A-Za-z0-9!#$%&'()*+,/:;=?@\[\]~._-]*", url), url
            assert str(vevent["SUMMARY"]).startswith("T")
        assert all(not o.contents.get("url") or o.url.value.startswith("https://") for o in by_vobject)
    shown = {str(v["SUMMARY"]) for v in parse(public / FEED_ALL)[0]}
    assert "T0 ‹script›alert(1)‹/script›" in shown  # still readable, as text


# ---------- the library: slugs, addresses, stable bytes ----------


def test_slugs_are_ascii_stable_and_distinct():
    assert slug("Lower West Side") == "lower-west-side"
    assert slug("Arts and culture") == "arts-and-culture"
    assert slug("Círculo de sanación") == "circulo-de-sanacion"
    assert slug("O'Hare") == "o-hare"
    config = load_config(ROOT / "config" / "healing-map.toml").model_copy(deep=True)
    config = config.model_copy(update={"validation": config.validation.model_copy(
        update={"event_types": ("Café", "Cafe", "社区")})})
    feeds = feed_paths(config, areas={31: "Lower West Side", 76: "O'Hare"}, sides={"Far South": [46]})
    assert feeds.of("type") == {"Café": "calendar/type-cafe.ics", "Cafe": "calendar/type-cafe-2.ics",
                                "社区": "calendar/type-x" + feeds.of("type")["社区"][len("calendar/type-x"):],
                                "Other": "calendar/type-other.ics"}
    assert feeds.of("area") == {31: "calendar/area-31-lower-west-side.ics", 76: "calendar/area-76-o-hare.ics"}
    assert feeds.of("side") == {"Far South": "calendar/side-far-south.ics"}
    assert all(path.isascii() for path in feeds.names)
    assert webcal("https://healingmap.example.org/calendar.ics") == "webcal://healingmap.example.org/calendar.ics"


def test_public_url_names_the_feed_and_an_unchanged_run_gives_the_same_bytes(tmp_path):
    config = load_config(write_config(tmp_path, source={"kind": "file", "path": str(SAMPLE)},
                                      map={"public_url": "https://healingmap.example.org/map"}))
    assert config.map.public_url == "https://healingmap.example.org/map/"
    event = {"id": "0123456789ab", "title": "Circle", "organization": "", "type": "Healing circle",
             "type_detail": "", "description": "", "date": "2026-12-05", "starts_at": "", "ends_at": "",
             "languages": [], "link": "https://example.org/j", "community_area": 31,
             "community_area_name": "Lower West Side", "side": "", "precision": "community_area",
             "place": "Lower West Side", "lat": 41.85, "lon": -87.66}
    now = datetime(2026, 11, 25, 12, tzinfo=CHICAGO)
    plan = plan_calendar([event], config=config, now=now)
    files = calendar_files(plan, config=config, areas={31: "Lower West Side"}, sides={}, public_dir=Path("p"))
    text = files[Path("p/calendar/area-31-lower-west-side.ics")].decode().replace("\r\n ", "")
    assert "SOURCE;VALUE=URI:https://healingmap.example.org/map/calendar/area-31-lower-west-side.ics" in text
    assert "DTSTART;VALUE=DATE:20261205" in text and "DTEND;VALUE=DATE:20261206" in text
    again = calendar_files(plan_calendar([event], config=config, now=now), config=config,
                           areas={31: "Lower West Side"}, sides={}, public_dir=Path("p"))
    assert again == files


def _side_members(config) -> dict[str, list[int]]:
    from sync.locate.geography import load_geography
    from sync.publish import side_areas

    return side_areas(config, load_geography())


def test_nested_public_folders_are_readable_whatever_the_umask(tmp_path):
    """calendar/event/… written before calendar/…: every folder on the way gets the public mode, not the umask's."""
    import os
    import stat

    from sync.publish.release import Releases

    old = os.umask(0o077)
    try:
        Releases(tmp_path).publish({tmp_path / "public/calendar/event/0123456789ab.ics": b"x",
                                    tmp_path / "public/calendar.ics": b"y", tmp_path / "staff/report.json": b"{}"})
    finally:
        os.umask(old)
    for folder in ("public", "public/calendar", "public/calendar/event"):
        assert stat.S_IMODE(os.stat(tmp_path / folder).st_mode) == 0o755, folder
