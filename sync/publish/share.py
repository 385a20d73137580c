"""Share links and the embed for partner sites: the addresses they use, and the staff page's snippets.

Share links live in the map page's address, after ``#`` (``index.html#area=31&a=3f9c0e1b2a4d``;
the keys are documented in ``templates/map_url.js`` and the README): the script reads and writes
them, so nothing here renders them. ``public/embed.html`` is the same page, built from the same
data and script with ``render_map_page(..., embed=True)``: a compact frame for a block club's or an
alderman's site, with no header but a slim bar, smaller controls and an "Open the full map" link.
``embed.html#area=31`` (or ``#side=far-southeast``) fixes the frame to one community area or side.

A separate file rather than an ``?embed`` parameter on ``index.html``: the frame differs in its HTML,
not only in its script (no header or "Add your activity", ``noindex``, no JSON-LD a search engine
would count twice), so it looks right before any script runs and a partner's frame never flashes the
full page; and the main page stays what search engines and link previews see. The fragment, not a
query, carries the area: a static host serves the same file for every area, and caches hold one copy.

The snippets need the map's public address, ``[map] public_url``; without it they are relative
(``embed.html#area=31``), which staff must complete before a partner can use them.

Example::

    for snippet in embed_snippets(config=config, areas={31: "Lower West Side"}, sides={"West": [23, 24]}):
        print(snippet.name, snippet.html)
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping
from typing import NamedTuple

from sync.config import Config

#: The framed page, beside ``index.html`` in ``public/``.
EMBED_PAGE = "embed.html"
#: The frame's size in the snippets: the page's phone layout below 800 px wide, map and list side by side above.
FRAME_HEIGHT = 600


class Snippet(NamedTuple):
    """One ``<iframe>`` to paste into a partner's page: for the whole city, a side or a community area."""

    name: str
    src: str
    html: str


def url_slug(text: str) -> str:
    """A name as it is written in a share link: ASCII letters and digits joined by ``-`` (as the calendar feeds').

    >>> url_slug("Far Southeast"), url_slug("Círculo de sanación"), url_slug("  -- ")
    ('far-southeast', 'circulo-de-sanacion', '')
    """
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()
    return re.sub("[^a-z0-9]+", "-", folded).strip("-")  # map_url.js slug() does the same


def embed_snippets(*, config: Config, areas: Mapping[int, str], sides: Mapping[str, list[int]]) -> list[Snippet]:
    """The whole city's frame, then each side's, then each community area's by number.

    ``areas``: community area number → name; ``sides``: each side of the city → its areas.
    """
    base = f"{config.map.public_url}{EMBED_PAGE}"
    out = [_snippet("All of Chicago", base, config, place="Chicago")]
    out += [_snippet(f"{side} Side", f"{base}#side={url_slug(side)}", config, place=f"the {side} Side")
            for side in sides]
    out += [_snippet(f"{number} · {name}", f"{base}#area={number}", config, place=name)
            for number, name in sorted(areas.items())]
    return out


def _snippet(name: str, src: str, config: Config, *, place: str) -> Snippet:
    title = f"{config.campaign.title}: healing activities in {place}"
    frame = (f'<iframe src="{html.escape(src)}" title="{html.escape(title)}" width="100%" height="{FRAME_HEIGHT}" '
             'style="border:0" loading="lazy" allow="clipboard-write; web-share"></iframe>')
    return Snippet(name, src, frame)
