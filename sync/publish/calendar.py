"""Calendar feeds (RFC 5545), written with the ``icalendar`` library.

``public/calendar.ics`` holds every published dated activity the map shows;
``public/calendar/<slug>.ics`` the same per community area (``area-31-lower-west-side``),
activity type (``type-healing-circle``) and side of the city (``side-west``); and
``public/calendar/event/<id>.ics`` one activity, for "Add to calendar". Every feed a
subscriber may hold exists on every run, empty or not, so its address never breaks.

Each activity is one ``VEVENT``: its title, an excerpt of its description with the join
link, the join link as ``URL``, its place no finer than the public precision (the same
``place`` as events.csv, so never an address unless ``public_precision`` allows it), its
type as ``CATEGORIES``, and its Chicago wall-clock times with the ``VTIMEZONE`` they need.
An activity without a start time is an all-day event (``DTSTART;VALUE=DATE``).

Subscribers' calendars need to recognise an activity across refreshes, so a small
ledger in the state folder (:meth:`sync.state.StateStore.calendar_index`) keeps per
``UID`` (the activity id of events.csv, ``<id>@<calendar.uid_domain>``) a digest of what
the feed says about it, its ``SEQUENCE`` and ``LAST-MODIFIED``. When the host edits the
response (its id stays), the digest changes: ``SEQUENCE`` goes up by one and
``LAST-MODIFIED``/``DTSTAMP`` become the sync's time. An activity that was in a feed and
is published no more (cancelled, withdrawn, rejected, deleted from the sheet) stays in
its feeds as ``STATUS:CANCELLED`` for ``calendar.keep_cancelled_days``, so calendars
that already hold it drop it. Feeds carry no ``METHOD``, so ``DTSTAMP`` is the time the
activity was last revised (RFC 5545 §3.8.7.2) and an unchanged activity's lines, and an
unchanged feed's bytes, stay the same from run to run.

Resident text is plain text in a feed, but some calendar programs show a description as
HTML: ``<`` and ``>`` become ``‹`` and ``›``, so no markup reaches them. Links are only
ever http(s), percent-encoded where a URI may not hold a character.

Past ``[map] max_activities`` the feeds, like the map page, hold the soonest upcoming
activities and then the latest past ones: a calendar program downloads a whole feed on
every refresh, and rendering 400,000 events would cost minutes a run. Rendered events are
kept in the ledger and rendered again only when they change.

Example::

    plan = plan_calendar(events, config=config, now=now, ledger=state)
    files = calendar_files(plan, config=config, areas={31: "Lower West Side"}, sides={"West": [23, …]})
    state.update_calendar(plan.changes)            # once the release is out
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, UTC
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

import icalendar

from sync.config import Config
from sync.publish.rules import DEFAULT_DURATION_MINUTES, is_web_url

#: The feed of every activity, and the folder of the others, under ``public/``.
FEED_ALL = "calendar.ics"
FEED_FOLDER = "calendar"
EVENT_FOLDER = "calendar/event"
#: Part of every digest: a change in what a feed says about an activity (this module's layout) is an edit.
FORMAT = 1
#: Longest description excerpt in a feed; the rest is on the map and in events.csv.
DESCRIPTION_CHARS = 400
PRODID = "-//Together We Heal//Healing Map//EN"
#: How often subscribers are asked to fetch a feed again (RFC 7986 REFRESH-INTERVAL, and X-PUBLISHED-TTL).
REFRESH = timedelta(hours=6)
_PLAIN = str.maketrans({"<": "‹", ">": "›"})
_END = b"END:VCALENDAR\r\n"
#: Characters a URI may hold as they are (RFC 3986 reserved and unreserved, and ``%`` of escapes).
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~-._"


class Ledger(Protocol):
    """Where the calendar's memory lives between runs (:class:`sync.state.StateStore`)."""

    def calendar_index(self) -> dict[str, tuple[str, int, str, str | None]]: ...

    def calendar_rows(self, uids: Iterable[str]) -> dict[str, tuple[str, bytes]]: ...


@dataclass
class Entry:
    """One activity as the feeds show it: its ``VEVENT`` and what decides which feeds hold it."""

    uid: str
    id: str
    item: dict
    sequence: int
    modified: datetime
    cancelled: bool
    vevent: bytes


@dataclass
class CalendarPlan:
    """The entries of this run's feeds, and the ledger rows to store once they are published.

    ``changes`` rows are ``(uid, digest, sequence, modified, cancelled, item JSON, vevent)``.
    """

    entries: list[Entry]
    changes: list[tuple] = field(default_factory=list)


