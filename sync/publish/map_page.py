"""Render the public healing map: the page, its embed for partner sites, and their data script.

Folium creates the Leaflet map. The activities go into a script of their own
(:data:`DATA_FILE`, see :class:`MapPage`), once, as compact columnar JSON; the page's HTML already
holds the soonest upcoming activities (:mod:`sync.publish.static_list`), so it is useful before
any script runs. The browser builds everything else from the data (``templates/map_*.js``, see
:data:`SCRIPT_FILES`): the tiles and outlines, the list, the clustered markers (one per place),
the coverage shading, the filters and the live count, in short steps that never hold a phone's
main thread long. Only Leaflet (from a CDN or ``public/assets/``) and the tiles come from elsewhere.

The page's notion of "now" (upcoming, this week, past) is ``generated_at``, the time of the sync,
never the visitor's clock: the page shows what was true when it was built, and tests are
deterministic. Times are shown as Chicago wall-clock times: they are encoded as minutes on the
campaign time zone's wall clock, so the browser's own time zone never matters.

Every text value is untrusted resident input. It reaches the browser only inside the data
script's JSON string, escaped so that nothing can end it, and the script writes it with
``textContent`` and DOM APIs only; links are kept only when they are http(s).

The rules the staff pages apply too (:mod:`sync.publish.rules`) reach the script as data,
``D.rules`` (:func:`~sync.publish.rules.page_rules`): the colours and hatching, the quantiles, the
default duration behind "upcoming", the link schemes and the search folding. The script spells
none of them. The coverage classes depend on the counts left by the visitor's filters, so the
browser computes them, by the same steps as :func:`~sync.publish.rules.coverage_classes`: take
the non-zero counts, sorted; for each quantile ``q`` the value at index ``floor(q * (n - 1))``
(``q * (n - 1)`` is the same IEEE double in Python and JS, and ``int()`` and ``Math.floor`` agree on
non-negative numbers), then the largest count; walk those uppers from ``low = 1``, keeping
``[low, upper]`` when ``upper >= low`` and moving ``low`` past it. An area's colour is
:func:`~sync.publish.rules.shade`'s: the last ``len(classes)`` shades, one per class in order;
zero is hatched. "Upcoming" is :func:`~sync.publish.rules.is_upcoming` on wall-clock minutes:
the end (or the start plus the default duration) ``>=`` the sync's minute.
``tests/browser/test_map_rules.py`` holds the page's functions to rules.py and to the staff map.

Example::

    page = render_map_page(events, areas=geography.areas_geojson(), config=config,
                           generated_at=datetime.now(config.campaign.tz))
    for name, text in page.files().items():
        (public / name).write_text(text, encoding="utf-8")
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

import folium
import folium.plugins
from branca.element import Figure

from sync.config import Config
from sync.fields import EXTRAS_WIRE, FIELDS
from sync.publish.bundled import local_url
from sync.publish.calendar import page_data as calendar_page_data
from sync.publish.preview import page_meta
from sync.publish.rules import is_upcoming, is_web_url, page_rules
from sync.publish.share import EMBED_PAGE
from sync.publish.static_list import static_list
from sync.publish.templating import TEMPLATES, render

log = logging.getLogger("sync")

#: The page must stay under 1.5 MB for 10,000 activities; descriptions fill what the rest leaves.
PAGE_BUDGET_BYTES = 1_450_000
#: Longest description excerpt embedded; shorter budgets shorten every excerpt alike.
DESCRIPTION_MAX_CHARS = 600
#: Below this an excerpt says too little to be worth its bytes, so descriptions are left out.
DESCRIPTION_MIN_CHARS = 80
#: Leaflet & co., as folium names them; the rest of folium's defaults (jQuery, Bootstrap,
#: Font Awesome, awesome-markers) are not used by this page and would only slow it down.
_JS = [js for js in folium.Map.default_js if js[0] == "leaflet"] + folium.plugins.MarkerCluster.default_js
_CSS = [css for css in folium.Map.default_css if css[0] == "leaflet_css"] + folium.plugins.MarkerCluster.default_css

_PRECISIONS = ("community_area", "zip", "address", "intersection", "citywide", "venue", "side")
#: The activities' data script, beside the pages (:class:`MapPage`).
DATA_FILE = "activities.js"
#: Where the data script's address goes; no text of the page can contain it (NUL is never written).
_DATA_SLOT = "\x00activities\x00"
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
#: The page script's files (Leaflet's src/map, src/layer, src/control split), joined in this order
#: into one strict-mode function scope: each reads the names the earlier ones define.
SCRIPT_FILES = ("map_data.js", "map_extras.js", "map_i18n.js", "map_list.js", "map_layers.js", "map_popups.js",
                "map_controls.js", "map_url.js", "map_share.js", "map_calendar.js", "map_start.js",
                "map_main.js")


@dataclass(frozen=True)
class MapPage:
    """The map page, its compact frame for partners, and the activities' data script both load.

    The data is a file of its own (:data:`DATA_FILE`): the page's HTML, a few dozen kilobytes, paints
    at once on a slow phone while the data (up to ~1.4 MB for 10,000 activities) downloads; one copy
    serves both pages and stays cached between them. A ``<script>``, not ``fetch()``: the page keeps
    working when opened from disk (``file://``).
    """

    html: str
    embed: str
    data: str

    def files(self) -> dict[str, str]:
        """File name → content, as the pages link them."""
        return {"index.html": self.html, EMBED_PAGE: self.embed, DATA_FILE: self.data}


def render_map_page(events: list[dict], *, areas: dict, config: Config, generated_at: datetime,
                    sides: dict[str, list[int]] | None = None) -> MapPage:
    """The public map page for ``events`` (published activities), its embed and its data script.

    ``sides`` maps each side of the city to its community areas: an activity placed only
    as "South Side" is drawn as that region, and the area filter offers each side.
    """
    labels = page_labels(config)
    events, omitted = within_limit(events, limit=config.map.max_activities, now=generated_at.isoformat())
    base = _data(events, areas=areas, config=config, generated_at=generated_at, labels=labels)
    used = sorted({e["side"] for e in events if e.get("side")})
    base["sides"] = [[side, (sides or {}).get(side, [])] for side in used]
    base["regions"] = [[side, numbers] for side, numbers in (sides or {}).items()]  # the area filter's sides
    base["public_url"] = config.map.public_url  # share links' address (map_url.js)
    base["cal"] = calendar_page_data(events, config=config, sides=sides or {}, types=base["types"], areas={
        f["properties"]["number"]: f["properties"]["name"] for f in areas["features"]})  # map_calendar.js
    if omitted:
        base["omitted"] = omitted
    listing = static_list(events, now=generated_at, config=config, labels=labels)
    meta = page_meta(text=labels[config.map.languages[0]], language=config.map.languages[0],
                     public_url=config.map.public_url, upcoming=listing["total"])
    map_html, map_script = _folium_parts(config=config)
    shells = [_page(config=config, generated_at=generated_at, text=labels[config.map.languages[0]],
                    map_parts=(map_html, page_script(map_script)), empty=not events, listing=listing, meta=meta,
                    embed=embed) for embed in (False, True)]
    data = _fitted_data(base, events, overhead=len(shells[0].encode("utf-8")), tz=config.campaign.tz)
    version = hashlib.sha256(data.encode("utf-8")).hexdigest()[:12]
    html, embed = (shell.replace(_DATA_SLOT, f"{DATA_FILE}?v={version}", 1) for shell in shells)
    return MapPage(html=html, embed=embed, data=data)


def _fitted_data(base: dict, events: list[dict], *, overhead: int, tz) -> str:
    """The data script, with the longest description excerpts that keep page and data within budget."""
    def data(description_chars: int) -> str:
        return data_script({**base, "ev": _columns(events, base, description_chars, tz=tz)})

    fitted = data(0)
    spare = PAGE_BUDGET_BYTES - overhead - len(fitted.encode("utf-8"))
    chars = _excerpt_length([_text(e.get("description")) for e in events], spare)
    while chars >= DESCRIPTION_MIN_CHARS:
        candidate = data(chars)
        if overhead + len(candidate.encode("utf-8")) <= PAGE_BUDGET_BYTES:
            fitted = candidate
            break
        chars = int(chars * 0.8)
    else:
        log.info("map page: %d activities leave no room for descriptions (see events.csv)", len(events))
    size = overhead + len(fitted.encode("utf-8"))
    if size > PAGE_BUDGET_BYTES:
        log.warning("map page and its data are %d bytes for %d activities, over the %d-byte budget", size,
                    len(events), PAGE_BUDGET_BYTES)
    return fitted


def data_script(value) -> str:
    """``window.healingMapData = JSON.parse('…')``, then the page starts (``healingMapStart``, :data:`_STARTER`).

    JSON parses faster than the same object as code.

    The JSON is :func:`script_json`'s (no ``<``, ``>``, ``&`` or line separators), inside a
    single-quoted string where only ``\\`` and ``'`` need escaping.
    """
    text = script_json(value).replace("\\", "\\\\").replace("'", "\\'")
    return (f"window.healingMapData = JSON.parse('{text}');\n"
            "if (window.healingMapStart) { window.healingMapStart(); }\n")


def within_limit(events: list[dict], *, limit: int, now: str) -> tuple[list[dict], dict | None]:
    """At most ``limit`` activities, the soonest upcoming first, then the latest past ones.

    Past the limit the page aggregates: it gets every activity's count per community area
    (shading and coverage use those) and says how many it shows of how many.
    """
    if len(events) <= limit:
        return events, None
    moment = datetime.fromisoformat(now).replace(second=0, microsecond=0)  # the page's "now" is a minute
    upcoming = [e for e in events if _upcoming(e, moment)]
    past = [e for e in events if not _upcoming(e, moment)]

    def order(e: dict) -> tuple:
        return e.get("starts_at") or e["date"], e["title"].casefold()

    kept = sorted((sorted(upcoming, key=order) + sorted(past, key=order, reverse=True))[:limit], key=order)
    per_area: dict[int, int] = {}
    for event in events:
        if event.get("community_area"):
            per_area[event["community_area"]] = per_area.get(event["community_area"], 0) + 1
    return kept, {"total": len(events), "shown": len(kept), "areas": per_area}


def _upcoming(event: dict, now: datetime) -> bool:
    """:func:`~sync.publish.rules.is_upcoming` for a published activity (a bare date is its midnight)."""
    def moment(value: str) -> datetime:
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=now.tzinfo)

    end = moment(event["ends_at"]) if event.get("ends_at") else None
    return is_upcoming(moment(event.get("starts_at") or event["date"]), end, now)


def page_labels(config: Config) -> dict[str, dict[str, str]]:
    """Labels per page language: the bundled ones, English for any missing, config overrides on top."""
    bundled = json.loads((TEMPLATES / "map_labels.json").read_text(encoding="utf-8"))
    return {lang: {**bundled["en"], **bundled.get(lang, {}), **config.map.labels.get(lang, {})}
            for lang in config.map.languages}


def script_json(value) -> str:
    """JSON that is safe inside ``<script>``: no ``<``, ``>``, ``&`` or JS line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_UNSAFE[m.group()], text)


