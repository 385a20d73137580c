"""Activities, pages and an independent Python oracle of the page's filters, for the browser tests."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sync.config import load_config
from sync.locate.geography import load_geography
from sync.publish.map_page import DATA_FILE, MapPage, render_map_page
from sync.publish.share import EMBED_PAGE

ROOT = Path(__file__).resolve().parents[2]
CHICAGO = ZoneInfo("America/Chicago")
#: What a citywide activity's place is called, in every page language (search finds either).
CITYWIDE = "Citywide or virtual\nEn toda la ciudad o virtual"
#: "Now" of the hand-built pages: a Friday in the middle of the campaign.
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=CHICAGO)

#: Payloads that must stay text wherever they appear.
XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "</script><script>alert(1)</script>",
    "${alert(1)}",
    "`${alert(1)}` `",
    "'); alert(1); //",
    "<!-- <script>alert(1)</script>",
    "javascript:alert(1)",
    "{{constructor.constructor('alert(1)')()}}",
    "\u2028\u2029 line separators",
    "&lt;b&gt;entity&lt;/b&gt; & <b>bold</b>",
]


def config():
    return load_config(ROOT / "config" / "healing-map.toml")


def render(events: list[dict], *, now: datetime = NOW, cfg=None) -> MapPage:
    return render_map_page(events, areas=load_geography().areas_geojson(), config=cfg or config(), generated_at=now)


def published_page(public: Path) -> MapPage:
    """The map page, its embed and their data script, as a sync wrote them into ``public``."""
    def read(name: str) -> str:
        return (public / name).read_text(encoding="utf-8")

    return MapPage(html=read("index.html"), embed=read(EMBED_PAGE), data=read(DATA_FILE))


def page_data(page: MapPage | str) -> dict:
    """What the data script gives the page (``window.healingMapData``), read back in Python."""
    script = page.data if isinstance(page, MapPage) else page
    text = script.split("JSON.parse('", 1)[1].rsplit("');", 1)[0]
    return json.loads(re.sub(r"\\([\\'])", r"\1", text))


def event(n: int, *, area: int | None = 1, day: int = 0, hour: int = 18, minutes: int = 90, **fields) -> dict:
    """A published activity ``day`` days after NOW's date at ``hour``, in community area ``area``."""
    starts = datetime.combine(NOW.date() + timedelta(days=day), datetime.min.time(), CHICAGO).replace(hour=hour)
    geo = load_geography().areas.get(area) if area else None
    base = {
        "id": f"ev{n:04d}",
        "title": f"Activity {n}",
        "organization": f"Organization {n % 5}",
        "type": "Healing circle",
        "type_detail": "",
        "description": f"Description of activity {n}.",
        "date": starts.date().isoformat(),
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(minutes=minutes)).isoformat() if minutes else "",
        "languages": ["English"],
        "link": f"https://example.org/join/{n}",
        "community_area": geo.number if geo else None,
        "community_area_name": geo.name if geo else "",
        "precision": "community_area" if geo else "citywide",
        "place": geo.name if geo else "Citywide",
        "lat": geo.lat if geo else None,
        "lon": geo.lon if geo else None,
    }
    base.update(fields)
    return base


def mixed_events() -> list[dict]:
    """Past, this week, later, citywide, several types and languages, shared places."""
    types = ["Healing circle", "Community conversation", "Storytelling", "Faith gathering", "Youth activity"]
    langs = [["English"], ["Spanish"], ["English", "Spanish"], ["Polish"], ["English", "ASL"]]
    areas = [8, 32, 24, 41, 30, 8, 32, 76, 1, 44, 25, 31]
    out = []
    for n in range(60):
        out.append(event(n, area=None if n % 9 == 4 else areas[n % len(areas)], day=(n * 5) % 45 - 15,
                         hour=10 + n % 10, minutes=0 if n % 7 == 3 else 90, type=types[n % len(types)],
                         languages=langs[n % len(langs)], title=f"{['Circle', 'Conversación', 'Rozmowa', 'Stories'][n % 4]} {n}",
                         organization="Pilsen Healing Collective" if n % 6 == 0 else f"Org {n % 4}"))
    out.append(event(900, area=22, day=1, type="Other", type_detail="Book club", title="Reading together"))
    return out


def xss_events() -> list[dict]:
    """Every payload in every text field (and a javascript: link on every other one)."""
    out = []
    for n, payload in enumerate(XSS):
        out.append(event(n, area=[1, 8, 32, None, 24][n % 5], day=n % 4, title=f"T{n} {payload}",
                         organization=f"O{n} {payload}", type="Other", type_detail=f"D{n} {payload}",
                         description=f"{payload} description {payload}", languages=["English", payload],
                         link="javascript:alert(1)" if n % 2 else f"https://example.org/?q={payload}",
                         place=f"P{n} {payload}" if n % 5 != 3 else "Citywide",
                         community_area_name=f"A{n} {payload}" if n % 5 != 3 else "",
                         id=f"x{n}\"'><b>{payload}"))
    return out


# ---------- the oracle: what the page should show, computed independently ----------

def _aliases() -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    with open(ROOT / "config" / "neighborhoods.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            out.setdefault(int(row["community_area"]), []).append(row["alias"])
    return out


def _fold(text: str) -> str:
    """Search folding as the page does it: compatibility forms, no non-spacing marks, lower case."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if unicodedata.category(c) != "Mn").lower()


def _times(e: dict) -> tuple[datetime, datetime]:
    start = datetime.fromisoformat(e["starts_at"]).astimezone(CHICAGO)
    end = datetime.fromisoformat(e["ends_at"]).astimezone(CHICAGO) if e.get("ends_at") else None
    return start, end if end and end > start else start + timedelta(minutes=60)


def expected_ids(events: list[dict], *, now: datetime = NOW, when: str = "upcoming", type: str | None = None,
                 language: str | None = None, q: str = "", place: str | None = None) -> list[str]:
    """Ids the page should list for these filters, in date order."""
    week_end = datetime.combine(now.astimezone(CHICAGO).date() + timedelta(days=7), datetime.min.time(), CHICAGO)
    words = _fold(q).split()
    out = []
    for e in sorted(events, key=lambda e: (e["starts_at"], e["title"].casefold())):
        start, end = _times(e)
        # Upcoming until the activity's last minute is over (sync/publish/rules.py: is_upcoming).
        if when == "upcoming" and not end >= now:
            continue
        if when == "week" and not (end >= now and start < week_end):
            continue
        if when == "past" and not end < now:
            continue
        if type and e["type"] != type:
            continue
        if language and language not in e["languages"]:
            continue
        if place and e["place"] != place:
            continue
        pinned = e["lat"] is not None
        number = e["community_area"] if pinned else None
        area = "\n".join([load_geography().areas[number].name, *_aliases().get(number, [])]) if number else ""
        hay = _fold("\n".join([e["title"], e["organization"], e["place"] if pinned else CITYWIDE, area, e["type_detail"]]))
        if not all(w in hay for w in words):
            continue
        out.append(e["id"])
    return out
