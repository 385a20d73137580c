"""Messages to hosts end to end: the CLI as cron runs it, a real SMTP server on loopback with STARTTLS and login."""

from __future__ import annotations

import email
import email.policy
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from sync.notify.outbox import Outbox
from testing.smtp import PASSWORD, LoopbackSmtp
from tests.helpers import NOW, ROOT, csv_text, response, run_cli, write_responses

ENV = {"HEALING_MAP_TEST_SMTP_PASSWORD": PASSWORD}
FORM = "https://docs.google.com/forms/d/e/1FAIpQLSe-form/viewform"
LANGUAGE = "Preferred language for emails"
OPT_OUT = "May we email you about your activity?"

PUBLISHED = response(**{"Email Address": "ana@example.org", LANGUAGE: "Español"})
HELD = response(**{"Email Address": "ben@example.org", "Your name": "Ben Ode", "Name of your activity": "Private circle",
                   "May we show this activity on the public healing map?": "No"})
REJECTED = response(**{"Email Address": "cy@example.org", "Your name": "Cy", "Name of your activity": "Late talk",
                       "Date of the activity": "3/1/2027", "Link to join or register": "javascript:alert(1)",
                       "Which community area or neighborhood is it rooted in?": "Evanston"})


@pytest.fixture
def server(tmp_path):
    with LoopbackSmtp(tmp_path / "tls") as running:
        yield running


def setup(tmp_path, server, rows, **notify) -> Path:
    """Write the sheet and a config with notifications on; returns the config path."""
    settings = {"enabled": True, "from": "Together We Heal <heal@example.org>", "reply_to": "staff@example.org",
                "map_url": "https://map.example.org/", "language_header": LANGUAGE, "opt_out_header": OPT_OUT,
                "smtp": server.smtp_config(),
                "prefill": {"form_url": FORM, "entries": {"title": "entry.11", "event_date": "entry.12",
                                                          "start_time": "entry.13", "location": "entry.14",
                                                          "link": "entry.15"}}, **notify}
    path = write_responses(tmp_path, rows, notify=settings)
    headers = list(rows[0]) if rows else None
    if headers:  # the extra questions as columns of the sheet
        (tmp_path / "responses.csv").write_text(csv_text(rows, headers=headers), encoding="utf-8")
    return path


def sync(config: Path, *args: str) -> subprocess.CompletedProcess:
    result = run_cli("sync", "--config", str(config), "--now", NOW, *args, env=ENV)
    assert result.returncode == 0, result.stderr
    return result


def notify(config: Path, *args: str) -> subprocess.CompletedProcess:
    result = run_cli("notify", "--config", str(config), *args, env=ENV)
    assert result.returncode == 0, result.stderr
    return result


def with_columns(*rows: dict) -> list[dict]:
    return [{**row, LANGUAGE: row.get(LANGUAGE, ""), OPT_OUT: row.get(OPT_OUT, "")} for row in rows]


def start(tmp_path, server, **notify) -> Path:
    """Notifications on from an empty sheet (the first sync records nothing to tell)."""
    config = setup(tmp_path, server, [], **notify)
    sync(config)
    return config


def by_recipient(server) -> dict[str, email.message.EmailMessage]:
    return {d.rcpt_tos[0]: d.message for d in server.delivered}