#: folium's element names are random; fixed ones keep the page identical run to run.
STABLE_NAMES = {"map": "map_healing"}


def _page(*, config: Config, generated_at: datetime, text: dict, map_parts: tuple[str, str], empty: bool = False,
          listing: dict | None = None, meta: dict | None = None, embed: bool = False) -> str:
    """The page around an empty slot for its data script's address (which names the data's version).

    ``map_parts``: the map's ``<div>`` (:func:`_folium_parts`) and the page script (:func:`page_script`),
    made once for the page and its embed.
    ``empty``: no activity yet (launch day); the page says so and links the form even without JavaScript.
    ``listing``: the upcoming activities written into the HTML (:func:`~sync.publish.static_list.static_list`);
    ``meta``: the description and link-preview tags (:func:`~sync.publish.preview.page_meta`).
    """
    map_html, js_text = map_parts
    local = config.map.assets == "bundled"
    return render("map_page.html",
        css=[local_url(url) if local else url for _, url in _CSS],
        js=[local_url(url) if local else url for _, url in _JS], map_html=map_html,
        listing=listing or {"days": [], "noscript": [], "json_ld": ""},
        meta=meta or page_meta(text=text, language=config.map.languages[0], public_url="", upcoming=0),
        lang=config.map.languages[0], t=text, title=config.campaign.title, form_url=_form_url(config),
        empty=empty, generated_iso=generated_at.isoformat(timespec="minutes"),
        generated_text=_format_generated(generated_at.astimezone(config.campaign.tz)),
        other_language=config.map.languages[1] if len(config.map.languages) > 1 else "",
        js_text=js_text,
        data_src=_DATA_SLOT, embed=embed, full_map=config.map.public_url or "index.html")


