"""Contact details a host types into a public answer never reach a public file."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from sync.config import load_config
from sync.contacts import REMOVED, ContactScrubber
from sync.normalize import Normalizer
from sync.records import SheetTable
from tests.helpers import DEFAULT_CONFIG, HEADERS, NOW, response, run_cli, write_responses

TITLE, ORG, TYPE, DESCRIPTION = (
    "Name of your activity", "Organization or group (optional)", "What type of activity is it?", "Describe your activity")

#: (sheet column, what the host typed, what the public sees): the host is Ana Ruiz, (773) 555-0142.
TYPED = [
    (TITLE, "Circle with Ana Ruiz", f"Circle with {REMOVED}"),
    (TITLE, "Circle: text 773.555.0142", f"Circle: text {REMOVED}"),
    (ORG, "Ana Ruiz (ana.ruiz@example.org)", f"{REMOVED} ({REMOVED})"),
    (ORG, "Casa Pilsen, call 555-0142", f"Casa Pilsen, call {REMOVED}"),
    (TYPE, "Other: potluck, RSVP ana.ruiz@example.org", f"potluck, RSVP {REMOVED}"),
    (DESCRIPTION, "RSVP to host.two@example.com or text (312) 744-5000.\nAsk for ANA  RUIZ.",
     f"RSVP to {REMOVED} or text {REMOVED}.\nAsk for {REMOVED}."),
]
#: Nothing of these may appear in any public file, in any case.
SECRETS = ["ana.ruiz@example.org", "host.two@example.com", "555-0142", "555.0142", "744-5000", "ana ruiz", "ana  ruiz"]
PUBLIC_FIELD = {TITLE: "title", ORG: "organization", TYPE: "type_detail", DESCRIPTION: "description"}


@pytest.fixture(scope="module")
def normalizer():
    return Normalizer(load_config(DEFAULT_CONFIG))


def normalize_one(normalizer, **cells):
    row = response(**cells)
    return normalizer.table(SheetTable(headers=HEADERS, rows=[[row[h] for h in HEADERS]], origin="test"))[0]


@pytest.mark.parametrize("column, typed, shown", TYPED)
def test_each_public_field_loses_contacts_and_staff_are_told_which(normalizer, column, typed, shown):
    r = normalize_one(normalizer, **{column: typed})
    attribute = {"type_detail": "event_type_detail"}.get(PUBLIC_FIELD[column], PUBLIC_FIELD[column])
    assert getattr(r, attribute) == shown
    (warning,) = [x for x in r.reasons if x.code == "contact_removed"]
    assert warning.severity == "warning"
    assert warning.field == {"type_detail": "event_type"}.get(PUBLIC_FIELD[column], PUBLIC_FIELD[column])
    assert all(secret not in warning.message.casefold() for secret in SECRETS)


@pytest.mark.parametrize("text", [
    "Meet on 12/5/2026 from 6:30 to 8:00 pm at 1901 W Cermak Rd, 60608.",
    "Since 1998 we have welcomed 2,000 neighbours; room 1204.",
    "Ana's kitchen hosts the Ruiz family recipes.",  # parts of the name alone: anyone's
    "Zoom ID 812 3456 7890",
])
def test_prose_without_contacts_is_left_alone(normalizer, text):
    r = normalize_one(normalizer, **{DESCRIPTION: text})
    assert r.description == text
    assert not [x for x in r.reasons if x.code == "contact_removed"]


def test_a_short_single_name_is_not_removed_from_prose(normalizer):
    r = normalize_one(normalizer, **{"Your name": "Jo", DESCRIPTION: "Jo and friends read poems."})
    assert r.description == "Jo and friends read poems."
    r = normalize_one(normalizer, **{"Your name": "Marisol", DESCRIPTION: "Marisol reads poems."})
    assert r.description == f"{REMOVED} reads poems."


def test_anyone_s_phone_in_any_format_and_the_host_s_own_without_area_code():
    scrubber = ContactScrubber(region="US")
    assert scrubber.clean("call +1 (312) 744-5000 ext 12 or 1-800-555-1212") == f"call {REMOVED} or {REMOVED}"
    r = normalize_one(Normalizer(load_config(DEFAULT_CONFIG)), **{
        "Phone (optional, for staff only)": "+1 773 555 0142", DESCRIPTION: "text 7735550142 or 555 0142"})
    assert r.description == f"text {REMOVED} or {REMOVED}"


def read_public(folder: Path) -> dict[str, str]:
    """Every file under public/, links followed (it may lead into the current release)."""
    found = {}
    for root, _, names in os.walk(folder, followlinks=True):
        for name in names:
            found[name] = (Path(root) / name).read_text(encoding="utf-8", errors="replace")
    return found


def test_no_trace_in_any_public_file_and_staff_see_the_field(tmp_path):
    rows = [response(**{column: typed, **({} if column == TITLE else {TITLE: f"Activity {n}"})})
            for n, (column, typed, _) in enumerate(TYPED)]
    config = write_responses(tmp_path, rows)
    done = run_cli("sync", "--config", str(config), "--now", NOW)
    assert done.returncode == 0, done.stderr

    public = read_public(tmp_path / "output" / "public")
    assert {"index.html", "events.csv", "events.geojson"} <= set(public)
    for name, text in public.items():
        for secret in SECRETS:
            assert secret not in text.casefold(), (name, secret)
    events = json.loads(public["events.geojson"])["features"]
    assert len(events) == len(TYPED)  # a warning never changes a status
    shown = sorted(value for e in events for value in e["properties"].values() if isinstance(value, str)
                   and REMOVED in value)
    assert shown == sorted(expected for _, _, expected in TYPED)

    staff_file = tmp_path / "output" / "staff" / "responses.csv"
    staff = list(csv.DictReader(io.StringIO(staff_file.read_text(encoding="utf-8-sig"), newline="")))
    assert sorted(row["warnings"] for row in staff) == sorted(
        f"contact details removed from the {label}" for label in
        ["activity name", "activity name", "organization", "organization",
         "activity type (the “Other:” answer)", "description"])
