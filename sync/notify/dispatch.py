"""Send the queued messages: oldest first, at most a per-run cap, no faster than the rate limit.

Each message is marked ``sent`` (committed) right after the server accepted it
(250 to DATA), and only then is the next one sent. So a run killed at any point
re-sends, next run, only messages not marked sent. The one window left is between
the server's 250 and our commit: a kill exactly there sends that message again
next run, with the same ``Message-ID``, which receiving systems and mail clients
use to drop the duplicate (at-least-once delivery, de-duplicated by Message-ID).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sync.errors import MailDeferred, MailRefused, MailUnavailable
from sync.notify.outbox import Outbox
from sync.notify.transport import RateLimiter, Transport

log = logging.getLogger("sync")


@dataclass
class Delivery:
    """What one sending run did; ``outage`` says why it stopped early, if it did."""

    sent: int = 0
    failed: int = 0
    deferred: int = 0
    queued: int = 0
    outage: str = ""

    def summary(self) -> str:
        text = f"{self.sent} sent, {self.failed} failed, {self.queued} still queued"
        return f"{text} (mail server unavailable: {self.outage})" if self.outage else text


def send_queued(outbox: Outbox, transport: Transport, *, sender: str, limit: int, per_minute: float,
                now: Callable[[], datetime], clock: Callable[[], float] = time.monotonic,
                sleep: Callable[[float], None] = time.sleep) -> Delivery:
    """Send up to ``limit`` queued messages through ``transport``; an outage leaves the rest queued."""
    delivery = Delivery()
    messages = outbox.queued(limit)
    if messages:
        send = RateLimiter(transport.send, per_minute=per_minute, clock=clock, sleep=sleep)
        current = None
        try:
            with transport:
                for current in messages:
                    try:
                        send(sender, current.recipient, current.eml)
                    except MailRefused as exc:
                        outbox.mark(current.message_id, "failed", at=now(), detail=str(exc))
                        delivery.failed += 1
                    except MailDeferred as exc:
                        outbox.mark(current.message_id, "queued", at=now(), detail=str(exc))
                        delivery.deferred += 1
                    else:
                        outbox.mark(current.message_id, "sent", at=now())
                        delivery.sent += 1
        except MailUnavailable as exc:
            delivery.outage = str(exc)
            if current is not None:
                outbox.mark(current.message_id, "queued", at=now(), detail=f"not sent: {exc}")
            outbox.note_outage(delivery.outage, at=now())
            log.warning("mail server unavailable; messages stay queued: %s", exc)
        else:
            outbox.clear_outage()
    delivery.queued = outbox.counts()["queued"]
    return delivery
