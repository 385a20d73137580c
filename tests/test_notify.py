"""Messages to hosts, without a server: the reason catalogue, planning, composing, the pre-filled link."""

from __future__ import annotations

import email
import email.policy
import re
import stat
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import pytest

from sync.config import Config, load_config
from sync.errors import ConfigError
from sync.notify import HostAnswers, language_of, message_id, plan
from sync.notify.compose import Composer, when_text
from sync.notify.outbox import Outbox
from sync.notify.prefill import prefill_url
from sync.notify.transport import RateLimiter
from sync.publish import event_id
from sync.reasons import describe, lookup
from sync.records import Location, Precision, Reason, Response
from tests.helpers import ROOT, write_config

TZ = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=TZ)
FORM = "https://docs.google.com/forms/d/e/1FAIpQLSe-form/viewform"
ENTRIES = {"title": "entry.1001", "event_date": "entry.1002", "start_time": "entry.1003", "end_time": "entry.1004",
           "location": "entry.1005", "link": "entry.1006", "languages": "entry.1007", "contact_email": "entry.1008"}
INJECT = "\r\nBcc: evil@x"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def notify_config(tmp_path: Path, **notify) -> Config:
    settings = {"enabled": True, "from": "Together We Heal <heal@example.org>", "reply_to": "staff@example.org",
                "map_url": "https://map.example.org/healing/", "contact": "Call 312-555-0100",
                "prefill": {"form_url": FORM, "entries": ENTRIES}, **notify}
    return Config.model_validate({
        "campaign": {"starts": "2026-11-02", "ends": "2027-01-17", "form_url": "https://forms.gle/x"},
        "source": {"kind": "file", "path": "responses.csv"},
        "output": {"folder": str(tmp_path / "output"), "state_folder": str(tmp_path / "state")},
        "notify": settings,
    })


def make(row: int, title: str = "Healing circle in Pilsen", *reasons: Reason, email_address: str = "ana@example.org",
         name: str = "Ana Ruiz", raw: dict | None = None) -> Response:
    cells = {"submitted_at": f"11/20/2026 10:{row:02d}:00", "title": title, "event_date": "12/5/2026",
             "start_time": "6:30:00 PM", "end_time": "8:00:00 PM", "location": "Pilsen", "link": "https://zoom.us/j/1",
             "contact_email": email_address, **(raw or {})}
    r = Response(row_number=row, raw=cells, title=title, contact_email=email_address, contact_name=name,
                 event_date=date(2026, 12, 5), starts_at=datetime(2026, 12, 5, 18, 30, tzinfo=TZ),
                 ends_at=datetime(2026, 12, 5, 20, 0, tzinfo=TZ), languages=("English", "Spanish"),
                 link="https://zoom.us/j/1", reasons=list(reasons),
                 location=Location(Precision.COMMUNITY_AREA, 31, "Lower West Side"))
    r.decide_status()
    return r


def english(_row: int) -> HostAnswers:
    return HostAnswers("en")


def planned(responses, config, *, known=None, started=True, answers=english, backfill=False):
    return plan(responses, config=config, known=known or {}, started=started, answers=answers, now=NOW,
                backfill=backfill)


def parsed(eml: bytes):
    return email.message_from_bytes(eml, policy=email.policy.default)


# --- the reason catalogue ---------------------------------------------------------------------


# (every emitted code is in the catalogue: tests/test_reasons.py)


def test_an_unknown_code_falls_back_to_its_own_message():
    assert lookup("brand_new_code", message="the moon is in the way").title["es"] == "the moon is in the way"
    title, action = describe("brand_new_code", "odd {braces} kept", "rejected", "es")
    assert (title, action) == ("odd {braces} kept", "Responda a este correo y le ayudaremos.")
    assert describe("superseded", "superseded by a later submission in row 17", "held", "en")[0].endswith("(sheet row 17)")


# --- the pre-filled link ----------------------------------------------------------------------


