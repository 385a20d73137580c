"""The staff page: how the last sync went, the rejected list, and the downloads."""

from __future__ import annotations

from html import escape

from sync.config import Config

_STYLE = """
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#1d1d1f}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;
text-align:left;vertical-align:top}th{background:#f4f4f6}.counts{display:flex;gap:1rem;flex-wrap:wrap;padding:0}
.counts li{list-style:none;background:#f4f4f6;border-radius:.5rem;padding:.5rem 1rem}
.counts strong{display:block;font-size:1.6rem}
"""


def render_staff_page(report: dict, *, rejected: list[dict], config: Config) -> str:
    """A self-contained HTML page; every value from the sheet is escaped."""
    counts = report["counts"]
    rows = "\n".join(
        f"<tr><td>{row['row_number']}</td><td>{escape(str(row['submitted_at']))}</td>"
        f"<td>{escape(row['title'])}</td><td>{escape(row['reasons'])}</td></tr>"
        for row in rejected
    )
    reasons = "\n".join(
        f"<li>{escape(item['example'])} — {item['count']}</li>"
        for item in report["reasons"]["rejected"].values()
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{escape(config.campaign.title)} — staff</title><style>{_STYLE}</style></head>
<body>
<h1>{escape(config.campaign.title)} — staff</h1>
<p>Last sync: <time datetime="{escape(report['generated_at'])}">{escape(report['generated_at'])}</time>
from <code>{escape(report['source'])}</code>.</p>
<ul class="counts">
<li><strong>{counts['read']}</strong>responses read</li>
<li><strong>{counts['published']}</strong>published</li>
<li><strong>{counts['held']}</strong>held</li>
<li><strong>{counts['rejected']}</strong>rejected</li>
</ul>
<h2>Downloads</h2>
<ul>
<li><a href="responses.csv">responses.csv</a> — every response with its status, reasons and location</li>
<li><a href="rejected.csv">rejected.csv</a> — the rejected responses, with their sheet row numbers</li>
<li><a href="report.json">report.json</a> — counts, timings and warnings</li>
<li><a href="../public/index.html">the public map</a> · <a href="../public/events.csv">events.csv</a></li>
</ul>
<h2>Top rejection reasons</h2>
<ul>{reasons or "<li>none</li>"}</ul>
<h2 id="rejected">Rejected responses ({len(rejected)})</h2>
<table><thead><tr><th scope="col">Sheet row</th><th scope="col">Submitted</th><th scope="col">Activity</th>
<th scope="col">Reasons</th></tr></thead>
<tbody>
{rows}
</tbody></table>
</body></html>
"""