def _folium_parts(*, config: Config) -> tuple[str, str]:
    """The map's ``<div>`` and the script creating it, drawn by folium through its public API.

    Only the figure's ``html`` and ``script`` parts are used: its ``header`` holds what this page
    writes itself or must not have — the CSS and script links (the page picks Leaflet's and
    MarkerCluster's from folium's lists and defers them), the charset meta, and the map's
    ``user-scalable=no`` viewport (people must be able to zoom the page). The random element names
    are replaced, as text, with :data:`STABLE_NAMES`. The tiles and the community-area outlines are
    added by the page script (``map_start.js``), a few at a time after the city is framed, so that a
    phone's first seconds are never one long task.
    """
    lat, lon = config.map.center
    m = folium.Map(location=[lat, lon], zoom_start=config.map.zoom, tiles=None, zoom_snap=0.25)
    figure = m.get_root()
    assert isinstance(figure, Figure)  # folium.Map puts itself in a Figure
    figure.render()  # fills the figure's header, html and script parts
    names = {m.get_name(): STABLE_NAMES["map"]}
    pattern = re.compile("|".join(map(re.escape, names)))
    html, script = (pattern.sub(lambda found: names[found.group()], part.render())
                    for part in (figure.html, figure.script))
    return html, script


#: How the page starts: at DOMContentLoaded, once Leaflet and the data script (deferred, in that order)
#: have run; the map then starts in short steps (``whenLoaded``). Without the data, DOMContentLoaded
#: starts the page, which says so. A CDN slow to send Leaflet holds the deferred queue back, the data's
#: turn too: :data:`START_GRACE_MS` after the HTML, the data script is added again, out of that queue (the
#: browser has it already), and starts the page (``healingMapStart``): the list and the filters work while
#: the map waits. The data comes after Leaflet, not first: what runs before the map placeholder is painted
#: holds back the page's largest paint, and first it did so more often (docs/map.md, "Start-up").
_STARTER = """
var started = false, loaded = false, onLoaded = [];
function begin() { if (!started) { started = true; start(); } }
function whenLoaded(step) { if (loaded) { step(); } else { onLoaded.push(step); } }
window.healingMapStart = function () { setTimeout(begin, 0); };
setTimeout(function () {
  var data = document.querySelector("script[data-activities]");
  if (loaded || started || !data) { return; }
  var again = document.createElement("script");
  again.src = data.src;
  document.head.appendChild(again);
}, %d);
document.addEventListener("DOMContentLoaded", function () {
  loaded = true;
  begin();
  onLoaded.forEach(function (step) { step(); });
});
"""
#: How long the list and the filters wait for Leaflet's scripts before they start without them.
START_GRACE_MS = 3000