def test_the_prefilled_link_carries_each_answer_under_its_entry_id():
    r = make(5, "Café & charla <b>", Reason("link_not_http", "link is not http(s)"),
             raw={"location": "La Villita / 26th St", "link": "javascript:alert(1)"})
    url = prefill_url(FORM + "?usp=sf_link", ENTRIES, r)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == FORM
    assert parse_qsl(parts.query) == [
        ("usp", "pp_url"), ("entry.1001", "Café & charla <b>"), ("entry.1002", "2026-12-05"),
        ("entry.1003", "18:30"), ("entry.1004", "20:00"), ("entry.1005", "La Villita / 26th St"),
        ("entry.1006", "javascript:alert(1)"), ("entry.1007", "English"), ("entry.1007", "Spanish"),
        ("entry.1008", "ana@example.org"),
    ]
    assert re.fullmatch(r"[A-Za-z0-9._~%=&-]+", parts.query), "every value is URL-encoded"


def test_unreadable_dates_and_times_are_left_for_the_host_to_type():
    r = make(6, raw={"start_time": "after dinner", "end_time": ""})
    r.event_date = None
    found = dict(parse_qsl(urlsplit(prefill_url(FORM, ENTRIES, r)).query))
    assert "entry.1002" not in found and "entry.1003" not in found and "entry.1004" not in found
    assert prefill_url("", ENTRIES, r) == ""


# --- composing ----------------------------------------------------------------------------------


def test_a_published_message_has_the_map_link_time_and_every_header(tmp_path):
    config = notify_config(tmp_path, unsubscribe_url="https://example.org/unsubscribe")
    r = make(2)
    rid = event_id(r)
    message = Composer(config).compose(r, response_id=rid, message_id="abc", status="published", language="en",
                                       recipient="ana@example.org", now=NOW)
    assert message["To"].addresses[0].addr_spec == "ana@example.org"
    assert message["From"] == "Together We Heal <heal@example.org>" and message["Reply-To"] == "staff@example.org"
    assert message["Message-ID"] == "<abc@example.org>" and message["Date"].datetime == NOW
    assert message["List-Unsubscribe"] == (f"<mailto:staff@example.org?subject=unsubscribe%20{rid}>, "
                                           "<https://example.org/unsubscribe>")
    assert message["Subject"] == "Your activity is on the healing map: Healing circle in Pilsen"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert f"https://map.example.org/healing/#a={rid}" in body
        assert "Saturday, December 5, 2026, 6:30 – 8:00 PM" in body and "Lower West Side" in body
        assert "Call 312-555-0100" in body and "The Together We Heal team" in body


def test_spanish_and_times_either_side_of_noon():
    r = make(2)
    r.starts_at = datetime(2026, 12, 5, 11, 0, tzinfo=TZ)
    assert when_text(r, "es") == "sábado, 5 de diciembre de 2026, 11:00 a. m. – 8:00 p. m."
    r.ends_at = None
    assert when_text(r, "en") == "Saturday, December 5, 2026, 11:00 AM"


def test_header_injection_and_html_stay_inert(tmp_path):
    config = notify_config(tmp_path)
    r = make(3, f"Circle{INJECT}{XSS}", Reason("link_not_http", f"link is not http(s): {XSS}"), name=f"Ana{INJECT}")
    notice = planned([r], config)
    [m] = notice.messages
    assert m.state == "queued"
    message = parsed(m.eml)
    head = m.eml.split(b"\r\n\r\n", 1)[0]
    assert b"\nBcc:" not in head and "Bcc" not in message and message["To"].addresses[0].addr_spec == "ana@example.org"
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "link is not http(s):" not in html, "hosts read the catalogue's words, not the staff message"


def test_an_address_with_a_header_in_it_is_never_mailed(tmp_path):
    config = notify_config(tmp_path)
    rs = [make(2, "One", email_address=f"ana@example.org{INJECT}"), make(3, "Two", email_address=""),
          make(4, "Three", email_address="ben@example.org, evil@x")]
    states = {m.title: (m.state, m.recipient, m.eml) for m in planned(rs, config).messages}
    assert all(state == "skipped" and recipient == "" and eml is None for state, recipient, eml in states.values())
    assert set(states) == {"One", "Two", "Three"}


