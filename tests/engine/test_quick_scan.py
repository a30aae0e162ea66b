"""The scan command lines read without click get exactly the parameters click gives;
every other command line is left to click."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from concurrency_lint.cli.quick_scan import parse_scan
from concurrency_lint.cli.scan_command import scan_command


def click_params(args: list[str]) -> dict[str, object]:
    """The parameters click passes ``scan`` for ``args`` (after ``scan``)."""
    with scan_command.make_context("scan", list(args)) as context:
        return dict(context.params)


READ_BY_BOTH = [
    [],
    ["app.py"],
    ["-"],
    ["-q", "--exit-zero", "--no-cache", "app.py"],
    ["app.py", "--quiet", "src", "--statistics"],
    ["--format", "json", "app.py"],
    ["--format=sarif", "--color=never", "app.py"],
    ["--select", "CL2,CL3", "--select", "CL4", "--ignore=CL201", "--extend-select", "CL5"],
    ["--exclude", "build", "--extend-exclude", "gen/*", "--exclude=x,y"],
    ["-j", "3", "app.py"],
    ["-j3", "--jobs=04", "app.py"],
    ["-qj", "2", "app.py"],
    ["-qo", "report.txt", "app.py"],
    ["-oreport.txt", "--output-file", "other.txt"],
    ["--config", "conf.toml", "--baseline", "base.json", "--stdin-filename", "a.py", "-"],
    ["--include-markdown", "--force-exclude", "--add-noqa", "--color", "always"],
    ["--stdin-filename="],
]


@pytest.mark.parametrize("args", READ_BY_BOTH)
def test_the_parameters_are_clicks(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text("x = 1\n")
    quick = parse_scan(["scan", *args])
    assert quick is not None
    assert quick == click_params(args)


LEFT_TO_CLICK = [
    ["--version"],
    ["-h"],
    ["rules"],
    ["fix", "app.py"],
    ["scan", "--help"],
    ["scan", "-h"],
    ["scan", "-qh"],
    ["scan", "--", "app.py"],
    ["scan", "--form", "json"],  # click says which option was meant
    ["scan", "--format", "jsn"],
    ["scan", "--format"],
    ["scan", "--format", "--quiet"],
    ["scan", "--quiet=yes"],
    ["scan", "-j", "0"],
    ["scan", "-j", "two"],
    ["scan", "--jobs= 2"],
    ["scan", "-x"],
    ["scan", "-5"],
    ["scan", "--color", "sometimes"],
    ["scan", "-o"],
    ["scan", "app\0.py"],
]


@pytest.mark.parametrize("args", LEFT_TO_CLICK)
def test_other_command_lines_are_left_to_click(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert parse_scan(args) is None


def test_an_unreadable_path_is_left_to_click(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    secret = tmp_path / "secret.py"
    secret.write_text("x = 1\n")
    secret.chmod(0)
    assert parse_scan(["scan", str(secret)]) is None
    assert parse_scan(["scan", "--config", str(secret), "app.py"]) is None


def test_shell_completion_is_left_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_CONCLINT_COMPLETE", "bash_complete")
    assert parse_scan(["scan", "app.py"]) is None
