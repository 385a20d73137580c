"""The upcoming activities written into the map page itself, and the same activities as schema.org data.

The page script builds its list from the page's JSON, but a visitor with JavaScript off, a
reader mode or a search engine never runs it. So the page's HTML already holds the soonest
upcoming activities in ``#hm-list``, in the markup the script's ``listItem()`` makes (day
groups of ``li.hm-item > article``), and the script empties ``#hm-list`` and draws its own list
on start, so nothing shows twice. The same activities go into one
``<script type="application/ld+json">`` block as schema.org ``Event`` objects, for search
engines and link previews.

The list is capped at :data:`STATIC_LIST_MAX` activities: at 10,000 activities the HTML of
every upcoming one would crowd the page's size budget (``map_page.PAGE_BUDGET_BYTES``) and the
descriptions out of the page's data. The page says so in its ``<noscript>`` text, which links
``events.csv`` for the rest.

Texts are in the page's first language; the script rewrites the list in the visitor's one.
Every text is resident input: the template autoescapes it, and the JSON-LD is written with
:func:`sync.publish.map_page.script_json` (no ``<``, ``>`` or ``&`` can end its element).

Example::

    listing = static_list(events, now=generated_at, config=config, labels=page_labels(config))
    listing["days"][0]["items"][0]["title"]          # the soonest upcoming activity
"""

from __future__ import annotations

import re
from datetime import date, datetime

from sync.config import Config
from sync.publish.calendar import EVENT_FOLDER
from sync.publish.rules import is_upcoming, is_web_url, long_date

#: Most activities written into the page's HTML: the soonest upcoming ones.
STATIC_LIST_MAX = 100
#: Longest description excerpt in the HTML list and the JSON-LD (the full text is in events.csv).
STATIC_DESCRIPTION_CHARS = 280
SCHEMA = "https://schema.org"


def upcoming_events(events: list[dict], *, now: datetime, tz) -> list[tuple[int, dict, datetime, datetime | None]]:
    """``(index, event, start, end)`` of every upcoming activity, soonest first.

    ``index`` is the activity's place in date order among all ``events``, as the page's data
    numbers them (the list's element ids use it, as the script's do).
    """
    ordered = sorted(events, key=lambda e: (e.get("starts_at") or e.get("date") or "",
                                            (e.get("title") or "").casefold()))
    out = []
    for index, event in enumerate(ordered):
        start = _moment(event.get("starts_at") or event.get("date"), tz)
        if start is None:
            continue
        end = _moment(event.get("ends_at"), tz)
        if is_upcoming(start, end, now.astimezone(tz)):
            out.append((index, event, start, end))
    return out


def static_list(events: list[dict], *, now: datetime, config: Config, labels: dict[str, dict[str, str]],
                limit: int = STATIC_LIST_MAX) -> dict:
    """What the template needs: ``days`` (each with its ``items``), ``shown``, ``total``, ``noscript``, ``json_ld``.

    ``labels``: per page language (``map_page.page_labels``); the list is in the first one, the
    ``noscript`` texts in every one.
    """
    from sync.publish.map_page import script_json

    tz, language = config.campaign.tz, config.map.languages[0]
    upcoming = upcoming_events(events, now=now, tz=tz)
    days: list[dict] = []
    graph = []
    for index, event, start, end in upcoming[:limit]:
        item = _item(index, event, start, end, labels=labels[language], language=language)
        day = (start.date() - config.campaign.starts).days
        if not days or days[-1]["day"] != day:
            days.append({"day": day, "label": _day_label(start, now.astimezone(tz).year, language), "items": []})
        days[-1]["items"].append(item)
        graph.append(event_json_ld(event, start, end, labels=labels[language]))
    shown = min(len(upcoming), limit)
    noscript = [{"lang": lang,
                 "text": _noscript(labels[lang], shown=shown, total=len(upcoming), any_at_all=bool(events))}
                for lang in config.map.languages]
    return {"days": days, "shown": shown, "total": len(upcoming), "noscript": noscript,
            "json_ld": script_json(graph) if graph else ""}


def _noscript(text: dict[str, str], *, shown: int, total: int, any_at_all: bool) -> str:
    """What a visitor without JavaScript is told above the list, in one language."""
    if shown < total:
        return text["noscript_capped"].replace("{shown}", f"{shown:,}").replace("{total}", f"{total:,}")
    if any_at_all and not total:
        return f"{text['nothing_upcoming']} {text['noscript']}"
    return text["noscript"]


