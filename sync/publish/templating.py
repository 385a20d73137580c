"""The one Jinja2 environment every page is rendered with: templates and CSS under ``templates/``.

Autoescape is on for ``.html`` and ``.svg`` templates, so every value from the sheet is
escaped where it is written and nowhere else; Python code hands templates plain values
(text, numbers, layouts) and never markup. Undefined names are errors, so a misspelt
variable fails the tests instead of leaving a blank on a page.

Example::

    html = render("staff_page.html", title="Together We Heal", ...)
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).with_name("templates")


def plural(n: int, one: str, many: str) -> str:
    """``"1 activity"``, ``"1,204 activities"``.

    >>> plural(1, "activity", "activities"), plural(1204, "activity", "activities")
    ('1 activity', '1,204 activities')
    """
    return f"{n:,} {one if n == 1 else many}"


def percentage(part: int, whole: int) -> str:
    """A whole percentage; ``"0%"`` of nothing rather than an error.

    >>> percentage(2, 77), percentage(0, 0)
    ('3%', '0%')
    """
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def long_day(d: date) -> str:
    """``"Mon 2 Nov 2026"``: unambiguous to American and European readers alike.

    >>> long_day(date(2026, 11, 2))
    'Mon 2 Nov 2026'
    """
    return f"{d:%a} {d.day} {d:%b %Y}"


def number(value: float, spec: str = ",") -> str:
    """``value`` formatted with a format spec: ``{{ n|num }}`` for 1,204, ``{{ x|num(".1f") }}`` for SVG.

    >>> number(1204), number(12.345, ".1f"), number(140.0, "g")
    ('1,204', '12.3', '140')
    """
    return format(value, spec)


@cache
def environment() -> Environment:
    """The shared environment, built once: the templates' folder, autoescape, the page filters."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "svg"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(num=number, percentage=percentage, long_day=long_day)
    env.globals.update(plural=plural, percentage=percentage, stylesheet=stylesheet)
    return env


def stylesheet(*names: str) -> str:
    """The CSS files ``names`` joined, to inline in a ``<style>`` (the pages must work opened from disk).

    CSS is our own file, never sheet data, so templates write it with ``|safe``; a ``</style>``
    in it would end the element, so it is refused here.
    """
    text = "".join((TEMPLATES / name).read_text(encoding="utf-8") for name in names)
    if "</" in text:
        raise ValueError(f"{', '.join(names)}: CSS must not contain '</'")
    return text


def render(name: str, /, **context) -> str:
    """The template ``name`` rendered with ``context``."""
    return environment().get_template(name).render(**context)
