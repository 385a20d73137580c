"""Staff add questions to the form by config alone ([[fields.extra]]): one field table drives every output."""

import csv
import dataclasses
import io
import json
import re

import pytest

from sync.config import ConfigError, load_config
from sync.fields import EVENT_VIEW, FIELDS, QUESTIONS, REJECTED_VIEW, STAFF_VIEW
from sync.normalize import Normalizer
from sync.publish.exports import PUBLIC_COLUMNS, REJECTED_COLUMNS, STAFF_CELLS, STAFF_COLUMNS
from sync.publish.map_page import WIRE_KEYS
from sync.records import Response, SheetTable
from tests.browser.pages import page_data as published_data
from tests.browser.pages import published_page
from tests.helpers import HEADERS, NOW, csv_text, response, run_cli, snapshot, write_config

WHO = "Who is it for?"
NOTES = "Anything our staff should know? (not shown on the map)"
ACCESS = "Accessibility"
#: Two questions added mid-campaign: one public choice offered as a filter, one for staff only.
EXTRA = [
    {"header": WHO, "name": "audience", "label": "Who it is for", "label_es": "Para quién", "public": True,
     "type": "choice", "filter": True, "choices": ["Youth", "Elders", "Everyone"]},
    {"header": NOTES, "name": "staff_notes", "label": "Notes for staff"},
]
SECRET = "Side door code 4471"


def rows() -> list[dict]:
    return [
        response(**{"Name of your activity": "Youth circle", WHO: "youth", NOTES: SECRET}),
        response(**{"Name of your activity": "Elders tea", WHO: "Elders", "Date of the activity": "12/6/2026"}),
        response(**{"Name of your activity": "Open talk", WHO: "Families with kids",
                    "Date of the activity": "12/7/2026"}),
        response(**{"Name of your activity": "Unanswered", "Date of the activity": "12/8/2026"}),
    ]


def setup(folder, extra=EXTRA, headers=HEADERS + [WHO, NOTES], data=None):
    path = folder / "responses.csv"
    path.write_text(csv_text(data or rows(), headers), encoding="utf-8")
    return write_config(folder, source={"kind": "file", "path": str(path)}, fields={"extra": extra})


def sync(config, now=NOW):
    result = run_cli("sync", "--config", str(config), "--now", now)
    assert result.returncode == 0, result.stderr
    return config.parent / "output"


