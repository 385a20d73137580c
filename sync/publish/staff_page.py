"""The staff page ``staff/index.html``: how the last sync went, what needs fixing, how the campaign is going.

One self-contained file with no scripts and no external assets, so it works
opened from disk, served by ``healing-map serve`` or attached to an email.
The page is only written by a run that succeeded, so "last sync" is the last
good one. Every value that came from the sheet is escaped.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from sync.config import CampaignConfig, Config
from sync.locate.geography import Geography
from sync.publish.charts import CSS, area_map, bar_chart, column_chart, percentage, plural, share_ring
from sync.publish.summit import campaign_numbers, local_time, long_day, week_columns, weeks_note
from sync.records import Response, Status

#: Every file next to this page (and the public ones) with what staff use it for.
DOWNLOADS = (
    ("responses.csv", "responses.csv", "every response with its status, reasons and resolved location"),
    ("rejected.csv", "rejected.csv", "the rejected responses with their sheet row numbers, to work through"),
    ("report.json", "report.json", "this run’s counts, reasons, timings and warnings"),
    ("summit.csv", "summit.csv", "one row per community area, all 77, one per side of the city, and citywide: for the closing summit"),
    ("summary.html", "Printable summary", "the campaign on one page, for the closing summit"),
    ("../public/index.html", "Public map", "the healing map as residents see it"),
    ("../public/events.csv", "events.csv", "the published activities, as residents download them"),
)

_STYLE = """
*{box-sizing:border-box}body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#f4f5f8}
main,header>div{max-width:76rem;margin:0 auto;padding:0 1rem}header{background:#13294b;color:#fff;padding:1rem 0}
header h1{margin:0;font-size:1.6rem}header p{margin:.2rem 0 0;color:#d5def0}header nav a{color:#fff;margin-right:1rem}
header nav{margin-top:.5rem;font-size:.95rem}a{color:#1f5aa6}h2{margin:2rem 0 .75rem;font-size:1.35rem}
h3{margin:0 0 .5rem;font-size:1.05rem}.card{background:#fff;border:1px solid #dde0e8;border-radius:.6rem;padding:1rem}
.grid,.split{display:grid;gap:1rem;grid-template-columns:1fr 1fr}.split{grid-template-columns:3fr 2fr;align-items:start}
.wide{grid-column:1/-1}
.status{display:flex;gap:1rem;align-items:baseline;flex-wrap:wrap}.pill{border-radius:1rem;padding:.1rem .7rem;
font-weight:600}.ok{background:#dcf3e3;color:#0f5c2a}.warn{background:#fff1cc;color:#6b4a00}
.counts{display:grid;grid-template-columns:repeat(4,1fr);gap:.75rem;padding:0;margin:1rem 0 0;list-style:none}
.counts li{border:1px solid #dde0e8;border-top:.35rem solid #8a8a94;border-radius:.6rem;padding:.6rem 1rem}
.counts strong{display:block;font-size:2rem;line-height:1.1}.counts span{color:#5b5b66}
.counts .published{border-top-color:#1a7f37}.counts .held{border-top-color:#bf8700}
.counts .rejected{border-top-color:#b3261e}.downloads{margin:0;padding-left:1.1rem}.downloads li{margin:.15rem 0}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #e4e7ee;
padding:.35rem .5rem;text-align:left;vertical-align:top}thead th{background:#eef0f5}td.num{text-align:right}
.reasons{margin:0;padding-left:1rem}.muted,.note{color:#5b5b66}.note{font-size:.9rem;margin:.4rem 0 0}
.names{columns:2;margin:0;padding-left:1.1rem;font-size:.95rem}.empty{font-style:italic;color:#5b5b66}
.nowrap{white-space:nowrap}.spaced{margin-top:1rem}
.ring .chart{display:flex;flex-wrap:wrap;gap:1rem;align-items:center}.ring svg{flex:0 0 9rem}
.ring figcaption{flex:1 1 12rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}dt{font-weight:600}dd{margin:0}
@media (max-width:50rem){.grid,.split{grid-template-columns:1fr}.counts{grid-template-columns:repeat(2,1fr)}
#weeks,#areas{overflow-x:auto}#weeks svg,#areas svg{min-width:40rem}}
.grid>*,.split>*{min-width:0}
"""


def render_staff_page(report: dict, *, responses: list[Response], events: list[dict], config: Config,
                      geography: Geography, outbox: list[dict] | None = None) -> str:
    """The whole page as one HTML string; ``outbox`` lists messages to hosts when notifications are on."""
    campaign = config.campaign
    title = escape(campaign.title)
    synced = local_time(report["generated_at"], campaign.tz)
    rejected = sorted((r for r in responses if r.status is Status.REJECTED), key=lambda r: r.row_number)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>{title} — staff</title><style>{CSS}{_STYLE}</style></head>
<body>
<header><div><h1>{title} — staff</h1>
<p>{_campaign_line(campaign, synced.date())}</p>
<nav aria-label="On this page"><a href="#sync">Last sync</a><a href="#campaign">Campaign charts</a>
<a href="#rejected">Rejected ({len(rejected):,})</a><a href="#held">Held ({report["counts"]["held"]:,})</a>
{'<a href="#outbox">Messages to hosts</a>' if outbox is not None else ""}<a href="#details">Run details</a></nav>
</div></header>
<main>
{_sync_section(report, synced)}
{_campaign_section(events, campaign, geography, synced.date())}
{_rejected_section(report, rejected)}
{_held_section(report, responses)}
{_outbox_section(outbox) if outbox is not None else ""}
{_details_section(report)}
</main></body></html>
"""


def _campaign_line(campaign: CampaignConfig, today: date) -> str:
    weeks = (campaign.ends - campaign.starts).days // 7 + 1
    if today < campaign.starts:
        where = f"starts in {plural((campaign.starts - today).days, 'day', 'days')}"
    elif today > campaign.ends:
        where = "ended"
    else:
        where = f"week {(today - campaign.starts).days // 7 + 1} of {weeks}"
    return f"Campaign {long_day(campaign.starts)} – {long_day(campaign.ends)} · {where}"


def _sync_section(report: dict, synced: datetime) -> str:
    counts, warnings = report["counts"], report["warnings"]
    if report.get("dry_run"):
        pill = '<span class="pill warn">Dry run: nothing was written</span>'
    elif warnings:
        pill = f'<span class="pill warn">Succeeded with {plural(len(warnings), "warning", "warnings")}</span>'
    else:
        pill = '<span class="pill ok">Succeeded</span>'
    read = counts["read"]
    cards = "".join(
        f'<li class="{key}"><strong>{counts[key]:,}</strong><span>{label}'
        f'{f" ({percentage(counts[key], read)})" if key != "read" else ""}</span></li>'
        for key, label in (("read", "responses read"), ("published", "published"),
                           ("held", '<a href="#held">held</a>'), ("rejected", '<a href="#rejected">rejected</a>')))
    warning_list = "".join(f"<li>{escape(w)}</li>" for w in warnings)
    downloads = "".join(f'<li><a href="{href}">{label}</a> — {what}</li>' for href, label, what in DOWNLOADS)
    return f"""<section id="sync" aria-labelledby="sync-h"><h2 id="sync-h">Last sync</h2>
<div class="split"><div class="card"><div class="status">{pill}
<time datetime="{escape(report['generated_at'])}">{long_day(synced)},
{synced:%H:%M} {escape(synced.tzname() or '')}</time>
</div>
<p class="note">From <code>{escape(report['source'])}</code>.</p>
{f'<ul class="note">{warning_list}</ul>' if warnings else ""}
<ul class="counts" aria-label="Responses by status">{cards}</ul>
{_accounting(counts)}</div>
<div class="card"><h3>Downloads</h3><ul class="downloads">{downloads}</ul></div></div></section>"""


def _accounting(counts: dict) -> str:
    """Published + held + rejected = read; on launch day, that the form has no response yet."""
    if not counts["read"]:
        return ('<p class="note"><strong>0 responses yet.</strong> The sheet has its header row and no '
                "responses: the map is live and invites the first activity.</p>")
    blank = counts.get("blank_rows", 0)
    skipped = f"\n{plural(blank, 'blank row', 'blank rows')} skipped: they are not responses." if blank else ""
    return (f'<p class="note">Every response read is published, held or rejected: {counts["published"]:,} + '
            f'{counts["held"]:,}\n+ {counts["rejected"]:,} = {counts["read"]:,}.{skipped}</p>')


def _campaign_section(events: list[dict], campaign: CampaignConfig, geography: Geography, today: date) -> str:
    numbers = campaign_numbers(events, campaign, geography)
    total = len(geography.areas)
    missing = numbers.not_reached
    names = "".join(f"<li>{escape(name)}</li>" for name in missing)
    citywide = (f" {plural(numbers.citywide, 'citywide activity is', 'citywide activities are')} "
                f"not counted in any area." if numbers.citywide else "")
    by_side = sum(numbers.per_side.values())
    if by_side:
        sides = ", ".join(f"{side} Side {n}" for side, n in numbers.per_side.items() if n)
        citywide += (f" {plural(by_side, 'activity is', 'activities are')} placed only by side of the city "
                     f"({escape(sides)}), counted per side in summit.csv.")
    ring = share_ring("reach", "Share of community areas reached", numbers.reached, total, caption=(
        f"<strong>{numbers.reached} of {total}</strong> community areas "
        f"({percentage(numbers.reached, total)}) have at least one published activity; "
        f"{total - numbers.reached} not yet.{citywide}"))
    return f"""<section id="campaign" aria-labelledby="campaign-h"><h2 id="campaign-h">How the campaign is going</h2>
<p class="note">{plural(numbers.activities, 'activity', 'activities')} published by
{plural(numbers.organizations, 'organization', 'organizations')}. Charts count published activities only.</p>
<div class="grid">
<div class="card wide"><h3>Activities per week</h3>
{column_chart("weeks", "Published activities per week of the campaign", week_columns(numbers.weeks, today),
              headers=("Week", "Dates", "Activities"), width=1100, height=220)}
<p class="note">{escape(weeks_note(campaign))} Lighter bars are weeks still to come.</p></div>
<div class="card"><h3>Types of activity</h3>
{bar_chart("types", "Published activities by type", numbers.types, label_header="Type")}</div>
<div class="card"><h3>Languages</h3>
{bar_chart("languages", "Published activities by language", numbers.languages, label_header="Language")}
<p class="note">An activity can be held in several languages.</p></div>
<div class="card"><h3>Community areas reached</h3><div class="ring">{ring}</div>
<h3 class="spaced">Not reached yet ({len(missing)})</h3>
<ul class="names">{names or "<li>Every community area has an activity.</li>"}</ul></div>
<div class="card"><h3>Map of community areas</h3>
{area_map("map", "Published activities per community area, on a map", numbers.per_area, geography)}</div>
<div class="card wide"><h3>Activities per community area (all {total})</h3>
{bar_chart("areas", f"Published activities in each of the {total} community areas", numbers.ranked,
           label_header="Community area", zero_note="not reached", columns=2, width=1100)}</div>
</div></section>"""


def _rows_by_reason(responses: list[Response], status: Status) -> dict[str, list[int]]:
    """Reason code → the sheet rows it put in ``status``."""
    rows: dict[str, list[int]] = {}
    for r in responses:
        if r.status is status:
            for code in {x.code for x in r.blocking_reasons if x.severity == status.value}:
                rows.setdefault(code, []).append(r.row_number)
    return {code: sorted(numbers) for code, numbers in rows.items()}


def _reason_table(summary: dict[str, dict], rows: dict[str, list[int]], *, link_rows: bool) -> str:
    """Reasons by how many responses they affect, with an example message and every sheet row."""
    def sheet_rows(code: str) -> str:
        return ", ".join(f'<a href="#row-{n}">{n}</a>' if link_rows else str(n) for n in rows.get(code, []))

    body = "".join(
        f"<tr><td><code>{escape(code)}</code><br><span class=muted>e.g. {escape(item['example'])}</span></td>"
        f"<td class=num>{item['count']:,}</td><td>{sheet_rows(code)}</td></tr>"
        for code, item in summary.items())
    return ('<table><thead><tr><th scope="col">Reason</th><th scope="col" class="num">Responses</th>'
            f'<th scope="col">Sheet rows</th></tr></thead><tbody>{body}</tbody></table>')


def _rejected_section(report: dict, rejected: list[Response]) -> str:
    if not rejected:
        return ('<section id="rejected" aria-labelledby="rejected-h"><h2 id="rejected-h">Rejected responses (0)</h2>'
                "<p>No response was rejected.</p></section>")
    rows = "".join(
        f'<tr id="row-{r.row_number}"><th scope="row" class="num">{r.row_number}</th>'
        f'<td class="nowrap">{escape(_submitted(r))}</td>'
        f"<td>{escape(r.title) if r.title else '<span class=empty>no activity name</span>'}</td>"
        f"<td>{escape(r.location_text)}</td>"
        f'<td><ul class="reasons">{"".join(f"<li>{escape(x.message)}</li>" for x in r.blocking_reasons)}</ul></td></tr>'
        for r in rejected)
    rows_by_code = _rows_by_reason(rejected, Status.REJECTED)
    return f"""<section id="rejected" aria-labelledby="rejected-h">
<h2 id="rejected-h">Rejected responses ({len(rejected):,})</h2>
<p class="note">Fix these in the sheet (or ask the host to submit again); the next sync picks the change up.
The same list is in <a href="rejected.csv">rejected.csv</a>.</p>
<h3 class="spaced">By reason</h3>{_reason_table(report["reasons"]["rejected"], rows_by_code, link_rows=True)}
<h3 class="spaced">Every rejected response</h3>
<table><thead><tr><th scope="col">Sheet row</th><th scope="col">Submitted</th><th scope="col">Activity</th>
<th scope="col">Location given</th><th scope="col">Why</th></tr></thead><tbody>{rows}</tbody></table></section>"""


def _submitted(r: Response) -> str:
    return f"{r.submitted_at:%Y-%m-%d %H:%M}" if r.submitted_at else r.raw.get("submitted_at", "")


def _held_section(report: dict, responses: list[Response]) -> str:
    held = report["counts"]["held"]
    content = (_reason_table(report["reasons"]["held"], _rows_by_reason(responses, Status.HELD), link_rows=False)
               if held else "<p>No response is held.</p>")
    return f"""<section id="held" aria-labelledby="held-h"><h2 id="held-h">Held responses ({held:,})</h2>
<p class="note">Valid but not public: no consent, awaiting approval, or repeated by a later submission.
Their rows are in <a href="responses.csv">responses.csv</a> with status <code>held</code>.</p>{content}</section>"""


def _outbox_section(outbox: list[dict]) -> str:
    """Messages to hosts: queued ones (with their .eml to review), failed ones with the server's words, then the rest."""
    waiting = sum(1 for m in outbox if m["state"] == "queued")
    failed = sum(1 for m in outbox if m["state"] == "failed")
    rows = "".join(
        f'<tr><td class="num">{m["row_number"]}</td><td>{escape(m["title"]) or "<span class=empty>no activity name</span>"}'
        f'</td><td>{escape(m["status"])}</td><td>{escape(m["language"])}</td><td>{escape(m["recipient"])}</td>'
        f'<td><strong>{escape(m["state"])}</strong>'
        + (f' · <a href="outbox/{escape(m["file"])}">.eml</a>' if m.get("file") else "")
        + (f'<br><span class=muted>{escape(m["detail"])}</span>' if m["detail"] else "")
        + f'</td><td class="nowrap">{escape(m["sent_at"] or m["queued_at"] or "")}</td></tr>'
        for m in outbox)
    table = ('<table><thead><tr><th scope="col">Sheet row</th><th scope="col">Activity</th><th scope="col">Status</th>'
             '<th scope="col">Language</th><th scope="col">To</th><th scope="col">Message</th>'
             f'<th scope="col">When</th></tr></thead><tbody>{rows}</tbody></table>') if outbox else (
        "<p>No message to a host yet.</p>")
    return f"""<section id="outbox" aria-labelledby="outbox-h"><h2 id="outbox-h">Messages to hosts</h2>
<p class="note">{plural(waiting, "message waits", "messages wait")} to be sent ({failed:,} failed). Review the
queued ones (each <code>.eml</code> opens in a mail program), then send them with <code>healing-map notify --send</code>.
Failed messages show the mail server's reason. As of this sync.</p>{table}</section>"""


def _details_section(report: dict) -> str:
    """Where the data came from. Timings stay in report.json: the page is the same for the same sheet."""
    geocoder = " · ".join(f"{escape(str(k))}: {escape(str(v))}" for k, v in report["geocoder"].items())
    return f"""<section id="details" aria-labelledby="details-h"><h2 id="details-h">Run details</h2>
<div class="card"><dl><dt>Source</dt><dd><code>{escape(report['source'])}</code></dd>
<dt>Config</dt><dd><code>{escape(str(report.get('config', '')))}</code></dd>
<dt>Version</dt><dd>{escape(str(report.get('version', '')))}</dd>
<dt>Geocoder</dt><dd>{geocoder or "not used"}</dd>
<dt>Timings</dt><dd>in <a href="report.json">report.json</a></dd></dl></div>
</section>"""
