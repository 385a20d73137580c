"""Habits the code keeps: docstring examples that run, short functions, tests/ and bench/ apart.

(ruff and mypy run before the tests in ``make test``; their settings are in pyproject.toml.)
"""

from __future__ import annotations

import ast
import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import sync

ROOT = Path(__file__).resolve().parent.parent
#: The longest a Python function of sync/ may be, its ``def`` line and docstring included.
MAX_FUNCTION_LINES = 50

MODULES = sorted(m.name for m in pkgutil.walk_packages(sync.__path__, "sync.") if not m.name.endswith("__main__"))


def test_every_module_is_found():
    assert {"sync.pipeline", "sync.locate.placetext", "sync.publish.rules", "sync.reasons"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # examples name the bundled config as staff would: config/healing-map.toml
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS, report=True)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (see above)"


def test_the_examples_are_many():
    attempted = sum(doctest.testmod(importlib.import_module(name), report=False).attempted
                    for name in ("sync.locate.placetext", "sync.locate.typos", "sync.publish.rules", "sync.reasons"))
    assert attempted > 30


def _functions(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def test_no_function_is_longer_than_fifty_lines():
    long = [f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for path in sorted((ROOT / "sync").rglob("*.py")) for node in _functions(path)
            if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, "split these functions:\n" + "\n".join(long)


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("folder, other", [("tests", "bench"), ("bench", "tests"), ("testing", "tests"),
                                           ("testing", "bench"), ("sync", "tests"), ("sync", "testing")])
def test_what_tests_and_bench_share_lives_in_testing(folder, other):
    found = [f"{path.relative_to(ROOT)} imports {name}"
             for path in sorted((ROOT / folder).rglob("*.py")) if ".assets" not in path.parts
             for name in _imported(path) if name == other or name.startswith(other + ".")]
    assert not found, "\n".join(found)