def plan_calendar(events: list[dict], *, config: Config, now: datetime, ledger: Ledger | None = None) -> CalendarPlan:
    """Work out every feed entry: new, edited (SEQUENCE + 1), unchanged, or cancelled and kept a while."""
    labels = _labels(config)
    domain = config.calendar.uid_domain
    modified_now = now.astimezone(UTC).replace(microsecond=0)
    known = ledger.calendar_index() if ledger else {}
    shown = [e for e in _within_limit(events, config=config, now=now) if e.get("date")]
    published = {e["id"] for e in events}
    keep = timedelta(days=config.calendar.keep_cancelled_days)

    fresh: list[tuple[str, str, dict, str]] = []  # uid, id, item, digest
    for event in shown:
        item = _item(event, labels=labels, tz=config.campaign.tz)
        fresh.append((f"{event['id']}@{domain}", event["id"], item, _digest(item)))
    gone = [uid for uid, row in known.items() if uid.split("@")[0] not in published and
            (row[3] is None or datetime.fromisoformat(row[3]) + keep > modified_now)]
    reusable = [uid for uid, _, _, digest in fresh
                if uid in known and known[uid][0] == digest and known[uid][3] is None]
    stored = ledger.calendar_rows(reusable + gone) if ledger and (reusable or gone) else {}

    plan = CalendarPlan(entries=[])
    for uid, event_id, item, digest in fresh:
        before = known.get(uid)
        if before and before[0] == digest and before[3] is None and uid in stored:
            plan.entries.append(Entry(uid, event_id, item, before[1], datetime.fromisoformat(before[2]), False,
                                      stored[uid][1]))
            continue
        sequence = before[1] + 1 if before else 0  # edited, or back after a cancellation
        entry = _render(uid, event_id, item, sequence, modified_now, cancelled=False, config=config)
        plan.entries.append(entry)
        plan.changes.append(_row(entry, digest, None))
    for uid in gone:
        if uid not in stored:
            continue
        digest, sequence, modified, cancelled = known[uid]
        item = json.loads(stored[uid][0])
        if cancelled is None:  # cancelled since the last run: tell subscribers once, with a new SEQUENCE
            entry = _render(uid, uid.split("@")[0], item, sequence + 1, modified_now, cancelled=True, config=config)
            plan.changes.append(_row(entry, digest, modified_now.isoformat()))
        else:
            entry = Entry(uid, uid.split("@")[0], item, sequence, datetime.fromisoformat(modified), True,
                          stored[uid][1])
        plan.entries.append(entry)
    plan.entries.sort(key=lambda x: (x.item["start"], x.item["summary"].casefold(), x.uid))
    return plan


def calendar_files(plan: CalendarPlan, *, config: Config, areas: Mapping[int, str],
                   sides: Mapping[str, list[int]], public_dir: Path) -> dict[Path, bytes]:
    """Every feed and one-activity file, keyed by path under ``public_dir``.

    ``areas``: community area number → name; ``sides``: each side of the city → its areas.
    """
    title = config.campaign.title
    timezone_block = _vtimezone(config)
    feeds = feed_paths(config, areas=areas, sides=sides, types=[e.item["type"] for e in plan.entries])
    members: dict[str, list[bytes]] = {path: [] for path in feeds.names}
    for entry in plan.entries:
        item = entry.item
        targets = [FEED_ALL, feeds.key("type", item["type"]), feeds.key("area", item["area"])]
        targets += [feeds.key("side", side) for side in _sides_of(item, sides)]
        for target in targets:
            if target:
                members[target].append(entry.vevent)
    files: dict[Path, bytes] = {}
    for path, name in feeds.names.items():
        files[public_dir / path] = _calendar(members[path], name=f"{title}: {name}" if name else title,
                                             source=path, timezone_block=timezone_block, config=config)
    # One activity's file is for importing once: no calendar name (a program could make it a calendar of its
    # own), no refresh; so every such file shares one head.
    head = _calendar([], name=None, source=None, timezone_block=timezone_block, config=config)[:-len(_END)]
    for entry in plan.entries:
        if not entry.cancelled:
            files[public_dir / EVENT_FOLDER / f"{entry.id}.ics"] = b"".join((head, entry.vevent, _END))
    return files


class FeedPaths:
    """Each feed's path under ``public/`` and its name; slugs ASCII and stable (they are subscribers' URLs)."""

    def __init__(self):
        self.names: dict[str, str] = {FEED_ALL: ""}
        self._keys: dict[tuple[str, object], str] = {}

    def add(self, kind: str, key, slug: str, name: str) -> None:
        path = f"{FEED_FOLDER}/{kind}-{slug}.ics"
        n = 2
        while path in self.names:  # two names that fold alike ("Café", "Cafe"): the later one numbered
            path, n = f"{FEED_FOLDER}/{kind}-{slug}-{n}.ics", n + 1
        self.names[path] = name
        self._keys[kind, key] = path

    def key(self, kind: str, key) -> str | None:
        return self._keys.get((kind, key))

    def of(self, kind: str) -> dict:
        """``{area number | type name | side: path}`` for one kind of feed (the page's "Subscribe")."""
        return {key: path for (k, key), path in self._keys.items() if k == kind}


