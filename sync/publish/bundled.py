"""``[map] assets = "bundled"``: Leaflet and Leaflet.markercluster served from ``public/assets/``, no CDN.

folium names these scripts and styles by their CDN addresses and does not ship them (its
package holds only a few plugin scripts), so the copies live in this package, in
``sync/publish/vendor/<package>/``: the files the page uses, from the npm packages of the
versions folium asks for, each with its licence, and ``vendor/manifest.json`` saying which
versions they are. ``make vendor-assets`` refreshes them from npm (``python -m
sync.publish.bundled tests/.assets/node_modules``); a test checks that the versions still
match folium's addresses.

With the option on, the page links ``assets/leaflet/leaflet.js`` (and so on) instead of the
CDN address, and every vendored file, licences included, is published under ``public/assets/``.

>>> local_url("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css")
'assets/leaflet/leaflet.css'
>>> local_url("https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js")
'assets/leaflet.markercluster/leaflet.markercluster.js'
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
from pathlib import Path
from typing import TypedDict
from urllib.parse import urlsplit

log = logging.getLogger("sync")

VENDOR = Path(__file__).with_name("vendor")
#: Where the copies are published, under ``public/``.
ASSETS = "assets"
#: What is vendored from each npm package: its files the page uses (``dist/`` paths) and its licence.
class _Package(TypedDict):
    files: list[str]  # paths inside the npm package
    licence: str


PACKAGES: dict[str, _Package] = {
    "leaflet": {"files": ["dist/leaflet.js", "dist/leaflet.css", "dist/images/layers.png",
                          "dist/images/layers-2x.png", "dist/images/marker-icon.png",
                          "dist/images/marker-icon-2x.png", "dist/images/marker-shadow.png"],
                "licence": "LICENSE"},
    "leaflet.markercluster": {"files": ["dist/leaflet.markercluster.js", "dist/MarkerCluster.css",
                                        "dist/MarkerCluster.Default.css"],
                              "licence": "MIT-LICENCE.txt"},
}


def cdn_package(url: str) -> tuple[str, str, str] | None:
    """``(package, version, file)`` of a jsDelivr npm or cdnjs address, else ``None``."""
    parts = urlsplit(url)
    path = parts.path
    if parts.netloc == "cdn.jsdelivr.net" and path.startswith("/npm/"):
        name_version, _, rest = path[len("/npm/"):].partition("/")
        name, _, version = name_version.rpartition("@")
        return name, version, rest.removeprefix("dist/")
    if parts.netloc == "cdnjs.cloudflare.com" and path.startswith("/ajax/libs/"):
        name, version, file = path[len("/ajax/libs/"):].split("/", 2)
        return name, version, file
    return None


def versions() -> dict[str, str]:
    """The vendored packages and their versions (``vendor/manifest.json``)."""
    return json.loads((VENDOR / "manifest.json").read_text(encoding="utf-8"))["versions"]


def local_url(url: str) -> str:
    """The page's relative address of the bundled copy of a CDN ``url``; ``ValueError`` when none is vendored."""
    found = cdn_package(url)
    if found is None or not (VENDOR / found[0] / found[2]).is_file():
        raise ValueError(f"no bundled copy of {url} in {VENDOR} (make vendor-assets)")
    name, version, file = found
    if versions().get(name) != version:
        log.warning("map assets: folium asks for %s %s, the bundled copy is %s", name, version, versions().get(name))
    return f"{ASSETS}/{name}/{file}"


def bundled_files(public: Path) -> dict[Path, bytes]:
    """Every vendored file, licences included, keyed by its path under ``public/assets/``."""
    return {public / ASSETS / path.relative_to(VENDOR): path.read_bytes()
            for path in sorted(VENDOR.rglob("*")) if path.is_file() and path.name != "manifest.json"}


def refresh(node_modules: Path) -> dict[str, str]:
    """Copy :data:`PACKAGES`' files from an npm ``node_modules`` folder into ``vendor/``; returns the versions."""
    found = {}
    for name, wanted in PACKAGES.items():
        package = Path(node_modules) / name
        found[name] = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
        target = VENDOR / name
        shutil.rmtree(target, ignore_errors=True)
        for file in [*wanted["files"], wanted["licence"]]:
            destination = target / file.removeprefix("dist/")
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(package / file, destination)
    (VENDOR / "manifest.json").write_text(json.dumps({
        "about": "Copies of npm packages for [map] assets = \"bundled\"; refresh with make vendor-assets.",
        "versions": found}, indent=2) + "\n", encoding="utf-8")
    return found


if __name__ == "__main__":  # make vendor-assets
    print(refresh(Path(sys.argv[1] if len(sys.argv) > 1 else "tests/.assets/node_modules")))
