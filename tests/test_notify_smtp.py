"""Sending through a real SMTP server on loopback (aiosmtpd): TLS, login, outages, refusals, the queue."""

from __future__ import annotations

import socket
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sync.config import Config
from sync.doctor import run_checks
from sync.errors import MailDeferred, MailRefused, MailTimeout, MailUnavailable
from sync.notify.dispatch import send_queued
from sync.notify.outbox import Outbox
from sync.notify.transport import SmtpTransport
from testing.smtp import PASSWORD, LoopbackSmtp
from tests.test_notify import make, planned

TZ = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=TZ)
SENDER = "heal@example.org"


@pytest.fixture
def server(tmp_path):
    with LoopbackSmtp(tmp_path / "tls") as running:
        yield running


def config_for(tmp_path, server, **smtp) -> Config:
    return Config.model_validate({
        "campaign": {"starts": "2026-11-02", "ends": "2027-01-17"},
        "source": {"kind": "file", "path": "responses.csv"},
        "output": {"folder": str(tmp_path / "output"), "state_folder": str(tmp_path / "state")},
        "notify": {"enabled": True, "from": f"Together We Heal <{SENDER}>", "reply_to": "staff@example.org",
                   "map_url": "https://map.example.org/", "smtp": server.smtp_config(**smtp) if server else smtp},
    })


def transport(config: Config, password: str = PASSWORD) -> SmtpTransport:
    return SmtpTransport.from_config(config.notify, environ={"HEALING_MAP_TEST_SMTP_PASSWORD": password})


def queue(tmp_path, config, addresses: list[str]) -> list[str]:
    """Queue one published message per address (titles A, B, C…); returns their message ids."""
    rs = [make(n + 2, chr(ord("A") + n), email_address=address) for n, address in enumerate(addresses)]
    notice = planned(rs, config)
    with Outbox(config.output.state_folder) as outbox:
        outbox.record(notice.messages, notice.statuses, now=NOW)
    return [m.message_id for m in notice.messages]


def deliver(config, *, password: str = PASSWORD, limit: int = 100, sleep=None):
    with Outbox(config.output.state_folder) as outbox:
        delivery = send_queued(outbox, transport(config, password), sender=SENDER, limit=limit, per_minute=6000,
                               now=lambda: NOW, sleep=sleep or (lambda s: None))
        return delivery, {m["title"]: (m["state"], m["detail"]) for m in outbox.listing()}


def test_starttls_login_and_exactly_the_hosts_address(tmp_path, server):
    config = config_for(tmp_path, server)
    queue(tmp_path, config, ["ana@example.org", "ben@example.org"])
    delivery, states = deliver(config)
    assert (delivery.sent, delivery.failed, delivery.queued, delivery.outage) == (2, 0, 0, "")
    assert states == {"A": ("sent", ""), "B": ("sent", "")}
    got = server.wait_for(2)
    assert [(d.mail_from, d.rcpt_tos, d.tls, d.login) for d in got] == [
        (SENDER, ["ana@example.org"], True, "healing-map"), (SENDER, ["ben@example.org"], True, "healing-map")]
    assert server.logins == ["PLAIN:healing-map"]  # one session for the run
    assert got[0].message["Subject"] == "Your activity is on the healing map: A"
    assert deliver(config)[0].sent == 0, "nothing is sent twice"


def test_implicit_tls_and_auth_login(tmp_path):
    with LoopbackSmtp(tmp_path / "tls", security="tls", mechanisms=("LOGIN",)) as server:
        config = config_for(tmp_path, server)
        queue(tmp_path, config, ["ana@example.org"])
        assert deliver(config)[0].sent == 1
        assert server.wait_for(1)[0].tls and server.logins == ["LOGIN:healing-map"]


def test_a_wrong_password_or_an_unknown_ca_keeps_everything_queued(tmp_path, server):
    config = config_for(tmp_path, server)
    queue(tmp_path, config, ["ana@example.org"])
    delivery, states = deliver(config, password="wrong")
    assert delivery.sent == 0 and delivery.queued == 1 and "login refused for healing-map: 535" in delivery.outage
    untrusted = config_for(tmp_path, server, ca_file=None)
    with pytest.raises(MailUnavailable, match="TLS failed: CERTIFICATE_VERIFY_FAILED"):
        transport(untrusted).open()
    with pytest.raises(MailUnavailable, match="set the environment variable HEALING_MAP_TEST_SMTP_PASSWORD"):
        transport(config, password="").open()
    assert server.delivered == []


@pytest.mark.parametrize("reply, error", [
    ("421 4.3.2 Service shutting down", MailUnavailable),
    ("451 4.7.1 Greylisted, try again later", MailDeferred),
    ("550 5.1.1 No such user here", MailRefused),
])
def test_each_reply_code_maps_to_one_error(tmp_path, server, reply, error):
    config = config_for(tmp_path, server)
    server.reply_to("gone@example.org", reply)
    with transport(config) as smtp, pytest.raises(error) as info:
        smtp.send(SENDER, "gone@example.org", b"Subject: x\r\n\r\nx\r\n")
    assert info.type is error and info.value.smtp_code == int(reply[:3]) and reply[4:] in str(info.value)


