import pytest

from sync.config import load_config
from sync.errors import ConfigError
from tests.helpers import DEFAULT_CONFIG, ROOT, run_cli, write_config


def test_default_config_loads_and_resolves_paths():
    config = load_config(DEFAULT_CONFIG)
    assert config.campaign.timezone == "America/Chicago"
    assert config.source.kind == "file"
    assert config.source.path == ROOT / "config" / "sample-responses.csv"
    assert config.output.folder == ROOT / "output"
    assert config.location.public_precision.value == "community_area"
    assert len(config.validation.event_types) == 7


@pytest.mark.parametrize("old, new, message", [
    ('path = "sample-responses.csv"', 'paht = "sample-responses.csv"', "unknown key 'source.paht'"),
    ("moderation = false", 'moderation = "maybe"', "bad value for 'campaign.moderation'"),
    ("fuzzy_threshold = 80", "fuzzy_thresold = 80", "unknown key 'location.fuzzy_thresold'"),
    ('timezone = "America/Chicago"', 'timezone = "Mars/Base"', "unknown time zone 'Mars/Base'"),
    ('kind = "file"', 'kind = "ftp"', "bad value for 'source'"),
    ("[campaign]", "[campaign\n", "not valid TOML"),
])
def test_bad_config_names_key_and_file(tmp_path, old, new, message):
    path = tmp_path / "bad.toml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in str(info.value) and message in str(info.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_cli_config_error_is_one_line_and_exit_2(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(DEFAULT_CONFIG.read_text().replace("moderation = false", "moderaton = false"))
    result = run_cli("sync", "--config", str(path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"Error: {path}: unknown key 'campaign.moderaton'"
    assert not (tmp_path / "output").exists()


def test_environment_variable_picks_the_config(tmp_path):
    config = write_config(tmp_path)
    result = run_cli("sync", "--dry-run", "--now", "2026-11-25T12:00:00-06:00",
                     env={"HEALING_MAP_CONFIG": str(tmp_path / "missing.toml")})
    assert result.returncode == 2 and "missing.toml: config file not found" in result.stderr
    assert load_config(config).output.folder == tmp_path / "output"


def test_usage_error_exit_2():
    result = run_cli("sync", "--now", "yesterday-ish")
    assert result.returncode == 2
    assert "--now: 'yesterday-ish' is not an ISO date and time" in result.stderr
