"""Pytest fixtures for the loopback Sheets API; import them into a test module to use them.

The service-account key is generated at run time (one per test session: RSA
2048 takes a moment) and written to a file whose ``token_uri`` is the loopback
server, so the real google-auth signs a real JWT that the server verifies.
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from testing.forms import HEADERS
from testing.sheets_api import SheetsAPI

KEY = "1kYx0-TogetherWeHeal_responses_0000000000000"
WORKSHEET = "Form Responses 1"


def sheet_rows(responses: list[dict], headers: list[str] = HEADERS) -> list[list[str]]:
    """The header row and the responses as a worksheet's rows of cells."""
    return [list(headers)] + [[r.get(h, "") for h in headers] for r in responses]


@pytest.fixture(scope="session")
def private_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def sheets_api():
    with SheetsAPI() as api:
        yield api


@pytest.fixture
def key_file(tmp_path, sheets_api, private_key):
    """A service-account key file the loopback server trusts."""
    path = tmp_path / "service-account.json"
    sheets_api.write_key_file(path, private_key)
    return path
