"""One page style: the staff pages come from Jinja2 templates with autoescape; no markup in their Python."""

import ast
import doctest
import re
from pathlib import Path

import pytest

import sync.publish.templating as templating
from sync.locate.geography import load_geography
from sync.publish import rules
from sync.publish.charts import Table, area_map

PUBLISH = Path(templating.__file__).parent


def test_docstring_examples():
    result = doctest.testmod(templating)
    assert result.attempted > 0 and result.failed == 0


def strings_in_code(tree: ast.Module) -> list[str]:
    """Every string literal of a module except its docstrings (which may name elements)."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


@pytest.mark.parametrize("name", ["staff_page.py", "summit.py", "charts.py"])
def test_no_markup_or_manual_escaping_in_python(name):
    source = (PUBLISH / name).read_text(encoding="utf-8")
    markup = [s for s in strings_in_code(ast.parse(source)) if re.search(r"</?[a-z][a-z0-9]*[\s/>]", s)]
    assert not markup, "markup belongs in templates/"
    assert "escape(" not in source and "Markup(" not in source


def test_templates_escape_what_they_are_given():
    env = templating.environment()
    assert env.autoescape("staff_page.html") and env.autoescape("x.svg")
    table = Table(("<b>", "n"), [("<script>x</script>", 0)], numeric=(1,), mark_zeros=True)
    html = env.get_template("charts.html").module.table(table)
    assert "&lt;script&gt;" in html and "<script>" not in html and "<th scope=\"col\">&lt;b&gt;</th>" in html
    assert '<tr class=zero><th scope="row">&lt;script&gt;x&lt;/script&gt;</th><td class=num>0</td></tr>' in html


def test_css_lives_in_files_and_cannot_close_its_style_element(tmp_path, monkeypatch):
    assert "@page" in templating.stylesheet("summary_page.css")
    (tmp_path / "bad.css").write_text("a{}</style><script>", encoding="utf-8")
    monkeypatch.setattr(templating, "TEMPLATES", tmp_path)
    with pytest.raises(ValueError):
        templating.stylesheet("bad.css")


def test_the_staff_map_shades_counts_as_the_public_map_does():
    geography = load_geography()
    counts = dict.fromkeys(geography.areas, 0) | {1: 1, 2: 2, 3: 3, 4: 9}
    chart = area_map("m", "t", counts, geography)
    fills = {n: a.fill for n, a in zip(geography.areas, chart.areas)}
    classes = rules.coverage_classes(counts)
    assert fills[4] == rules.shade(9, classes) == rules.SHADES[-1]
    assert [fills[n] for n in (1, 2, 3)] == [rules.shade(n, classes) for n in (1, 2, 3)]
    assert fills[5] is None  # hatched
    assert [item.text for item in chart.legend] == ["0 (not reached)", "1", "2", "3", "4–9"]
