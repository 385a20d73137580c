"""A progress bar for long look-ups, drawn only for a person at a terminal.

Under cron or in CI stdout is not a terminal, and a bar there is only noise in
the log, so the items pass through untouched.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress_iter(items: Iterable[T], *, total: int, description: str, enabled: bool) -> Iterator[T]:
    """Yield ``items`` unchanged, with a bar when ``enabled`` and stdout is a terminal."""
    if not (enabled and sys.stdout.isatty()):
        yield from items
        return
    from rich.progress import track

    # transient: the bar disappears when done, leaving the run's summary as the only output
    yield from track(items, total=total, description=description, transient=True)
