"""The map placeholder (``public/map-placeholder.png``): the coverage map the map box shows before Leaflet."""

from __future__ import annotations

import io
import math
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from sync.config import load_config
from sync.locate.geography import load_geography
from sync.publish import page_files
from sync.publish.map_page import TEMPLATES
from sync.publish.preview import MAP_BACKGROUND, PLACEHOLDER, PLACEHOLDER_SIZE, placeholder_png, shaded_at_first
from sync.publish.rules import HATCH, SHADES
from testing.map_events import synthetic_events
from tests.helpers import NOW, ROOT, response, run_cli, write_responses

#: Counts 1, 2, 3 and 4 make four classes: each area gets its own shade, lightest to darkest.
COVERED = {8: 1, 32: 2, 24: 3, 41: 4}
UNCOVERED = 76  # O'Hare: no activity, hatched


CHICAGO = ZoneInfo("America/Chicago")
SYNCED = datetime(2026, 11, 20, 9, 0, 30, tzinfo=CHICAGO)


def events_in(counts: dict[int, int], *, starts: str = "2026-11-21T18:00:00-06:00", ends: str = "") -> list[dict]:
    """Published activities pinned to their community area's point, ``counts[area]`` of each."""
    areas = load_geography().areas
    return [{"community_area": n, "lat": areas[n].lat, "lon": areas[n].lon, "title": f"A{n}.{k}",
             "date": starts[:10], "starts_at": starts, "ends_at": ends}
            for n, count in counts.items() for k in range(count)]


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def pixel_of(lon: float, lat: float) -> tuple[int, int]:
    """Where Leaflet's Web Mercator puts a point, the city fitted in the image (2 px clear): computed here again."""
    def mercator(lon: float, lat: float) -> tuple[float, float]:
        return math.radians(lon), math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    outlines = load_geography().outlines["features"]
    points = [mercator(*xy) for f in outlines for poly in (
        [f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Polygon" else f["geometry"]["coordinates"])
        for xy in poly[0]]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    width, height = PLACEHOLDER_SIZE[0] - 4, PLACEHOLDER_SIZE[1] - 4
    scale = min(width / (east - west), height / (north - south))
    x, y = mercator(lon, lat)
    return (round(2 + (width - (east - west) * scale) / 2 + (x - west) * scale),
            round(2 + (height - (north - south) * scale) / 2 + (north - y) * scale))


@pytest.fixture(scope="module")
def image():
    png = placeholder_png(events_in(COVERED), areas=load_geography().outlines)
    return Image.open(io.BytesIO(png))


def test_a_palette_png_of_the_map_box_size_on_the_map_background(image):
    assert (image.format, image.mode, image.size) == ("PNG", "P", PLACEHOLDER_SIZE)
    assert image.size[1] > image.size[0]  # Chicago is taller than wide
    picture = image.convert("RGB")
    assert picture.getpixel((0, 0)) == picture.getpixel((PLACEHOLDER_SIZE[0] - 1, 0)) == rgb(MAP_BACKGROUND)


def test_covered_areas_have_the_legends_shades_where_leaflet_would_draw_them(image):
    picture, areas = image.convert("RGB"), load_geography().areas
    for number, colour in zip(sorted(COVERED, key=COVERED.get), SHADES):  # fewest first, lightest first
        assert picture.getpixel(pixel_of(areas[number].lon, areas[number].lat)) == rgb(colour), areas[number].name


def test_areas_with_none_are_hatched(image):
    picture, area = image.convert("RGB"), load_geography().areas[UNCOVERED]
    x, y = pixel_of(area.lon, area.lat)
    around = {picture.getpixel((x + dx, y + dy)) for dx in range(-6, 7) for dy in range(-6, 7)}
    assert around == {rgb(HATCH["background"]), rgb(HATCH["stripe"])}


def test_the_same_activities_give_the_same_bytes_and_other_ones_others():
    areas = load_geography().outlines
    events = synthetic_events(200)
    first = placeholder_png(events, areas=areas)
    assert placeholder_png(events, areas=areas) == first
    assert placeholder_png(events[:20], areas=areas) != first


@pytest.mark.parametrize("n", [0, 5, 200, 10_000])
def test_small_enough_for_a_slow_phone(n):
    """About 7 to 11 kB (most hatching with fewest activities); 24-bit colour would be half as much again."""
    assert len(placeholder_png(synthetic_events(n), areas=load_geography().outlines)) < 14_000


def test_it_shades_what_the_live_map_shades_when_it_opens():
    """*Upcoming* (not ended at the sync's minute: the 9:00 one still runs), or every activity past the page's limit."""
    upcoming = events_in({32: 1}, starts="2026-11-20T08:00:00-06:00", ends="2026-11-20T09:00:00-06:00")
    upcoming += events_in({8: 1})
    past = events_in({24: 2}, starts="2026-11-19T18:00:00-06:00")
    assert shaded_at_first(upcoming + past, now=SYNCED, tz=CHICAGO, limit=100) == upcoming  # in date order
    assert shaded_at_first(upcoming + past, now=SYNCED, tz=CHICAGO, limit=3) == upcoming + past


def test_the_sync_draws_it_from_what_the_live_map_shades():
    config, geography = load_config(ROOT / "config" / "healing-map.toml"), load_geography()
    events = events_in({8: 1}) + events_in({24: 2}, starts="2026-11-19T18:00:00-06:00")
    files = page_files(events, config=config, geography=geography, now=SYNCED)
    assert files[config.public_dir / PLACEHOLDER] == placeholder_png(events[:1], areas=geography.outlines)


def test_the_page_gives_the_images_own_size_so_nothing_moves_when_it_arrives():
    page = (TEMPLATES / "map_page.html").read_text(encoding="utf-8")
    tag = re.search(r'<img class="hm-map-placeholder"[^>]*>', page)
    assert tag, "no placeholder in the map box"
    width, height = PLACEHOLDER_SIZE
    for attribute in (f'src="{PLACEHOLDER}"', f'width="{width}"', f'height="{height}"', 'alt=""',
                      'fetchpriority="high"'):
        assert attribute in tag.group(), attribute
    assert 'loading="lazy"' not in tag.group()


def test_a_sync_publishes_it_uncompressed(tmp_path):
    config = write_responses(tmp_path, [response()])
    done = run_cli("sync", "--config", str(config), "--now", NOW)
    assert done.returncode == 0, done.stderr
    public = tmp_path / "output" / "public"
    assert Image.open(public / PLACEHOLDER).size == PLACEHOLDER_SIZE
    assert not list(public.glob(PLACEHOLDER + ".*"))  # PNG is compressed already: no .gz or .br copy
