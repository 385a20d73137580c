"""What a link to the map shows before anyone opens it: the preview image, the icon and the web manifest.

``public/preview.png`` (1200 × 630, the size Open Graph and Twitter cards show) is the
coverage map drawn at sync time: Chicago's 77 community areas shaded by their number of
activities, with the colours and classes of the page's own legend
(:mod:`sync.publish.rules`), areas with none hatched, and the campaign's title. Link
previews want PNG or JPEG, not SVG, and no SVG rasterizer is installed: Pillow draws the
polygons directly. The same input gives the same bytes, so an unchanged map costs nothing
in the release (see :mod:`sync.publish.release`).

``public/map-placeholder.png`` is the same map alone, the size of a map box, in the live map's
projection (Web Mercator, as Leaflet draws it): the page shows it in the map box from its first
paint, under the live map, so that a slow phone shows the coverage before Leaflet and its tiles
arrive, and keeps showing it where Leaflet never loads.

``public/favicon.svg`` is the page header's heart-and-pin logo; ``public/manifest.webmanifest``
names the page, its colours and that icon.

Example::

    png = preview_png(events, areas=geography.outlines, title="Together We Heal", subtitle="Healing map")
    placeholder = placeholder_png(shaded_at_first(events, now=now, tz=tz, limit=10_000), areas=geography.outlines)
"""

from __future__ import annotations

import io
import json
import math
from datetime import datetime

from sync.publish.rules import HATCH, coverage_classes, shade

WIDTH, HEIGHT = 1200, 630
BACKGROUND = "#f5f3fa"
BRAND = "#35206b"
OUTLINE = "#4b3a78"
#: The heart and the pin of the page's logo (templates/map_page.html), on a 32 × 32 grid.
LOGO_HEART = ("M16 28s-11-6.6-11-14.2C5 9.3 8.2 6 12.1 6c1.7 0 3 .7 3.9 1.9C16.9 6.7 18.2 6 19.9 6 "
              "23.8 6 27 9.3 27 13.8 27 21.4 16 28 16 28z")
LOGO_PIN = "M16 11.5a3 3 0 1 0 0 6a3 3 0 1 0 0-6"
_MAP_BOX = (560, 24, WIDTH - 24, HEIGHT - 24)  # left, top, right, bottom
#: Debian's DejaVu (fonts-dejavu-core, which chromium pulls in) has every accent of Spanish and
#: Polish; Pillow's own default font, used when it is missing, has only ASCII.
FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_STRIPE = 10
#: The map placeholder: Chicago's shape in Web Mercator (0.82 as wide as tall) with a 2-pixel edge,
#: tall enough for a phone's map box at twice its CSS pixels; on the map box's own background.
PLACEHOLDER_SIZE = (590, 720)
MAP_BACKGROUND = "#e9e6f0"  # .hm-mapwrap and .leaflet-container in templates/map_page.css
_EDGE = 2
#: Room for the placeholder's colours (background, four shades, hatching's two, two outlines): 4 bits a pixel.
_PLACEHOLDER_COLOURS = 16


#: Open Graph locales of the page languages (``og:locale``); others are given as they are.
LOCALES = {"en": "en_US", "es": "es_US"}
PREVIEW, FAVICON, MANIFEST = "preview.png", "favicon.svg", "manifest.webmanifest"
PLACEHOLDER = "map-placeholder.png"


def page_meta(*, text: dict[str, str], language: str, public_url: str, upcoming: int) -> dict:
    """The page's description and what Open Graph and Twitter cards need.

    Link previews need absolute addresses: with ``[map] public_url`` set, ``og:url`` and the
    image's address are built on it; without it the image is given relative to the page
    (browsers resolve it; Facebook and Twitter show no image then).
    """
    description = (text["meta_description"].replace("{n}", f"{upcoming:,}") if upcoming else text["tagline"])
    return {
        "description": description,
        "url": public_url,
        "image": f"{public_url}{PREVIEW}" if public_url else PREVIEW,
        "image_width": WIDTH,
        "image_height": HEIGHT,
        "locale": LOCALES.get(language, language),
    }


def favicon_svg() -> str:
    """The page's logo as an icon: a coral heart with a purple pin, on a purple rounded square."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<rect width="32" height="32" rx="7" fill="{BRAND}"/>'
        f'<path fill="#f6a07a" d="{LOGO_HEART}"/>'
        f'<path fill="{BRAND}" d="{LOGO_PIN}"/>'
        "</svg>\n"
    )


def manifest(*, name: str, short_name: str, description: str, lang: str) -> str:
    """``manifest.webmanifest``: the page as an installable app opening on the map."""
    return json.dumps({
        "name": name,
        "short_name": short_name,
        "description": description,
        "lang": lang,
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "background_color": BACKGROUND,
        "theme_color": BRAND,
        "icons": [{"src": "favicon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }, ensure_ascii=False, indent=2) + "\n"


def area_counts(events: list[dict]) -> dict[int, int]:
    """Activities per community area (citywide and side-only ones have none)."""
    counts: dict[int, int] = {}
    for event in events:
        if event.get("community_area") and event.get("lat") is not None:
            counts[event["community_area"]] = counts.get(event["community_area"], 0) + 1
    return counts


def preview_png(events: list[dict], *, areas: dict, title: str, subtitle: str) -> bytes:
    """The coverage map as a 1200 × 630 PNG: every community area shaded by its number of activities."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    _draw_areas(image, areas, area_counts(events), _MAP_BOX)
    _title(ImageDraw.Draw(image), title, subtitle)
    return _png(image)


