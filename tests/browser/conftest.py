"""Playwright on Debian's chromium, fully offline (testing/browser.py: the browser and the routing).

Where chromium or the npm copies of the CDN assets are missing, every test
that needs them is skipped with the reason, and the run ends with a banner saying so: these tests
are never passed silently.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sync.publish.map_page import MapPage
from sync.publish.preview import favicon_svg
from testing.browser import CHROMIUM, CHROMIUM_ARGS, SITE, browser_unavailable, route_offline

ARTIFACTS = Path(__file__).resolve().parents[1] / ".artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 667}

_skipped: list[str] = []


def _skip(reason: str):
    """Skip, loudly; fail instead where they must run (``HEALING_MAP_REQUIRE_BROWSER=1``, set by .ci/run)."""
    if os.environ.get("HEALING_MAP_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests cannot run: {reason}", pytrace=False)
    message = f"browser tests SKIPPED: {reason}"
    if message not in _skipped:
        _skipped.append(message)
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter):
    for message in _skipped:
        terminalreporter.write_sep("!", message, red=True, bold=True)


@pytest.fixture(scope="session")
def browser():
    reason = browser_unavailable()
    if reason:
        _skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@dataclass
class Opened:
    """A page opened offline, with what it tried to fetch and every error it reported."""

    page: object
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def js_errors(self) -> list[str]:
        """Errors other than the 'Failed to load resource' lines of requests we refused on purpose."""
        return [e for e in self.errors if "Failed to load resource" not in e]


def map_started(page, *, state: str = "ready") -> None:
    """Until the map has started in its short steps (``data-map`` on the body, map_start.js)."""
    page.wait_for_function(f"() => document.body.getAttribute('data-map') === {state!r}", timeout=10_000)


@pytest.fixture
def open_page(browser):
    """``open_page(page, viewport=..., files=..., block=..., init_script=..., address=...)`` → :class:`Opened`.

    ``page``: a :class:`~sync.publish.map_page.MapPage` (the page, its embed and their data script are
    served) or an HTML string.
    The browser runs in Tokyo time on purpose: the page must show Chicago times whatever the
    visitor's clock says. ``address``: where the page is opened, e.g. ``"index.html#area=31"`` (a share link).
    """
    contexts = []

    def open_(html: str | MapPage, *, viewport: dict = DESKTOP, files: dict | None = None, block: tuple[str, ...] = (),
              init_script: str | None = None, wait_for_map: bool = True, address: str = "index.html",
              **context_options) -> Opened:
        options = {"viewport": viewport, "locale": "en-US", "timezone_id": "Asia/Tokyo", **context_options}
        context = browser.new_context(**options)
        contexts.append(context)
        opened = Opened(page=None)
        # The page links its icon (public/favicon.svg); the browser fetches it like any page asset.
        pages = html.files() if isinstance(html, MapPage) else {"index.html": html}
        site = {**pages, "favicon.svg": favicon_svg(), **(files or {})}
        route_offline(context, site=site, blocked=opened.blocked, block=block)
        page = context.new_page()
        page.on("pageerror", lambda exc: opened.errors.append(f"pageerror: {exc}"))
        page.on("console", lambda msg: opened.errors.append(f"console.{msg.type}: {msg.text}")
                if msg.type in ("error", "warning") else None)
        if init_script:
            page.add_init_script(init_script)
        page.goto(SITE + address)
        page.wait_for_load_state("load")
        if wait_for_map:
            map_started(page)
        opened.page = page
        return opened

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
