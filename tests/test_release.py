"""Publishing as one release: the layout, failures that leave the served files as they were, kills, rollback.

Disk full is a real small tmpfs and a real ``RLIMIT_FSIZE``; read-only is a real read-only bind
mount (as root, ``chmod`` would not stop a write), or ``chattr +i`` where mounting is refused.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testing.synthetic import generate_responses
from tests.helpers import NOW, ROOT, response, run_cli, snapshot, write_config, write_responses

ROWS = [response(**{"Name of your activity": f"Circle {i}"}) for i in range(300)]
#: A day after NOW: "upcoming" changes, so the same sheet builds a new release.
TOMORROW = "2026-11-26T12:00:00-06:00"


def served(out: Path) -> dict[str, bytes]:
    """What a reader of output/public and output/staff sees."""
    return {f"{name}/{path}": data for name in ("public", "staff") for path, data in snapshot(out / name).items()}


def hidden_or_temporary(out: Path) -> list[str]:
    return [name for name in served(out) if Path(name).name.startswith(".") or ".tmp" in name]


def sync(config: Path, *args: str, now: str = NOW, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sync", "sync", "--config", str(config), "--now", now, *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, **kwargs)


def one_error_line(result: subprocess.CompletedProcess) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def exit_codes(config: Path) -> list[int]:
    return [run["exit_code"] for run in json.loads(run_cli("history", "--config", str(config), "--log-format",
                                                           "json").stdout)]


# --- the layout -------------------------------------------------------------------------------


def test_a_release_is_switched_in_whole_and_old_ones_are_pruned(tmp_path):
    from sync.publish.release import Releases

    out = tmp_path / "output"
    releases = Releases(out, keep=3)
    ids = [releases.publish({out / "public" / "index.html": f"map {i}", out / "staff" / "report.json": "{}",
                             out / "public" / "events.csv": "same"}) for i in range(5)]
    assert ids == sorted(ids) and len(set(ids)) == 5
    assert re.fullmatch(r"\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{6}", ids[-1])
    assert os.readlink(out / "current") == f"releases/{ids[-1]}"
    assert os.readlink(out / "public") == "current/public" and os.readlink(out / "staff") == "current/staff"
    assert (out / "public" / "index.html").read_text() == "map 4"
    assert releases.ids() == ids[-3:]  # the 3 newest kept
    # an unchanged file is the previous release's, hard-linked, not a copy
    assert (out / "releases" / ids[-1] / "public" / "events.csv").stat().st_ino == \
        (out / "releases" / ids[-2] / "public" / "events.csv").stat().st_ino
    assert sorted(os.listdir(out)) == ["current", "public", "releases", "staff"]


def test_what_a_killed_run_left_is_removed_by_the_next(tmp_path):
    from sync.publish.release import Releases

    out = tmp_path / "output"
    releases = Releases(out)
    releases.publish({out / "public" / "index.html": "first"})
    (out / "releases" / ".building-20261203T000000.000000Z-abcdef" / "public").mkdir(parents=True)
    os.symlink("releases/nowhere", out / ".current-abcdef.link")
    releases.publish({out / "public" / "index.html": "second"})
    assert not [n for n in os.listdir(out / "releases") if n.startswith(".")]
    assert not [n for n in os.listdir(out) if n.startswith(".")]


def test_folders_of_the_previous_version_become_a_legacy_release(tmp_path):
    config = write_responses(tmp_path, ROWS[:3])
    out = tmp_path / "output"
    for name, mode in (("public", 0o755), ("staff", 0o755)):
        (out / name).mkdir(parents=True)
        (out / name / "index.html").write_text(f"old {name}")
        (out / name / ".index.html.x1y2.tmp").write_text("half")
        (out / name / "index.html").chmod(0o644)
    assert sync(config).returncode == 0
    legacy = [n for n in os.listdir(out / "releases") if n.startswith("legacy-")]
    assert len(legacy) == 1
    kept = out / "releases" / legacy[0]
    assert (kept / "public" / "index.html").read_text() == "old public"
    assert os.listdir(kept / "staff") == ["index.html"]  # the temporary files are gone
    assert (kept / "staff").stat().st_mode & 0o777 == 0o700 and (kept / "staff" / "index.html").stat().st_mode & 0o777 == 0o600
    assert (out / "public").is_symlink() and "Circle 2" in (out / "public" / "events.csv").read_text(encoding="utf-8-sig")
    rolled = run_cli("rollback", "--config", str(config))
    assert rolled.returncode == 0, rolled.stderr
    assert (out / "public" / "index.html").read_text() == "old public"


# --- rollback ---------------------------------------------------------------------------------


def test_rollback_serves_the_previous_release_again(tmp_path):
    config = write_responses(tmp_path, ROWS[:5])
    out = tmp_path / "output"
    assert sync(config).returncode == 0
    first = served(out)
    first_id = os.readlink(out / "current").split("/")[1]
    write_responses(tmp_path, ROWS[:6])
    assert sync(config).returncode == 0
    second = served(out)
    assert second != first
    rolled = run_cli("rollback", "--config", str(config))
    assert rolled.returncode == 0, rolled.stderr
    assert rolled.stdout.startswith(f"Rolled back: now serving release {first_id} (was ")
    assert served(out) == first
    again = run_cli("rollback", "--config", str(config))
    assert again.returncode == 2
    assert one_error_line(again) == (f"Error: no release to roll back to: {first_id} is the oldest release in "
                                     f"{out / 'releases'}")
    unknown = run_cli("rollback", "--config", str(config), "--to", "20990101T000000.000000Z-000000")
    assert unknown.returncode == 2 and "no release '20990101T000000.000000Z-000000'" in one_error_line(unknown)
    second_id = sorted(os.listdir(out / "releases"))[-1]
    assert run_cli("rollback", "--config", str(config), "--to", second_id).returncode == 0
    assert served(out) == second
    runs = json.loads(run_cli("history", "--config", str(config), "--log-format", "json").stdout)
    assert [r["outcome"] for r in runs[:3]] == ["rollback", "rollback", "published"]
    assert runs[0]["release"] == second_id and runs[2]["release"] == second_id
    # after a rollback the next sync publishes from the sheet again, even an unchanged one
    assert run_cli("rollback", "--config", str(config)).returncode == 0
    assert "Circle 5" not in (out / "public" / "events.csv").read_text(encoding="utf-8-sig")
    assert sync(config).returncode == 0
    assert "Circle 5" in (out / "public" / "events.csv").read_text(encoding="utf-8-sig")
    assert json.loads(run_cli("history", "--config", str(config), "--log-format", "json").stdout)[0]["outcome"] == \
        "published"


def test_rollback_without_any_release_exits_2(tmp_path):
    config = write_responses(tmp_path, ROWS[:1])
    result = run_cli("rollback", "--config", str(config))
    assert result.returncode == 2
    assert one_error_line(result) == f"Error: no release to roll back to: {tmp_path / 'output' / 'current'} points to no release"


# --- disk full, file-size limit, read-only: exit 6 and the served files as they were -----------------


def assert_failed_cleanly(result, before: dict, out: Path, config: Path, cause: str) -> str:
    assert result.returncode == 6, result.stderr
    line = one_error_line(result)
    assert re.fullmatch(rf"Error: could not write {re.escape(str(out))}/releases/\S+: {cause}", line), line
    assert served(out) == before
    assert hidden_or_temporary(out) == []
    assert not [n for n in os.listdir(out / "releases") if n.startswith(".building-")]
    assert exit_codes(config)[0] == 6
    return line


def test_a_file_size_limit_exits_6_and_leaves_the_release(tmp_path):
    config = write_responses(tmp_path, ROWS)
    out = tmp_path / "output"
    assert sync(config).returncode == 0
    before = served(out)
    assert len(before["public/index.html"]) > 100_000

    def limit():  # in the child: files may not grow past 100 kB; CPython ignores SIGXFSZ, so writes fail EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    failed = sync(config, now=TOMORROW, preexec_fn=limit)
    line = assert_failed_cleanly(failed, before, out, config, "File too large")
    assert "/public/index.html: " in line  # the page changed with the day; the unchanged CSVs were linked
    assert sync(config, now=TOMORROW).returncode == 0  # and the next run, without the limit, publishes


@pytest.fixture
def mounted(tmp_path):
    """Mount a file system over a folder (root only); unmounted after the test."""
    points = []

    def mount(*args: str, target: Path) -> bool:
        target.mkdir(parents=True, exist_ok=True)
        if subprocess.run(["mount", *args, str(target)], capture_output=True).returncode != 0:
            return False
        points.append(target)
        return True

    yield mount
    for point in reversed(points):
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def test_a_full_disk_exits_6_and_leaves_the_release(tmp_path, mounted):
    out = tmp_path / "output"
    if not mounted("-t", "tmpfs", "-o", "size=8m", "tmpfs", target=out):
        pytest.skip("cannot mount a tmpfs here (not root?); the RLIMIT_FSIZE test covers a full disk")
    config = write_responses(tmp_path, ROWS[:200])
    assert sync(config).returncode == 0
    used = shutil.disk_usage(out).used
    # room for a few more pages, not for another release
    assert subprocess.run(["mount", "-o", f"remount,size={used + 64 * 1024}", str(out)]).returncode == 0
    before = served(out)
    write_responses(tmp_path, ROWS)
    failed = sync(config)
    assert_failed_cleanly(failed, before, out, config, "No space left on device")


def test_a_read_only_output_folder_exits_6_and_leaves_the_release(tmp_path, mounted):
    config = write_responses(tmp_path, ROWS[:20])
    out = tmp_path / "output"
    assert sync(config).returncode == 0
    before = served(out)
    write_responses(tmp_path, ROWS[:30])
    if mounted("--bind", str(out), target=out) and subprocess.run(
            ["mount", "-o", "remount,bind,ro", str(out)]).returncode == 0:
        cause = "Read-only file system"
    elif subprocess.run(["chattr", "+i", str(out / "releases")], capture_output=True).returncode == 0:
        cause = "Operation not permitted"  # an immutable folder: no new entry, even for root
    else:
        pytest.skip("neither a read-only bind mount nor chattr +i is available here")
    try:
        failed = sync(config)
        assert failed.returncode == 6, failed.stderr
        assert one_error_line(failed) == f"Error: could not write {out / 'releases'}: {cause}"
        assert served(out) == before and hidden_or_temporary(out) == []
        assert exit_codes(config)[0] == 6
        doctor = run_cli("doctor", "--config", str(config))
        assert doctor.returncode == 3
        assert "✗ outputs: " in doctor.stdout and f"{out / 'releases'} is not writable ({cause})" in doctor.stdout
    finally:
        subprocess.run(["chattr", "-i", str(out / "releases")], capture_output=True)


def test_a_read_only_state_folder_exits_6(tmp_path, mounted):
    config = write_responses(tmp_path, ROWS[:3])
    assert sync(config).returncode == 0
    state = tmp_path / "state"
    if not (mounted("--bind", str(state), target=state) and subprocess.run(
            ["mount", "-o", "remount,bind,ro", str(state)]).returncode == 0):
        pytest.skip("cannot mount the state folder read-only here")
    failed = sync(config, now=TOMORROW)
    assert failed.returncode == 6, failed.stderr
    assert one_error_line(failed).startswith(f"Error: could not write {state}")
    assert "Read-only file system" in failed.stderr or "readonly database" in failed.stderr


def test_publish_errors_name_the_path_and_the_cause(tmp_path):
    from sync.errors import PublishError
    from sync.publish.release import Releases

    (tmp_path / "blocked").write_text("a file where a folder should be")
    with pytest.raises(PublishError, match=r"could not write .*blocked/releases: Not a directory"):
        Releases(tmp_path / "blocked").publish({tmp_path / "blocked" / "public" / "x": "x"})


# --- killed mid-run ---------------------------------------------------------------------------


def test_sigkill_at_random_moments_never_mixes_two_releases(tmp_path):
    """Kill syncs of differing sheets at random moments, 50 times: what is served is always one whole run's."""
    headers, rows = generate_responses(800, seed=7)
    source = tmp_path / "responses.csv"

    def write(count: int) -> None:
        with open(source, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(headers)
            writer.writerows(rows[:count])

    config = write_config(tmp_path, source={"kind": "file", "path": str(source)}, guard={"max_drop_fraction": 1.0})
    out = tmp_path / "output"
    write(600)
    assert sync(config).returncode == 0
    durations = []
    for count in (601, 602):  # warm runs: decisions are reused, so the kills land mostly in publishing
        write(count)
        started = os.times().elapsed
        assert sync(config).returncode == 0
        durations.append(os.times().elapsed - started)
    duration = min(durations)
    rng = random.Random(2026)
    kills = 0
    for attempt in range(50):
        write(600 + rng.randrange(200))  # a different sheet, and a different minute, every run
        minute = f"2026-11-25T12:{attempt:02d}:00-06:00"
        proc = subprocess.Popen([sys.executable, "-m", "sync", "sync", "--config", str(config), "--now", minute],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=rng.uniform(0.3, 1.0) * duration)
        except subprocess.TimeoutExpired:
            proc.kill()
            kills += 1
        proc.wait()
        assert_one_whole_release(out)
    assert kills >= 25, f"only {kills} of 50 runs were killed mid-way"
    write(800)
    assert sync(config).returncode == 0
    assert_one_whole_release(out)
    assert not [n for n in os.listdir(out / "releases") if n.startswith(".")]


def assert_one_whole_release(out: Path) -> None:
    assert (out / "public").resolve().parent == (out / "staff").resolve().parent  # one release
    assert hidden_or_temporary(out) == []
    report = json.loads((out / "staff" / "report.json").read_text())
    page = (out / "public" / "index.html").read_text(encoding="utf-8")
    generated = re.search(r'id="hm-updated" data-iso="([^"]+)"', page).group(1)
    assert report["generated_at"].startswith(generated[:16])  # the page and the report of one run
    counts = report["counts"]
    events = list(csv.DictReader(io.StringIO((out / "public" / "events.csv").read_text(encoding="utf-8-sig"))))
    features = json.loads((out / "public" / "events.geojson").read_text())["features"]
    responses = list(csv.DictReader(io.StringIO((out / "staff" / "responses.csv").read_text(encoding="utf-8-sig"))))
    assert len(events) == len(features) == counts["published"]
    assert len(responses) == counts["read"]


# --- unchanged runs ---------------------------------------------------------------------------


def test_an_unchanged_run_writes_nothing_and_imports_little(tmp_path):
    config = write_responses(tmp_path, ROWS[:50])
    out = tmp_path / "output"
    first = sync(config)
    assert first.returncode == 0
    files = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (out / "releases").rglob("*")}
    again = subprocess.run([sys.executable, "-X", "importtime", "-m", "sync", "sync", "--config", str(config),
                            "--now", NOW], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("healing-map sync ok: 50 read, 50 published, 0 held, 0 rejected in ")
    assert again.stdout.rstrip().endswith(f"→ {out / 'public' / 'index.html'}")
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (out / "releases").rglob("*")} == files
    imported = {line.split("|")[-1].strip() for line in again.stderr.splitlines() if line.startswith("import time:")}
    heavy = {"folium", "shapely", "geopy", "rapidfuzz", "usaddress", "phonenumbers", "openpyxl"}
    assert not heavy & imported, heavy & imported
    runs = json.loads(run_cli("history", "--config", str(config), "--log-format", "json").stdout)
    assert [r["outcome"] for r in runs] == ["unchanged", "published"]
    assert runs[0]["published"] == 50 and runs[0]["release"] == runs[1]["release"]
    # a new day, a changed config or a changed sheet publish again
    assert sync(config, now=TOMORROW).returncode == 0
    write_responses(tmp_path, ROWS[:50], campaign={"title": "Together We Heal, week 4"})
    assert sync(config, now=TOMORROW).returncode == 0
    write_responses(tmp_path, ROWS[:51], campaign={"title": "Together We Heal, week 4"})
    assert sync(config, now=TOMORROW).returncode == 0
    runs = json.loads(run_cli("history", "--config", str(config), "--log-format", "json").stdout)
    assert [r["outcome"] for r in runs] == ["published"] * 3 + ["unchanged", "published"]
    assert len({r["release"] for r in runs}) == 4