def test_a_550_fails_one_message_and_the_others_go(tmp_path, server):
    config = config_for(tmp_path, server)
    server.reply_to("nobody@example.org", "550 5.1.1 No such user here")
    queue(tmp_path, config, ["ana@example.org", "nobody@example.org", "ben@example.org"])
    delivery, states = deliver(config)
    assert (delivery.sent, delivery.failed, delivery.queued) == (2, 1, 0)
    assert states["B"] == ("failed", "RCPT refused: 550 5.1.1 No such user here")
    assert [d.rcpt_tos for d in server.wait_for(2)] == [["ana@example.org"], ["ben@example.org"]]


def test_a_451_keeps_that_message_queued_and_sends_the_rest(tmp_path, server):
    config = config_for(tmp_path, server)
    server.reply_to("busy@example.org", "451 4.7.1 Greylisted")
    queue(tmp_path, config, ["busy@example.org", "ana@example.org"])
    delivery, states = deliver(config)
    assert (delivery.sent, delivery.deferred, delivery.queued) == (1, 1, 1)
    assert states["A"] == ("queued", "RCPT refused: 451 4.7.1 Greylisted")
    del server.replies["busy@example.org"]
    assert deliver(config)[0].sent == 1
    assert sorted(d.rcpt_tos[0] for d in server.wait_for(2)) == ["ana@example.org", "busy@example.org"]


@pytest.mark.parametrize("outage", ["421", "drop"])
def test_a_421_or_a_dropped_connection_leaves_the_queue_intact(tmp_path, server, outage):
    config = config_for(tmp_path, server)
    if outage == "421":
        server.reply_to("ana@example.org", "421 4.3.2 Service shutting down")
    else:
        server.drop_at("ana@example.org")
    ids = queue(tmp_path, config, ["ana@example.org", "ben@example.org"])
    delivery, states = deliver(config)
    assert (delivery.sent, delivery.failed, delivery.queued) == (0, 0, 2) and delivery.outage
    assert {state for state, _ in states.values()} == {"queued"}
    with Outbox(config.output.state_folder) as outbox:
        assert [m.message_id for m in outbox.queued()] == ids
        assert outbox.outage()["detail"] == delivery.outage
    server.replies.clear()
    server.drops.clear()
    assert deliver(config)[0].sent == 2
    with Outbox(config.output.state_folder) as outbox:
        assert outbox.outage() is None


def test_connection_refused_and_a_silent_server(tmp_path):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    config = config_for(tmp_path, None, host="127.0.0.1", port=port, security="none")
    queue(tmp_path, config, ["ana@example.org"])
    delivery, _ = deliver(config)
    assert delivery.queued == 1 and "Connection refused" in delivery.outage
    with socket.socket() as silent:  # accepts, never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        config = config_for(tmp_path, None, host="127.0.0.1", port=silent.getsockname()[1], security="none",
                            timeout_seconds=0.2)
        with pytest.raises(MailTimeout):
            transport(config).open()


def test_the_per_run_cap_and_the_rate_limit(tmp_path, server):
    config = config_for(tmp_path, server)
    queue(tmp_path, config, [f"host{n}@example.org" for n in range(5)])
    clock, waits = [0.0], []

    def sleep(seconds):
        waits.append(round(seconds, 3))
        clock[0] += seconds

    with Outbox(config.output.state_folder) as outbox:
        delivery = send_queued(outbox, transport(config), sender=SENDER, limit=3, per_minute=30, now=lambda: NOW,
                               clock=lambda: clock[0], sleep=sleep)
    assert (delivery.sent, delivery.queued) == (3, 2) and waits == [2.0, 2.0]


def test_doctor_logs_in_and_quits_without_sending(tmp_path, server, monkeypatch):
    config = config_for(tmp_path, server)
    monkeypatch.setenv("HEALING_MAP_TEST_SMTP_PASSWORD", PASSWORD)
    [check] = [c for c in run_checks(config) if c.name == "smtp"]
    assert check.ok and check.detail == (f"connected to 127.0.0.1:{server.port}, STARTTLS, logged in as healing-map;"
                                         " nothing sent")
    monkeypatch.setenv("HEALING_MAP_TEST_SMTP_PASSWORD", "wrong")
    [check] = [c for c in run_checks(config) if c.name == "smtp"]
    assert not check.ok and "login refused" in check.detail
    assert server.delivered == [] and server.data_count == 0


def test_the_hold_signals_without_sleeping(tmp_path, server):
    """The test server's pause works as the kill tests need: an event when DATA arrives, then a drop."""
    config = config_for(tmp_path, server)
    queue(tmp_path, config, ["ana@example.org"])
    hold = server.hold_data(1, deliver=False)
    worker = threading.Thread(target=deliver, args=(config,))
    worker.start()
    assert hold.reached.wait(30)
    hold.release.set()
    worker.join(30)
    with Outbox(config.output.state_folder) as outbox:
        assert outbox.counts()["queued"] == 1 and server.delivered == []
