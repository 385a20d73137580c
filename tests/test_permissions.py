"""Privacy on disk: staff files and the state are private whatever the umask; public files stay readable."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import NOW, ROOT, response, run_cli, write_responses

ROWS = [response(**{"Name of your activity": f"Circle {i}"}) for i in range(5)]
TOMORROW = "2026-11-26T12:00:00-06:00"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def sync_with_umask(config: Path, umask: int, now: str = NOW) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sync", "sync", "--config", str(config), "--now", now],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, preexec_fn=lambda: os.umask(umask))


def modes_under(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): mode(p) for p in [folder, *folder.rglob("*")] if not p.is_symlink()}


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o000])
def test_modes_whatever_the_umask(tmp_path, umask):
    config = write_responses(tmp_path, ROWS)
    result = sync_with_umask(config, umask)
    assert result.returncode == 0, result.stderr
    out, state = tmp_path / "output", tmp_path / "state"
    release = (out / "current").resolve()
    assert mode(out) == mode(out / "releases") == mode(release) == 0o755  # a web server reaches public/
    public = modes_under(release / "public")
    assert {"events.csv", "events.geojson", "index.html"} <= set(public)
    assert {name: mode for name, mode in public.items() if mode != (0o755 if (release / "public" / name).is_dir()
                                                                    else 0o644)} == {}
    staff = modes_under(release / "staff")
    assert staff.pop(".") == 0o700 and set(staff.values()) == {0o600} and "responses.csv" in staff
    found = modes_under(state)
    assert found.pop(".") == 0o700
    assert {"state.sqlite", "sync.lock"} <= set(found) and set(found.values()) == {0o600}, found


def test_files_made_readable_since_are_made_private_again(tmp_path):
    config = write_responses(tmp_path, ROWS)
    assert sync_with_umask(config, 0o022).returncode == 0
    out, state = tmp_path / "output", tmp_path / "state"
    staff = (out / "staff").resolve()
    # what the previous version left, or a hand that ran chmod
    os.chmod(state, 0o755)
    for path in (state / "state.sqlite", staff / "responses.csv", staff / "report.json"):
        os.chmod(path, 0o644)
    os.chmod(staff, 0o755)
    doctor = run_cli("doctor", "--config", str(config))
    assert doctor.returncode == 3
    line = next(line for line in doctor.stdout.splitlines() if line.startswith("✗ modes: "))
    assert f"{staff / 'report.json'} is 0644" in line and f"{state} is 0755" in line and "chmod go-rwx" in line
    # an unchanged sync writes nothing, but makes them private again
    assert sync_with_umask(config, 0o022).returncode == 0
    assert mode(state) == mode(staff) == 0o700
    assert mode(state / "state.sqlite") == mode(staff / "responses.csv") == mode(staff / "report.json") == 0o600
    assert "✓ modes: " in run_cli("doctor", "--config", str(config)).stdout


def test_doctor_reports_public_files_a_web_server_cannot_read(tmp_path):
    config = write_responses(tmp_path, ROWS)
    assert sync_with_umask(config, 0o022).returncode == 0
    public = tmp_path / "output" / "public"
    os.chmod(public / "events.csv", 0o600)
    doctor = run_cli("doctor", "--config", str(config))
    assert doctor.returncode == 3
    assert f"✗ modes: {public / 'events.csv'} is 0600 (a web server cannot read them: chmod a+rX them)" in doctor.stdout
    assert "✓ outputs: " in doctor.stdout