def feed_paths(config: Config, *, areas: Mapping[int, str], sides: Mapping[str, list[int]],
               types: Iterable[str] = ()) -> FeedPaths:
    """Every feed: all 77 areas, every configured type (and the other ``types`` activities have), every side."""
    labels = _labels(config)
    feeds = FeedPaths()
    for number in sorted(areas):
        feeds.add("area", number, f"{number}-{slug(areas[number]) or 'area'}", areas[number])
    configured = list(config.validation.event_types) + [config.validation.other_type]
    types = configured + sorted(set(types) - set(configured) - {""})
    for name in types:
        feeds.add("type", name, slug(name) or _short(name), _type_label(name, labels))
    for side in sides:
        feeds.add("side", side, slug(side) or _short(side), labels.get(f"side:{side}", f"{side} Side"))
    return feeds


def page_data(events: list[dict], *, config: Config, areas: Mapping[int, str], sides: Mapping[str, list[int]],
              types: list[str]) -> dict:
    """What the map page's "Add to calendar" and "Subscribe" need (``D.cal``): every feed's path and more.

    ``types`` are the page's activity types in its order (``D.types``); ``events`` the activities it shows.
    ``allDay`` lists the activities without a start time (Google Calendar gets dates, not times).
    """
    feeds = feed_paths(config, areas=areas, sides=sides, types=types)
    return {
        "all": FEED_ALL,
        "areas": {str(number): path for number, path in feeds.of("area").items()},
        "types": [feeds.key("type", name) or "" for name in types],
        "sides": feeds.of("side"),
        "event": f"{EVENT_FOLDER}/",
        "base": config.map.public_url,
        "tz": config.campaign.timezone,
        "allDay": [e["id"] for e in events if not e.get("starts_at")],
    }


def slug(text: str) -> str:
    """ASCII letters and digits joined by ``-``: ``"Lower West Side"`` → ``lower-west-side``.

    >>> slug("Lower West Side"), slug("Arts and culture"), slug("Círculo de sanación"), slug("社区")
    ('lower-west-side', 'arts-and-culture', 'circulo-de-sanacion', '')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text).split())


def webcal(url: str) -> str:
    """The ``webcal://`` form of a feed's https address (calendar programs subscribe on opening it).

    >>> webcal("https://healingmap.example.org/calendar.ics")
    'webcal://healingmap.example.org/calendar.ics'
    """
    return "webcal://" + url.split("://", 1)[1]


# --- one activity -----------------------------------------------------------------------


def _item(event: dict, *, labels: dict, tz) -> dict:
    """What the feed says about an activity, as plain values (its digest decides whether it was edited)."""
    start, end, all_day = _times(event, tz)
    link = _uri(event.get("link") or "")
    kind = event.get("type") or ""
    category = _type_label(kind, labels)
    if event.get("type_detail"):
        category = f"{category}: {event['type_detail']}" if category else event["type_detail"]
    lines = []
    if event.get("organization"):
        lines.append(labels["by"].replace("{org}", event["organization"]))
    if category:
        lines.append(category)
    excerpt = _excerpt(event.get("description") or "", DESCRIPTION_CHARS)
    if excerpt:
        lines += ["", excerpt]
    if link:
        lines += ["", f"{labels['join']}: {link}"]
    if event.get("languages"):
        lines.append(f"{labels['languages']}: {', '.join(event['languages'])}")
    place = event.get("place") or ""
    if event.get("precision") == "citywide" or not place:
        location = labels["citywide"]
    else:
        location = f"{place}, Chicago"
    return {
        "format": FORMAT,
        "summary": _plain(event.get("title") or ""),
        "description": _plain("\n".join(lines).strip("\n")),
        "location": _plain(location),
        "url": link,
        "category": _plain(category),
        "start": start,
        "end": end,
        "all_day": all_day,
        "type": kind,
        "area": event.get("community_area") or 0,
        "side": event.get("side") or "",
        "cancelled_summary": _plain(labels["calendar_cancelled"].replace("{title}", event.get("title") or "")),
    }


def _times(event: dict, tz) -> tuple[str, str, bool]:
    """ISO start and end on the campaign's wall clock; an activity without a start time is all-day."""
    if not event.get("starts_at"):
        day = date.fromisoformat(event["date"])
        return day.isoformat(), (day + timedelta(days=1)).isoformat(), True
    start = datetime.fromisoformat(event["starts_at"]).astimezone(tz)
    end = datetime.fromisoformat(event["ends_at"]).astimezone(tz) if event.get("ends_at") else None
    if end is None or utc(end) <= utc(start):
        # The map's default length, as elapsed time: an hour from 1:30 AM on the night the clocks go
        # back ends at 1:30 AM again, not at 2:30 AM two hours later (aware arithmetic is wall-clock).
        end = (utc(start) + timedelta(minutes=DEFAULT_DURATION_MINUTES)).astimezone(tz)
    return start.isoformat(), end.isoformat(), False


