"""Tell hosts: one message when a response first reaches a status or changes status.

The sync plans messages from the statuses it decided (:func:`prepare`, before the
release is built, so the review files and the staff page's list are part of it) and
records them once the release is published (:func:`after_publish`), sending them
then when ``[notify] mode = "send"``. ``healing-map notify --send`` sends what review
mode queued (:func:`send_outbox`). Nothing happens in a dry run.

Which responses get a message, compared with the status last recorded for the same
response id (:func:`sync.publish.event_id`, stable across syncs and revealing nothing):

- a response seen for the first time, or whose status changed (published, held,
  rejected), gets one message; the same status again gets none, even when the reasons
  changed (the host already knows what to fix);
- a response held only while a geocoder look-up is pending (``location_pending``) is
  not decided yet: nothing is sent or recorded until the look-up settles, so a host
  never gets "held: look-up pending" and then "published" an hour later;
- the first sync with notifications on records every response present as it is,
  without mailing, unless ``healing-map sync --backfill`` (which also mails the
  responses recorded that way, if their host was never told anything).

A message's id hashes the response id, status, reason codes and how many status
changes came before, so planning again (after a killed run) queues nothing twice,
and a host whose activity goes published → rejected → published is told each time.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from sync.config import Config, NotifyConfig
from sync.notify.outbox import Message, Outbox
from sync.records import Response, SheetTable, Status

log = logging.getLogger("sync")

#: Reviewable copies of the queued messages, under the release's staff folder.
REVIEW_FOLDER = "outbox"
#: Answers to the opt-out question that mean "do not email me".
_OPT_OUT = re.compile(r"^\s*(no|n|false|0)\b", re.IGNORECASE)


@dataclass(frozen=True)
class HostAnswers:
    """What a response's own row says about mailing its host."""

    language: str
    opted_out: bool = False
    suppressed: bool = False


@dataclass
class Notice:
    """What one sync plans: messages and statuses to record, review files, the staff page's list."""

    messages: list[Message] = field(default_factory=list)
    statuses: list[tuple[str, str, int, bool]] = field(default_factory=list)
    files: dict[Path, bytes] = field(default_factory=dict)
    listing: list[dict] = field(default_factory=list)


def undecided(r: Response) -> bool:
    """Held only until an online look-up answers: not a status worth telling the host."""
    blocking = r.blocking_reasons
    return r.status is Status.HELD and bool(blocking) and all(x.recheck for x in blocking)


def message_id(response_id: str, status: str, codes: tuple[str, ...], changes: int) -> str:
    basis = "\0".join((response_id, status, ",".join(codes), str(changes)))
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:24]


def language_of(answer: str, default: str) -> str:
    """``en`` or ``es`` from an answer such as English, Inglés, Spanish, Español; else the default."""
    folded = answer.strip().casefold()
    if folded.startswith(("es", "spa", "españ")):
        return "es"
    if folded.startswith(("en", "ing")):
        return "en"
    return default


def _fold(header: str) -> str:
    return " ".join(header.split()).casefold()


def notify_reads(notify: NotifyConfig, header: str) -> bool:
    """Whether a sheet column outside the field mapping is one notifications read (language, opt-out…)."""
    wanted = (notify.language_header, notify.opt_out_header, notify.suppress_header)
    return notify.enabled and _fold(header) in {_fold(h) for h in wanted if h}


def host_answers(table: SheetTable, notify: NotifyConfig, warnings: list[str]) -> Callable[[int], HostAnswers]:
    """Per sheet row number, the host's language, opt-out and the staff's suppress cell.

    These columns are outside the field mapping (the sync ignores them), so they are
    read from the sheet as read; a configured header the sheet lacks is a warning.
    """
    from sync.normalize import parse_yes_no

    folded = {_fold(h): i for i, h in enumerate(table.headers)}
    columns = {}
    for key in ("language_header", "opt_out_header", "suppress_header"):
        header = getattr(notify, key)
        if header:
            columns[key] = folded.get(_fold(header))
            if columns[key] is None:
                warnings.append(f"notify.{key} {header!r} is not a column of the sheet")

    def cell(row: list[str], key: str) -> str:
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else ""

    def answers(row_number: int) -> HostAnswers:
        offset = table.offset(row_number)  # blank rows were skipped: not row_number - 2
        row = table.rows[offset] if offset is not None else []
        return HostAnswers(
            language=language_of(cell(row, "language_header"), notify.default_language),
            opted_out=bool(_OPT_OUT.match(cell(row, "opt_out_header"))),
            suppressed=parse_yes_no(cell(row, "suppress_header")) is True,
        )

    return answers


def recipient_of(r: Response) -> tuple[str, str]:
    """(the address to mail, "") from the response's own email column, or ("", why not)."""
    import email_validator

    if not r.contact_email:
        return "", "no email address in the response"
    try:
        return email_validator.validate_email(r.contact_email, check_deliverability=False).normalized, ""
    except email_validator.EmailNotValidError as exc:
        return "", f"not a valid email address: {exc}"


