"""Stored decisions: what the state keeps for an unchanged row decodes to the very same response."""

import pickle
from datetime import datetime
from zoneinfo import ZoneInfo

from testing.synthetic import generate_responses
from sync.config import load_config
from sync.locate import build_locator, locate_responses
from sync.locate.geography import load_geography
from sync.normalize import Normalizer
from sync.records import Location, Precision, Reason, Response, RowCells, SheetTable
from sync.state import CODEC_COMPLETE, DecisionCodec, row_fingerprints
from sync.validate import validate_response
from tests.helpers import DEFAULT_CONFIG


def decided(n=1500, seed=11):
    config = load_config(DEFAULT_CONFIG)
    headers, rows = generate_responses(n, seed=seed)
    table = SheetTable(headers=headers, rows=rows, origin="test")
    normalizer = Normalizer(config)
    cells = normalizer.cells(table)
    responses = [normalizer.row(c, i + 2) for i, c in enumerate(cells)]
    for r in responses:
        validate_response(r, config)
    locate_responses(responses, build_locator(config, load_geography()))
    return config, normalizer, table, cells, responses


def test_codec_knows_every_field_of_a_response():
    assert CODEC_COMPLETE, "teach DecisionCodec the new Response/Reason/Location field (sync/state.py)"


def test_every_synthetic_response_round_trips_exactly():
    config, _, _, cells, responses = decided()
    codec = DecisionCodec(config.campaign.tz)
    for c, r in zip(cells, responses):
        blob = codec.encode(r)
        assert blob[:1] == b"M"
        back = codec.decode(blob, c, r.row_number)
        assert back == r
        assert [type(x) for x in (back.submitted_at, back.event_date, back.starts_at, back.languages)] == \
               [type(x) for x in (r.submitted_at, r.event_date, r.starts_at, r.languages)]
        assert back.reasons is not r.reasons


def test_decoded_rows_get_their_own_reason_lists():
    config, _, _, cells, responses = decided(50)
    codec = DecisionCodec(config.campaign.tz)
    blob = codec.encode(responses[0])
    one, two = codec.decode(blob, cells[0], 2), codec.decode(blob, cells[0], 3)
    one.add(Reason("superseded", "superseded", "held"))
    assert len(two.reasons) == len(one.reasons) - 1 and two.row_number == 3


def test_values_the_tuple_cannot_hold_fall_back_to_pickle():
    config = load_config(DEFAULT_CONFIG)
    codec = DecisionCodec(config.campaign.tz)
    r = Response(7, {"title": "Circle"}, title="Circle",
                 submitted_at=datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Europe/Warsaw")),
                 reasons=[Reason("x", "y")], location=Location(Precision.ZIP, 31, "Lower West Side", 41.85, -87.66))
    blob = codec.encode(r)
    assert blob[:1] == b"P"
    assert codec.decode(blob, {"title": "Circle"}, 9) == Response(**{**{f: getattr(r, f) for f in r.__slots__}, "row_number": 9})


def test_fingerprints_follow_the_answers_not_their_columns():
    _, normalizer, table, _, _ = decided(30)
    many = row_fingerprints("abc", normalizer.columns, table.rows)
    assert len(set(many)) == len(many) and all(len(fp) == 16 for fp in many)
    # the same answers in other columns of the sheet (staff moved a question): the same fingerprints
    order = list(reversed(range(len(table.headers))))
    moved = {name: order.index(column) for name, column in normalizer.columns.items()}
    assert row_fingerprints("abc", moved, [[row[i] for i in order] for row in table.rows]) == many
    # one changed answer changes that row's fingerprint only; another config changes them all
    changed = [list(row) for row in table.rows]
    changed[0][normalizer.columns["title"]] += "!"
    again = row_fingerprints("abc", normalizer.columns, changed)
    assert again[0] != many[0] and again[1:] == many[1:]
    assert not set(row_fingerprints("abd", normalizer.columns, table.rows)) & set(many)


def test_row_cells_behave_like_a_dict():
    row = RowCells({"title": 1, "zip": 0}, ["60608", "Circle"])
    assert row == {"zip": "60608", "title": "Circle"} and dict(row) == {"title": "Circle", "zip": "60608"}
    assert row["title"] == "Circle" and row.get("approved", "") == "" and "zip" in row and len(row) == 2
    assert pickle.loads(pickle.dumps(row)) == row
