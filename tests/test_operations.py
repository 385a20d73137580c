"""Unattended operation: the lock, the safety guard, run history, fingerprints, kills mid-publish."""

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest
from werkzeug import Response

from bench.synthetic import generate_responses
from tests.helpers import NOW, ROOT, csv_text, response, run_cli, snapshot, write_config, write_responses


def test_second_sync_exits_5_or_waits(tmp_path, httpserver):
    """A slow source keeps the first sync inside the lock while the second starts."""
    body = csv_text([response()])

    def slow(_request):
        time.sleep(3)
        return Response(body, content_type="text/csv")

    httpserver.expect_request("/pub").respond_with_handler(slow)
    config = write_config(tmp_path, source={"kind": "url", "url": httpserver.url_for("/pub")})
    first = subprocess.Popen([sys.executable, "-m", "sync", "sync", "--config", str(config), "--now", NOW],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 20
    while not httpserver.log and time.time() < deadline:  # the first sync is reading: it holds the lock
        time.sleep(0.05)
    second = run_cli("sync", "--config", str(config), "--now", NOW)
    assert second.returncode == 5
    assert "another sync is running" in second.stderr and "--wait" in second.stderr
    waiting = run_cli("sync", "--config", str(config), "--now", NOW, "--wait", "60")
    assert first.wait(60) == 0
    assert waiting.returncode == 0, waiting.stderr
    report = json.loads((tmp_path / "output" / "staff" / "report.json").read_text())
    assert report["counts"]["published"] == 1


def test_lock_of_a_killed_run_does_not_block(tmp_path, httpserver):
    httpserver.expect_request("/pub").respond_with_handler(lambda r: (time.sleep(30), Response("x"))[1])
    config = write_config(tmp_path, source={"kind": "url", "url": httpserver.url_for("/pub"), "timeout_seconds": 60})
    victim = subprocess.Popen([sys.executable, "-m", "sync", "sync", "--config", str(config)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    while not httpserver.log and time.time() < deadline:
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
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


def test_sigkill_during_publishing_leaves_whole_files(tmp_path):
    """Kill a sync at random moments, 50 times: every output is the complete old or new file."""
    headers, rows = generate_responses(3000, seed=7)
    old_rows, new_rows = rows[:2500], rows[500:]

    def write(data_rows):
        import csv
        with open(tmp_path / "responses.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(headers)
            writer.writerows(data_rows)

    config = write_config(tmp_path, source={"kind": "file", "path": str(tmp_path / "responses.csv")},
                          guard={"max_drop_fraction": 1.0})
    out = tmp_path / "output"

    def timed_sync(data_rows) -> float:
        write(data_rows)
        start = time.perf_counter()
        assert run_cli("sync", "--config", str(config), "--now", NOW).returncode == 0
        return time.perf_counter() - start

    timed_sync(new_rows)
    new = snapshot(out)
    timed_sync(old_rows)
    old = snapshot(out)  # the outputs now hold the old version
    # Runs inside the loop reuse stored decisions, so time warm runs; kill mostly late, where publishing is.
    duration = min(timed_sync(new_rows), timed_sync(old_rows))
    assert {k: v for k, v in snapshot(out).items() if k != "staff/report.json"} == {
        k: v for k, v in old.items() if k != "staff/report.json"}  # the same sheet writes the same files
    rng = random.Random(2026)
    kills = 0
    for _ in range(50):
        write(new_rows if rng.random() < 0.5 else old_rows)
        proc = subprocess.Popen([sys.executable, "-m", "sync", "sync", "--config", str(config), "--now", NOW],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.4 * duration, 0.95 * duration))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        now = snapshot(out)
        assert {n for n in now if not n.endswith(".tmp")} == set(old)
        for name, data in now.items():
            if name.endswith(".tmp"):
                continue  # a temporary a killed run left; removed by the next publish, never read
            if name == "staff/report.json":
                counts = json.loads(data)["counts"]  # timings differ run to run; the counts may not
                assert counts in (json.loads(old[name])["counts"], json.loads(new[name])["counts"])
            else:
                assert data in (old[name], new[name]), name
    assert kills >= 25, f"only {kills} of 50 runs were killed mid-way"
