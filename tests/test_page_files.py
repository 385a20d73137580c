"""What a sync adds to ``public/`` for the page: preview image, icon, manifest, precompressed copies, bundled Leaflet."""

from __future__ import annotations

import gzip
import io
import json
import xml.etree.ElementTree as ET

import brotli
import folium
import folium.plugins
import pytest
from PIL import Image

from sync.publish.bundled import VENDOR, cdn_package, local_url, versions
from sync.publish.compress import TEXT_SUFFIXES, with_precompressed
from sync.publish.preview import HEIGHT, WIDTH, preview_png
from tests.helpers import NOW, response, run_cli, write_responses

ROWS = [
    response(),
    response(**{"Name of your activity": "Online circle", "Timestamp": "11/20/2026 10:05:00",
                "Which community area or neighborhood is it rooted in?": "online"}),
    response(**{"Name of your activity": "Bronzeville stories", "Timestamp": "11/20/2026 10:10:00",
                "Which community area or neighborhood is it rooted in?": "Bronzeville"}),
]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """One sync with bundled assets: the output folder."""
    folder = tmp_path_factory.mktemp("page-files")
    config = write_responses(folder, ROWS, map={"assets": "bundled", "public_url": "https://map.example.org/"})
    done = run_cli("sync", "--config", str(config), "--now", NOW)
    assert done.returncode == 0, done.stderr
    return folder / "output"


def test_every_public_text_file_has_gzip_and_brotli_copies_of_the_same_bytes(published):
    public = published / "public"
    # (each activity's own calendar file is left alone: thousands of ~1.5 KB files, see compress.with_precompressed)
    one_activity = public / "calendar" / "event"
    texts = [p for p in public.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES and p.parent != one_activity]
    assert {"index.html", "events.csv", "events.geojson", "favicon.svg", "manifest.webmanifest",
            "calendar.ics"} <= {p.name for p in texts}
    for path in texts:
        original = path.read_bytes()
        assert gzip.decompress((path.parent / (path.name + ".gz")).read_bytes()) == original, path.name
        assert brotli.decompress((path.parent / (path.name + ".br")).read_bytes()) == original, path.name
    assert not list(public.rglob("*.png.gz")) and not list(public.rglob("*.gz.gz"))
    assert not [p for p in (published / "staff").iterdir() if p.suffix in (".gz", ".br")]


def test_preview_image_icon_and_manifest(published):
    public = published / "public"
    image = Image.open(io.BytesIO((public / "preview.png").read_bytes()))
    assert (image.format, image.size) == ("PNG", (WIDTH, HEIGHT))
    icon = ET.fromstring((public / "favicon.svg").read_text(encoding="utf-8"))
    assert icon.tag == "{http://www.w3.org/2000/svg}svg"
    manifest = json.loads((public / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["start_url"] == "./" and manifest["lang"] == "en"
    assert all((public / i["src"]).is_file() for i in manifest["icons"])
    page = (public / "index.html").read_text(encoding="utf-8")
    for tag in ('<link rel="icon" href="favicon.svg" type="image/svg+xml">',
                '<link rel="manifest" href="manifest.webmanifest">',
                '<meta property="og:image" content="https://map.example.org/preview.png">',
                '<meta property="og:url" content="https://map.example.org/">',
                '<meta name="twitter:card" content="summary_large_image">'):
        assert tag in page


def test_the_preview_is_the_same_bytes_for_the_same_activities():
    from sync.locate.geography import load_geography
    from testing.map_events import synthetic_events

    events, areas = synthetic_events(200), load_geography().outlines
    first = preview_png(events, areas=areas, title="Together We Heal", subtitle="Healing map")
    assert preview_png(events, areas=areas, title="Together We Heal", subtitle="Healing map") == first
    assert preview_png(events[:20], areas=areas, title="Together We Heal", subtitle="Healing map") != first


def test_bundled_assets_are_published_with_their_licences_and_the_page_uses_them(published):
    public = published / "public"
    assert (public / "assets" / "leaflet" / "LICENSE").is_file()
    assert (public / "assets" / "leaflet.markercluster" / "MIT-LICENCE.txt").is_file()
    assert (public / "assets" / "leaflet" / "images" / "layers.png").is_file()  # leaflet.css points there
    page = (public / "index.html").read_text(encoding="utf-8")
    assert '<script defer src="assets/leaflet/leaflet.js"></script>' in page
    assert '<link rel="preload" as="style" href="assets/leaflet.markercluster/MarkerCluster.Default.css">' in page
    assert '"assets/leaflet.markercluster/MarkerCluster.Default.css"' in page  # the script adds the stylesheets
    assert "cdn.jsdelivr.net" not in page and "cdnjs.cloudflare.com" not in page


def test_the_vendored_copies_are_the_versions_folium_asks_for():
    urls = [url for _, url in folium.Map.default_js + folium.Map.default_css if "leaflet@" in url or "leaflet.css" in url]
    urls += [url for _, url in folium.plugins.MarkerCluster.default_js + folium.plugins.MarkerCluster.default_css]
    for url in urls:
        name, version, file = cdn_package(url)
        assert versions()[name] == version, url
        assert (VENDOR / name / file).is_file(), url
        assert local_url(url) == f"assets/{name}/{file}"


def test_precompressed_siblings_only_for_public_text(tmp_path):
    public, staff = tmp_path / "public", tmp_path / "staff"
    files = with_precompressed({public / "index.html": "<p>é</p>", public / "preview.png": b"\x89PNG",
                                staff / "report.json": "{}"}, public)
    assert sorted(p.name for p in files) == ["index.html", "index.html.br", "index.html.gz", "preview.png",
                                             "report.json"]
    assert gzip.decompress(files[public / "index.html.gz"]) == "<p>é</p>".encode()