def event_json_ld(event: dict, start: datetime, end: datetime | None, *, labels: dict[str, str]) -> dict:
    """One activity as a schema.org ``Event``: what, when, where, how to join, who hosts it; never contact details.

    Citywide (online or all-city) activities are a ``VirtualLocation`` attended online; the
    others a ``Place`` named by their community area (or side of the city) in Chicago, IL.
    """
    link = event.get("link") or ""
    link = link if is_web_url(link) else ""
    virtual = event.get("precision") == "citywide" or (event.get("lat") is None and not event.get("side"))
    if virtual:
        location: dict = {"@type": "VirtualLocation"}
        if link:
            location["url"] = link
    else:
        location = {"@type": "Place", "name": _place_name(event, labels, for_data=True),
                    "address": {"@type": "PostalAddress", "addressLocality": "Chicago", "addressRegion": "IL",
                                "addressCountry": "US"}}
    out = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": event.get("title") or "",
        "startDate": _iso(start, event),
        "eventStatus": f"{SCHEMA}/EventScheduled",
        "eventAttendanceMode": f"{SCHEMA}/{'Online' if virtual else 'Offline'}EventAttendanceMode",
        "location": location,
    }
    if end is not None and end > start:
        out["endDate"] = end.isoformat()
    description = _excerpt(event.get("description") or "")
    if description:
        out["description"] = description
    if link:
        out["url"] = link
    if event.get("organization"):
        out["organizer"] = {"@type": "Organization", "name": event["organization"]}
    return out


# ---------- the items, as the script's listItem() shows them ----------

def _item(index: int, event: dict, start: datetime, end: datetime | None, *, labels: dict[str, str],
          language: str) -> dict:
    link = event.get("link") or ""
    pinned = event.get("lat") is not None and event.get("lon") is not None and event.get("precision") != "citywide"
    return {
        "id": event.get("id") or "",
        "index": index,
        "datetime": _iso(start, event),
        "when": _time_range(start, end, language),
        "title": event.get("title") or "",
        "type": _type_name(event, labels),
        "place": _place_name(event, labels),
        "place_class": "hm-place" if pinned else "hm-place hm-side" if event.get("side") else "hm-place hm-citywide",
        "org": (labels.get("by", "By {org}").replace("{org}", event["organization"])
                if event.get("organization") else ""),
        "languages": ", ".join(_label(labels, "lang:", lang) for lang in event.get("languages") or () if lang),
        "description": _excerpt(event.get("description") or ""),
        "link": link if is_web_url(link) else "",
        # the activity's calendar file (sync.publish.calendar): "Add to calendar" without the script too
        "ics": f"{EVENT_FOLDER}/{event['id']}.ics" if re.fullmatch(r"[A-Za-z0-9_-]+", event.get("id") or "") else "",
    }


def _label(labels: dict[str, str], prefix: str, name: str) -> str:
    return labels.get(prefix + name) or name


def _type_name(event: dict, labels: dict[str, str]) -> str:
    name = _label(labels, "type:", event.get("type") or "")
    return f"{name}: {event['type_detail']}" if event.get("type_detail") else name


def _place_name(event: dict, labels: dict[str, str], *, for_data: bool = False) -> str:
    """The place as the list names it (``for_data``: the community area's own name when there is one)."""
    if event.get("lat") is not None and event.get("precision") != "citywide":
        if for_data and event.get("community_area_name"):
            return event["community_area_name"]
        return event.get("place") or event.get("community_area_name") or ""
    if event.get("side"):
        return labels.get(f"side:{event['side']}") or f"{event['side']} Side"
    return labels.get("citywide", "Citywide or virtual")


def _excerpt(text: str) -> str:
    from sync.publish.map_page import _excerpt as excerpt

    return excerpt(text, STATIC_DESCRIPTION_CHARS)


def _moment(value: str | None, tz) -> datetime | None:
    """An ISO date or time on the campaign's clock (a bare date is its midnight)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(tz) if moment.tzinfo else moment.replace(tzinfo=tz)


def _iso(start: datetime, event: dict) -> str:
    """``2026-11-20T18:00:00-06:00``, or the bare date of an activity without a start time."""
    return start.isoformat() if event.get("starts_at") else start.date().isoformat()


def _day_label(start: datetime, this_year: int, language: str) -> str:
    """``Friday, November 20`` / ``viernes, 20 de noviembre`` (the year only when it is not this one)."""
    day: date = start.date()
    return long_date(day, language, with_year=day.year != this_year)


def _time_range(start: datetime, end: datetime | None, language: str) -> str:
    """``6:00 – 7:30 PM`` (``18:00–19:30`` in Spanish); the end's date too when it is another day."""
    clock = _clock_es if language == "es" else _clock_en
    if end is None or end <= start:
        return clock(start, True)
    if end.date() != start.date():
        return f"{clock(start, True)} – {end.month}/{end.day}, {clock(end, True)}"
    if language != "es" and (start.hour < 12) == (end.hour < 12):
        return f"{clock(start, False)} – {clock(end, True)}"
    return f"{clock(start, True)} – {clock(end, True)}"


def _clock_en(moment: datetime, meridiem: bool) -> str:
    text = f"{moment.hour % 12 or 12}:{moment.minute:02d}"
    return f"{text} {'AM' if moment.hour < 12 else 'PM'}" if meridiem else text


def _clock_es(moment: datetime, meridiem: bool) -> str:
    return f"{moment.hour}:{moment.minute:02d}"