def page_script(create_map: str) -> str:
    """The page's script: :data:`SCRIPT_FILES` joined inside one strict-mode function, and :data:`_STARTER`.

    ``create_map``: folium's script creating the map, the body of ``createMap()``.
    """
    parts = [(TEMPLATES / name).read_text(encoding="utf-8") for name in SCRIPT_FILES]
    text = ('(function () {\n"use strict";\n\nfunction createMap() {\n' + create_map
            + f"\nreturn {STABLE_NAMES['map']};\n}}\n\nfunction start() {{\n" + "\n".join(parts) + "}\n"
            + _STARTER % START_GRACE_MS + "}());")
    if "</" in text or "<!--" in text:  # inlined in a <script>: either would end or confuse it
        raise ValueError(f"{', '.join(SCRIPT_FILES)}: script must not contain '</' or '<!--'")
    return text


def _data(events: list[dict], *, areas: dict, config: Config, generated_at: datetime, labels: dict) -> dict:
    """Everything the script needs except the per-activity columns."""
    tz = config.campaign.tz
    base = config.campaign.starts
    types = list(config.validation.event_types) + [config.validation.other_type]
    languages = list(config.validation.languages)
    for event in events:
        if event.get("type") and event["type"] not in types:
            types.append(event["type"])
        languages += [lang for lang in event.get("languages") or () if lang and lang not in languages]
    aliases = neighbourhood_names(config)
    if len(languages) > 52:  # the per-activity language set is a 52-bit number (exact in a JS double)
        log.warning("map page: %d languages; only the first 52 can be filtered on", len(languages))
        languages = languages[:52]
    return {
        "base": base.isoformat(),
        "now": _minutes(generated_at.astimezone(tz), base),
        "langs": list(config.map.languages),
        "labels": labels,
        "types": types,
        "other_type": len(config.validation.event_types),  # its index in types
        "languages": languages,
        "areas": sorted([f["properties"]["number"], f["properties"]["name"],
                         "\n".join(aliases.get(f["properties"]["number"], []))] for f in areas["features"]),
        "rules": page_rules(),
        "form": _form_url(config),
        "keys": {**WIRE_KEYS, "extras": EXTRAS_WIRE},
        "extras": _extras(events, config),
        "tiles": {"url": config.map.tiles, "attribution": config.map.attribution},
        "outlines": [[f["properties"]["number"], f["geometry"]] for f in areas["features"]],
    }