def shaded_at_first(events: list[dict], *, now: datetime, tz, limit: int) -> list[dict]:
    """The activities whose counts the live map shades when it opens, so the placeholder shows the same.

    Its default filter, *Upcoming*, against the page's "now" (the sync's minute); past the page's
    ``limit`` of activities (``[map] max_activities``) it shades every activity's count instead.
    """
    from sync.publish.static_list import upcoming_events

    if len(events) > limit:
        return events
    return [event for _, event, _, _ in upcoming_events(events, now=now.replace(second=0, microsecond=0), tz=tz)]


def placeholder_png(events: list[dict], *, areas: dict) -> bytes:
    """The coverage map alone, :data:`PLACEHOLDER_SIZE`, for the page's map box until the live map covers it.

    A palette PNG of the nine colours drawn (Pillow's polygons have no antialiasing), so that a
    phone on a slow network gets it in a few round trips; median cut keeps each colour exact, with
    fewer colours than its 16 boxes (octree rounds them).
    """
    from PIL import Image

    width, height = PLACEHOLDER_SIZE
    image = Image.new("RGB", PLACEHOLDER_SIZE, MAP_BACKGROUND)
    _draw_areas(image, areas, area_counts(events), (_EDGE, _EDGE, width - _EDGE, height - _EDGE))
    return _png(image.quantize(colors=_PLACEHOLDER_COLOURS, method=Image.Quantize.MEDIANCUT))


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _draw_areas(image, areas: dict, counts: dict[int, int], box: tuple[int, int, int, int]) -> None:
    """The community areas in ``box``: shaded with the legend's classes, hatched where none, outlined."""
    from PIL import Image, ImageDraw

    classes = coverage_classes(counts)
    draw = ImageDraw.Draw(image)
    project = _projection(areas, box)
    hatched = Image.new("L", image.size, 0)
    hatch_draw = ImageDraw.Draw(hatched)
    rings = []
    for feature in sorted(areas.get("features", []), key=lambda f: f["properties"]["number"]):
        colour = shade(counts.get(feature["properties"]["number"], 0), classes)
        for polygon in _polygons(feature["geometry"]):
            points = [project(lon, lat) for lon, lat in polygon[0]]
            if len(points) < 3:
                continue
            draw.polygon(points, fill=colour or HATCH["background"])
            if colour is None:
                hatch_draw.polygon(points, fill=255)
            rings.append((points, colour is None))
    _hatch(image, hatched)
    for points, none in rings:
        draw.line(points + points[:1], fill=HATCH["outline"] if none else OUTLINE, width=1)


def _hatch(image, where) -> None:
    """Diagonal stripes over the pixels of the ``where`` mask (the areas with no activity)."""
    from PIL import Image, ImageChops, ImageDraw

    width, height = image.size
    stripes = Image.new("L", image.size, 0)
    stripes_draw = ImageDraw.Draw(stripes)
    for offset in range(-height, width, _STRIPE):
        stripes_draw.line([(offset, height), (offset + height, 0)], fill=255, width=3)
    image.paste(HATCH["stripe"], (0, 0, width, height), ImageChops.multiply(stripes, where))


def _title(draw, title: str, subtitle: str) -> None:
    """The campaign's title and the page's name on the left, wrapped to the space there."""
    draw.rectangle((0, 0, _MAP_BOX[0] - 40, HEIGHT), fill=BRAND)
    heading, small = _font(FONTS[0], 56), _font(FONTS[1], 34)
    y = 150
    for line in _wrap(draw, title, heading, _MAP_BOX[0] - 120)[:4]:
        draw.text((56, y), line, font=heading, fill="#ffffff")
        y += 74
    draw.text((56, y + 18), subtitle, font=small, fill="#f6a07a")


def _font(path: str, size: int):
    from PIL import ImageFont

    try:
        return ImageFont.truetype(path, size)
    except OSError:
        return ImageFont.load_default(size=size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _polygons(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return []


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator, Leaflet's projection, up to scale: x east, y north."""
    return math.radians(lon), math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _projection(areas: dict, box: tuple[int, int, int, int]):
    """lon/lat → pixels: the areas in Web Mercator, fitted and centred in ``box`` (left, top, right, bottom).

    Leaflet's projection, so the placeholder's shapes are the live map's (it fits the city the same way).
    """
    points = [_mercator(lon, lat) for feature in areas.get("features", [])
              for polygon in _polygons(feature["geometry"]) for lon, lat in polygon[0]]
    if not points:
        return lambda lon, lat: (0.0, 0.0)
    west, east = min(x for x, _ in points), max(x for x, _ in points)
    south, north = min(y for _, y in points), max(y for _, y in points)
    left, top, right, bottom = box
    scale = min((right - left) / max(east - west, 1e-9), (bottom - top) / max(north - south, 1e-9))
    x0 = left + ((right - left) - (east - west) * scale) / 2
    y0 = top + ((bottom - top) - (north - south) * scale) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        x, y = _mercator(lon, lat)
        return round(x0 + (x - west) * scale, 1), round(y0 + (north - y) * scale, 1)

    return project
