import csv

import pytest

from sync.config import load_config
from sync.normalize import Normalizer
from sync.records import SheetTable, Status
from sync.validate import mark_superseded, validate_response
from tests.helpers import DEFAULT_CONFIG, HEADERS, response


def validate(responses, config):
    """What the pipeline runs: every rule on every response, then repeats marked across them."""
    for r in responses:
        validate_response(r, config)
    mark_superseded(responses)


def decide(rows, config=None):
    config = config or load_config(DEFAULT_CONFIG)
    table = SheetTable(headers=HEADERS, rows=[[row[h] for h in HEADERS] for row in rows], origin="test")
    responses = Normalizer(config).table(table)
    validate(responses, config)
    for r in responses:
        r.decide_status()
    return responses


def codes(r):
    return {x.code for x in r.blocking_reasons}


def test_valid_response_has_no_reasons():
    (r,) = decide([response()])
    assert r.status is Status.PUBLISHED and r.reasons == []


def test_every_missing_required_field_is_a_reason():
    (r,) = decide([response(**{"Name of your activity": "", "Link to join or register": " ",
                               "Date of the activity": "", "Start time": ""})])
    assert r.status is Status.REJECTED
    assert {"missing_title", "missing_link", "missing_event_date", "missing_start_time"} <= codes(r)


def test_date_outside_campaign_and_end_before_start():
    (early, backwards) = decide([
        response(**{"Date of the activity": "3/1/2027"}),
        response(**{"End time": "5:00:00 PM", "Name of your activity": "Other"}),
    ])
    assert codes(early) == {"date_outside_campaign"}
    assert "outside the campaign (11/02/2026 to 01/17/2027)" in early.reasons[0].message
    assert codes(backwards) == {"end_before_start"}


def test_consent_no_and_blank_are_held():
    no, blank = decide([
        response(**{"May we show this activity on the public healing map?": "No"}),
        response(**{"May we show this activity on the public healing map?": "", "Name of your activity": "B"}),
    ])
    assert (no.status, codes(no)) == (Status.HELD, {"no_consent"})
    assert (blank.status, codes(blank)) == (Status.HELD, {"consent_unanswered"})


def test_rejection_wins_over_hold_and_keeps_every_reason():
    (r,) = decide([response(**{"May we show this activity on the public healing map?": "No",
                               "Link to join or register": "javascript:alert(1)", "Name of your activity": ""})])
    assert r.status is Status.REJECTED
    assert {"no_consent", "link_not_http", "missing_title"} <= {x.code for x in r.reasons}


def test_latest_repeat_submission_wins():
    first, other, second = decide([
        response(**{"Timestamp": "11/20/2026 10:00:00"}),
        response(**{"Timestamp": "11/20/2026 11:00:00", "Name of your activity": "Different"}),
        response(**{"Timestamp": "11/21/2026 09:00:00", "Name of your activity": "healing  circle in PILSEN",
                    "Email Address": "ANA.RUIZ@example.org"}),
    ])
    assert first.status is Status.HELD and codes(first) == {"superseded"}
    assert "row 4" in first.reasons[0].message
    assert other.status is Status.PUBLISHED and second.status is Status.PUBLISHED


def test_long_title_rejected_long_description_shortened():
    title, description = decide([
        response(**{"Name of your activity": "x" * 151}),
        response(**{"Describe your activity": "y" * 8000, "Name of your activity": "B"}),
    ])
    assert codes(title) == {"title_too_long"}
    assert description.status is Status.PUBLISHED
    assert len(description.description) == 5000
    assert description.warnings[0].code == "description_shortened"


@pytest.mark.parametrize("approved, status, code", [("Yes", Status.PUBLISHED, None), ("", Status.HELD, "awaiting_approval"),
                                                   ("No", Status.HELD, "not_approved")])
def test_moderation(approved, status, code):
    config = load_config(DEFAULT_CONFIG)
    config = config.model_copy(update={"campaign": config.campaign.model_copy(update={"moderation": True})})
    table = SheetTable(headers=HEADERS + ["Approved"], rows=[[response()[h] for h in HEADERS] + [approved]], origin="t")
    (r,) = Normalizer(config).table(table)
    validate([r], config)
    assert r.decide_status() is status
    assert codes(r) == ({code} if code else set())


