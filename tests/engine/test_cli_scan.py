"""The scan command's contract: exit codes, stdin, formats, statistics, messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import concurrency_lint
from tests.conftest import json_findings, run_conclint

FLAGGED = 'import subprocess\nsubprocess.run(["ls"])\n'
CLEAN = 'import subprocess\nsubprocess.run(["ls"], timeout=5)\n'


@pytest.fixture
def folder(project: Path) -> Path:
    (project / "bad.py").write_text(FLAGGED, encoding="utf-8")
    (project / "ok.py").write_text(CLEAN, encoding="utf-8")
    return project


def test_exit_1_with_findings_and_0_when_clean(folder: Path) -> None:
    assert run_conclint("scan", "bad.py").exit_code == 1
    clean = run_conclint("scan", "ok.py")
    assert clean.exit_code == 0
    assert "All checks passed: 1 file scanned." in clean.stdout


def test_exit_zero_flag(folder: Path) -> None:
    assert run_conclint("scan", ".", "--exit-zero").exit_code == 0


def test_missing_path_is_an_error(folder: Path) -> None:
    run = run_conclint("scan", "nowhere/")
    assert run.exit_code == 2
    assert "nowhere" in run.stderr


def test_no_python_files_is_said_on_stderr(project: Path) -> None:
    (project / "notes.txt").write_text("hello")
    run = run_conclint("scan", ".")
    assert run.exit_code == 0
    assert "no Python files" in run.stderr


def test_text_lines_point_at_path_line_column(folder: Path) -> None:
    run = run_conclint("scan", ".")
    first = run.stdout.splitlines()[0]
    assert first.startswith("bad.py:2:1: CL201 ")
    assert "[*]" not in first  # its only fix is unsafe: `fix --apply` would not apply it
    assert "Found 1 finding in 1 file." in run.stdout


def test_quiet_prints_only_findings(folder: Path) -> None:
    run = run_conclint("scan", ".", "--quiet", "--format", "concise")
    assert run.stdout.splitlines() == [line for line in run.stdout.splitlines() if ": CL" in line]
    assert len(run.stdout.splitlines()) == 1
    full = run_conclint("scan", ".", "--quiet")
    assert "Found" not in full.stdout and "bad.py:2:1: CL201" in full.stdout


def test_stdin_with_a_file_name(folder: Path) -> None:
    run = run_conclint(
        "scan", "-", "--stdin-filename", "pkg/job.py", "--format", "json", stdin=FLAGGED
    )
    [finding] = json_findings(run)
    assert (finding["path"], finding["code"], finding["start_line"]) == ("pkg/job.py", "CL201", 2)


def test_stdin_without_a_name(folder: Path) -> None:
    run = run_conclint("scan", "-", stdin=FLAGGED)
    assert run.stdout.startswith("-:2:1: CL201")


@pytest.mark.parametrize("output_format", ["json", "sarif"])
def test_machine_formats_parse(folder: Path, output_format: str) -> None:
    run = run_conclint("scan", ".", "--format", output_format)
    document = json.loads(run.stdout)
    text = json.dumps(document)
    assert "CL201" in text and "bad.py" in text


def test_github_format_is_a_workflow_command(folder: Path) -> None:
    run = run_conclint("scan", ".", "--format", "github")
    assert run.stdout.startswith("::warning file=bad.py,line=2,col=1,")
    assert "title=CL201 subprocess-without-timeout::" in run.stdout


def test_statistics(folder: Path) -> None:
    (folder / "more.py").write_text(FLAGGED * 2, encoding="utf-8")
    run = run_conclint("scan", ".", "--statistics")
    assert run.stdout.split() == ["3", "CL201", "subprocess-without-timeout"]


def test_output_file(folder: Path) -> None:
    run = run_conclint("scan", ".", "--format", "json", "--output-file", "out.json")
    assert run.stdout == ""
    assert json.loads((folder / "out.json").read_text())["findings"][0]["code"] == "CL201"


def test_version() -> None:
    assert concurrency_lint.__version__ in run_conclint("--version").stdout


def test_rules_lists_every_rule_and_rule_prints_docs() -> None:
    listing = run_conclint("rules").stdout
    assert "CL201" in listing and "subprocess-without-timeout" in listing
    doc = run_conclint("rule", "CL201")
    assert doc.exit_code == 0
    assert "## Why is this bad?" in doc.stdout or "Why is this bad?" in doc.stdout
    assert run_conclint("rule", "CL999").exit_code == 2


def test_excluded_folders_are_skipped(folder: Path) -> None:
    for skipped in (".venv/lib", "build", "node_modules/pkg", "__pycache__"):
        (folder / skipped).mkdir(parents=True)
        (folder / skipped / "x.py").write_text(FLAGGED)
    run = run_conclint("scan", ".", "--format", "json")
    assert {f["path"] for f in json_findings(run)} == {"bad.py"}


def test_gitignored_files_are_skipped(folder: Path) -> None:
    (folder / ".gitignore").write_text("generated_*.py\n")
    (folder / "generated_api.py").write_text(FLAGGED)
    run = run_conclint("scan", ".", "--format", "json")
    assert {f["path"] for f in json_findings(run)} == {"bad.py"}


def test_force_exclude_applies_to_named_files(folder: Path) -> None:
    (folder / "pyproject.toml").write_text('[tool.conclint]\nextend-exclude = ["bad.py"]\n')
    assert run_conclint("scan", "bad.py").exit_code == 1
    assert run_conclint("scan", "bad.py", "--force-exclude").exit_code == 0


def test_many_files_fan_out_over_processes(project: Path) -> None:
    for index in range(40):
        (project / f"m{index:02d}.py").write_text(FLAGGED if index % 2 else CLEAN)
    serial = run_conclint("scan", ".", "--format", "json", "--no-cache", "--jobs", "1")
    fanned = run_conclint("scan", ".", "--format", "json", "--no-cache", "--jobs", "2")
    assert serial.stdout == fanned.stdout
    assert len(json_findings(fanned)) == 20