def _form_url(config: Config) -> str:
    """The form's link ("Add your activity"), when it is a web address."""
    return config.campaign.form_url if is_web_url(config.campaign.form_url) else ""


def neighbourhood_names(config: Config) -> dict[int, list[str]]:
    """Community area → its neighbourhood names (Pilsen, Bronzeville, …), so search finds them too."""
    from sync.errors import ConfigError
    from sync.locate.placedata import read_rows

    names: dict[int, list[str]] = {}
    try:
        for _, row in read_rows(config.location.aliases, ("alias", "community_area"), setting="aliases"):
            if (row.get("community_area") or "").strip().isdigit() and row.get("alias"):
                names.setdefault(int(row["community_area"]), []).append(row["alias"].strip())
    except (OSError, ConfigError):
        log.warning("map page: no neighbourhood names for search (%s unreadable)", config.location.aliases)
    return names


#: Each field's key in the page's data (``ev``), as :mod:`sync.fields` declares it: the script reads the
#: same map (``D.keys``), so no key is written down twice.
WIRE_KEYS = {name: f.wire[0] if len(f.wire) == 1 else list(f.wire) for name, f in FIELDS.items() if f.wire}


def _columns(events: list[dict], data: dict, description_chars: int, *, tz) -> dict:
    """The activities as parallel arrays, with places, organizations and link hosts deduplicated.

    Columns are named by field here and keyed by :data:`WIRE_KEYS` on the way out; staff's own public
    questions follow under :data:`sync.fields.EXTRAS_WIRE`, one column each (see :func:`_extra_columns`).
    """
    base = date.fromisoformat(data["base"])
    type_index = {t: i for i, t in enumerate(data["types"])}
    other = data["other_type"]
    lang_bit = {lang: 2**i for i, lang in enumerate(data["languages"])}
    places: dict[tuple, int] = {}
    orgs: dict[str, int] = {}
    hosts: dict[str, int] = {}
    named = ("id", "title", "organization", "event_type", "type_detail", "description", "starts_at", "ends_at",
             "languages", "link_host", "link_rest", "place")
    cols: dict[str, list] = {name: [] for name in named}
    side_index = {side: k for k, (side, _) in enumerate(data.get("sides", []))}
    sides: dict[str, int] = {}  # activity index → side index, for the few placed only by side of the city
    rows = sorted(events, key=lambda e: (e.get("starts_at") or e.get("date") or "", (e.get("title") or "").casefold()))
    for e in rows:
        start = _parse(e.get("starts_at"), e.get("date"), tz)
        end = _parse(e.get("ends_at"), None, tz)
        s = _minutes(start, base) if start else 0
        host, rest = _split_link(e.get("link") or "")
        cols["id"].append(_text(e.get("id")))
        cols["title"].append(_text(e.get("title")))
        cols["organization"].append(orgs.setdefault(_text(e.get("organization")), len(orgs)))
        cols["event_type"].append(type_index.get(e.get("type"), other))
        cols["type_detail"].append(_text(e.get("type_detail")))
        cols["description"].append(_excerpt(_text(e.get("description")), description_chars))
        cols["starts_at"].append(s)
        cols["ends_at"].append(max(_minutes(end, base) - s, 0) if end and start else -1)
        cols["languages"].append(sum({lang_bit[x] for x in e.get("languages") or () if x in lang_bit}))
        cols["link_host"].append(hosts.setdefault(host, len(hosts)))
        cols["link_rest"].append(rest)
        cols["place"].append(_place(e, places))
        if e.get("side") in side_index:
            sides[str(len(cols["place"]) - 1)] = side_index[e["side"]]
    host_key, rest_key = FIELDS["link"].wire
    out: dict[str, object] = {FIELDS[name].wire[0]: cols[name] for name in named if name in WIRE_KEYS}
    for name in ("type_detail", "description"):  # mostly empty: {index: value} saves their empty strings
        out[FIELDS[name].wire[0]] = _sparse(cols[name])
    out.update({host_key: cols["link_host"], rest_key: cols["link_rest"], FIELDS["side"].wire[0]: sides})
    if data.get("extras"):
        out[EXTRAS_WIRE] = _extra_columns(rows, data["extras"])
    out.update(orgs=list(orgs), hosts=list(hosts), places=[list(k) for k in places])
    return out


