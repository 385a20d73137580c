"""Sending mail: one small interface, an SMTP adapter behind it, and a rate limiter that wraps any sender.

Like geopy's geocoders, a new way to send (an HTTP mail API) is one new
:class:`Transport`; every failure becomes one of the :class:`~sync.errors.MailError`
classes, chosen from the SMTP reply code in one table (:func:`mail_error`), and that
class alone decides what happens to the message:

- :class:`~sync.errors.MailUnavailable` (refused connection, 421, a dropped
  connection, TLS or login failure; :class:`~sync.errors.MailTimeout` for timeouts):
  stop, every message stays queued for the next run;
- :class:`~sync.errors.MailDeferred` (another 4xx for one recipient or message):
  that message stays queued, the others go on;
- :class:`~sync.errors.MailRefused` (5xx for one recipient or message): that
  message is marked failed with the server's words.

TLS always verifies the server's certificate (the system's CAs, or ``ca_file``).

>>> with SmtpTransport.from_config(config.notify) as smtp:       # doctest: +SKIP
...     smtp.send("heal@example.org", "host@example.org", message_bytes)
"""

from __future__ import annotations

import os
import smtplib
import ssl
import time
from abc import ABC, abstractmethod
from collections.abc import Callable

from sync.config import NotifyConfig, SmtpConfig
from sync.errors import MailDeferred, MailError, MailRefused, MailTimeout, MailUnavailable


def mail_error(code: int, text: str, *, stage: str) -> MailError:
    """The error for an SMTP reply ``code`` at ``stage`` (``MAIL``, ``RCPT`` or ``DATA``).

    A refusal of our own sender (``MAIL``) would refuse every message alike, so it
    keeps them all queued; 421 means the server is closing the connection.
    """
    message = f"{stage} refused: {code} {text}".strip()
    if code == 421 or stage == "MAIL":
        return MailUnavailable(message, smtp_code=code)
    if 400 <= code < 500:
        return MailDeferred(message, smtp_code=code)
    if code >= 500:
        return MailRefused(message, smtp_code=code)
    return MailUnavailable(message, smtp_code=code)


class Transport(ABC):
    """Something that sends one message's bytes to one recipient."""

    description = "mail"

    def __enter__(self) -> Transport:
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @abstractmethod
    def open(self) -> None:
        """Connect (and log in); raise :class:`~sync.errors.MailUnavailable` when that fails."""

    @abstractmethod
    def send(self, sender: str, recipient: str, data: bytes) -> None:
        """Send ``data`` as is to ``recipient`` only; raise a :class:`~sync.errors.MailError` when refused."""

    @abstractmethod
    def close(self) -> None:
        """Say goodbye; never raises."""


class SmtpTransport(Transport):
    """SMTP with STARTTLS, implicit TLS or neither, and login when a username is configured."""

    def __init__(self, config: SmtpConfig, *, password: str = ""):
        self.config = config
        self.password = password
        self.smtp: smtplib.SMTP | None = None
        self.description = f"{config.host}:{config.port} ({config.security})"

    @classmethod
    def from_config(cls, notify: NotifyConfig, *, environ=os.environ) -> SmtpTransport:
        """The transport for ``[notify.smtp]``, its password read from the named environment variable."""
        return cls(notify.smtp, password=environ.get(notify.smtp.password_env, ""))

    def tls_context(self) -> ssl.SSLContext:
        cafile = str(self.config.ca_file) if self.config.ca_file else None
        return ssl.create_default_context(cafile=cafile)

    def open(self) -> None:
        config = self.config
        if not config.host:
            raise MailUnavailable("no mail server configured ([notify.smtp] host)")
        if config.username and not self.password:
            raise MailUnavailable(f"no SMTP password: set the environment variable {config.password_env}")
        try:
            if config.security == "tls":
                self.smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout_seconds,
                                             context=self.tls_context())
            else:
                self.smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds)
                if config.security == "starttls":
                    self.smtp.starttls(context=self.tls_context())
            if config.username:
                self.smtp.login(config.username, self.password)
        except smtplib.SMTPAuthenticationError as exc:
            self.close()
            raise MailUnavailable(f"login refused for {config.username}: {exc.smtp_code} {_text(exc.smtp_error)}",
                                  smtp_code=exc.smtp_code) from None
        except smtplib.SMTPNotSupportedError as exc:
            self.close()
            raise MailUnavailable(f"{self.description}: {exc} (check [notify.smtp] security and port)") from None
        except Exception as exc:
            self.close()
            raise _connection_error(exc, self.description) from None

    def send(self, sender: str, recipient: str, data: bytes) -> None:
        if self.smtp is None:
            raise MailUnavailable("not connected")
        try:
            self.smtp.sendmail(sender, [recipient], data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = exc.recipients.get(recipient, (550, b"refused"))
            raise mail_error(code, _text(text), stage="RCPT") from None
        except smtplib.SMTPSenderRefused as exc:
            raise mail_error(exc.smtp_code, _text(exc.smtp_error), stage="MAIL") from None
        except smtplib.SMTPDataError as exc:
            raise mail_error(exc.smtp_code, _text(exc.smtp_error), stage="DATA") from None
        except smtplib.SMTPResponseException as exc:
            raise mail_error(exc.smtp_code, _text(exc.smtp_error), stage="DATA") from None
        except Exception as exc:
            raise _connection_error(exc, self.description) from None

    def close(self) -> None:
        if self.smtp is None:
            return
        try:
            self.smtp.quit()
        except Exception:  # already dropped: closing is all that is left
            self.smtp.close()
        self.smtp = None


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _connection_error(exc: Exception, where: str) -> MailUnavailable:
    """A failure to reach or keep talking to the server: refused, timed out, dropped, TLS."""
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):  # smtplib wraps read timeouts
        return MailTimeout(f"{where}: no answer in time")
    if isinstance(exc, smtplib.SMTPResponseException):
        return MailUnavailable(f"{where}: {exc.smtp_code} {_text(exc.smtp_error)}", smtp_code=exc.smtp_code)
    if isinstance(exc, ssl.SSLError):
        return MailUnavailable(f"{where}: TLS failed: {exc.reason or exc}")
    if isinstance(exc, (OSError, smtplib.SMTPException)):
        return MailUnavailable(f"{where}: {exc.strerror if isinstance(exc, OSError) and exc.strerror else exc}")
    raise exc


class RateLimiter:
    """Wrap a callable so calls start at least ``60 / per_minute`` seconds apart; the first is never delayed.

    ``clock`` and ``sleep`` are injectable, so tests check the waits without waiting.
    """

    def __init__(self, func: Callable, *, per_minute: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.func = func
        self.interval = 60.0 / per_minute
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None

    def __call__(self, *args, **kwargs):
        if self._last is not None:
            wait = self._last + self.interval - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last = self._clock()
        return self.func(*args, **kwargs)
