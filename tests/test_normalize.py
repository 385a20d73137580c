from datetime import date, time

import pytest

from sync.config import FieldsConfig, load_config
from sync.errors import HeaderMismatch
from sync.normalize import (
    Normalizer, clean_text, map_headers, normalize_link, parse_date, parse_time, parse_timestamp,
)
from sync.records import SheetTable
from tests.helpers import DEFAULT_CONFIG, HEADERS, VALID, response


@pytest.fixture(scope="module")
def normalizer():
    return Normalizer(load_config(DEFAULT_CONFIG))


def normalize_one(normalizer, **cells):
    row = response(**cells)
    table = SheetTable(headers=HEADERS, rows=[[row[h] for h in HEADERS]], origin="test")
    return normalizer.table(table)[0]


@pytest.mark.parametrize("text, expected", [
    ("6:30:00 PM", time(18, 30)), ("6:30 pm", time(18, 30)), ("6pm", time(18)), ("12:00:00 AM", time(0)),
    ("12:15 PM", time(12, 15)), ("18:30", time(18, 30)), ("18:30:00", time(18, 30)),
    ("6", None), ("25:00", None), ("13:00 PM", None), ("evening", None), ("", None),
    # Sheets and Excel may write a no-break or narrow no-break space before AM/PM.
    ("6:30\u202fPM", time(18, 30)), ("6:30\xa0pm", time(18, 30)),
])
def test_parse_time(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text, order, expected", [
    ("12/5/2026", "MDY", date(2026, 12, 5)), ("12/5/2026", "DMY", date(2026, 5, 12)),
    ("2026-12-05", "MDY", date(2026, 12, 5)), ("12/5/26", "MDY", date(2026, 12, 5)),
    ("2/30/2026", "MDY", None), ("next friday", "MDY", None),
])
def test_parse_date(text, order, expected):
    assert parse_date(text, order) == expected


def test_timestamp_is_aware_in_campaign_zone():
    stamp = parse_timestamp("11/24/2026 14:03:27", "MDY", "America/Chicago")
    assert stamp.isoformat() == "2026-11-24T14:03:27-06:00"


@pytest.mark.parametrize("text, link, code", [
    ("https://zoom.us/j/1", "https://zoom.us/j/1", None),
    ("zoom.us/j/123", "https://zoom.us/j/123", "link_scheme_added"),
    ("www.example.org/event", "https://www.example.org/event", "link_scheme_added"),
    ("javascript:alert(1)", "", "link_not_http"),
    ("JavaScript:alert(1)", "", "link_not_http"),
    ("data:text/html,<script>alert(1)</script>", "", "link_not_http"),
    ("ftp://files.example.org", "", "link_not_http"),
    ("https://", "", "link_invalid"),
])
def test_links_http_only(text, link, code):
    result, reason = normalize_link(text)
    assert result == link
    assert (reason.code if reason else None) == code


def test_clean_text_trims_and_nfc():
    decomposed = "Jose\u0301  Pe\u0301rez "
    assert clean_text(decomposed) == "José Pérez"
    assert clean_text("line 1\r\n\r\n\r\n\r\nline\x07 2", multiline=True) == "line 1\n\nline 2"


def test_headers_match_after_trim_and_casefold():
    headers = [f"  {h.upper()} " for h in HEADERS]
    columns = map_headers(headers, FieldsConfig())
    assert columns["title"] == HEADERS.index("Name of your activity")
    assert "approved" not in columns


def test_renamed_header_names_missing_and_unknown():
    headers = [h if h != "Start time" else "What time does it start?" for h in HEADERS]
    with pytest.raises(HeaderMismatch) as info:
        map_headers(headers, FieldsConfig())
    assert info.value.missing == ("Start time",)
    assert info.value.unknown == ("What time does it start?",)
    assert "'Start time'" in str(info.value) and "'What time does it start?'" in str(info.value)


def test_duplicated_header_is_an_error():
    with pytest.raises(HeaderMismatch, match="duplicated header.*'Languages'"):
        map_headers(HEADERS + ["languages"], FieldsConfig())


def test_zip_stays_text_and_fields_parse(normalizer):
    r = normalize_one(normalizer, **{"ZIP code (optional)": "02134"})
    assert r.zip == "02134"
    assert r.starts_at.isoformat() == "2026-12-05T18:30:00-06:00"
    assert r.ends_at.isoformat() == "2026-12-05T20:00:00-06:00"
    assert r.languages == ("English", "Spanish")
    assert r.contact_phone == "+1 773-555-0142"
    assert r.public_consent is True and r.approved is None
    assert r.reasons == []


def test_other_activity_types(normalizer):
    assert normalize_one(normalizer, **{"What type of activity is it?": "Other: drum circle"}).event_type_detail == "drum circle"
    r = normalize_one(normalizer, **{"What type of activity is it?": "Poetry night"})
    assert (r.event_type, r.event_type_detail) == ("Other", "Poetry night")
    assert normalize_one(normalizer, **{"What type of activity is it?": "healing circles"}).event_type == "Healing circle"


def test_bad_cells_become_reasons_not_exceptions(normalizer):
    r = normalize_one(normalizer, **{"Date of the activity": "soon", "Start time": "evening",
                                     "Email Address": "maria at gmail", "Phone (optional, for staff only)": "call me"})
    codes = {(x.code, x.severity) for x in r.reasons}
    assert ("date_invalid", "rejected") in codes
    assert ("start_time_invalid", "rejected") in codes
    assert ("email_invalid", "warning") in codes
    assert ("phone_invalid", "warning") in codes
    assert r.event_date is None and r.starts_at is None


def test_email_normalized(normalizer):
    assert normalize_one(normalizer, **{"Email Address": " Ana.Ruiz@EXAMPLE.org "}).contact_email == "Ana.Ruiz@example.org"


def test_valid_fixture_matches_headers():
    assert set(VALID) == set(HEADERS)