def _sparse(values: list) -> list | dict:
    """A mostly-empty column as {index: value}, to save its empty strings."""
    if sum(1 for v in values if v) < len(values) / 2:
        return {str(i): v for i, v in enumerate(values) if v}
    return values


def _extras(events: list[dict], config: Config) -> list[dict]:
    """The public custom questions, for the page: key, labels per language, type, filter, answers offered.

    A choice's answers are the configured ones, then others the activities gave, in order
    (a yes-no question's are ``yes`` and ``no``, which the page shows in its language).
    """
    out = []
    for f in config.fields.public_extras():
        seen: dict[str, None] = dict.fromkeys(("yes", "no") if f.type == "yes-no" else f.choices)
        if f.type != "text":
            for event in events:
                answer = event.get(f.csv)
                for value in (answer if isinstance(answer, list) else [answer]):
                    if value:
                        seen.setdefault(_text(value), None)
        out.append({"key": f.csv, "labels": {lang: f.label_in(lang) for lang in config.map.languages},
                    "type": f.type, "filter": f.filter, "choices": [] if f.type == "text" else list(seen)})
    return out


def _extra_columns(rows: list[dict], extras: list[dict]) -> list:
    """One column per public custom question: text (sparse), a choice's index (-1: none), or a bit set of
    choices for a multi-choice question (52 at most: exact in a JavaScript number)."""
    columns = []
    for extra in extras:
        key = extra["key"]
        if extra["type"] == "text":
            columns.append(_sparse([_text(e.get(key)) for e in rows]))
            continue
        index = {choice: i for i, choice in enumerate(extra["choices"])}
        if extra["type"] == "multi-choice":
            if len(index) > 52:
                log.warning("map page: %r has %d answers; only the first 52 can be shown", key, len(index))
            columns.append([sum({2**index[_text(v)] for v in e.get(key) or () if index.get(_text(v), 52) < 52})
                            for e in rows])
        else:
            columns.append([index.get(_text(e.get(key)), -1) if e.get(key) else -1 for e in rows])
    return columns