def test_publish_hold_and_reject_send_one_correct_message_each(tmp_path, server):
    config = start(tmp_path, server, mode="send")
    setup(tmp_path, server, with_columns(PUBLISHED, HELD, REJECTED), mode="send")
    result = sync(config)
    assert "warning" not in result.stderr.lower(), result.stderr
    mails = by_recipient(server)
    assert sorted(mails) == ["ana@example.org", "ben@example.org", "cy@example.org"]
    assert all(d.tls and d.login == "healing-map" and len(d.rcpt_tos) == 1 for d in server.delivered)

    published = mails["ana@example.org"]
    assert published["Subject"] == "Su actividad está en el mapa de sanación: Healing circle in Pilsen"
    assert published["Content-Language"] == "es" and published["Reply-To"] == "staff@example.org"
    events = json.loads((tmp_path / "output" / "public" / "events.geojson").read_text())["features"]
    [event] = [e for e in events if e["properties"]["title"] == "Healing circle in Pilsen"]
    text = published.get_body(("plain",)).get_content()
    assert f"https://map.example.org/#a={event['properties']['id']}" in text
    assert "sábado, 5 de diciembre de 2026, 6:30 – 8:00 p. m." in text and "Lower West Side" in text

    held = mails["ben@example.org"]
    assert held["Subject"] == "Your activity is not on the map yet: Private circle" and held["Content-Language"] == "en"
    assert "You asked us not to show it on the public map" in held.get_body(("plain",)).get_content()

    rejected = mails["cy@example.org"]
    body = rejected.get_body(("plain",)).get_content()
    for words in ("The date is outside the campaign's dates", "The link is not a web address",
                  "The place is outside Chicago"):
        assert words in body
    html = rejected.get_body(("html",)).get_content()
    [link] = [line for line in body.splitlines() if line.startswith(FORM)]
    assert dict(parse_qsl(urlsplit(link).query)) == {
        "usp": "pp_url", "entry.11": "Late talk", "entry.12": "2027-03-01", "entry.13": "18:30",
        "entry.14": "Evanston", "entry.15": "javascript:alert(1)"}
    assert link.replace("&", "&amp;") in html

    assert len(server.delivered) == 3
    sync(config)  # the same sheet again: nobody hears twice
    setup(tmp_path, server, with_columns(PUBLISHED, HELD, REJECTED, response(**{"Name of your activity": "New"})),
          mode="send")
    sync(config)  # a new response, the others unchanged
    assert len(server.delivered) == 4 and server.delivered[-1].message["Subject"].endswith(": New")


def test_a_changed_status_sends_one_more(tmp_path, server):
    config = start(tmp_path, server, mode="send")
    setup(tmp_path, server, with_columns(HELD), mode="send")
    sync(config)
    consented = {**HELD, "May we show this activity on the public healing map?": "Yes"}
    setup(tmp_path, server, with_columns(consented), mode="send")
    sync(config)
    sync(config)
    assert [d.message["Subject"] for d in server.delivered] == [
        "Your activity is not on the map yet: Private circle", "Your activity is on the healing map: Private circle"]


def test_review_mode_queues_eml_files_and_notify_send_sends_them(tmp_path, server):
    config = start(tmp_path, server)
    hostile = response(**{"Email Address": "dee@example.org", "Name of your activity": "<script>alert(1)</script>",
                          OPT_OUT: ""})
    opted_out = response(**{"Email Address": "eve@example.org", "Name of your activity": "Quiet", OPT_OUT: "No, thanks"})
    setup(tmp_path, server, with_columns(PUBLISHED, hostile, opted_out))
    sync(config)
    assert server.delivered == [] and server.data_count == 0
    outbox = tmp_path / "output" / "staff" / "outbox"
    files = sorted(p.name for p in outbox.iterdir())
    assert len(files) == 2 and all(name.endswith(".eml") and "-published-" in name for name in files)
    staff_page = (tmp_path / "output" / "staff" / "index.html").read_text()
    assert "Messages to hosts" in staff_page and "&lt;script&gt;alert(1)&lt;/script&gt;" in staff_page
    assert "<script>alert(1)" not in staff_page and "the host asked for no email" in staff_page
    assert all(f'href="outbox/{name}"' in staff_page for name in files)
    listed = notify(config)
    assert "2 queued" in listed.stdout and "1 suppressed" in listed.stdout

    sent = notify(config, "--send")
    assert sent.stdout.strip() == "Messages to hosts: 2 sent, 0 failed, 0 still queued."
    assert sorted(by_recipient(server)) == ["ana@example.org", "dee@example.org"]
    reviewed = {d.message["Message-ID"]: d.data for d in server.delivered}
    for name in files:  # what staff reviewed is byte for byte what was sent
        data = (outbox / name).read_bytes()
        assert data in reviewed.values()
    assert notify(config, "--send").stdout.strip() == "Messages to hosts: 0 sent, 0 failed, 0 still queued."
    sync(config)  # the sheet is the same, the outbox is not: a new release shows it
    assert not outbox.exists()
    assert "2 messages were sent" not in staff_page and "sent" in (tmp_path / "output" / "staff" / "index.html").read_text()


