"""Rules the public map and the staff pages both apply, decided once here.

The map's script runs in the visitor's browser and the staff charts are drawn at sync
time; when each kept its own copy of a rule they drifted (the staff map shaded counts in
equal steps of blue, the public map in quartiles of purple). The Python side calls these
functions; the page script gets the same decisions through :func:`page_rules` in the page
data, so neither side spells a threshold, a colour or a duration of its own.

Examples::

    >>> coverage_classes({1: 1, 2: 2, 3: 3, 4: 8})
    [(1, 1), (2, 2), (3, 3), (4, 8)]
    >>> shade(5, coverage_classes({1: 1, 2: 2, 3: 3, 4: 8}))
    '#4f2f8f'
    >>> fold("Pilsen — La Villita, ÁREA ß")
    'pilsen — la villita, area ss'
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

#: Coverage colours, lightest to darkest; with fewer classes than colours the darkest are used,
#: so the busiest areas always get the darkest shade.
SHADES = ("#ddd3ef", "#b09ed9", "#7f64bd", "#4f2f8f")
#: Areas with no activity are hatched, never left blank: a place nobody reached should stand out.
HATCH = {"background": "#fff6f0", "stripe": "#f3b89b", "outline": "#d7774f"}
#: The quantiles whose values close the first classes; the largest count closes the last.
QUANTILES = (0.25, 0.5, 0.75)
#: Assumed length of an activity without an end time (or with an end before its start).
DEFAULT_DURATION_MINUTES = 60
#: The schemes a link may have to be shown as a link.
WEB_SCHEMES = ("http", "https")
#: How the pages and the messages to hosts name months and weekdays, in each language they speak.
MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
}
WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}


def coverage_classes(counts: dict) -> list[tuple[int, int]]:
    """Count ranges ``(low, high)`` for shading, from the quartiles of the non-zero counts.

    Quartiles rather than equal steps: a few very busy areas would otherwise push every
    other area into the lightest class. Zero is not a class (it is hatched).

    >>> coverage_classes({})
    []
    >>> coverage_classes({1: 0, 2: 3, 3: 3})
    [(1, 3)]
    >>> coverage_classes(dict(enumerate([1, 1, 1, 2, 2, 5, 9, 20])))
    [(1, 1), (2, 2), (3, 5), (6, 20)]
    """
    values = sorted(n for n in counts.values() if n)
    if not values:
        return []
    uppers = [values[int(q * (len(values) - 1))] for q in QUANTILES] + [values[-1]]
    classes, low = [], 1
    for high in uppers:
        if high >= low:
            classes.append((low, high))
            low = high + 1
    return classes


def shade(n: int, classes: list[tuple[int, int]]) -> str | None:
    """The colour for an area with ``n`` activities; ``None`` for none (draw :data:`HATCH`).

    >>> shade(0, [(1, 4)]) is None
    True
    >>> shade(2, [(1, 4)]), shade(1, [(1, 1), (2, 4)]), shade(2, [(1, 1), (2, 4)])
    ('#4f2f8f', '#7f64bd', '#4f2f8f')
    """
    if not n:
        return None
    first = len(SHADES) - len(classes)
    for index, (_, high) in enumerate(classes):
        if n <= high:
            return SHADES[first + index]
    return SHADES[-1]


def class_label(low: int, high: int) -> str:
    """A legend entry: ``"3"`` or ``"3–5"``.

    >>> class_label(3, 3), class_label(3, 5), class_label(1000, 1200)
    ('3', '3–5', '1,000–1,200')
    """
    return f"{low:,}" if low == high else f"{low:,}–{high:,}"


def activity_end(start: datetime, end: datetime | None) -> datetime:
    """When an activity is over: its end, or its start plus the default duration when it has none.

    >>> activity_end(datetime(2026, 12, 5, 18), None)
    datetime.datetime(2026, 12, 5, 19, 0)
    """
    if end is not None and end > start:
        return end
    return start + timedelta(minutes=DEFAULT_DURATION_MINUTES)


def is_upcoming(start: datetime, end: datetime | None, now: datetime) -> bool:
    """Whether an activity still counts as upcoming at ``now``: until it is over, not until it starts.

    A resident can still join a circle that began ten minutes ago, so "upcoming" lasts
    while the activity runs, up to and including its last minute.

    >>> six = datetime(2026, 12, 5, 18)
    >>> is_upcoming(six, None, datetime(2026, 12, 5, 19)), is_upcoming(six, None, datetime(2026, 12, 5, 19, 1))
    (True, False)
    >>> is_upcoming(six, datetime(2026, 12, 5, 21), datetime(2026, 12, 5, 20, 30))
    True
    """
    return activity_end(start, end) >= now


def is_web_url(link: str) -> bool:
    """Whether ``link`` is an http(s) address with a host, and nothing around it.

    Anything else (``javascript:``, ``mailto:``, a bare word) is never made a link: the
    text comes from residents.

    >>> is_web_url("https://example.org/join"), is_web_url("HTTP://example.org")
    (True, True)
    >>> is_web_url("javascript:alert(1)"), is_web_url(" https://example.org"), is_web_url("https://")
    (False, False, False)
    """
    try:
        parts = urlsplit(link.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc) and link == link.strip()


def fold(text: str) -> str:
    """Text as search compares it: compatibility forms, no accents, case-folded.

    So "Pilsen" finds "PILSEN", "Humboldt" finds "Humbóldt" and "ﬁesta" finds "fiesta".
    Only non-spacing marks (Unicode category Mn) are dropped; letters such as "ø" stay.

    >>> fold("Logan Square"), fold("Niñas y Jóvenes"), fold("ﬁesta"), fold("Straße")
    ('logan square', 'ninas y jovenes', 'fiesta', 'strasse')
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def long_date(day: date, language: str, *, with_year: bool = True) -> str:
    """A date as the map's list and the messages to hosts write it; English for a language without words here.

    >>> long_date(date(2026, 12, 5), "es"), long_date(date(2026, 12, 5), "en", with_year=False)
    ('sábado, 5 de diciembre de 2026', 'Saturday, December 5')
    """
    words = language if language in MONTHS else "en"
    weekday, month = WEEKDAYS[words][day.weekday()], MONTHS[words][day.month - 1]
    if words == "es":
        return f"{weekday}, {day.day} de {month}" + (f" de {day.year}" if with_year else "")
    return f"{weekday}, {month} {day.day}" + (f", {day.year}" if with_year else "")


def page_rules() -> dict:
    """The same rules as data for the map's script (it cannot call Python).

    The script applies them as the functions above do: ``coverage_classes`` with
    ``quantiles``, ``shade`` with ``shades``, "upcoming" with ``duration`` minutes and
    ``>=``, links with ``schemes``, and search with ``fold``: normalize to ``form``, drop
    characters matching the ``marks`` regular expression (flags ``gu``), lower-case.

    >>> sorted(page_rules())
    ['duration', 'fold', 'hatch', 'quantiles', 'schemes', 'shades']
    """
    return {
        "shades": list(SHADES),
        "hatch": dict(HATCH),
        "quantiles": list(QUANTILES),
        "duration": DEFAULT_DURATION_MINUTES,
        "schemes": list(WEB_SCHEMES),
        "fold": {"form": "NFKD", "marks": "\\p{Mn}"},
    }
