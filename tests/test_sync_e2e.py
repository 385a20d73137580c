"""The CLI end to end, as cron runs it: a subprocess on a temporary copy of the config."""

import csv
import gzip
import io
import json
import re

import brotli
import pytest

from tests.helpers import NOW, ROOT, csv_text, response, run_cli, snapshot, write_config, write_responses

SAMPLE = ROOT / "config" / "sample-responses.csv"

#: Hand-labelled rows: (cells, expected status, expected reason codes).
LABELLED = [
    ({}, "published", set()),
    ({"Which community area or neighborhood is it rooted in?": "Little Village", "Name of your activity": "Circle 2"},
     "published", set()),
    ({"Which community area or neighborhood is it rooted in?": "Englwood", "Name of your activity": "Circle 3"},
     "published", set()),
    ({"Which community area or neighborhood is it rooted in?": "citywide", "Name of your activity": "Citywide talk"},
     "published", set()),
    ({"Which community area or neighborhood is it rooted in?": "60623", "Name of your activity": "By ZIP"},
     "published", set()),
    ({"May we show this activity on the public healing map?": "No", "Name of your activity": "Private"},
     "held", {"no_consent"}),
    ({"Link to join or register": "javascript:alert(1)", "Name of your activity": "Bad link"},
     "rejected", {"link_not_http"}),
    ({"Which community area or neighborhood is it rooted in?": "Evanston", "Name of your activity": "Suburb"},
     "rejected", {"outside_city"}),
    ({"Which community area or neighborhood is it rooted in?": "1901 W Cermak Rd", "Name of your activity": "Address"},
     "rejected", {"needs_geocoder"}),
    ({"Date of the activity": "3/1/2027", "Name of your activity": "Too late", "Start time": "7pm",
      "End time": "6pm"}, "rejected", {"date_outside_campaign", "end_before_start"}),
    ({"Name of your activity": "", "Which community area or neighborhood is it rooted in?": "zzzz"},
     "rejected", {"missing_title", "location_not_found"}),
]


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} has no BOM"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """One sync of the bundled sample responses."""
    folder = tmp_path_factory.mktemp("sample")
    config = write_config(folder, source={"kind": "file", "path": str(SAMPLE)})
    result = run_cli("sync", "--config", str(config), "--now", NOW, "--verbose")
    assert result.returncode == 0, result.stderr
    return folder / "output", result


def test_sample_run_writes_every_output(sample_run):
    out, result = sample_run
    for name in ("public/index.html", "public/events.csv", "public/events.geojson", "staff/responses.csv",
                 "staff/rejected.csv", "staff/report.json", "staff/index.html"):
        assert (out / name).stat().st_size > 0, name
    assert "published" in result.stdout and "Top rejection reasons:" in result.stdout
    assert str(out / "public" / "index.html") in result.stdout


def test_accounting_invariant(sample_run):
    out, _ = sample_run
    report = json.loads((out / "staff" / "report.json").read_text())
    counts = report["counts"]
    sample_rows = list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8"), newline="")))[1:]
    assert counts["read"] == len(sample_rows) >= 300
    assert counts["published"] + counts["held"] + counts["rejected"] == counts["read"]
    responses = read_csv(out / "staff" / "responses.csv")
    assert len(responses) == counts["read"]
    assert {r["status"] for r in responses} <= {"published", "held", "rejected"}
    assert sum(r["status"] == "published" for r in responses) == counts["published"] == len(read_csv(out / "public" / "events.csv"))
    assert sum(r["status"] == "rejected" for r in responses) == counts["rejected"] == len(read_csv(out / "staff" / "rejected.csv"))
    assert all(r["reasons"] for r in responses if r["status"] != "published")
    assert len(json.loads((out / "public" / "events.geojson").read_text())["features"]) == counts["published"]
    assert counts["published"] > 0 and counts["held"] > 0 and counts["rejected"] > 0


def test_no_contact_details_in_public_files(sample_run):
    out, _ = sample_run
    sample = list(csv.DictReader(io.StringIO(SAMPLE.read_text(encoding="utf-8"), newline="")))
    emails = {r["Email Address"].strip() for r in sample if r["Email Address"].strip()}
    phones = {r["Phone (optional, for staff only)"].strip() for r in sample if r["Phone (optional, for staff only)"].strip()}
    names = {r["Your name"].strip() for r in sample if len(r["Your name"].strip()) > 4}
    digits = {re.sub(r"\D", "", p)[-7:] for p in phones if len(re.sub(r"\D", "", p)) >= 7}
    for path in (p for p in (out / "public").rglob("*") if p.is_file()):  # the calendar feeds too
        if path.suffix == ".png":  # the link-preview image: the coverage map and the campaign's title, drawn
            continue
        data = path.read_bytes()
        # the precompressed siblings (index.html.gz, index.html.br) are read as what they hold
        unpack = {".gz": gzip.decompress, ".br": brotli.decompress}.get(path.suffix)
        data = unpack(data) if unpack else data
        text = data.decode("utf-8").replace("\r\n", "\n").casefold()
        if path.name.removesuffix(".gz").removesuffix(".br").endswith(".ics"):  # long calendar lines unfolded
            text = text.replace("\n ", "")
        for email in emails:
            assert email.casefold() not in text, f"{email} in {path.name}"
        for name in names:
            assert name.casefold() not in text, f"{name} in {path.name}"
        squashed = re.sub(r"\D", "", text)
        for tail in digits:
            assert tail not in squashed or tail.isdigit() and _only_inside_numbers(tail, text), f"phone {tail} in {path.name}"
    staff = (out / "staff" / "responses.csv").read_text(encoding="utf-8-sig").casefold()
    assert all(email.casefold() in staff for email in list(emails)[:20])


def _only_inside_numbers(tail, text):
    """A phone's digits may appear inside coordinates or ids by chance; never as a phone-like run."""
    return not re.search(rf"(?<![\d.]){tail[:3]}\D?{tail[3:]}(?!\d)", text)


