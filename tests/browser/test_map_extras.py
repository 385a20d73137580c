"""Two questions added to the bundled sample sheet and to the config, end to end, in a real browser.

Staff add "Who is it for?" (public, a choice, offered as a filter) and a staff-only notes question
to the form: the sheet gains two columns, the config two [[fields.extra]] entries, nothing else.
The public one must be in events.csv, events.geojson, the list, the popups and the filters; the
staff one in staff/responses.csv and nowhere public.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

import pytest

from tests.browser.pages import ROOT, published_page
from tests.browser.test_map_page import list_ids, settle, shown_count

pytestmark = pytest.mark.browser

WHO, NOTES = "Who is it for?", "Notes for our staff (not shown on the map)"
ANSWERS = ["Youth", "elders", "Everyone", ""]  # "elders": matched to the configured choice whatever its case
EXTRA = f'''
[[fields.extra]]
header = "{WHO}"
name = "audience"
label = "Who it is for"
label_es = "Para quién"
public = true
type = "choice"
filter = true
choices = ["Youth", "Elders", "Everyone"]

[[fields.extra]]
header = "{NOTES}"
name = "staff_notes"
label = "Notes for staff"
'''


def secret(i: int) -> str:
    return f"Gate code 44{i:02d}" if i % 3 == 0 else ""


def read_csv(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The bundled config and sample with the two questions added, through ``healing-map sync``."""
    folder = tmp_path_factory.mktemp("extras")
    shutil.copytree(ROOT / "config", folder / "config")
    sample = folder / "config" / "sample-responses.csv"
    rows = list(csv.reader(io.StringIO(sample.read_text(encoding="utf-8"), newline="")))
    rows[0] += [WHO, NOTES]
    for i, row in enumerate(rows[1:]):
        row += [ANSWERS[i % 4], secret(i)]
    with open(sample, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    toml = folder / "config" / "healing-map.toml"
    text = toml.read_text(encoding="utf-8")
    assert "\n[validation]" in text
    toml.write_text(text.replace("\n[validation]", EXTRA + "\n[validation]", 1), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "sync", "sync", "--config", str(toml),
                          "--now", "2026-11-20T09:00:00-06:00"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    if run.returncode != 0:
        pytest.fail(f"healing-map sync failed ({run.returncode}):\n{run.stderr}")
    return folder / "output"


def test_the_answers_reach_the_public_and_staff_files(published):
    events = read_csv(published / "public" / "events.csv")
    assert {e["audience"] for e in events} == {"Youth", "Elders", "Everyone", ""}
    geo = json.loads((published / "public" / "events.geojson").read_text(encoding="utf-8"))
    assert {f["id"]: f["properties"]["audience"] for f in geo["features"]} == {e["id"]: e["audience"] for e in events}
    staff = read_csv(published / "staff" / "responses.csv")
    assert [r["staff_notes"] for r in staff] == [secret(int(r["row_number"]) - 2) for r in staff]
    assert {r["audience"] for r in staff} == {"Youth", "Elders", "Everyone", ""}


def test_the_staff_question_is_nowhere_public(published):
    public = [p for p in (published / "public").rglob("*") if p.is_file()]
    assert len(public) >= 3
    for path in public:
        data = path.read_bytes()
        if path.suffix in (".gz", ".br"):  # the precompressed copies: what they hold, not how it is packed
            import brotli
            import gzip

            data = gzip.decompress(data) if path.suffix == ".gz" else brotli.decompress(data)
        for text in ("Gate code", "staff_notes", NOTES, "Notes for staff"):
            assert text.encode() not in data, (path.name, text)


def test_list_popup_and_filter_show_the_public_question(open_page, published):
    events = read_csv(published / "public" / "events.csv")
    audience = {e["id"]: e["audience"] for e in events}
    opened = open_page(published_page(published / "public"))
    page = opened.page
    page.get_by_role("radio", name="All").check()
    assert list_ids(page) == [e["id"] for e in events]
    # The list: one line on each card that has an answer.
    cards = page.eval_on_selector_all("#hm-list li.hm-item", """items => items.map(li => [li.dataset.id,
        (li.querySelector('.hm-extra[data-key=audience]') || {}).textContent || ''])""")
    assert cards == [[i, f"Who it is for: {a}" if a else ""] for i, a in audience.items()]
    assert "Gate code" not in page.content()
    # The filter: its label and the configured answers, in the form's order.
    select = page.get_by_label("Who it is for")
    assert select.locator("option").all_inner_texts() == ["Any answer", "Youth", "Elders", "Everyone"]
    select.select_option(label="Elders")
    elders = [i for i, a in audience.items() if a == "Elders"]
    assert 0 < len(elders) < len(events)
    page.wait_for_function("(n) => document.querySelector('#hm-count').textContent.startsWith(n + ' ')",
                           arg=len(elders))
    assert shown_count(page) == len(elders) and list_ids(page) == elders
    assert page.inner_text("#hm-filter-badge") == "2"  # "All" and the answer
    totals = settle(page, len(elders))
    assert totals["places"] + totals["clusters"] + totals["citywide"] + totals["sides"] == len(elders)
    # A popup (opened from a card's "Show on map") lists only Elders activities, each with its answer.
    page.locator("#hm-list li.hm-item .hm-show").first.click()
    popup = page.locator(".leaflet-popup .hm-popup")
    popup.wait_for(timeout=5_000)
    items = popup.locator(".hm-popup-item").count()
    assert items >= 1
    assert popup.locator(".hm-extra").all_inner_texts() == ["Who it is for: Elders"] * items
    page.keyboard.press("Escape")
    # In Spanish: the label and the answers' heading follow the page language.
    page.click("#hm-lang-switch")
    assert page.get_by_label("Para quién").locator("option").first.inner_text() == "Cualquier respuesta"
    assert page.get_by_label("Para quién").input_value() == "1"  # still filtering on Elders
    page.click("#hm-reset")
    assert page.get_by_label("Para quién").input_value() == ""
    assert opened.js_errors() == []


def test_a_share_link_carries_the_staff_question_filter(open_page, published):
    events = read_csv(published / "public" / "events.csv")
    elders = [e["id"] for e in events if e["audience"] == "Elders"]
    page = open_page(published_page(published / "public")).page
    page.get_by_role("radio", name="All").check()
    page.get_by_label("Who it is for").select_option(label="Elders")
    assert page.evaluate("location.hash") == "#when=all&audience=elders"
    # Opened by someone else: the filter is back, and only those activities are shown.
    opened = open_page(published_page(published / "public"), address="index.html#when=all&audience=Elders")
    again = opened.page
    assert again.get_by_label("Who it is for").input_value() == "1"
    assert list_ids(again) == elders and again.inner_text("#hm-filter-badge") == "2"
    # An answer the question does not offer is ignored, as any unknown value is.
    odd = open_page(published_page(published / "public"), address="index.html#when=all&audience=nobody").page
    assert odd.get_by_label("Who it is for").input_value() == "" and len(list_ids(odd)) == len(events)
    assert opened.js_errors() == []
