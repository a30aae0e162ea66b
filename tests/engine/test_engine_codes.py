"""CL001-CL003 are always reported unless named in ``ignore``, and documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import json_findings, run_conclint

BROKEN = "def f(:\n    pass\n"


@pytest.fixture
def broken(project: Path) -> Path:
    (project / "broken.py").write_text(BROKEN, encoding="utf-8")
    (project / "latin.py").write_bytes(b'name = "caf\xe9"\n')
    return project


def codes_of(*args: str) -> list[str]:
    run = run_conclint("scan", ".", "--format", "json", "--no-cache", *args)
    return sorted(finding["code"] for finding in json_findings(run))


@pytest.mark.parametrize(
    "args",
    [("--select", "CL2"), ("--select", "CL201"), ("--select", "ALL", "--ignore", "CL")],
    ids=["prefix", "code", "ignore-everything-by-prefix"],
)
def test_selecting_rules_keeps_syntax_and_read_errors(broken: Path, args: tuple[str, ...]) -> None:
    assert codes_of(*args) == ["CL001", "CL002"]


def test_select_in_the_configuration_keeps_them(broken: Path) -> None:
    (broken / "conclint.toml").write_text('select = ["CL201"]\n', encoding="utf-8")
    run = run_conclint("scan", ".", "--no-cache")
    assert run.exit_code == 1
    assert "All checks passed" not in run.stdout
    assert "broken.py:1:" in run.stdout


def test_standard_input_keeps_a_syntax_error_with_select(project: Path) -> None:
    run = run_conclint("scan", "-", "--select", "CL2", "--format", "json", stdin=BROKEN)
    assert [finding["code"] for finding in json_findings(run)] == ["CL001"]


@pytest.mark.parametrize(("ignored", "left"), [("CL001", ["CL002"]), ("CL0", [])])
def test_ignore_that_names_them_hides_them(broken: Path, ignored: str, left: list[str]) -> None:
    assert codes_of("--ignore", ignored) == left


def test_ignore_hides_a_read_error_the_scan_reports_itself(project: Path) -> None:
    (project / "gone.py").symlink_to(project / "missing.py")
    assert codes_of() == ["CL002"]
    assert codes_of("--ignore", "CL002") == []


def test_per_file_ignores_that_name_them(broken: Path) -> None:
    (broken / "conclint.toml").write_text(
        '[per-file-ignores]\n"broken.py" = ["CL001"]\n"latin.py" = ["ALL"]\n', encoding="utf-8"
    )
    assert codes_of() == ["CL002"]


@pytest.mark.parametrize("code", ["CL001", "CL002", "cl003"])
def test_rule_command_documents_engine_codes(code: str) -> None:
    run = run_conclint("rule", code)
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith(code.upper() + " ")
    for section in ("## What it does", "## Why is this bad?", "## Fix safety"):
        assert section in run.stdout


def test_rules_command_lists_engine_codes() -> None:
    listed = [line.split()[0] for line in run_conclint("rules").stdout.splitlines()[1:]]
    assert listed[:3] == ["CL001", "CL002", "CL003"]
    assert "CL201" in listed
