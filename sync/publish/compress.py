"""Precompressed siblings of the public text files: ``index.html.gz`` and ``index.html.br`` beside ``index.html``.

A phone on a slow connection gets the 1.4 MB page of 10,000 activities as ~0.2 MB. Static
hosts (nginx ``gzip_static``/``brotli_static``, Caddy ``precompressed``, most CDNs) and
``healing-map serve`` send a sibling when the browser accepts its encoding; compressing once
per sync costs less than compressing every request, and lets the slow, small settings run.

The siblings are added to the outputs by :func:`with_precompressed`, called at the end of
``build_outputs``, not by the release writer: the writer stays a plain "write these bytes"
step, tests and dry runs see every file a release will hold, and a sibling is just another
file (hard-linked from the previous release when unchanged). Output is deterministic (gzip
with no name and a zero time stamp), so an unchanged file gives an unchanged sibling.

Levels follow the size: files up to :data:`SMALL_BYTES` (the page, feeds, the manifest) get
gzip 6 and Brotli 6 (Brotli 9 saves 1–2 % more of the page for ~15 times the time); bigger ones
(``events.csv`` and ``events.geojson`` of a big campaign: 480 MB at 600,000 responses) gzip 4 and
Brotli 4, ~70 and ~90 MB/s on one core, so the 10-million-cell sheet still syncs within its budget.

>>> files = with_precompressed({Path("public/index.html"): "<!doctype html>…"}, Path("public"))
>>> sorted(p.name for p in files)
['index.html', 'index.html.br', 'index.html.gz']
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Mapping
from pathlib import Path

#: The public files that are text, by suffix: each gets a .gz and a .br sibling.
TEXT_SUFFIXES = frozenset({".html", ".csv", ".geojson", ".ics", ".json", ".svg", ".webmanifest", ".js", ".css",
                           ".txt", ".xml"})
#: Up to this size a file gets the best settings that stay fast; above it, the quick ones.
SMALL_BYTES = 2_000_000
#: (gzip level, Brotli quality) for small and big files.
SMALL_LEVELS, BIG_LEVELS = (6, 6), (4, 4)
ENCODINGS = {".br": "br", ".gz": "gzip"}


def compress(data: bytes) -> dict[str, bytes]:
    """``{".gz": …, ".br": …}`` for ``data`` (no ``.br`` when the ``brotli`` package is missing)."""
    level, quality = SMALL_LEVELS if len(data) <= SMALL_BYTES else BIG_LEVELS
    out = {".gz": gzip.compress(data, compresslevel=level, mtime=0)}
    try:
        import brotli
    except ImportError:  # an install without it still serves gzip
        return out
    out[".br"] = brotli.compress(data, quality=quality)
    return out


def with_precompressed(files: Mapping[Path, bytes | str], public: Path, *,
                       skip: Iterable[Path] = ()) -> dict[Path, bytes | str]:
    """``files`` plus a ``.gz`` and a ``.br`` sibling of every text file under ``public``, except in ``skip``.

    ``skip``: folders whose many small files are not worth it (each activity's calendar file, ~1.5 KB:
    6,000 of them would cost seconds a sync to save a few hundred bytes each).
    """
    out: dict[Path, bytes | str] = dict(files)
    skipped = tuple(skip)
    for path, data in files.items():
        if path.suffix.lower() in TEXT_SUFFIXES and Path(path).is_relative_to(public) and not any(
                Path(path).is_relative_to(folder) for folder in skipped):
            raw = data.encode("utf-8") if isinstance(data, str) else data
            for suffix, packed in compress(raw).items():
                out[path.with_name(path.name + suffix)] = packed
    return out
