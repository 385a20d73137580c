"""The map page's parts: the script in small files with short functions, folium through its public API.

Issue 12, items 4 and 7. No browser needed (tests/browser/ runs the page itself).
"""

from __future__ import annotations

import inspect
import re

import pytest

from sync.publish import map_page
from sync.publish.map_page import SCRIPT_FILES, STABLE_NAMES, TEMPLATES, page_script
from tests.browser.pages import event, render

MAX_FILE_LINES = 250
MAX_FUNCTION_LINES = 80
#: After one of these a "/" starts a regular expression, not a division.
_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {"return", "typeof", "case", "do", "else", "in", ""}


def js_functions(text: str) -> list[tuple[str, int, int]]:
    """``(name, first line, last line)`` of every ``function`` in ``text``, nested ones included.

    A small scanner, enough for our own code: it skips strings, comments and regex literals and
    matches braces. ``name`` is the declared name, or the ``name =``/``name:`` it is assigned to.
    """
    found, stack, i, line, previous = [], [], 0, 1, ""
    pending: tuple[str, int] | None = None
    while i < len(text):
        c = text[i]
        if c == "\n":
            line += 1
        if c in " \t\r\n":
            i += 1
            continue
        if text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else len(text)
            continue
        if text.startswith("/*", i):
            end = text.index("*/", i) + 2
            line += text.count("\n", i, end)
            i = end
            continue
        if c in "'\"`" or (c == "/" and previous in _REGEX_AFTER):
            j = i + 1
            in_class = False
            while text[j] != c or in_class:
                if text[j] == "\\":
                    j += 1
                elif c == "/" and text[j] in "[]":
                    in_class = text[j] == "["
                j += 1
            line += text.count("\n", i, j)
            i, previous = j + 1, "literal"
            continue
        word = re.match(r"[A-Za-z_$][\w$]*", text[i:])
        if word:
            if word.group() == "function":
                name = re.match(r"function\s*([\w$]*)", text[i:]).group(1)
                if not name:
                    assigned = re.search(r"([\w$.\"]+)\s*[:=]\s*$", text[max(0, i - 80):i])
                    name = assigned.group(1).strip('"') if assigned else "(anonymous)"
                pending = (name, line)
            previous = word.group()
            i += len(word.group())
            continue
        if c == "{":
            stack.append(pending)
            pending = None
        elif c == "}":
            opened = stack.pop()
            if opened:
                found.append((opened[0], opened[1], line))
        previous = c
        i += 1
    assert not stack, "unbalanced braces"
    return found


def test_the_scanner_measures_functions():
    text = 'function a() {\n  var r = /[{]\\//g, s = "}";\n  var b = function () {\n    return 1;\n  };\n}\n'
    assert js_functions(text) == [("b", 3, 5), ("a", 1, 6)]


@pytest.mark.parametrize("name", SCRIPT_FILES)
def test_each_script_file_is_small(name):
    lines = (TEMPLATES / name).read_text(encoding="utf-8").count("\n")
    assert lines < MAX_FILE_LINES, f"{name}: {lines} lines"


@pytest.mark.parametrize("name", SCRIPT_FILES)
def test_no_script_function_is_long(name):
    functions = js_functions((TEMPLATES / name).read_text(encoding="utf-8"))
    assert functions, name
    long = [(f, last - first + 1) for f, first, last in functions if last - first + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{name}: {long}"


def test_the_files_are_joined_in_one_strict_function_scope():
    script = page_script("var map_healing = L.map(\"map_healing\", {});")
    assert script.startswith('(function () {\n"use strict";') and script.endswith("}());")
    starts = [script.index((TEMPLATES / name).read_text(encoding="utf-8")) for name in SCRIPT_FILES]
    assert starts == sorted(starts)
    functions = {name: (first, last) for name, first, last in js_functions(script)}
    outer = js_functions(script)[-1]
    assert outer[1] == 1 and outer[2] == script.count("\n") + 1
    # folium's map is made in createMap(); the files run in start(), when the data script is in
    assert "var map_healing = L.map(" in script[:script.index("function start()")]
    assert functions["start"][0] < min(script[:script.index(text)].count("\n") + 1 for text in (
        (TEMPLATES / name).read_text(encoding="utf-8") for name in SCRIPT_FILES))
    # it starts at DOMContentLoaded, or when the data script, added again after a grace period, calls it
    assert "window.healingMapStart = function () { setTimeout(begin, 0); };" in script
    assert 'addEventListener("DOMContentLoaded"' in script and f"}}, {map_page.START_GRACE_MS});" in script


def test_the_page_can_be_zoomed_by_its_reader():
    html = render([event(1)]).html
    assert html.count('name="viewport"') == 1
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "user-scalable" not in html and "maximum-scale" not in html


def test_folium_names_are_fixed_and_no_private_member_is_touched():
    html = render([event(1)]).html
    assert not re.search(r"[0-9a-f]{32}", html), "a random folium name is left in the page"
    for name in STABLE_NAMES.values():
        assert f"var {name} = " in html
    assert f"return {STABLE_NAMES['map']};" in html  # createMap() hands folium's map to the page script
    source = inspect.getsource(map_page)
    assert not re.search(r"\._(id|name|template|children|parent)\b", source)
    assert not re.search(r"class \w+\((folium|branca)\.", source), "a folium class is subclassed"