def read_csv(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def page_data(out) -> dict:
    return published_data(published_page(out / "public"))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("extras")
    return sync(setup(folder))


def test_public_choice_reaches_every_public_output(run):
    events = {e["title"]: e for e in read_csv(run / "public" / "events.csv")}
    assert list(events["Youth circle"])[-1] == "audience"  # after the built-in columns, which keep their places
    # answers matched to the configured choices whatever their case; others kept as typed
    assert [events[t]["audience"] for t in ("Youth circle", "Elders tea", "Open talk", "Unanswered")] == \
        ["Youth", "Elders", "Families with kids", ""]
    features = json.loads((run / "public" / "events.geojson").read_text(encoding="utf-8"))["features"]
    assert {f["properties"]["title"]: f["properties"]["audience"] for f in features}["Youth circle"] == "Youth"


def test_public_choice_is_on_the_page_with_its_filter(run):
    data = page_data(run)
    [extra] = data["extras"]
    assert extra == {"key": "audience", "labels": {"en": "Who it is for", "es": "Para quién"}, "type": "choice",
                     "filter": True, "choices": ["Youth", "Elders", "Everyone", "Families with kids"]}
    titles = data["ev"][data["keys"]["title"]]
    column = data["ev"]["q"][0]
    assert {t: column[i] for i, t in enumerate(titles)} == {
        "Youth circle": 0, "Elders tea": 1, "Open talk": 3, "Unanswered": -1}


def test_staff_question_is_only_in_staff_files(run):
    staff = {r["title"]: r for r in read_csv(run / "staff" / "responses.csv")}
    assert list(staff["Youth circle"])[-2:] == ["audience", "staff_notes"]
    assert staff["Youth circle"]["staff_notes"] == SECRET and staff["Youth circle"]["audience"] == "Youth"
    for name, content in snapshot(run / "public").items():
        assert SECRET.encode() not in content and b"staff_notes" not in content, name
        assert NOTES.encode() not in content and b"Notes for staff" not in content, name


def test_adding_renaming_and_removing_a_question_keeps_every_stored_decision(tmp_path):
    out = sync(setup(tmp_path, extra=[]))
    first = json.loads((out / "staff" / "report.json").read_text())
    assert first["unchanged_responses_reused"] == 0
    for extra in (EXTRA, [{**EXTRA[0], "header": "Who is this activity for?"}, EXTRA[1]], []):
        headers = HEADERS + [extra[0]["header"] if extra else WHO, NOTES]
        data = [{(extra[0]["header"] if extra and k == WHO else k): v for k, v in row.items()} for row in rows()]
        out = sync(setup(tmp_path, extra=extra, headers=headers, data=data), now="2026-11-26T12:00:00-06:00")
        report = json.loads((out / "staff" / "report.json").read_text())
        assert report["unchanged_responses_reused"] == report["counts"]["read"] == 4, extra
        columns = list(read_csv(out / "public" / "events.csv")[0])
        assert ("audience" in columns) == bool(extra)


def test_a_question_missing_from_the_sheet_is_a_clear_error(tmp_path):
    result = run_cli("sync", "--config", str(setup(tmp_path, headers=HEADERS + [NOTES])), "--now", NOW)
    assert result.returncode == 3 and repr(WHO) in result.stderr


def test_contact_details_typed_into_a_public_answer_are_removed(tmp_path):
    extra = [{"header": ACCESS, "public": True}]
    data = [response(**{ACCESS: "Captions. Ask Ana Ruiz at 773-555-0142 or ana@example.org"})]
    out = sync(setup(tmp_path, extra=extra, headers=HEADERS + [ACCESS], data=data))
    [event] = read_csv(out / "public" / "events.csv")
    assert event["accessibility"] == "Captions. Ask [contact removed] at [contact removed] or [contact removed]"
    [row] = read_csv(out / "staff" / "responses.csv")
    assert "contact_removed" in row["warning_codes"].split() and "Accessibility" in row["warnings"]


@pytest.mark.parametrize("kind, cell, expected", [
    ("multi-choice", "Captions, ASL interpreter, Ramp", ("Captions, ASL interpreter", "Ramp")),
    ("multi-choice", "ramp, Quiet room", ("Ramp", "Quiet room")),
    ("multi-choice", "", ()),
    ("choice", "  RAMP ", "Ramp"),
    ("yes-no", "Sí", "yes"),
    ("yes-no", "Maybe", "Maybe"),
    ("text", "Line one\r\nline two", "Line one\nline two"),
])
def test_answers_by_type(tmp_path, kind, cell, expected):
    choices = ["Captions, ASL interpreter", "Ramp"] if "choice" in kind else []
    config = load_config(setup(tmp_path, extra=[{"header": ACCESS, "type": kind, "choices": choices}],
                               headers=HEADERS + [ACCESS], data=[response()]))
    row = response(**{ACCESS: cell})
    table = SheetTable(headers=HEADERS + [ACCESS], rows=[[row.get(h, "") for h in HEADERS + [ACCESS]]], origin="t")
    [r] = Normalizer(config).table(table)
    assert r.extras == {"accessibility": expected}


@pytest.mark.parametrize("extra, message", [
    ({"header": "Notes", "filter": True}, "only a public choice"),
    ({"header": "Languages"}, "has the header of languages"),
    ({"header": "Notes", "name": "title"}, "the name 'title' is taken"),
    ({"header": "Notes", "colour": "red"}, "unknown key 'fields.extra.0.colour'"),
    ({"header": "Notes", "type": "date"}, "fields.extra.0.type"),
])
def test_bad_extra_questions_are_one_line_naming_the_key(tmp_path, extra, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(setup(tmp_path, extra=[extra]))


def test_the_table_drives_every_column_and_key():
    # Each view's columns are its fields' CSV names, each written by name; no staff field in a public view.
    assert PUBLIC_COLUMNS == tuple(FIELDS[n].csv for n in EVENT_VIEW)
    assert STAFF_COLUMNS == tuple(FIELDS[n].csv for n in STAFF_VIEW)
    assert REJECTED_COLUMNS == tuple(FIELDS[n].csv for n in REJECTED_VIEW)
    assert set(STAFF_VIEW) | set(REJECTED_VIEW) <= set(STAFF_CELLS)
    assert all(FIELDS[n].role == "public" for n in EVENT_VIEW)
    assert not {f.name for f in QUESTIONS if f.contact} & set(EVENT_VIEW)
    assert WIRE_KEYS["title"] == "t" and WIRE_KEYS["link"] == ["h", "u"]
    # Every Response attribute a question fills exists.
    attributes = {f.name for f in dataclasses.fields(Response)}
    assert {f.attribute for f in QUESTIONS} <= attributes
