"""``replace_file``, the one way a file is replaced in place (the caches in the state folder)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from sync.publish.files import PRIVATE_FILE, replace_file


def test_replace_file_writes_whole_files_with_their_mode(tmp_path):
    target = tmp_path / "cache.pickle"
    old_umask = os.umask(0o077 ^ 0o777)  # a umask that would leave the file world-writable
    try:
        replace_file(target, b"first", PRIVATE_FILE)
        replace_file(target, "second, longer", PRIVATE_FILE)
    finally:
        os.umask(old_umask)
    assert target.read_bytes() == b"second, longer"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.pickle"]


def test_a_failed_replace_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "cache.pickle"
    replace_file(target, b"old", PRIVATE_FILE)
    # A real file-size limit in a child process: the write fails with EFBIG half-way.
    child = subprocess.run([sys.executable, "-c", (
        "import resource, sys; from pathlib import Path; from sync.publish.files import replace_file\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "try:\n"
        f"    replace_file(Path({str(target)!r}), b'x' * 100_000, 0o600)\n"
        "except OSError as exc:\n"
        "    sys.exit(exc.strerror)\n"
    )], capture_output=True, text=True, timeout=60)
    assert child.returncode == 1 and child.stderr.strip() == "File too large", child.stderr
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.pickle"]
