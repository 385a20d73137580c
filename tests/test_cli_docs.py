"""Every command has help with an example and appears in the README; the recipes run the real command."""

import configparser
import re
import threading
import urllib.error
import urllib.request

import pytest

from sync.cli import COMMANDS, build_parser
from sync.serve import make_server
from tests.helpers import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
RECIPES = ROOT / "docs" / "recipes"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example_and_is_in_the_readme(name):
    handler = COMMANDS[name]
    assert "Example:" in handler.__doc__
    assert f"healing-map {name}" in handler.__doc__
    assert f"`{name}`" in README and f"healing-map {name}" in README
    result = run_cli(name, "--help")
    assert result.returncode == 0 and "Example:" in result.stdout


def test_readme_documents_every_exit_code():
    for code in ("| 0 |", "| 2 |", "| 3 |", "| 4 |", "| 5 |", "| 6 |"):
        assert code in README
    assert README.index("make run") < README.index("make test") < README.index("Configuration")


def test_parser_lists_every_command():
    help_text = build_parser().format_help()
    assert all(name in help_text for name in COMMANDS)


def test_recipes_run_healing_map_sync():
    cron = [line for line in (RECIPES / "crontab").read_text().splitlines() if line and not line.startswith("#")]
    assert len(cron) == 1
    fields = cron[0].split(None, 5)
    assert len(fields) == 6 and fields[0] == "*/5" and "healing-map sync" in fields[5]
    for unit in ("healing-map.service", "healing-map.timer"):
        parser = configparser.ConfigParser(strict=True, interpolation=None)
        parser.optionxform = str
        parser.read_string((RECIPES / unit).read_text())
        assert "Unit" in parser
    service = configparser.ConfigParser(interpolation=None)
    service.optionxform = str
    service.read_string((RECIPES / "healing-map.service").read_text())
    assert service["Service"]["Type"] == "oneshot"
    assert re.search(r"/healing-map sync --config \S+", service["Service"]["ExecStart"])
    workflow = (RECIPES / "github-actions-sync.yml").read_text()
    assert "healing-map sync" in workflow and "output/public" in workflow and "schedule:" in workflow


def test_serve_previews_outputs_but_never_state(tmp_path):
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "index.html").write_text("map")
    (tmp_path / "staff").mkdir()
    (tmp_path / "staff" / "rejected.csv").write_text("rows")
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "state.sqlite").write_text("secret")
    server = make_server(tmp_path, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert urllib.request.urlopen(base + "/public/index.html").read() == b"map"
        assert urllib.request.urlopen(base + "/staff/rejected.csv").read() == b"rows"
        assert urllib.request.urlopen(base + "/").geturl().endswith("/public/index.html")
        for path in ("/state/state.sqlite", "/public/../state/state.sqlite", "/public/%2e%2e/state/state.sqlite"):
            with pytest.raises(urllib.error.HTTPError) as info:
                urllib.request.urlopen(base + path)
            assert info.value.code == 404
    finally:
        server.shutdown()
        server.server_close()
