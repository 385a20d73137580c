"""Share links and the embed, on the Python side: ids that outlive syncs and edits, embed.html and the
staff page's snippets, and a preview server that lets other sites frame the map."""

from __future__ import annotations

import csv
import http.client
import io
import re
import threading
from datetime import datetime
from pathlib import Path

from sync.notify import HostAnswers, plan
from sync.publish import event_id, event_ids, legacy_event_id
from sync.publish.share import embed_snippets, url_slug
from sync.records import Reason
from sync.serve import make_server
from tests.browser.pages import config as default_config
from tests.helpers import NOW, response, run_cli, write_responses
from tests.test_notify import make, notify_config

TITLE, DATE, EMAIL = "Name of your activity", "Date of the activity", "Email Address"


def public_ids(output: Path) -> dict[str, str]:
    """Title → id, from events.csv."""
    text = (output / "public" / "events.csv").read_bytes().decode("utf-8-sig")
    return {row["title"]: row["id"] for row in csv.DictReader(io.StringIO(text, newline=""))}


def sync(tmp_path: Path, rows: list[dict], now: str = NOW, **sections) -> dict[str, str]:
    result = run_cli("sync", "--config", str(write_responses(tmp_path, rows, **sections)), "--now", now)
    assert result.returncode == 0, result.stderr
    return public_ids(tmp_path / "output")


def test_ids_stay_across_syncs_when_staff_correct_a_response_or_delete_rows(tmp_path):
    rows = [response(**{TITLE: f"Circle {n}", "Timestamp": f"11/20/2026 10:0{n}:00"}) for n in range(4)]
    rows += [response(**{TITLE: f"Twin {n}", "Timestamp": "11/21/2026 09:00:00", EMAIL: f"t{n}@example.org"})
             for n in range(3)]  # three hosts submitting in the same second
    first = sync(tmp_path, rows)
    assert len(set(first.values())) == len(first) == 7 and all(re.fullmatch("[0-9a-f]{12}", i) for i in first.values())

    rows[2][TITLE], rows[2][DATE] = "Circle 2, corrected", "12/6/2026"   # staff fix the title and the date
    rows[3][EMAIL] = "someone.else@example.org"                            # and the contact
    del rows[0]                                                            # a test row deleted above them
    rows.append(response(**{TITLE: "Newcomer", "Timestamp": "11/22/2026 08:00:00"}))
    second = sync(tmp_path, rows, now="2026-11-26T12:00:00-06:00")
    assert second["Circle 2, corrected"] == first["Circle 2"]
    assert {t: second[t] for t in ("Circle 1", "Circle 3", "Twin 0", "Twin 1", "Twin 2")} == {
        t: first[t] for t in ("Circle 1", "Circle 3", "Twin 0", "Twin 1", "Twin 2")}
    assert second["Newcomer"] not in first.values() and "Circle 0" not in second


def test_an_id_is_a_hash_of_the_timestamp_only():
    r = make(2, "A")
    same = make(2, "Another title", email_address="b@example.org", name="Bea", raw={"event_date": "12/6/2026"})
    assert event_id(r) == event_id(same) and event_id(r, twin=1) != event_id(r)
    for secret in ("ana@example.org", "Ana Ruiz", "A", "12/5/2026"):  # nothing of the host, nor of the answers
        assert secret not in event_id(r)
    # without a timestamp, the row
    assert event_id(make(3, raw={"submitted_at": ""})) != event_id(make(4, raw={"submitted_at": ""}))
    assert event_ids([make(3), make(2)]) == {2: event_id(make(2)), 3: event_id(make(3))}


def test_an_outbox_kept_under_the_old_ids_tells_no_host_twice(tmp_path):
    config = notify_config(tmp_path)
    published, held = make(2, "A"), make(3, "B", Reason("no_consent", "no consent", "held"))
    known = {legacy_event_id(published): ("published", 0, False), legacy_event_id(held): ("published", 0, False)}
    notice = plan([published, held], config=config, known=known, started=True,
                  answers=lambda row: HostAnswers("en"), now=datetime.fromisoformat(NOW))
    assert [(m.title, m.status) for m in notice.messages] == [("B", "held")]  # a change, told once
    assert {rid for rid, *_ in notice.statuses} == {event_id(held)}         # recorded under the new id


def test_embed_html_and_the_staff_pages_snippets(tmp_path):
    sync(tmp_path, [response()], map={"public_url": "https://healingmap.example.org/"})
    embed = (tmp_path / "output" / "public" / "embed.html").read_text(encoding="utf-8")
    assert 'data-embed class="hm-embed"' in embed and '<meta name="robots" content="noindex">' in embed
    assert 'id="hm-full-map" href="https://healingmap.example.org/"' in embed
    assert "application/ld+json" not in embed and 'class="hm-add"' not in embed
    staff = (tmp_path / "output" / "staff" / "index.html").read_text(encoding="utf-8")
    snippets = re.findall(r"<dd><code>(.*?)</code></dd>", staff.split('<dl class="snippets">')[1].split("</dl>")[0])
    assert len(snippets) == 1 + 10 + 77  # the city, its nine sides and the Far South, the areas
    assert ("&lt;iframe src=&#34;https://healingmap.example.org/embed.html#area=31&#34; "
            "title=&#34;Together We Heal: healing activities in Lower West Side&#34;") in staff
    assert "embed.html#side=far-southeast&#34;" in staff
    assert all("allow=&#34;clipboard-write; web-share&#34;" in s for s in snippets)


def test_snippets_are_relative_without_a_public_url_and_escape_what_they_hold():
    cfg = default_config()
    cfg = cfg.model_copy(update={"campaign": cfg.campaign.model_copy(update={"title": 'Heal "<together>"'})})
    city, side, area = embed_snippets(config=cfg, areas={31: "Lower West Side"}, sides={"Far Southeast": [46]})
    assert (city.src, side.src, area.src) == ("embed.html", "embed.html#side=far-southeast", "embed.html#area=31")
    assert 'title="Heal &quot;&lt;together&gt;&quot;: healing activities in Lower West Side"' in area.html
    assert url_slug("Far Southeast") == "far-southeast" and url_slug("Árbol  de  Vida!") == "arbol-de-vida"


def test_the_preview_server_lets_other_sites_frame_the_map(tmp_path):
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "embed.html").write_text("<!doctype html><title>map</title>", encoding="utf-8")
    server = make_server(tmp_path, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection(*server.server_address, timeout=5)
        conn.request("GET", "/public/embed.html")
        answer = conn.getresponse()
        assert answer.status == 200 and answer.read().startswith(b"<!doctype html>")
        headers = {k.lower() for k, _ in answer.getheaders()}
        assert "x-frame-options" not in headers and "content-security-policy" not in headers
        conn.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
