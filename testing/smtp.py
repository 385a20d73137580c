"""A real SMTP server on loopback (aiosmtpd) for the tests of the messages to hosts.

It speaks STARTTLS (or implicit TLS) with a certificate made at start-up by a CA
made at start-up (:func:`make_ca`): the client verifies it against ``ca_file``,
never with verification turned off. It requires AUTH LOGIN or PLAIN after TLS.

Tests script it per recipient: answer a given reply (``421``, ``451``, ``550``…),
or drop the connection; and pause at a chosen DATA (:meth:`LoopbackSmtp.hold_data`)
so a test can SIGKILL the client at a known point, signalled by an event, without
sleeping. Every accepted message is kept in :attr:`LoopbackSmtp.delivered`.

>>> with LoopbackSmtp(tmp_path) as server:                     # doctest: +SKIP
...     server.reply_to("nobody@example.org", "550 5.1.1 No such user")
...     ...  # point [notify.smtp] at server.host, server.port, server.ca_file
...     server.delivered[0].message["Subject"]
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import ipaddress
import logging
import socket
import ssl
import threading
import warnings
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER, PASSWORD = "healing-map", "loopback-password"
# aiosmtpd warns on every login that an attribute it sets itself is deprecated.
logging.getLogger("mail.log").setLevel(logging.ERROR)
HOST = "127.0.0.1"


def make_ca(folder: Path) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for 127.0.0.1 and localhost it signed: (ca.pem, cert.pem, key.pem)."""
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "healing-map test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
          .not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])).issuer_name(ca_name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


@dataclass
class Delivered:
    """One message the server accepted: envelope, parsed message, and how the session was secured."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    tls: bool
    login: str | None
    message: EmailMessage = field(init=False)

    def __post_init__(self):
        self.message = email.message_from_bytes(self.data, policy=email.policy.default)


@dataclass
class Hold:
    """Pause the ``nth`` DATA (1-based) until :attr:`release` is set; :attr:`reached` says it got there."""

    nth: int
    deliver: bool
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


class _Handler:
    def __init__(self, server: LoopbackSmtp):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        if address in self.server.drops:
            smtp.transport.close()
            return "421 4.4.2 connection dropped"  # never reaches the client
        reply = self.server.replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        server = self.server
        with server.changed:
            server.data_count += 1
            nth = server.data_count
        hold = server.hold
        accepted = Delivered(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or b"",
                             tls=smtp.transport.get_extra_info("ssl_object") is not None, login=_login(session))
        if hold and hold.nth == nth:
            if hold.deliver:  # the server keeps the message, as after its 250, but the client never hears it
                server._deliver(accepted)
            hold.reached.set()
            await asyncio.get_running_loop().run_in_executor(None, hold.release.wait)
            smtp.transport.close()
            return "451 4.3.0 gone"
        server._deliver(accepted)
        return "250 2.0.0 Message accepted for delivery"


class _Controller(Controller):
    def factory(self):
        # With implicit TLS the whole session is encrypted, but aiosmtpd only counts STARTTLS as TLS
        # for AUTH, so auth_require_tls must be off, and it warns about that on every connection.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
            return super().factory()


class LoopbackSmtp:
    """The server, run in a thread for the ``with`` block; ``security`` as in ``[notify.smtp]``.

    ``mechanisms`` are the AUTH mechanisms offered (smtplib picks PLAIN when both are).
    """

    def __init__(self, folder: Path, *, security: str = "starttls", users: dict[str, str] | None = None,
                 mechanisms: tuple[str, ...] = ("LOGIN", "PLAIN")):
        self.ca_file, cert, key = make_ca(folder)
        self.security = security
        self.users = {USER: PASSWORD} if users is None else users
        self.replies: dict[str, str] = {}
        self.drops: set[str] = set()
        self.hold: Hold | None = None
        self.delivered: list[Delivered] = []
        self.logins: list[str] = []
        self.data_count = 0
        self.changed = threading.Condition()
        self.host, self.port = HOST, _free_port()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        options = dict(hostname=HOST, port=self.port, authenticator=self._authenticate, auth_required=True,
                       auth_exclude_mechanism=[m for m in ("LOGIN", "PLAIN") if m not in mechanisms])
        if security == "tls":
            self.controller = _Controller(_Handler(self), ssl_context=context, auth_require_tls=False, **options)
        elif security == "starttls":
            self.controller = Controller(_Handler(self), tls_context=context, require_starttls=True,
                                         auth_require_tls=True, **options)
        else:
            self.controller = Controller(_Handler(self), auth_require_tls=False, **options)

    def __enter__(self) -> LoopbackSmtp:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.hold:
            self.hold.release.set()
        self.controller.stop()

    def smtp_config(self, **overrides) -> dict:
        """The ``[notify.smtp]`` table that reaches this server."""
        return {"host": self.host, "port": self.port, "security": self.security, "username": USER,
                "password_env": "HEALING_MAP_TEST_SMTP_PASSWORD", "ca_file": str(self.ca_file),
                "timeout_seconds": 10.0, **overrides}

    def reply_to(self, address: str, reply: str) -> None:
        """Answer RCPT TO for ``address`` with ``reply`` (e.g. ``"550 5.1.1 No such user"``)."""
        self.replies[address] = reply

    def drop_at(self, address: str) -> None:
        """Close the connection when the client names ``address`` in RCPT TO."""
        self.drops.add(address)

    def hold_data(self, nth: int, *, deliver: bool) -> Hold:
        """Pause the ``nth`` DATA; with ``deliver`` the message counts as delivered, as after a 250."""
        self.hold = Hold(nth, deliver)
        return self.hold

    def wait_for(self, count: int, timeout: float = 30) -> list[Delivered]:
        """Block until ``count`` messages were delivered (an event, not a sleep)."""
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.delivered) >= count, timeout):
                raise TimeoutError(f"{len(self.delivered)} of {count} messages delivered")
        return list(self.delivered)

    def _deliver(self, accepted: Delivered) -> None:
        with self.changed:
            self.delivered.append(accepted)
            self.changed.notify_all()

    def _authenticate(self, smtp, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword)
              and self.users.get(auth_data.login.decode()) == auth_data.password.decode())
        if ok:
            self.logins.append(f"{mechanism}:{auth_data.login.decode()}")
        # handled=False: aiosmtpd answers the failure itself (535)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


def _login(session) -> str | None:
    login = getattr(session.auth_data, "login", None)
    return login.decode() if login else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]
