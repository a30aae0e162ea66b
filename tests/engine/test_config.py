"""Configuration: discovery, precedence, and errors that stop the run before scanning."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import json_findings, run_conclint

FLAGGED = 'import subprocess\nimport requests\nsubprocess.run(["ls"])\nrequests.get(url)\n'


def codes(run) -> list[str]:
    return sorted(f["code"] for f in json_findings(run))


@pytest.fixture
def folder(project: Path) -> Path:
    (project / "app.py").write_text(FLAGGED, encoding="utf-8")
    return project


def write_pyproject(folder: Path, body: str) -> None:
    (folder / "pyproject.toml").write_text(f"[tool.conclint]\n{body}\n", encoding="utf-8")


def test_select_and_ignore_from_pyproject(folder: Path) -> None:
    write_pyproject(folder, 'ignore = ["CL202"]')
    assert codes(run_conclint("scan", ".", "--format", "json", "--no-cache")) == ["CL201"]


def test_command_line_overrides_the_file(folder: Path) -> None:
    write_pyproject(folder, 'select = ["CL201"]')
    run = run_conclint("scan", ".", "--format", "json", "--no-cache", "--select", "CL202")
    assert codes(run) == ["CL202"]


def test_nearest_pyproject_above_the_scanned_path_is_used(folder: Path) -> None:
    sub = folder / "pkg"
    sub.mkdir()
    (sub / "mod.py").write_text(FLAGGED, encoding="utf-8")
    write_pyproject(folder, 'select = ["CL202"]')
    assert codes(run_conclint("scan", "pkg", "--format", "json", "--no-cache")) == ["CL202"]


def test_conclint_toml_without_tool_table(folder: Path) -> None:
    (folder / "conclint.toml").write_text('select = ["CL201"]\n', encoding="utf-8")
    assert codes(run_conclint("scan", ".", "--format", "json", "--no-cache")) == ["CL201"]


def test_explicit_config_file(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("cfg") / "team.toml"
    elsewhere.write_text('[tool.conclint]\nignore = ["CL201"]\n', encoding="utf-8")
    run = run_conclint("scan", ".", "--format", "json", "--no-cache", "--config", str(elsewhere))
    assert codes(run) == ["CL202"]


def test_per_file_ignores(folder: Path) -> None:
    (folder / "tests").mkdir()
    (folder / "tests" / "test_app.py").write_text(FLAGGED, encoding="utf-8")
    write_pyproject(folder, '[tool.conclint.per-file-ignores]\n"tests/*" = ["CL2"]')
    run = run_conclint("scan", ".", "--format", "json", "--no-cache")
    assert sorted({f["path"] for f in json_findings(run)}) == ["app.py"]


def test_rule_options_table_changes_the_fix(folder: Path) -> None:
    write_pyproject(folder, "[tool.conclint.rules.CL201]\ndefault-timeout = 42")
    run = run_conclint("scan", ".", "--format", "json", "--no-cache", "--select", "CL201")
    [finding] = json_findings(run)
    assert "timeout=42" in finding["fix"]["edits"][0]["text"]


def test_extend_exclude(folder: Path) -> None:
    (folder / "generated").mkdir()
    (folder / "generated" / "gen.py").write_text(FLAGGED, encoding="utf-8")
    write_pyproject(folder, 'extend-exclude = ["generated"]')
    run = run_conclint("scan", ".", "--format", "json", "--no-cache")
    assert {f["path"] for f in json_findings(run)} == {"app.py"}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("selekt = ['CL201']", ["selekt", "unknown key"]),
        ("jobs = 'two'", ["jobs", "expected a positive integer"]),
        ("jobs = 0", ["jobs", "positive integer"]),
        ("select = 'CL201'", ["select", "expected a list"]),
        ("select = ['CL999']", ["select", "CL999"]),
        ("include-markdown = 'yes'", ["include-markdown", "true or false"]),
        ("[tool.conclint.rules.CL201]\ntimeout = 5", ["rules.CL201", "unknown option 'timeout'"]),
        ("[tool.conclint.rules.CL201]\ndefault-timeout = 'soon'", ["default-timeout", "expects"]),
        ("[tool.conclint.rules.CL777]\nx = 1", ["CL777", "unknown rule code"]),
        ("[tool.conclint.extra-io-calls]\n'my.fetch' = 'disk'", ["my.fetch", "disk"]),
    ],
)
def test_configuration_errors_name_file_key_and_expectation(
    folder: Path, body: str, expected: list[str]
) -> None:
    write_pyproject(folder, body)
    run = run_conclint("scan", ".", "--format", "json", "--no-cache")
    assert run.exit_code == 2
    assert run.stdout == ""  # nothing was scanned
    assert "pyproject.toml" in run.stderr
    for fragment in expected:
        assert fragment in run.stderr


def test_invalid_toml_is_an_error(folder: Path) -> None:
    (folder / "pyproject.toml").write_text("[tool.conclint\nselect = [", encoding="utf-8")
    run = run_conclint("scan", ".", "--no-cache")
    assert run.exit_code == 2
    assert "invalid TOML" in run.stderr


def test_missing_config_file_is_an_error(folder: Path) -> None:
    run = run_conclint("scan", ".", "--config", "nope.toml")
    assert run.exit_code == 2
    assert "nope.toml" in run.stderr


def test_unknown_code_on_the_command_line(folder: Path) -> None:
    run = run_conclint("scan", ".", "--select", "CL9")
    assert run.exit_code == 2
    assert "CL9" in run.stderr