def _place(event: dict, places: dict[tuple, int]) -> int:
    """Index of the event's place (name, lat, lon, community area, precision); -1 when citywide."""
    if event.get("lat") is None or event.get("lon") is None or event.get("precision") == "citywide":
        return -1
    name = _text(event.get("place")) or _text(event.get("community_area_name"))
    precision = _PRECISIONS.index(event["precision"]) if event.get("precision") in _PRECISIONS else 0
    point = round(float(event["lat"]), 5), round(float(event["lon"]), 5)
    key = (name, *point, event.get("community_area") or 0, precision)
    return places.setdefault(key, len(places))


def _parse(value: str | None, day: str | None, tz) -> datetime | None:
    """An ISO time on the campaign's wall clock (a bare date is its midnight)."""
    try:
        moment = datetime.fromisoformat(value) if value else datetime.fromisoformat(day) if day else None
    except ValueError:
        return None
    return moment.astimezone(tz) if moment and moment.tzinfo else moment


def _minutes(moment: datetime, base: date) -> int:
    """Minutes from midnight of ``base`` on the wall clock of ``moment``'s own offset (Chicago's)."""
    return (moment.date() - base).days * 1440 + moment.hour * 60 + moment.minute


def _split_link(link: str) -> tuple[str, str]:
    """``("https://host/", "rest")``, or ``("", "")`` for anything that is not an http(s) URL."""
    if not is_web_url(link):
        return "", ""
    parts = urlsplit(link)
    head = f"{parts.scheme}://{parts.netloc}/"
    return (head, link[len(head):]) if link.startswith(head) else ("", link)


def _text(value) -> str:
    """Text as it can be embedded: ``None`` as "", lone surrogates replaced."""
    text = "" if value is None else str(value)
    return text.encode("utf-8", "replace").decode("utf-8") if not text.isascii() else text


def _excerpt(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.6 else cut).rstrip(" ,.;:-") + "…"


def _excerpt_length(descriptions: list[str], spare_bytes: int) -> int:
    """The longest excerpt (≤ DESCRIPTION_MAX_CHARS) whose embedded size fits in ``spare_bytes``."""
    texts = [d[:DESCRIPTION_MAX_CHARS] for d in descriptions if d]
    # Bytes per character once escaped (UTF-8, \u003c, …); the real render is checked afterwards.
    ratios = [(len(t), len(script_json(t).encode("utf-8")) / len(t)) for t in texts]

    def size(limit: int) -> float:  # each: the text, its quotes and comma, the index key, "…"
        return sum(min(n, limit) * ratio + 12 for n, ratio in ratios)

    low, high = 0, DESCRIPTION_MAX_CHARS
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if size(mid) <= spare_bytes else (low, mid - 1)
    return low


def _format_generated(moment: datetime) -> str:
    """``Dec 5, 2026, 6:30 PM`` (the script rewrites it in the visitor's chosen language)."""
    hour = moment.hour % 12 or 12
    return f"{moment:%b} {moment.day}, {moment.year}, {hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"
