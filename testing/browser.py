"""Debian's chromium through Playwright, offline: the CDNs and tile servers a folium page asks for.

``make test`` installs the npm packages of ``package.json`` into ``tests/.assets/node_modules``;
:func:`local_asset` maps a CDN URL onto a file there (folium asks cdnjs for awesome-markers 2.0.2,
which npm lacks, so 2.0.5 answers). :func:`route_offline` installs a Playwright route that serves
those files, answers map tiles (and the page's map placeholder, unless the test serves one) with a
blank PNG, serves the page under test from memory, and aborts (and records) everything else, so a
page can never reach the network.
:func:`browser_unavailable` says why the browser cannot run here, if it cannot.

Playwright's own browser download cannot work here, so :data:`CHROMIUM` is launched through
``executable_path`` with :data:`CHROMIUM_ARGS`. Used by the browser tests and ``bench.map_page``.
"""

from __future__ import annotations

import mimetypes
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from sync.publish.preview import PLACEHOLDER

ASSETS = Path(__file__).resolve().parents[1] / "tests" / ".assets" / "node_modules"
INSTALL_HINT = "make test installs them: npm install of tests/browser/package.json in tests/.assets"
#: The page under test is served from here, so relative links and localStorage behave as on a real site.
SITE = "https://healing-map.test/"
#: A 1×1 transparent PNG: every map tile.
BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082"
)
_TILE = re.compile(r"/\d+/\d+/\d+(@2x)?\.(png|jpe?g|webp)$")
#: cdnjs library folder → npm package (cdnjs serves the files of the package's dist folder).
_CDNJS = {"leaflet.markercluster": "leaflet.markercluster", "Leaflet.awesome-markers": "leaflet.awesome-markers"}
_JQUERY = re.compile(r"^/jquery-(\d+\.\d+\.\d+)(\.min)?\.js$")


#: Debian's chromium; HEALING_MAP_CHROMIUM points elsewhere.
CHROMIUM = Path(os.environ.get("HEALING_MAP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def browser_unavailable() -> str | None:
    """Why the browser cannot run here, or ``None``."""
    if not CHROMIUM.is_file():
        return f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if not assets_installed():
        return f"the offline copies of Leaflet & co. are missing ({INSTALL_HINT})"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


def assets_installed() -> bool:
    return (ASSETS / "leaflet" / "dist" / "leaflet.js").is_file() and (ASSETS / "leaflet.markercluster").is_dir()


def local_asset(url: str) -> Path | None:
    """The local copy of a CDN URL, or ``None`` when we have none."""
    parts = urlsplit(url)
    host, path = parts.netloc, parts.path
    if host == "cdn.jsdelivr.net" and path.startswith("/npm/"):
        rest = path[len("/npm/"):]
        scope = ""
        if rest.startswith("@"):
            scope, rest = rest.split("/", 1)
            scope += "/"
        name_version, _, file = rest.partition("/")
        candidate = ASSETS / (scope + name_version.split("@")[0]) / file
    elif host == "cdnjs.cloudflare.com" and path.startswith("/ajax/libs/"):
        library, _version, file = path[len("/ajax/libs/"):].split("/", 2)
        if library not in _CDNJS:
            return None
        candidate = ASSETS / _CDNJS[library] / "dist" / file
    elif host == "code.jquery.com" and _JQUERY.match(path):
        candidate = ASSETS / "jquery" / "dist" / ("jquery.min.js" if _JQUERY.match(path).group(2) else "jquery.js")
    else:
        return None
    return candidate if candidate.is_file() else None


def is_tile(url: str) -> bool:
    return bool(_TILE.search(urlsplit(url).path))


def route_offline(context, *, site: dict[str, str | bytes] | None = None, blocked: list[str] | None = None,
                  block: tuple[str, ...] = ()) -> None:
    """Answer every request of ``context`` offline; append refused URLs to ``blocked``.

    ``site`` maps paths under :data:`SITE` (``"index.html"``) to their content; URLs containing
    any string in ``block`` are aborted even when a local copy exists (to test failures).
    """
    site = site or {}
    blocked = blocked if blocked is not None else []

    def handle(route):
        url = route.request.url
        if any(b in url for b in block):
            blocked.append(url)
            return route.abort()
        if url.startswith(SITE):
            name = urlsplit(url).path.lstrip("/") or "index.html"
            if name in site:
                body = site[name]
                kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
                if kind.startswith("text/"):
                    kind += "; charset=utf-8"
                return route.fulfill(status=200, body=body, headers={"Content-Type": kind})
            if name == PLACEHOLDER:  # the map box's picture, unless the test brings one: blank, like the tiles
                return route.fulfill(status=200, body=BLANK_PNG, headers={"Content-Type": "image/png"})
        local = local_asset(url)
        if local is not None:
            kind = mimetypes.guess_type(local.name)[0] or "application/octet-stream"
            return route.fulfill(status=200, path=str(local), headers={
                "Content-Type": kind, "Access-Control-Allow-Origin": "*"})
        if is_tile(url):
            return route.fulfill(status=200, body=BLANK_PNG, headers={"Content-Type": "image/png"})
        blocked.append(url)
        return route.abort()

    context.route("**/*", handle)
