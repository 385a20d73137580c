"""Build each message to a host: an ``EmailMessage`` with a plain-text and an HTML part, from Jinja2 templates.

Templates live in ``sync/notify/templates/`` as ``<status>.<language>.txt`` and
``.html`` (the HTML ones extend ``layout.html``); a file of the same name in
``[notify] templates`` overrides the bundled one, so staff edit words without
touching code. The subject is the text template's ``{% set subject %}``.

Resident text is data, never markup or headers: HTML templates autoescape it;
every header is set through ``email.headerregistry`` (via ``EmailMessage``), and
a title or name reaches the Subject and To headers only after line breaks and
control characters became spaces, so no answer can add a header.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from sync.config import Config
from sync.notify.prefill import prefill_url
from sync.publish.rules import long_date
from sync.reasons import describe
from sync.records import Precision, Response

TEMPLATES = Path(__file__).parent / "templates"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")

_NOON = {"en": ("AM", "PM"), "es": ("a. m.", "p. m.")}
_CITYWIDE = {"en": "Citywide", "es": "Toda la ciudad"}
_TEAM = {"en": "The {} team", "es": "El equipo de {}"}


def one_line(text: str) -> str:
    """Text fit for a header: control characters and line breaks become single spaces."""
    return " ".join(_CONTROL.sub(" ", text).split())


def when_text(r: Response, language: str) -> str:
    """The date and time as the map shows them, in the campaign's time zone.

    For example "Saturday, December 5, 2026, 6:30 – 8:00 PM".
    """
    day = r.event_date
    if day is None:
        return ""
    text = long_date(day, language)
    if r.starts_at is None:
        return text
    start, end = r.starts_at, r.ends_at
    if end is None or end.date() != start.date():
        return f"{text}, {_clock(start, language)}"
    if (start.hour < 12) == (end.hour < 12):  # one AM/PM for both, as the map's range does
        return f"{text}, {_clock(start, language, noon=False)} – {_clock(end, language)}"
    return f"{text}, {_clock(start, language)} – {_clock(end, language)}"


def _clock(moment: datetime, language: str, *, noon: bool = True) -> str:
    hour = moment.hour % 12 or 12
    suffix = f" {_NOON[language][moment.hour >= 12]}" if noon else ""
    return f"{hour}:{moment.minute:02d}{suffix}"


def place_text(r: Response, language: str) -> str:
    """Where the map shows the activity: its community area, side of the city, or citywide."""
    loc = r.location
    if loc is None or loc.precision is Precision.CITYWIDE:
        return _CITYWIDE[language] if loc else ""
    if loc.side and not loc.community_area_name:
        return f"{loc.side} Side" if language == "en" else f"Lado {loc.side}"
    return loc.community_area_name or ""


class Composer:
    """Renders messages for one config; templates load once per run."""

    def __init__(self, config: Config):
        self.config = config
        notify = config.notify
        folders = [str(notify.templates)] if notify.templates else []
        self.env = Environment(
            loader=FileSystemLoader(folders + [str(TEMPLATES)]),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        )
        self.sender = parseaddr(notify.sender)[1]
        self.domain = self.sender.rpartition("@")[2]
        self.staff = parseaddr(notify.reply_to)[1]

    def context(self, r: Response, *, response_id: str, status: str, language: str) -> dict:
        """What every template can use."""
        notify, campaign = self.config.notify, self.config.campaign
        return {
            "language": language,
            "status": status,
            "campaign": campaign.title,
            "contact": notify.contact,
            "signature": notify.signature or _TEAM[language].format(campaign.title),
            "host_name": one_line(r.contact_name),
            "title": one_line(r.title),
            "when": when_text(r, language),
            "place": place_text(r, language),
            "map_link": f"{notify.map_url.split('#')[0]}#a={response_id}",
            "form_url": campaign.form_url,
            "prefill_link": prefill_url(notify.prefill.form_url, notify.prefill.entries, r),
            "reasons": [dict(zip(("title", "action"), describe(x.code, x.message, x.severity, language)))
                        for x in r.blocking_reasons],
        }

    def compose(self, r: Response, *, response_id: str, message_id: str, status: str, language: str,
                recipient: str, now: datetime) -> EmailMessage:
        """The whole message, headers and both parts."""
        context = self.context(r, response_id=response_id, status=status, language=language)
        text = self.env.get_template(f"{status}.{language}.txt").make_module(context)
        subject = one_line(str(getattr(text, "subject", "")) or self.config.campaign.title)
        html = self.env.get_template(f"{status}.{language}.html").render(context, subject=subject)
        message = EmailMessage(policy=SMTP)
        message["From"] = self.config.notify.sender
        message["To"] = _address(r.contact_name, recipient)
        message["Reply-To"] = self.config.notify.reply_to
        message["Subject"] = subject
        message["Date"] = format_datetime(now)
        message["Message-ID"] = f"<{message_id}@{self.domain}>"
        message["List-Unsubscribe"] = ", ".join(self.unsubscribe(response_id))
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
        message.set_content(str(text).lstrip("\n"))
        message.add_alternative(html, subtype="html")
        message.set_boundary(f"=_{message_id}")  # the same message gives the same bytes, run after run
        message["Content-Language"] = language  # after the parts: making them moves Content-* headers down
        return message

    def unsubscribe(self, response_id: str) -> list[str]:
        """``List-Unsubscribe`` targets: the staff address (subject ``unsubscribe <id>``), then the page."""
        targets = [f"<mailto:{self.staff}?subject={quote(f'unsubscribe {response_id}')}>"]
        if self.config.notify.unsubscribe_url:
            targets.append(f"<{self.config.notify.unsubscribe_url}>")
        return targets


def _address(name: str, addr_spec: str) -> Address:
    """The host as a To address; a name that cannot be a display name is left out, never the address."""
    try:
        return Address(display_name=one_line(name), addr_spec=addr_spec)
    except (ValueError, IndexError):
        return Address(addr_spec=addr_spec)
