"""The naive pipeline most tutorials show, for comparison with the sync (see bench/scale.py).

    records = gspread.service_account(...).open_by_key(KEY).sheet1.get_all_records()
    geocode = RateLimiter(Nominatim(...).geocode, min_delay_seconds=1)
    for record in records:                      # every row, on every run: no cache, no state
        location = geocode(f"{record[LOCATION]}, Chicago, IL")
        folium.Marker([location.latitude, location.longitude], popup=...).add_to(m)
    m.save("map.html")

It runs against the same loopback servers as the sync: gspread's HTTP client only has its base
URL rewritten to the loopback Sheets API (no retries, no timeout: as the tutorials leave it), and
geopy's Nominatim is pointed at the loopback Nominatim with ``domain``/``scheme``. The rate
limiter's delay is scaled down so the bench finishes (``--min-delay``); at Nominatim's real usage
policy (1 request per second) the geocoding alone takes ``requests × 1 s``.

Two things are kinder to the naive pipeline than the tutorials are: popups are HTML-escaped (a
tutorial's ``popup=record["title"]`` puts the resident's HTML, scripts included, into the page), and
the outputs are written once at the end. It does no validation: a row the geocoder cannot find is
skipped silently, and contact details are not published only because it never shows them.

Run on its own (the scale bench runs it in a fresh process per size and reads ``--result``)::

    python -m bench.naive --spreadsheet KEY --credentials key.json --sheets-endpoint http://127.0.0.1:PORT \\
        --nominatim 127.0.0.1:PORT --min-delay 0.001 --output /tmp/naive --result /tmp/naive.json
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import time
from pathlib import Path

GOOGLE_API = "https://sheets.googleapis.com"
LOCATION = "Which community area or neighborhood is it rooted in?"
TITLE = "Name of your activity"
DATE = "Date of the activity"
START = "Start time"
LINK = "Link to join or register"
CHICAGO = [41.8781, -87.6298]


def naive_query(text) -> str:
    """What the tutorials send the geocoder: the answer as typed, with the city appended."""
    return f"{text}, Chicago, IL"


def loopback_client(endpoint: str):
    """gspread's own HTTP client with its base URL pointed at ``endpoint``: nothing else changed."""
    import gspread

    class LoopbackHTTPClient(gspread.HTTPClient):
        def request(self, method, url, *args, **kwargs):
            if url.startswith(GOOGLE_API):
                url = endpoint.rstrip("/") + url[len(GOOGLE_API):]
            return super().request(method, url, *args, **kwargs)

    return LoopbackHTTPClient


def popup_html(record: dict) -> str:
    title = html.escape(str(record.get(TITLE, "")))
    when = html.escape(f"{record.get(DATE, '')} {record.get(START, '')}")
    link = html.escape(str(record.get(LINK, "")), quote=True)
    return f"<b>{title}</b><br>{when}<br><a href=\"{link}\" target=\"_blank\">Join</a>"


def run(*, spreadsheet: str, credentials: Path, sheets_endpoint: str, nominatim: str, min_delay: float,
        output: Path) -> dict:
    """Read, geocode every row, render one Marker per row; seconds per stage and what it made."""
    import folium
    import gspread
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import Nominatim

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    client = gspread.service_account(filename=str(credentials), http_client=loopback_client(sheets_endpoint))
    records = client.open_by_key(spreadsheet).sheet1.get_all_records()
    seconds["read"] = time.perf_counter() - started

    mark = time.perf_counter()
    geolocator = Nominatim(user_agent="naive-healing-map-tutorial", domain=nominatim, scheme="http", timeout=10)
    geocode = RateLimiter(geolocator.geocode, min_delay_seconds=min_delay)
    points = [geocode(naive_query(record.get(LOCATION, ""))) for record in records]
    seconds["geocode"] = time.perf_counter() - mark

    mark = time.perf_counter()
    m = folium.Map(location=CHICAGO, zoom_start=11)
    markers = 0
    for record, point in zip(records, points):
        if point is None:
            continue  # not found: dropped without a word
        folium.Marker([point.latitude, point.longitude], popup=folium.Popup(popup_html(record), max_width=300)).add_to(m)
        markers += 1
    output.mkdir(parents=True, exist_ok=True)
    page = output / "map.html"
    m.save(str(page))
    seconds["render"] = time.perf_counter() - mark
    seconds["total"] = time.perf_counter() - started
    return {"rows": len(records), "geocoded": sum(p is not None for p in points), "markers": markers,
            "page_bytes": page.stat().st_size, "page": str(page), "seconds": {k: round(v, 4) for k, v in seconds.items()}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.naive", description=__doc__.splitlines()[0])
    parser.add_argument("--spreadsheet", required=True)
    parser.add_argument("--credentials", type=Path, required=True)
    parser.add_argument("--sheets-endpoint", required=True)
    parser.add_argument("--nominatim", required=True, help="host:port of a Nominatim (http)")
    parser.add_argument("--min-delay", type=float, default=1.0, help="RateLimiter min_delay_seconds (1 s is the real policy)")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--result", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)
    result = run(spreadsheet=args.spreadsheet, credentials=args.credentials, sheets_endpoint=args.sheets_endpoint,
                 nominatim=args.nominatim, min_delay=args.min_delay, output=args.output)
    text = json.dumps(result, indent=2)
    if args.result:
        args.result.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