def test_template_overrides_from_the_configured_folder(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "published.en.txt").write_text("{% set subject %}Listed: {{ title }}{% endset %}Yours: {{ map_link }}\n")
    config = notify_config(tmp_path, templates=str(folder))
    [m] = planned([make(2, "<Tea>")], config).messages
    message = parsed(m.eml)
    assert message["Subject"] == "Listed: <Tea>"
    assert message.get_body(("plain",)).get_content().startswith("Yours: https://map.example.org/healing/#a=")
    assert "&lt;Tea&gt;" in message.get_body(("html",)).get_content()  # the bundled HTML, still escaped


# --- planning -----------------------------------------------------------------------------------


def test_one_message_per_status_change_and_none_for_the_same_status(tmp_path):
    config = notify_config(tmp_path)
    published, held = make(2, "A"), make(3, "B", Reason("no_consent", "no", "held"))
    rejected = make(4, "C", Reason("missing_link", "missing link"), Reason("date_outside_campaign", "late"))
    first = planned([published, held, rejected], config)
    assert [(m.title, m.status, m.state, m.reasons) for m in first.messages] == [
        ("A", "published", "queued", ()), ("B", "held", "queued", ("no_consent",)),
        ("C", "rejected", "queued", ("date_outside_campaign", "missing_link"))]
    known = {rid: (status, changes, baseline) for rid, status, changes, baseline in first.statuses}
    assert planned([published, held, rejected], config, known=known).messages == []
    again = make(3, "B")  # consent given: the same response, now published
    [changed] = planned([published, again, rejected], config, known=known).messages
    assert (changed.title, changed.status) == ("B", "published")
    assert changed.message_id == message_id(event_id(again), "published", (), 1)


def test_planning_twice_gives_the_same_message_ids(tmp_path):
    config = notify_config(tmp_path)
    rs = [make(2, "A"), make(3, "B", Reason("missing_title", "missing"))]
    assert planned(rs, config).messages == planned(rs, config).messages


def test_a_pending_lookup_is_not_a_status_to_tell(tmp_path):
    config = notify_config(tmp_path)
    pending = make(2, "A", Reason("location_pending", "geocoder unavailable", "held", "location", recheck=True))
    notice = planned([pending], config)
    assert notice.messages == [] and notice.statuses == []
    settled = make(2, "A")
    [m] = planned([settled], config).messages
    assert m.status == "published"


def test_responses_present_when_notifications_start_are_recorded_not_mailed(tmp_path):
    config = notify_config(tmp_path)
    rs = [make(2, "A"), make(3, "B", Reason("missing_title", "missing"))]
    first = planned(rs, config, started=False)
    assert first.messages == [] and [s[3] for s in first.statuses] == [True, True]
    known = {rid: (status, changes, baseline) for rid, status, changes, baseline in first.statuses}
    assert planned(rs, config, known=known).messages == []
    backfilled = planned(rs, config, known=known, backfill=True)
    assert [m.title for m in backfilled.messages] == ["A", "B"]
    assert [m.title for m in planned(rs, config, started=False, backfill=True).messages] == ["A", "B"]


def test_opt_out_staff_suppression_and_language_answers(tmp_path):
    rs = [make(2, "A"), make(3, "B"), make(4, "C"), make(5, "D"), make(6, "E")]
    config = notify_config(tmp_path, suppress=[event_id(rs[1])])
    answers = {2: HostAnswers("es"), 3: HostAnswers("en"), 4: HostAnswers("en", opted_out=True),
               5: HostAnswers("en", suppressed=True), 6: HostAnswers("en")}
    found = {m.title: m for m in planned(rs, config, answers=answers.get).messages}
    assert {t: (m.state, m.detail) for t, m in found.items()} == {
        "A": ("queued", ""), "B": ("suppressed", "suppressed by staff"),
        "C": ("suppressed", "the host asked for no email"), "D": ("suppressed", "suppressed by staff"),
        "E": ("queued", "")}
    assert parsed(found["A"].eml)["Subject"].startswith("Su actividad está en el mapa")
    assert found["A"].language == "es" and found["C"].eml is None


