"""The examples in the locator's docstrings run, so they cannot drift from the code."""

import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", ["sync.locate.placetext", "sync.locate.typos", "sync.locate.addresses"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