def test_dry_run_plans_and_sends_nothing(tmp_path, server):
    config = start(tmp_path, server, mode="send")
    setup(tmp_path, server, with_columns(PUBLISHED, REJECTED), mode="send")
    sync(config, "--dry-run")
    assert server.delivered == [] and server.data_count == 0
    with Outbox(tmp_path / "state") as outbox:
        assert outbox.counts()["queued"] == 0 and outbox.last_statuses() == {}
    sync(config)
    assert len(server.delivered) == 2


def test_responses_before_notifications_are_not_mailed_unless_backfill(tmp_path, server):
    config = setup(tmp_path, server, with_columns(PUBLISHED, HELD), mode="send")
    sync(config)
    assert server.delivered == []
    sync(config, "--backfill")
    assert sorted(by_recipient(server)) == ["ana@example.org", "ben@example.org"]
    sync(config, "--backfill")
    assert len(server.delivered) == 2


def test_an_outage_leaves_messages_queued_and_never_fails_the_sync(tmp_path, server):
    config = start(tmp_path, server, mode="send")
    server.reply_to("ana@example.org", "421 4.3.2 Service shutting down")
    server.reply_to("cy@example.org", "550 5.1.1 No such user here")
    setup(tmp_path, server, with_columns(PUBLISHED, HELD, REJECTED), mode="send")
    result = run_cli("sync", "--config", str(config), "--now", NOW, "--log-format", "json", env=ENV)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert any("mail server unavailable" in w for w in summary["warnings"])
    assert server.delivered == []
    server.replies.pop("ana@example.org")
    sync(config)
    assert sorted(by_recipient(server)) == ["ana@example.org", "ben@example.org"]
    listed = notify(config)
    assert "1 failed" in listed.stdout and "550 5.1.1 No such user here" in listed.stdout
    staff_page = (tmp_path / "output" / "staff" / "index.html").read_text()
    assert "mail server unavailable" in staff_page  # the next report says what happened


@pytest.mark.parametrize("delivered_before_kill", [False, True])
def test_sigkill_mid_send_then_each_message_arrives_once(tmp_path, server, delivered_before_kill):
    """Killed while the server holds the second DATA, then the next run sends what was not marked sent.

    With ``delivered_before_kill`` the server kept the second message (as if it had answered 250) and the
    client died before recording it: the next run sends it again, with the same Message-ID, the one window
    at-least-once delivery leaves; the Message-ID lets the receiving side drop the copy.
    """
    config = start(tmp_path, server, mode="send")
    setup(tmp_path, server, with_columns(PUBLISHED, HELD, REJECTED), mode="send")
    hold = server.hold_data(2, deliver=delivered_before_kill)
    process = subprocess.Popen([sys.executable, "-m", "sync", "sync", "--config", str(config), "--now", NOW],
                               cwd=ROOT, env={**os.environ, **ENV}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert hold.reached.wait(60), "the sync never reached the second message"
        process.kill()
        process.wait(30)
    finally:
        hold.release.set()
    assert process.returncode == -9
    first_run = [d.message["Message-ID"] for d in server.delivered]
    assert len(first_run) == (2 if delivered_before_kill else 1)

    notify(config, "--send")
    sync(config)
    ids = [d.message["Message-ID"] for d in server.delivered]
    assert len(set(ids)) == 3, "every message arrived"
    copies = sorted(ids.count(i) for i in set(ids))
    assert copies == ([1, 1, 2] if delivered_before_kill else [1, 1, 1])
    assert sorted({d.rcpt_tos[0] for d in server.delivered}) == ["ana@example.org", "ben@example.org",
                                                                 "cy@example.org"]
