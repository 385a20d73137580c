"""The campaign's numbers: ``staff/summit.csv`` and a printable one-page summary for the closing summit.

The staff page draws its charts from the same :func:`campaign_numbers`, so the
dashboard staff watch for ten weeks and the sheet shown at the summit never
disagree. Everything here counts published activities only, by the
activity's date (not the day it was submitted). The summary's markup is
``templates/summary_page.html`` (styles: ``summary_page.css``, ``charts.css``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sync.config import CampaignConfig, Config
from sync.locate.geography import Geography
from sync.locate.placedata import SIDES
from sync.publish.charts import Column, area_map, bar_chart, column_chart
from sync.publish.exports import csv_bytes
from sync.publish.templating import long_day, render

SUMMIT_COLUMNS = (
    "community_area", "community_area_name", "activities", "first_date", "last_date", "types", "languages",
    "organizations",
)
CITYWIDE = "Citywide"
#: Shown for an activity whose host ticked no language, so the language counts still cover every activity.
NOT_STATED = "Not stated"


@dataclass(frozen=True)
class Week:
    """Week ``number`` of the campaign: seven days from the campaign's first day (the last may be shorter)."""

    number: int
    first: date
    last: date
    activities: int


@dataclass(frozen=True)
class CampaignNumbers:
    """What the published activities add up to."""

    activities: int
    weeks: list[Week]
    #: Every community area by number, zeros included.
    per_area: dict[int, int]
    #: Every community area as (name, activities), most first, ties (and all the zeros) by name.
    ranked: list[tuple[str, int]]
    citywide: int
    #: Activities placed only as a side of the city ("South Side"), by side; every one of the nine.
    per_side: dict[str, int]
    types: list[tuple[str, int]]
    languages: list[tuple[str, int]]
    organizations: int

    @property
    def reached(self) -> int:
        """Community areas with at least one activity (citywide activities reach none in particular)."""
        return sum(1 for n in self.per_area.values() if n)

    @property
    def not_reached(self) -> list[str]:
        """Names of the community areas without an activity, alphabetically."""
        return [name for name, n in self.ranked if not n]


def languages_of(event: dict) -> list[str]:
    return event["languages"] or [NOT_STATED]


def tally(values) -> list[tuple[str, int]]:
    """(value, count) pairs, most frequent first, ties alphabetically; ``values`` may also map value → count."""
    return sorted(Counter(values).items(), key=lambda item: (-item[1], item[0].casefold()))


def count_organizations(events: list[dict]) -> int:
    """Distinct organizations, ignoring case and spacing; activities without one are not counted."""
    return len({" ".join(e["organization"].split()).casefold() for e in events if e["organization"].strip()})


