"""The editor's settings, and each file's project configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from concurrency_lint.config import ConfigError
from concurrency_lint.server.projects import ProjectConfigs
from concurrency_lint.server.settings import DEFAULT_DEBOUNCE_MS, ServerSettings, read_settings


def test_settings_come_bare_or_under_the_conclint_key() -> None:
    bare, problems = read_settings({"select": ["CL2"], "debounceMs": 0})
    nested, _ = read_settings({"conclint": {"select": "CL2", "debounceMs": 0}})
    assert bare == nested == ServerSettings(select=("CL2",), debounce_ms=0)
    assert problems == []
    assert read_settings(None) == (ServerSettings(), [])
    assert ServerSettings().debounce_ms == DEFAULT_DEBOUNCE_MS


def test_wrong_settings_are_named_and_ignored() -> None:
    settings, problems = read_settings(
        {"select": ["CL999"], "debounceMs": -1, "colour": "red", "ignore": ["CL201"]}
    )
    assert settings == ServerSettings(ignore=("CL201",))
    assert len(problems) == 3
    assert "unknown rule code 'CL999'" in problems[0]
    assert "`debounceMs`" in problems[1]
    assert "unknown key `colour`" in problems[2]


def test_the_nearest_configuration_applies_with_the_settings_on_top(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "conclint.toml").write_text('ignore = ["CL201"]\n')
    projects = ProjectConfigs(tmp_path)
    inner = projects.config_for(tmp_path / "pkg" / "a.py", ServerSettings())
    assert inner.ignore == ("CL201",)
    assert projects.config_for(tmp_path / "a.py", ServerSettings()).ignore == ()
    overridden = projects.config_for(tmp_path / "pkg" / "a.py", ServerSettings(ignore=("CL3",)))
    assert overridden.ignore == ("CL3",)


def test_an_edited_configuration_is_read_again(tmp_path: Path) -> None:
    config = tmp_path / "conclint.toml"
    config.write_text('ignore = ["CL201"]\n')
    projects = ProjectConfigs(tmp_path)
    first = projects.checker_for(tmp_path / "a.py", ServerSettings())
    assert projects.checker_for(tmp_path / "a.py", ServerSettings()) is first  # reused
    config.write_text('ignore = ["CL201", "CL202"]\n')
    assert projects.config_for(tmp_path / "a.py", ServerSettings()).ignore == ("CL201", "CL202")


def test_invalid_configurations_raise(tmp_path: Path) -> None:
    (tmp_path / "conclint.toml").write_text("[rules.CL201]\nno-such-option = 1\n")
    projects = ProjectConfigs(tmp_path)
    with pytest.raises(ConfigError, match="unknown option 'no-such-option'"):
        projects.config_for(tmp_path / "a.py", ServerSettings())
    with pytest.raises(ConfigError, match="no such file"):
        projects.config_for(tmp_path / "a.py", ServerSettings(config_file="missing.toml"))


def test_config_file_setting_is_taken_from_the_workspace_root(tmp_path: Path) -> None:
    (tmp_path / "ci.toml").write_text('select = ["CL4"]\n')
    projects = ProjectConfigs(tmp_path)
    config = projects.config_for(tmp_path / "deep" / "a.py", ServerSettings(config_file="ci.toml"))
    assert config.select == ("CL4",)
