"""The Google Form's pre-filled link: the form opened with a host's answers, to fix and resubmit in one step.

Google Forms reads ``viewform?usp=pp_url&entry.<id>=<value>&…`` ("Get pre-filled
link" in the form's menu shows each question's entry id; staff copy them into
``[notify.prefill.entries]``). Date questions take ``YYYY-MM-DD`` and time
questions ``HH:MM``; a checkbox question takes its entry once per ticked answer.
An answer that could not be read as a date or time is left out, so the host
types it again instead of meeting a value the question refuses.

>>> prefill_url("https://docs.google.com/forms/d/e/FORM/viewform", {"title": "entry.1"}, response)  # doctest: +SKIP
'https://docs.google.com/forms/d/e/FORM/viewform?usp=pp_url&entry.1=Healing%20circle'
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from sync.normalize import parse_time
from sync.records import Response


def prefill_url(form_url: str, entries: Mapping[str, str], r: Response) -> str:
    """The form's address with ``r``'s answers for every configured question; ``""`` without a form."""
    if not form_url:
        return ""
    pairs = [("usp", "pp_url")]
    for name, entry in entries.items():
        pairs += [(entry, value) for value in answers(r, name)]
    parts = urlsplit(form_url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(pairs, quote_via=quote), ""))


def answers(r: Response, name: str) -> list[str]:
    """The values a question named ``name`` is pre-filled with (none, one, or one per ticked box)."""
    if name == "event_date":
        return [r.event_date.isoformat()] if r.event_date else []
    if name in ("start_time", "end_time"):
        moment = parse_time(r.raw.get(name, "")) if r.raw.get(name, "").strip() else None
        return [f"{moment:%H:%M}"] if moment else []
    if name == "languages":
        return list(r.languages)
    text = r.raw.get(name, "")
    return [text] if text.strip() else []