# --- repeats: the latest publishable submission wins ------------------------------------------

FIRST = {"Timestamp": "11/20/2026 10:00:00"}
LATER = {"Timestamp": "11/21/2026 09:00:00"}


def test_a_rejected_fix_attempt_leaves_the_earlier_submission_published():
    earlier, later = decide([response(**FIRST), response(**LATER, **{"Link to join or register": "javascript:x"})])
    assert earlier.status is Status.PUBLISHED and earlier.reasons == []
    assert later.status is Status.REJECTED and codes(later) == {"link_not_http"}
    assert [(x.code, x.severity, x.message) for x in later.warnings] == [
        ("earlier_published", "warning", "the earlier submission in row 2 stays published while this one is not publishable")]


def test_the_latest_publishable_of_three_wins_and_a_later_rejected_one_does_not():
    first, second, third = decide([
        response(**FIRST), response(**{"Timestamp": "11/20/2026 12:00:00", "Describe your activity": "Fixed."}),
        response(**LATER, **{"Start time": "whenever"}),
    ])
    assert (first.status, codes(first)) == (Status.HELD, {"superseded"})
    assert first.reasons[0].message == "superseded by a later submission in row 3"
    assert second.status is Status.PUBLISHED
    assert (third.status, codes(third)) == (Status.REJECTED, {"start_time_invalid"})
    assert "row 3 stays published" in third.warnings[0].message


def test_a_later_submission_awaiting_approval_does_not_take_the_earlier_off_the_map():
    config = load_config(DEFAULT_CONFIG)
    config = config.model_copy(update={"campaign": config.campaign.model_copy(update={"moderation": True})})
    rows = [[*(response(**FIRST)[h] for h in HEADERS), "Yes"], [*(response(**LATER)[h] for h in HEADERS), ""]]
    responses = Normalizer(config).table(SheetTable(headers=HEADERS + ["Approved"], rows=rows, origin="t"))
    validate(responses, config)
    earlier, later = (r.decide_status() for r in responses)
    assert (earlier, later) == (Status.PUBLISHED, Status.HELD)
    assert codes(responses[1]) == {"awaiting_approval"}


def test_a_later_no_to_the_public_map_withdraws_the_earlier_consent():
    earlier, later = decide([response(**FIRST),
                             response(**LATER, **{"May we show this activity on the public healing map?": "No"})])
    assert (earlier.status, codes(earlier)) == (Status.HELD, {"consent_withdrawn"})
    assert earlier.reasons[0].message == "a later submission in row 3 answered No to the public map"
    assert (later.status, codes(later)) == (Status.HELD, {"no_consent"})


def test_when_no_submission_is_publishable_each_keeps_its_own_reasons():
    earlier, later = decide([response(**FIRST, **{"Start time": "soon"}),
                             response(**LATER, **{"Link to join or register": "javascript:x"})])
    assert (codes(earlier), codes(later)) == ({"start_time_invalid"}, {"link_not_http"})
    assert earlier.warnings == later.warnings == []


def test_staff_see_both_submissions_and_the_map_shows_the_earlier(tmp_path):
    from tests.helpers import NOW, run_cli, write_responses

    fix = {"Describe your activity": "Now with music.", "Link to join or register": "zoom meeting 123"}
    config = write_responses(tmp_path, [response(**FIRST), response(**LATER, **fix)])
    done = run_cli("sync", "--config", str(config), "--now", NOW)
    assert done.returncode == 0, done.stderr
    assert "1 published, 0 held, 1 rejected" in done.stdout

    def rows(path):
        with open(path, newline="", encoding="utf-8-sig") as fh:
            return list(csv.DictReader(fh))

    staff = rows(tmp_path / "output" / "staff" / "responses.csv")
    assert sorted((row["row_number"], row["status"]) for row in staff) == [("2", "published"), ("3", "rejected")]
    (event,) = rows(tmp_path / "output" / "public" / "events.csv")
    assert event["description"] == "We gather to listen."