def campaign_weeks(events: list[dict], campaign: CampaignConfig) -> list[Week]:
    """Activities per week, weeks counted from ``campaign.starts`` (validation keeps every date inside)."""
    per_week = Counter((date.fromisoformat(e["date"]) - campaign.starts).days // 7 for e in events)
    weeks = []
    for index in range((campaign.ends - campaign.starts).days // 7 + 1):
        first = campaign.starts + timedelta(days=7 * index)
        weeks.append(Week(index + 1, first, min(first + timedelta(days=6), campaign.ends), per_week[index]))
    return weeks


def campaign_numbers(events: list[dict], campaign: CampaignConfig, geography: Geography) -> CampaignNumbers:
    areas = Counter(e["community_area"] for e in events)
    sides = Counter(e["side"] for e in events if e.get("side"))
    return CampaignNumbers(
        activities=len(events),
        weeks=campaign_weeks(events, campaign),
        per_area={number: areas[number] for number in geography.areas},
        ranked=tally({area.name: areas[number] for number, area in geography.areas.items()}),
        citywide=areas[None] - sum(sides.values()),
        per_side={side: sides[side] for side in [*SIDES, *sorted(set(sides) - set(SIDES))]},
        types=tally(e["type"] for e in events),
        languages=tally(lang for e in events for lang in languages_of(e)),
        organizations=count_organizations(events),
    )


def summit_rows(events: list[dict], geography: Geography) -> list[dict]:
    """One row per community area in number order, all of them, then one per side, then a Citywide row.

    An activity placed only as a side of the city ("South Side") counts in its side's row, never in
    one of the side's community areas; "Far South Side" has a row of its own when used.
    """
    groups: dict[int, list[dict]] = {number: [] for number in geography.areas}
    sides: dict[str, list[dict]] = {side: [] for side in SIDES}
    citywide: list[dict] = []
    for event in events:
        if event.get("side"):
            sides.setdefault(event["side"], []).append(event)
        elif event["community_area"] is None:
            citywide.append(event)
        else:
            groups[event["community_area"]].append(event)
    return [
        *(_summit_row(number, geography.areas[number].name, group) for number, group in groups.items()),
        *(_summit_row(None, f"{side} Side", group) for side, group in sides.items()),
        _summit_row(None, CITYWIDE, citywide),
    ]


def _summit_row(number: int | None, name: str, events: list[dict]) -> dict:
    dates = sorted(e["date"] for e in events)
    return {
        "community_area": number,
        "community_area_name": name,
        "activities": len(events),
        "first_date": dates[0] if dates else "",
        "last_date": dates[-1] if dates else "",
        "types": _joined(tally(e["type"] for e in events)),
        "languages": _joined(tally(lang for e in events for lang in languages_of(e))),
        "organizations": count_organizations(events),
    }


def _joined(counts: list[tuple[str, int]]) -> str:
    return "; ".join(f"{value}: {n}" for value, n in counts)


def summit_csv(events: list[dict], geography: Geography) -> bytes:
    return csv_bytes(SUMMIT_COLUMNS, summit_rows(events, geography))


def local_time(iso: str, tz: ZoneInfo) -> datetime:
    """A report timestamp in the campaign's time zone."""
    return datetime.fromisoformat(iso).astimezone(tz)


def week_columns(weeks: list[Week], today: date) -> list[Column]:
    """The weeks as chart columns; weeks after ``today`` are scheduled activities, drawn lighter."""
    def tense(week: Week) -> str:
        if week.first <= today <= week.last:
            return "current"
        return "upcoming" if week.first > today else "past"

    return [Column(f"Wk {w.number}", f"{w.first:%b} {w.first.day}",
                   f"Week {w.number}, {long_day(w.first)} – {long_day(w.last)}", w.activities, tense(w))
            for w in weeks]


def weeks_note(campaign: CampaignConfig) -> str:
    return (f"By the activity’s date. Week 1 starts on the campaign’s first day, {long_day(campaign.starts)}, "
            f"and every week runs seven days from that weekday.")


#: Bar charts sized for half of a printed page: width and row height.
_SMALL_WIDTH, _SMALL_ROW = 340, 16


def render_summary_page(report: dict, events: list[dict], config: Config, geography: Geography) -> str:
    """One printed page (A4 or Letter) with the campaign's numbers for the closing summit."""
    campaign = config.campaign
    numbers = campaign_numbers(events, campaign, geography)
    as_of = local_time(report["generated_at"], campaign.tz)
    by_side = sum(numbers.per_side.values())
    return render(
        "summary_page.html", title=campaign.title, campaign=campaign, generated_at=report["generated_at"],
        as_of=as_of, numbers=numbers, total_areas=len(geography.areas), weeks_note=weeks_note(campaign),
        languages=sum(1 for language, _ in numbers.languages if language != NOT_STATED),
        citywide_parts=[part for part in (f"{numbers.citywide:,} citywide" if numbers.citywide else "",
                                          f"{by_side:,} by side of the city" if by_side else "") if part],
        weeks_chart=column_chart("weeks", "Activities per week of the campaign",
                                 week_columns(numbers.weeks, as_of.date()), headers=("Week", "Dates", "Activities"),
                                 width=720, height=115),
        map_chart=area_map("map", "Activities per community area", numbers.per_area, geography, width=280),
        top_chart=bar_chart("top", "Community areas with the most activities",
                            [item for item in numbers.ranked[:10] if item[1]], label_header="Community area",
                            width=_SMALL_WIDTH, row_height=_SMALL_ROW),
        types_chart=bar_chart("types", "Activities by type", numbers.types, label_header="Type",
                              width=_SMALL_WIDTH, row_height=_SMALL_ROW),
        languages_chart=bar_chart("languages", "Activities by language", numbers.languages, label_header="Language",
                                  width=_SMALL_WIDTH, row_height=_SMALL_ROW),
    )
