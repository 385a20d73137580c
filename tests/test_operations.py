"""Unattended operation: the lock, the safety guard, run history, fingerprints.

Kills mid-publish are in test_release.py. No test sleeps to wait for a server or a process:
the loopback source says when a sync is reading (an event) and answers when the test lets it.
"""

import json
import signal
import subprocess
import sys
import threading

from werkzeug import Response

from tests.helpers import NOW, ROOT, csv_text, response, run_cli, snapshot, write_config, write_responses


def held_source(httpserver, body: str = "") -> tuple[threading.Event, threading.Event]:
    """Serve ``/pub`` only when released: (reading, release). ``reading`` is set once a sync asks."""
    reading, release = threading.Event(), threading.Event()

    def handler(_request):
        reading.set()
        release.wait(60)
        return Response(body, content_type="text/csv")

    httpserver.expect_request("/pub").respond_with_handler(handler)
    return reading, release


def test_second_sync_exits_5_or_waits(tmp_path, httpserver):
    """A source that answers only when told keeps the first sync inside the lock while the second starts."""
    reading, release = held_source(httpserver, csv_text([response()]))
    config = write_config(tmp_path, source={"kind": "url", "url": httpserver.url_for("/pub")})
    first = subprocess.Popen([sys.executable, "-m", "sync", "sync", "--config", str(config), "--now", NOW],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert reading.wait(30), "the first sync never read the source"  # it holds the lock now
        second = run_cli("sync", "--config", str(config), "--now", NOW)
        assert second.returncode == 5
        assert "another sync is running" in second.stderr and "--wait" in second.stderr
        waiting = subprocess.Popen([sys.executable, "-m", "sync", "sync", "--config", str(config), "--now", NOW,
                                    "--wait", "60", "--verbose"], cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        said = ""
        while "waiting up to 60 s" not in said and (line := waiting.stderr.readline()):  # blocks until it logs
            said += line
        assert "another sync holds the lock" in said, said
    finally:
        release.set()
    assert first.wait(60) == 0
    assert waiting.wait(60) == 0, waiting.stderr.read()
    report = json.loads((tmp_path / "output" / "staff" / "report.json").read_text())
    assert report["counts"]["published"] == 1


def test_lock_of_a_killed_run_does_not_block(tmp_path, httpserver):
    reading, release = held_source(httpserver, "x")
    config = write_config(tmp_path, source={"kind": "url", "url": httpserver.url_for("/pub"), "timeout_seconds": 60})
    victim = subprocess.Popen([sys.executable, "-m", "sync", "sync", "--config", str(config)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert reading.wait(30), "the sync never read the source"  # it holds the lock now
        victim.send_signal(signal.SIGKILL)
        victim.wait()
    finally:
        release.set()
    httpserver.clear()
    httpserver.expect_request("/pub").respond_with_data(csv_text([response()]), content_type="text/csv")
    assert (tmp_path / "state" / "sync.lock").exists()
    result = run_cli("sync", "--config", str(config), "--now", NOW)
    assert result.returncode == 0, result.stderr


def test_guard_trips_and_force_publishes(tmp_path):
    rows = [response(**{"Name of your activity": f"Circle {i}"}) for i in range(10)]
    config = write_responses(tmp_path, rows)
    assert run_cli("sync", "--config", str(config), "--now", NOW).returncode == 0
    before = snapshot(tmp_path / "output")
    write_responses(tmp_path, rows[:4])
    tripped = run_cli("sync", "--config", str(config), "--now", NOW)
    assert tripped.returncode == 4
    assert "published activities would drop from 10 to 4, more than 50%" in tripped.stderr
    assert "--force" in tripped.stderr
    assert snapshot(tmp_path / "output") == before
    forced = run_cli("sync", "--config", str(config), "--now", NOW, "--force")
    assert forced.returncode == 0, forced.stderr
    assert json.loads((tmp_path / "output" / "staff" / "report.json").read_text())["counts"]["published"] == 4
    # the guard compares with the last *published* run, now 4: a drop to 3 is allowed
    write_responses(tmp_path, rows[:3])
    assert run_cli("sync", "--config", str(config), "--now", NOW).returncode == 0


def test_history_and_fingerprints_survive_restarts(tmp_path):
    rows = [response(**{"Name of your activity": f"Circle {i}"}) for i in range(30)]
    config = write_responses(tmp_path, rows)
    assert run_cli("sync", "--config", str(config), "--now", NOW).returncode == 0
    report = json.loads((tmp_path / "output" / "staff" / "report.json").read_text())
    assert report["unchanged_responses_reused"] == 0
    write_responses(tmp_path, rows + [response(**{"Name of your activity": "New one"})])
    assert run_cli("sync", "--config", str(config), "--now", NOW).returncode == 0
    report = json.loads((tmp_path / "output" / "staff" / "report.json").read_text())
    assert report["unchanged_responses_reused"] == 30 and report["counts"]["published"] == 31
    (tmp_path / "responses.csv").write_bytes(b"")
    assert run_cli("sync", "--config", str(config), "--now", NOW).returncode == 3
    history = run_cli("history", "--config", str(config), "--log-format", "json")
    runs = json.loads(history.stdout)
    assert [r["exit_code"] for r in runs] == [3, 0, 0]
    assert runs[0]["outcome"] == "SourceError" and "the sheet is empty" in runs[0]["message"]
    assert runs[1]["published"] == 31 and runs[2]["published"] == 30
    text = run_cli("history", "--config", str(config))
    assert text.returncode == 0 and "SourceError" in text.stdout and "published" in text.stdout


def test_changed_config_invalidates_fingerprints(tmp_path):
    config = write_responses(tmp_path, [response()])
    assert run_cli("sync", "--config", str(config), "--now", NOW).returncode == 0
    write_responses(tmp_path, [response()], campaign={"ends": "2026-12-01"})
    assert run_cli("sync", "--config", str(config), "--now", NOW, "--force").returncode == 0
    report = json.loads((tmp_path / "output" / "staff" / "report.json").read_text())
    assert report["unchanged_responses_reused"] == 0
    assert report["counts"]["rejected"] == 1  # 12/5 is now outside the campaign


def test_log_formats(tmp_path):
    config = write_responses(tmp_path, [response()])
    line = run_cli("sync", "--config", str(config), "--now", NOW)
    assert len(line.stdout.strip().splitlines()) == 1
    assert line.stdout.startswith("healing-map sync ok: 1 read, 1 published, 0 held, 0 rejected")
    as_json = run_cli("sync", "--config", str(config), "--now", NOW, "--log-format", "json")
    event = json.loads(as_json.stdout)
    assert event["ok"] is True and event["counts"]["published"] == 1
    (tmp_path / "responses.csv").write_bytes(b"")
    failed = run_cli("sync", "--config", str(config), "--now", NOW, "--log-format", "json")
    assert failed.returncode == 3 and json.loads(failed.stdout)["exit_code"] == 3