def test_hand_labelled_rows(tmp_path):
    rows = [response(**cells) for cells, _, _ in LABELLED]
    config = write_responses(tmp_path, rows)
    result = run_cli("sync", "--config", str(config), "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        f"healing-map sync ok: {len(rows)} read, 5 published, 1 held, 5 rejected in ")
    staff = read_csv(tmp_path / "output" / "staff" / "responses.csv")
    for row, (cells, status, reasons) in zip(staff, LABELLED):
        assert row["status"] == status, (cells, row["reasons"])
        report_codes = {r["reason_codes"] for r in read_csv(tmp_path / "output" / "staff" / "rejected.csv")
                        if r["row_number"] == row["row_number"]}
        if status == "rejected":
            assert set(report_codes.pop().split()) == reasons
    rejected = read_csv(tmp_path / "output" / "staff" / "rejected.csv")
    assert [int(r["row_number"]) for r in rejected] == [8, 9, 10, 11, 12]
    assert "ZIP" not in staff[0]["precision"] and staff[4]["precision"] == "zip"
    events = read_csv(tmp_path / "output" / "public" / "events.csv")
    citywide = [e for e in events if e["title"] == "Citywide talk"][0]
    assert citywide["precision"] == "citywide" and citywide["lat"] == "" and citywide["community_area"] == ""


def test_injected_markup_is_inert_in_the_map_page(tmp_path):
    payloads = "<script>alert('x')</script> ${alert(1)} `whoami` </script><img src=x onerror=alert(2)>"
    rows = [response(**{"Name of your activity": f"Title {payloads}", "Describe your activity": f"Desc {payloads}",
                        "Organization or group (optional)": f"Org {payloads}"})]
    config = write_responses(tmp_path, rows)
    assert run_cli("sync", "--config", str(config), "--now", NOW).returncode == 0
    page = (tmp_path / "output" / "public" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert('x')</script>" not in page
    assert "<img src=x onerror" not in page
    assert "</script><img" not in page
    assert "Title" in page
    staff_page = (tmp_path / "output" / "staff" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in staff_page


def test_formulas_neutralized_in_every_csv(tmp_path):
    formula = '=HYPERLINK("http://evil.example","click")'
    rows = [
        response(**{"Name of your activity": formula, "Organization or group (optional)": "@SUM(A1)",
                    "Describe your activity": "-2+3"}),
        response(**{"Name of your activity": "+1 rejected", "Link to join or register": "javascript:x"}),
    ]
    config = write_responses(tmp_path, rows)
    assert run_cli("sync", "--config", str(config), "--now", NOW).returncode == 0
    out = tmp_path / "output"
    for path in (out / "public" / "events.csv", out / "staff" / "responses.csv", out / "staff" / "rejected.csv"):
        for row in read_csv(path):
            for key, value in row.items():
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")) or key in ("lat", "lon"), (path.name, key, value)
    events = read_csv(out / "public" / "events.csv")
    assert events[0]["title"] == "'" + formula and events[0]["organization"] == "'@SUM(A1)"


def test_dry_run_writes_nothing(tmp_path):
    config = write_responses(tmp_path, [response()])
    result = run_cli("sync", "--config", str(config), "--now", NOW, "--dry-run")
    assert result.returncode == 0 and "dry run, nothing written" in result.stdout
    assert not (tmp_path / "output").exists()


BAD_INPUTS = {
    "empty": (b"", "the sheet is empty"),
    "renamed header": (csv_text([response()]).replace("Start time", "When does it start?", 1).encode(),
                       "header(s) missing from the sheet: 'Start time'; the sheet has unmapped header(s): 'When does it start?'"),
    "duplicated header": (csv_text([response()]).replace("End time", "Start time", 1).encode(),
                          "duplicated header(s): 'Start time'"),
    "50,001-character cell": (csv_text([response(**{"Describe your activity": "x" * 50_001})]).encode(),
                              "over the 50,000 a Google Sheet allows"),
    "not a CSV": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a CSV file"),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_exit_3_and_outputs_untouched(tmp_path, case):
    config = write_responses(tmp_path, [response()])
    assert run_cli("sync", "--config", str(config), "--now", NOW).returncode == 0
    before = snapshot(tmp_path / "output")
    content, message = BAD_INPUTS[case]
    (tmp_path / "responses.csv").write_bytes(content)
    result = run_cli("sync", "--config", str(config), "--now", NOW)
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(tmp_path / "output") == before
