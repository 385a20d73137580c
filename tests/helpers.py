"""Test helpers: running the real CLI as cron would, and comparing output folders.

The form's responses, their CSV and temporary configs come from :mod:`testing.forms` (bench/ uses
them too); they are imported here so that tests find every helper in one place.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from testing.forms import (  # noqa: F401 (re-exported for the tests)
    DEFAULT_CONFIG, HEADERS, NOW, ROOT, VALID, csv_text, response, write_config, write_responses,
)


def run_cli(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m sync`` as a subprocess, as cron would."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("HEALING_MAP_CONFIG", None) if env is None or "HEALING_MAP_CONFIG" not in env else None
    return subprocess.run([sys.executable, "-m", "sync", *args], capture_output=True, text=True,
                          cwd=ROOT, env=full_env, timeout=timeout)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, for byte-for-byte comparisons.

    Links are followed: ``output/public`` and ``output/staff`` lead into the current release.
    """
    found = (Path(root) / name for root, _, names in os.walk(folder, followlinks=True) for name in names)
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(found) if p.is_file()}