@pytest.mark.parametrize("answer, expected", [
    ("Español", "es"), ("Spanish", "es"), ("es", "es"), ("English", "en"), ("Inglés", "en"), ("", "es"),
    ("Polski", "es"),
])
def test_language_answers(answer, expected):
    assert language_of(answer, "es") == expected


def test_a_flip_back_to_an_earlier_status_is_told_again(tmp_path):
    config = notify_config(tmp_path)
    rid = event_id(make(2, "A"))
    m = planned([make(2, "A")], config, known={rid: ("rejected", 1, False)}).messages[0]
    assert m.message_id == message_id(rid, "published", (), 2) != message_id(rid, "published", (), 0)


# --- the outbox, the rate limit, config -----------------------------------------------------------


def test_the_outbox_is_private_and_keeps_one_copy_of_a_message(tmp_path):
    config = notify_config(tmp_path)
    notice = planned([make(2, "A"), make(3, "B", Reason("no_consent", "no", "held"))], config)
    with Outbox(tmp_path / "state") as outbox:
        outbox.record(notice.messages, notice.statuses, now=NOW)
        outbox.record(notice.messages, notice.statuses, now=NOW)
        assert outbox.counts()["queued"] == 2 and len(outbox.last_statuses()) == 2
        outbox.mark(notice.messages[0].message_id, "sent", at=NOW)
        assert [m.title for m in outbox.queued()] == ["B"]
    assert stat.S_IMODE((tmp_path / "state" / "outbox.sqlite").stat().st_mode) == 0o600


def test_a_newer_message_replaces_an_unsent_one(tmp_path):
    config = notify_config(tmp_path)
    first = planned([make(2, "A", Reason("no_consent", "no", "held"))], config)
    with Outbox(tmp_path / "state") as outbox:
        outbox.record(first.messages, first.statuses, now=NOW)
        second = planned([make(2, "A")], config, known=outbox.last_statuses())
        outbox.record(second.messages, second.statuses, now=NOW)
        assert [m.status for m in outbox.queued()] == ["published"]
        assert outbox.counts()["replaced"] == 1


def test_the_rate_limiter_spaces_calls_without_real_waiting():
    clock, waits, calls = [100.0], [], []

    def sleep(seconds):
        waits.append(seconds)
        clock[0] += seconds

    send = RateLimiter(calls.append, per_minute=4, clock=lambda: clock[0], sleep=sleep)
    send(1)
    clock[0] += 5
    send(2)
    send(3)
    clock[0] += 20
    send(4)
    assert calls == [1, 2, 3, 4] and waits == [10.0, 15.0]


def test_notifications_are_off_by_default_and_need_their_addresses(tmp_path):
    assert load_config(ROOT / "config" / "healing-map.toml").notify.enabled is False
    path = write_config(tmp_path, notify={"enabled": True, "map_url": "https://map.example.org/"})
    with pytest.raises(ConfigError, match=r"notify\.from is needed"):
        load_config(path)
    path = write_config(tmp_path, notify={"prefill": {"entries": {"title": "123"}}})
    with pytest.raises(ConfigError, match="not an entry id"):
        load_config(path)
    path = write_config(tmp_path, notify={"enabled": True, "from": "heal@example.org", "reply_to": "a@b.org",
                                          "map_url": "https://m.org/", "mode": "send"})
    with pytest.raises(ConfigError, match="smtp.host is needed"):
        load_config(path)
    path = write_config(tmp_path, notify={"from": "x@y.org\r\nBcc: evil@x"})
    with pytest.raises(ConfigError, match="not an email address"):
        load_config(path)
