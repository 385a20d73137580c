"""The staff page ``staff/index.html``: how the last sync went, what needs fixing, how the campaign is going.

One self-contained file with no scripts and no external assets, so it works
opened from disk, served by ``healing-map serve`` or attached to an email.
The page is only written by a run that succeeded, so "last sync" is the last
good one. The markup is ``templates/staff_page.html`` (styles: ``staff_page.css`` and
``charts.css``); this module gathers what it shows, and the template escapes every value
that came from the sheet.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sync.config import CampaignConfig, Config
from sync.locate.geography import Geography
from sync.publish import side_areas
from sync.publish.charts import area_map, bar_chart, column_chart, share_ring
from sync.publish.share import embed_snippets
from sync.publish.summit import campaign_numbers, local_time, week_columns, weeks_note
from sync.publish.templating import long_day, plural, render
from sync.records import Response, Status

#: Every file next to this page (and the public ones) with what staff use it for.
DOWNLOADS = (
    ("responses.csv", "responses.csv", "every response with its status, reasons and resolved location"),
    ("rejected.csv", "rejected.csv", "the rejected responses with their sheet row numbers, to work through"),
    ("report.json", "report.json", "this run’s counts, reasons, timings and warnings"),
    ("summit.csv", "summit.csv",
     "one row per community area, all 77, one per side of the city, and citywide: for the closing summit"),
    ("summary.html", "Printable summary", "the campaign on one page, for the closing summit"),
    ("../public/index.html", "Public map", "the healing map as residents see it"),
    ("../public/embed.html", "Embeddable map", "the compact map partners put in a frame on their site (see Embed)"),
    ("../public/events.csv", "events.csv", "the published activities, as residents download them"),
)

def render_staff_page(report: dict, *, responses: list[Response], events: list[dict], config: Config,
                      geography: Geography, outbox: list[dict] | None = None) -> str:
    """The whole page as one HTML string; ``outbox`` lists messages to hosts when notifications are on."""
    campaign = config.campaign
    synced = local_time(report["generated_at"], campaign.tz)
    rejected = sorted((r for r in responses if r.status is Status.REJECTED), key=lambda r: r.row_number)
    return render(
        "staff_page.html", report=report, counts=report["counts"], title=campaign.title, synced=synced,
        campaign_line=_campaign_line(campaign, synced.date()), downloads=DOWNLOADS,
        rejected=[_RejectedRow(r.row_number, _submitted(r), r.title, r.location_text,
                               [x.message for x in r.blocking_reasons]) for r in rejected],
        rejected_rows=_rows_by_reason(rejected, Status.REJECTED), held_rows=_rows_by_reason(responses, Status.HELD),
        outbox=outbox, outbox_waiting=sum(1 for m in outbox or () if m["state"] == "queued"),
        outbox_failed=sum(1 for m in outbox or () if m["state"] == "failed"),
        public_url=config.map.public_url, embeds=embed_snippets(
            config=config, areas={n: a.name for n, a in geography.areas.items()}, sides=side_areas(config, geography)),
        **_campaign_charts(events, campaign, geography, synced.date()))


class _RejectedRow(NamedTuple):
    row_number: int
    submitted: str
    title: str
    location_text: str
    messages: list[str]


def _campaign_line(campaign: CampaignConfig, today: date) -> str:
    weeks = (campaign.ends - campaign.starts).days // 7 + 1
    if today < campaign.starts:
        where = f"starts in {plural((campaign.starts - today).days, 'day', 'days')}"
    elif today > campaign.ends:
        where = "ended"
    else:
        where = f"week {(today - campaign.starts).days // 7 + 1} of {weeks}"
    return f"Campaign {long_day(campaign.starts)} – {long_day(campaign.ends)} · {where}"


def _campaign_charts(events: list[dict], campaign: CampaignConfig, geography: Geography, today: date) -> dict:
    """The campaign section's numbers and chart layouts (the template draws them)."""
    numbers = campaign_numbers(events, campaign, geography)
    total = len(geography.areas)
    return {
        "numbers": numbers,
        "total_areas": total,
        "by_side": sum(numbers.per_side.values()),
        "sides_text": ", ".join(f"{side} Side {n}" for side, n in numbers.per_side.items() if n),
        "weeks_note": weeks_note(campaign),
        "weeks_chart": column_chart("weeks", "Published activities per week of the campaign",
                                    week_columns(numbers.weeks, today), headers=("Week", "Dates", "Activities"),
                                    width=1100, height=220),
        "types_chart": bar_chart("types", "Published activities by type", numbers.types, label_header="Type"),
        "languages_chart": bar_chart("languages", "Published activities by language", numbers.languages,
                                     label_header="Language"),
        "ring": share_ring("reach", "Share of community areas reached", numbers.reached, total),
        "map_chart": area_map("map", "Published activities per community area, on a map", numbers.per_area,
                              geography),
        "areas_chart": bar_chart("areas", f"Published activities in each of the {total} community areas",
                                 numbers.ranked, label_header="Community area", zero_note="not reached",
                                 columns=2, width=1100),
    }


def _rows_by_reason(responses: list[Response], status: Status) -> dict[str, list[int]]:
    """Reason code → the sheet rows it put in ``status``."""
    rows: dict[str, list[int]] = {}
    for r in responses:
        if r.status is status:
            for code in {x.code for x in r.blocking_reasons if x.severity == status.value}:
                rows.setdefault(code, []).append(r.row_number)
    return {code: sorted(numbers) for code, numbers in rows.items()}


def _submitted(r: Response) -> str:
    return f"{r.submitted_at:%Y-%m-%d %H:%M}" if r.submitted_at else r.raw.get("submitted_at", "")