def _render(uid: str, event_id: str, item: dict, sequence: int, modified: datetime, *, cancelled: bool,
            config: Config) -> Entry:
    tz = config.campaign.tz
    vevent = icalendar.Event()
    vevent.add("uid", uid)
    vevent.add("dtstamp", modified)
    vevent.add("last-modified", modified)
    vevent.add("sequence", sequence)
    vevent.add("summary", item["cancelled_summary"] if cancelled else item["summary"])
    if item["all_day"]:
        vevent.add("dtstart", date.fromisoformat(item["start"]))
        vevent.add("dtend", date.fromisoformat(item["end"]))
    else:
        vevent.add("dtstart", _local(item["start"], tz))
        vevent.add("dtend", _local(item["end"], tz))
    if item["description"]:
        vevent.add("description", item["description"])
    vevent.add("location", item["location"])
    if item["url"]:
        vevent.add("url", item["url"])
    if item["category"]:
        vevent.add("categories", [item["category"]])
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    return Entry(uid, event_id, item, sequence, modified, cancelled, vevent.to_ical())


def _local(text: str, tz) -> datetime:
    """A time on the campaign's wall clock (``TZID=…``), or in UTC when that wall-clock reading is ambiguous.

    ``TZID`` times carry no fold: 1:30 AM on the night the clocks go back means the first
    1:30 (RFC 5545 §3.3.5), so the second one can only be written in UTC.
    """
    moment = datetime.fromisoformat(text).astimezone(tz)
    return moment if utc(moment.replace(fold=0)) == utc(moment) else utc(moment)


def _row(entry: Entry, digest: str, cancelled: str | None) -> tuple:
    return (entry.uid, digest, entry.sequence, entry.modified.isoformat(), cancelled,
            json.dumps(entry.item, ensure_ascii=False, sort_keys=True), entry.vevent)


def _digest(item: dict) -> str:
    return hashlib.sha256(json.dumps(item, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()[:32]


# --- a whole calendar -------------------------------------------------------------------


def _calendar(vevents: list[bytes], *, name: str | None, source: str | None, timezone_block: bytes,
              config: Config) -> bytes:
    """A VCALENDAR around already rendered VEVENTs (each rendered once, whatever the feeds holding it)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name is not None:
        cal.add("name", _plain(name))
        cal.add("x-wr-calname", _plain(name))
    cal.add("x-wr-timezone", config.campaign.timezone)
    if source:
        cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", icalendar.vDuration(REFRESH))
        base = config.map.public_url
        if base:
            cal.add("source", base + source, parameters={"VALUE": "URI"})
            cal.add("url", base)
    head = cal.to_ical()
    return head[:-len(_END)] + timezone_block + b"".join(vevents) + _END


def _vtimezone(config: Config) -> bytes:
    """The campaign time zone's VTIMEZONE, from zoneinfo, for the years the campaign spans."""
    first = date(config.campaign.starts.year, 1, 1)
    last = date(config.campaign.ends.year + 1, 12, 31)
    return icalendar.Timezone.from_tzid(config.campaign.timezone, first_date=first, last_date=last).to_ical()


# --- helpers ----------------------------------------------------------------------------


def _within_limit(events: list[dict], *, config: Config, now: datetime) -> list[dict]:
    """The activities the map page shows: all of them, or past the limit the soonest upcoming then latest past."""
    from sync.publish.map_page import within_limit

    return within_limit(events, limit=config.map.max_activities, now=now.isoformat())[0]


def _labels(config: Config) -> dict[str, str]:
    from sync.publish.map_page import page_labels

    return page_labels(config)[config.map.languages[0]]


def _type_label(name: str, labels: dict) -> str:
    return labels.get(f"type:{name}", name)


def _sides_of(item: dict, sides: Mapping[str, list[int]]) -> list[str]:
    """The sides whose feed holds an activity: the side it was placed by, or the sides holding its area."""
    return [side for side, numbers in sides.items() if item["side"] == side or item["area"] in numbers]


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _plain(text: str) -> str:
    return text.translate(_PLAIN)


def _uri(link: str) -> str:
    """An http(s) link as a URI (spaces, quotes and angle brackets percent-encoded); ``""`` for anything else."""
    if not is_web_url(link):
        return ""
    return quote(link, safe=_URI_SAFE)


def _short(text: str) -> str:
    """A slug for a name with no ASCII letter in it: a short digest, stable as long as the name is."""
    return "x" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _excerpt(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.6 else cut).rstrip(" ,.;:-") + "…"
