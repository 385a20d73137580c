"""The reason catalogue is the one place a reason's words live: every code the sync emits is in it,
the staff files and the README cite it, and no other file writes a reason's title."""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

from sync.config import CANONICAL_FIELDS
from sync.reasons import CATALOGUE, markdown_table, staff_action, staff_title
from tests.helpers import NOW, ROOT, response, run_cli, write_responses

SYNC = ROOT / "sync"

#: Codes built from a field name, and the fields each is built from (a new pattern fails the test).
BUILT_CODES = {
    "missing_{}": CANONICAL_FIELDS,
    "{}_invalid": ("start_time", "end_time"),
    "{}_unclear": ("public_consent", "approved"),
}


def _pattern(node: ast.JoinedStr) -> str:
    return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)


def emitted_codes() -> set[str]:
    """Every reason code a module can emit: ``Reason(...)`` calls and the ``code`` of each LocateError."""
    codes: set[str] = set()
    patterns: set[str] = set()
    for path in sorted(SYNC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Reason":
                first = node.args[0] if node.args else None
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                if isinstance(first, ast.Constant):
                    codes.add(first.value)
                elif isinstance(first, ast.JoinedStr):
                    patterns.add(_pattern(first))
                elif isinstance(first, ast.Attribute) and first.attr == "code":
                    pass  # a LocateError's code, collected below
                elif isinstance(first, ast.Starred) and path.name == "state.py":
                    pass  # the state codec rebuilds stored reasons
                else:
                    raise AssertionError(f"{where}: a reason code the test cannot read: {ast.unparse(node)}")
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if (isinstance(item, ast.Assign) and [getattr(t, "id", "") for t in item.targets] == ["code"]
                            and isinstance(item.value, ast.Constant)):
                        codes.add(item.value.value)
    assert patterns == set(BUILT_CODES), f"new built codes: say which fields build them: {patterns}"
    for pattern, fields in BUILT_CODES.items():
        codes |= {pattern.format(field) for field in fields}
    return codes


def test_every_code_the_sync_can_emit_is_in_the_catalogue():
    codes = emitted_codes()
    assert {"link_not_http", "outside_city", "location_pending", "no_consent", "awaiting_approval",
            "not_approved", "superseded", "contact_removed", "missing_title", "end_time_invalid"} <= codes
    assert codes <= set(CATALOGUE), sorted(codes - set(CATALOGUE))


def test_every_entry_is_complete():
    for entry in CATALOGUE.values():
        assert entry.severity in ("rejected", "held", "warning"), entry.code
        assert entry.staff_title and entry.staff_action, entry.code
        assert all(entry.title[lang] and entry.host_action[lang] for lang in ("en", "es")), entry.code
        assert entry.title["en"] != entry.title["es"], entry.code


def test_the_readme_table_is_the_catalogue():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- reasons: [^\n]*-->\n(.*?)<!-- /reasons -->", readme, re.DOTALL)
    assert found, "README.md lost its reasons table markers"
    assert found[1] == markdown_table(), "README's reasons table is stale: paste `python -m sync.reasons` in"
    for code in CATALOGUE:
        if not code.startswith("missing_"):
            assert f"| `{code}` |" in found[1]


def _title_texts() -> dict[str, str]:
    """Each catalogue text long enough to be recognised, with the code it belongs to."""
    texts = {}
    for entry in CATALOGUE.values():
        for text in (entry.staff_title, *entry.title.values()):
            for piece in text.split("{row}"):
                piece = piece.strip(" ()")
                if len(piece) >= 20:
                    texts[piece] = entry.code
    return texts


def test_no_other_file_writes_a_reason_title():
    texts = _title_texts()
    assert len(texts) > 50
    for path in sorted(SYNC.rglob("*")):
        if not path.is_file() or path.suffix not in (".py", ".html", ".txt", ".js", ".css") or path.name == "reasons.py":
            continue
        content = path.read_text(encoding="utf-8")
        for text, code in texts.items():
            assert text not in content, f"{path.relative_to(ROOT)} writes the title of {code}: cite sync/reasons.py"


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_the_staff_files_cite_the_catalogue(tmp_path):
    rows = [
        response(),
        response(**{"Name of your activity": "Bad link", "Link to join or register": "javascript:alert(1)",
                    "Date of the activity": "13/45/2026"}),
        response(**{"Name of your activity": "Not for the map",
                    "May we show this activity on the public healing map?": "No"}),
        response(**{"Name of your activity": "Loose link", "Link to join or register": "zoom.us/j/1"}),
    ]
    config = write_responses(tmp_path, rows)
    result = run_cli("sync", "--config", str(config), "--now", NOW)
    assert result.returncode == 0, result.stderr
    staff = {r["title"]: r for r in read_csv(tmp_path / "output" / "staff" / "responses.csv")}
    bad = staff["Bad link"]
    assert bad["status"] == "rejected"
    assert bad["reason_codes"].split() == ["date_invalid", "link_not_http"]
    assert bad["reason_titles"] == f"{staff_title('date_invalid')}; {staff_title('link_not_http')}"
    assert bad["reasons"] == "date '13/45/2026' is not a date; link is not an http(s) address: 'javascript:alert(1)'"
    held = staff["Not for the map"]
    assert (held["status"], held["reason_codes"], held["reason_titles"]) == (
        "held", "no_consent", staff_title("no_consent"))
    loose = staff["Loose link"]
    assert (loose["status"], loose["reason_codes"], loose["warning_codes"]) == ("published", "", "link_scheme_added")
    assert staff["Healing circle in Pilsen"]["reason_titles"] == ""
    [rejected] = read_csv(tmp_path / "output" / "staff" / "rejected.csv")
    assert (rejected["title"], rejected["reason_codes"], rejected["reason_titles"]) == (
        "Bad link", bad["reason_codes"], bad["reason_titles"])
    assert rejected["staff_actions"] == f"{staff_action('date_invalid')} {staff_action('link_not_http')}"