def plan(responses: list[Response], *, config: Config, known: dict[str, tuple[str, int, bool]], started: bool,
         answers: Callable[[int], HostAnswers], now: datetime, backfill: bool = False) -> Notice:
    """The messages and status records one sync's statuses call for (nothing is written here)."""
    from sync.notify.compose import Composer
    from sync.publish import event_ids, legacy_event_id

    notice, composer = Notice(), None
    baseline = not started and not backfill
    suppress = set(config.notify.suppress)
    ids = event_ids(responses)
    for r in responses:
        if r.status is None or undecided(r):
            continue
        rid, status = ids[r.row_number], r.status.value
        # Outboxes kept before the id left the title and date out know the response by its old id.
        legacy = legacy_event_id(r) if rid not in known else rid
        last = known.get(rid) or known.get(legacy)
        if last and last[0] == status and not (backfill and last[2]):
            continue
        changes = last[1] + 1 if last else 0
        notice.statuses.append((rid, status, changes, baseline))
        if baseline:
            continue
        codes = tuple(sorted({x.code for x in r.blocking_reasons}))
        host = answers(r.row_number)
        recipient, why = recipient_of(r)
        state = "queued"
        if rid in suppress or legacy in suppress or host.suppressed:
            state, why = "suppressed", "suppressed by staff"
        elif host.opted_out:
            state, why = "suppressed", "the host asked for no email"
        elif not recipient:
            state = "skipped"
        mid, subject, eml = message_id(rid, status, codes, changes), "", None
        if state == "queued":
            composer = composer or Composer(config)
            email = composer.compose(r, response_id=rid, message_id=mid, status=status, language=host.language,
                                     recipient=recipient, now=now)
            subject, eml = str(email["Subject"]), email.as_bytes()
        notice.messages.append(Message(mid, rid, r.row_number, r.title, status, codes, host.language, recipient,
                                       subject, state, why, eml))
    return notice


def review_name(m: Message | dict) -> str:
    """The file name of a queued message in ``staff/outbox/``: row, status and id, for sorting by eye."""
    m = m if isinstance(m, dict) else asdict(m)
    return f"row-{m['row_number']}-{m['status']}-{m['message_id']}.eml"


def prepare(responses: list[Response], table: SheetTable, *, config: Config, now: datetime, report: dict,
            dry_run: bool, backfill: bool = False) -> Notice | None:
    """Plan this sync's messages; add the review files, the outbox list and any warning to the run.

    ``None`` when notifications are off or in a dry run: nothing is planned, queued or sent.
    """
    if not config.notify.enabled or dry_run:
        return None
    warnings = report["warnings"]
    with Outbox(config.output.state_folder) as outbox:
        notice = plan(responses, config=config, known=outbox.last_statuses(), started=outbox.started(),
                      answers=host_answers(table, config.notify, warnings), now=now, backfill=backfill)
        waiting = outbox.queued()
        listing = outbox.listing()
        outage = outbox.outage()
    if outage:
        warnings.append(f"mail server unavailable at {outage['at']} ({outage['detail']}); "
                        "queued messages are sent at the next try")
    renewed = {m.response_id for m in notice.messages}
    waiting = [m for m in waiting if m.response_id not in renewed] + [m for m in notice.messages if m.state == "queued"]
    folder = config.staff_dir / REVIEW_FOLDER
    notice.files = {folder / review_name(m): m.eml for m in waiting if m.eml is not None}  # queued: composed
    fresh = [dict(asdict(m), eml=None, queued_at=now.isoformat(timespec="seconds"), sent_at=None, attempts=0)
             for m in notice.messages]
    seen = {m["message_id"] for m in fresh}
    older = [dict(m, state="replaced") if m["state"] == "queued" and m["response_id"] in renewed else m
             for m in listing if m["message_id"] not in seen]
    notice.listing = [dict(m, file=review_name(m) if m["state"] == "queued" else "") for m in fresh + older]
    report["notify"] = {"mode": config.notify.mode, "planned": dict(Counter(m.state for m in notice.messages)),
                        "recorded_without_message": sum(1 for s in notice.statuses if s[3]),
                        "queued": len(waiting)}
    return notice


def after_publish(config: Config, notice: Notice | None, *, report: dict, now: datetime) -> None:
    """Record what the sync planned, now that its release is published; send it in ``send`` mode.

    Mail problems never fail the sync: an outage leaves the messages queued and adds a warning.
    """
    if not config.notify.enabled:
        return
    with Outbox(config.output.state_folder) as outbox:
        if notice is not None:
            outbox.record(notice.messages, notice.statuses, now=now)
            outbox.mark_released()
        if config.notify.mode == "send":
            delivery = _send(config, outbox)
            report.setdefault("notify", {})["delivery"] = asdict(delivery)
            if delivery.outage:
                report["warnings"].append(f"messages to hosts not sent: {delivery.summary()}")


def outbox_released(config: Config) -> bool:
    """Whether the outbox is as the current release shows it; else the next sync builds a new release.

    A send (``notify --send``, or a sync in send mode after its release was built)
    changes the outbox, and the staff page and ``staff/outbox/`` must follow it.
    """
    if not config.notify.enabled:
        return True
    with Outbox(config.output.state_folder) as outbox:
        return outbox.released()


def _send(config: Config, outbox: Outbox, *, limit: int | None = None, clock=time.monotonic, sleep=time.sleep):
    from email.utils import parseaddr

    from sync.notify.dispatch import send_queued
    from sync.notify.transport import SmtpTransport

    notify = config.notify
    return send_queued(outbox, SmtpTransport.from_config(notify), sender=parseaddr(notify.sender)[1],
                       limit=limit or notify.max_per_run, per_minute=notify.per_minute,
                       now=lambda: datetime.now(config.campaign.tz), clock=clock, sleep=sleep)


def send_outbox(config: Config, *, limit: int | None = None, wait: float = 0, clock=time.monotonic,
                sleep=time.sleep):
    """Send the queued messages now (``healing-map notify --send``), under the sync's lock."""
    from sync.state import sync_lock

    with sync_lock(config.output.state_folder, wait=wait), Outbox(config.output.state_folder) as outbox:
        return _send(config, outbox, limit=limit, clock=clock, sleep=sleep)


def outbox_listing(config: Config, *, limit: int = 50) -> tuple[dict[str, int], list[dict]]:
    """The outbox's counts per state and its messages, queued and failed first."""
    with Outbox(config.output.state_folder) as outbox:
        return outbox.counts(), outbox.listing(limit=limit)
