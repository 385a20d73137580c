"""Where responses come from. One adapter per kind of source, all behind :class:`Source`.

>>> from sync.sources import open_source
>>> source = open_source(config.source)          # doctest: +SKIP
>>> table = source.read()                        # doctest: +SKIP
"""

from __future__ import annotations

from sync.sources.base import Source
from sync.sources.files import FileSource, UrlSource


def open_source(source_config, *, writeback=None) -> Source:
    """Build the adapter for a ``[source]`` config section (``writeback``: ``[status_writeback]``)."""
    kind = source_config.kind
    if kind == "file":
        return FileSource(source_config.path, worksheet=source_config.worksheet)
    if kind == "url":
        return UrlSource(source_config.url, timeout=source_config.timeout_seconds)
    if kind == "google_sheets":
        from sync.sources.google_sheets import GoogleSheetsSource

        return GoogleSheetsSource.from_config(source_config, writeback=writeback)
    raise ValueError(f"unknown source kind {kind!r}")


__all__ = ["Source", "open_source", "FileSource", "UrlSource"]
