"""The reason catalogue: every reason code the sync emits, in plain words for hosts and staff.

One table, plain data in ``sync/reasons.toml``: ``code``, ``severity``
(``rejected``, ``held`` or ``warning``), a title a host understands (English and
Spanish), what the host should do, a title for staff and what staff should do. The messages to hosts
(:mod:`sync.notify`) are rendered from it, and so are the ``reason_titles`` of
``staff/responses.csv`` and ``staff/rejected.csv``, the titles and actions of
``report.json`` and the staff page, and the README's table (``python -m sync.reasons``).
No other file writes a reason's title; a reason's own ``message`` only says what
was typed (``date '13/45/2026' is not a date``).

Codes come from :mod:`sync.normalize`, :mod:`sync.validate` and the locators
(``grep -rn 'Reason(' sync/`` and the ``code`` of each :class:`~sync.errors.LocateError`).
A code missing here never breaks a message: :func:`lookup` falls back to the
reason's own message and a generic "reply to this email" action.

>>> lookup("link_not_http").title["es"]
'El enlace no es una dirección web (debe empezar con http:// o https://)'
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

LANGUAGES = ("en", "es")


@dataclass(frozen=True)
class CatalogueEntry:
    """One reason code in plain words. ``title`` and ``host_action`` are keyed by language."""

    code: str
    severity: str
    #: What it means, for staff: the ``reason_titles`` of the staff CSVs, the staff page, the README.
    staff_title: str
    title: dict[str, str]
    host_action: dict[str, str]
    staff_action: str


def _load(path: Path) -> dict[str, CatalogueEntry]:
    """The catalogue from its data file; the ``missing_<field>`` codes made from its ``[questions]``."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))

    def entry(code: str, item: dict, title: dict[str, str]) -> CatalogueEntry:
        action = item["host_action"]
        if isinstance(action, str):  # the name of one of the shared [actions]
            action = data["actions"][action]
        return CatalogueEntry(code, item["severity"], item["staff_title"], {lang: title[lang] for lang in LANGUAGES},
                              {lang: action[lang] for lang in LANGUAGES}, item["staff_action"])

    entries = {code: entry(code, item, item["title"]) for code, item in data["reasons"].items()}
    missing = data["missing"]
    for field, names in data["questions"].items():
        title = {lang: missing["title"][lang].replace("{question}", names[lang]) for lang in LANGUAGES}
        entries[f"missing_{field}"] = entry(f"missing_{field}", missing, title)
    return entries


CATALOGUE: dict[str, CatalogueEntry] = _load(Path(__file__).with_name("reasons.toml"))

#: What a host is told about a code the catalogue does not know yet.
_UNKNOWN_ACTION = ("Reply to this email and we will help.", "Responda a este correo y le ayudaremos.")
_ROW = re.compile(r"\brow (\d+)")


def lookup(code: str, *, message: str = "", severity: str = "rejected") -> CatalogueEntry:
    """The catalogue entry for a code, or one made from the reason's own message for an unknown code."""
    known = CATALOGUE.get(code)
    if known is not None:
        return known
    text = message or code.replace("_", " ")
    return CatalogueEntry(code, severity, _unknown_title(code), dict(zip(LANGUAGES, (text, text))),
                          dict(zip(LANGUAGES, _UNKNOWN_ACTION)), _UNKNOWN_STAFF_ACTION)


_UNKNOWN_STAFF_ACTION = "Add this code to sync/reasons.toml."


def _unknown_title(code: str) -> str:
    return code.replace("_", " ").capitalize()


def staff_title(code: str) -> str:
    """What a reason code means, for staff; an unknown code reads as its own words.

    >>> staff_title("outside_city"), staff_title("missing_title"), staff_title("brand_new")
    ('Place outside Chicago', 'A required question not answered', 'Brand new')
    """
    entry = CATALOGUE.get(code)
    return entry.staff_title if entry is not None else _unknown_title(code)


def staff_action(code: str) -> str:
    """What staff should do about a reason code."""
    entry = CATALOGUE.get(code)
    return entry.staff_action if entry is not None else _UNKNOWN_STAFF_ACTION


def markdown_table() -> str:
    """The README's table of reason codes, rejected, then held, then warnings; ``missing_<field>`` in one row.

    ``python -m sync.reasons`` prints it; a test keeps the README's copy the same.
    """
    lines = ["| code | status | what it means | what staff do |", "|---|---|---|---|"]
    for severity in ("rejected", "held", "warning"):
        entries = [e for e in CATALOGUE.values() if e.severity == severity]
        missing = [e for e in entries if e.code.startswith("missing_")]
        for entry in missing[:1] + [e for e in entries if e not in missing]:
            code = "missing_<field>" if entry in missing else entry.code
            cells = (f"`{code}`", severity, entry.staff_title, entry.staff_action)
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def describe(code: str, message: str, severity: str, language: str) -> tuple[str, str]:
    """(title, what the host should do) in ``language``, filled in from the reason's message."""
    entry = lookup(code, message=message, severity=severity)
    found = _ROW.search(message)
    row = found[1] if found else "?"
    language = language if language in LANGUAGES else LANGUAGES[0]
    # str.replace, not format: a message from an unknown code may hold braces of its own.
    return entry.title[language].replace("{row}", row), entry.host_action[language].replace("{row}", row)


if __name__ == "__main__":
    print(markdown_table(), end="")
