"""The default form's responses as hand-written rows, their CSV, and temporary configs that read them.

Shared by ``tests/`` and ``bench/``: a response is a dict by header text; :func:`response` starts
from one valid response and replaces the cells a test cares about.
"""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path

import tomli_w

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config" / "healing-map.toml"

HEADERS = [
    "Timestamp", "Email Address", "Your name", "Organization or group (optional)", "Name of your activity",
    "What type of activity is it?", "Describe your activity", "Date of the activity", "Start time", "End time",
    "Which community area or neighborhood is it rooted in?", "ZIP code (optional)", "Link to join or register",
    "Languages", "Phone (optional, for staff only)", "May we show this activity on the public healing map?",
]

#: One valid response; tests override the cells they care about.
VALID = {
    "Timestamp": "11/20/2026 10:00:00",
    "Email Address": "ana.ruiz@example.org",
    "Your name": "Ana Ruiz",
    "Organization or group (optional)": "Casa Pilsen",
    "Name of your activity": "Healing circle in Pilsen",
    "What type of activity is it?": "Healing circle",
    "Describe your activity": "We gather to listen.",
    "Date of the activity": "12/5/2026",
    "Start time": "6:30:00 PM",
    "End time": "8:00:00 PM",
    "Which community area or neighborhood is it rooted in?": "Pilsen",
    "ZIP code (optional)": "",
    "Link to join or register": "https://zoom.us/j/123456",
    "Languages": "English, Spanish",
    "Phone (optional, for staff only)": "(773) 555-0142",
    "May we show this activity on the public healing map?": "Yes",
}

NOW = "2026-11-25T12:00:00-06:00"


def response(**cells) -> dict:
    """A valid response with some cells replaced (keys: header texts)."""
    row = dict(VALID)
    row.update(cells)
    return row


def csv_text(rows: list[dict], headers: list[str] = HEADERS) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return buffer.getvalue()


def write_config(folder: Path, *, source: dict | None = None, **sections) -> Path:
    """A copy of the default config in ``folder`` with output there and sections overridden."""
    data = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    for key in ("aliases", "venues", "sides", "streets", "corrections"):  # the bundled place data
        data["location"][key] = str(ROOT / "config" / data["location"][key])
    data["output"] = {"folder": str(folder / "output"), "state_folder": str(folder / "state")}
    if source is not None:
        data["source"] = source
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    path = folder / "healing-map.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def write_responses(folder: Path, rows: list[dict], **config_sections) -> Path:
    """Write rows as a CSV export and a config reading it; returns the config path."""
    csv_path = folder / "responses.csv"
    csv_path.write_text(csv_text(rows), encoding="utf-8")
    return write_config(folder, source={"kind": "file", "path": str(csv_path)}, **config_sections)
