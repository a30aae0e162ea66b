"""Living beside ruff: its configuration read as TOML agrees with ruff, and deferring to
ruff drops only findings ruff reports on the same line."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.checking.ruff_config import (
    RUFF_OVERLAP_CODES,
    enabled_overlap_codes,
    find_ruff_config,
)
from concurrency_lint.checking.ruff_overlap import overlapping_reports
from concurrency_lint.config import Config
from concurrency_lint.knowledge.ruff_overlaps import OVERLAPS
from tests.conftest import ROOT, json_findings, run_conclint

RUFF = shutil.which("ruff")
needs_ruff = pytest.mark.skipif(RUFF is None, reason="ruff is not installed")

CONFIGS = {
    "defaults": {},
    "pyproject extend-select": {
        "pyproject.toml": '[tool.ruff.lint]\nextend-select = ["RUF006", "S113"]\n'
    },
    "top-level select": {"pyproject.toml": '[tool.ruff]\nselect = ["E", "F", "ASYNC251"]\n'},
    "specificity": {
        "ruff.toml": '[lint]\nselect = ["ASYNC"]\nignore = ["ASYNC2"]\n'
        'extend-select = ["ASYNC230"]\n'
    },
    "dot-ruff wins": {
        ".ruff.toml": '[lint]\nselect = ["RUF"]\n',
        "pyproject.toml": '[tool.ruff.lint]\nselect = ["ASYNC"]\n',
    },
    "extend chain": {
        "ruff.toml": 'extend = "base/ruff.toml"\n[lint]\nextend-select = ["S113"]\n',
        "base/ruff.toml": '[lint]\nselect = ["ASYNC21"]\n',
    },
    "all but async": {"ruff.toml": '[lint]\nselect = ["ALL"]\nignore = ["ASYNC"]\n'},
    "flake8-builtins is not async": {"ruff.toml": '[lint]\nselect = ["A"]\n'},
    "ignore only": {"ruff.toml": '[lint]\nextend-ignore = ["ASYNC251"]\n'},
}


def ruff_enabled(folder: Path) -> set[str]:
    """The overlapping codes ruff itself reports as enabled for a file in ``folder``."""
    (folder / "probe.py").write_text("x = 1\n")
    completed = subprocess.run(
        [RUFF, "check", "--show-settings", "probe.py"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    block = completed.stdout.split("linter.rules.enabled", 1)[1].split("]", 1)[0]
    return set(re.findall(r"\(([A-Z]+[0-9]+)\)", block)) & RUFF_OVERLAP_CODES


def write_files(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)


@needs_ruff
@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_reading_ruff_configuration_agrees_with_ruff(tmp_path: Path, name: str) -> None:
    write_files(tmp_path, CONFIGS[name])
    ours = set(enabled_overlap_codes(find_ruff_config(tmp_path)))
    assert ours == ruff_enabled(tmp_path)


def test_a_broken_ruff_configuration_is_a_clear_error(project: Path) -> None:
    (project / "ruff.toml").write_text("[lint\n")
    (project / "pyproject.toml").write_text("[tool.conclint]\ndefer-to-ruff = true\n")
    (project / "a.py").write_text("x = 1\n")
    run = run_conclint("scan", "--no-cache")
    assert run.exit_code == 2
    assert "invalid TOML in ruff's configuration" in run.stderr


ASYNC_CODE = """import asyncio
import time

import requests


async def main(url, session: requests.Session):
    time.sleep(1)
    requests.get(url)
    session.get(url, timeout=5)
    asyncio.create_task(main(url, session))
"""


def scan_codes(project: Path, ruff_config: str | None) -> list[tuple[int, str]]:
    (project / "pyproject.toml").write_text(
        "[tool.conclint]\ndefer-to-ruff = true\n" + (ruff_config or "")
    )
    (project / "a.py").write_text(ASYNC_CODE)
    run = run_conclint("scan", "--no-cache", "--format", "json")
    return [(f["start_line"], f["code"]) for f in json_findings(run)]


def test_defer_to_ruff_drops_what_ruff_reports_and_keeps_the_rest(project: Path) -> None:
    everything = [(8, "CL401"), (9, "CL202"), (9, "CL401"), (10, "CL401"), (11, "CL403")]
    (project / "a.py").write_text(ASYNC_CODE)
    run = run_conclint("scan", "--no-cache", "--format", "json")
    assert [(f["start_line"], f["code"]) for f in json_findings(run)] == everything
    # ruff's defaults report time.sleep and requests.get in async def (ASYNC251, ASYNC210);
    # nothing of ruff reports a Session method, a missing timeout or a dropped task.
    assert scan_codes(project, None) == [(9, "CL202"), (10, "CL401"), (11, "CL403")]
    extended = '[tool.ruff.lint]\nextend-select = ["S113", "RUF006"]\n'
    assert scan_codes(project, extended) == [(10, "CL401")]
    nothing = '[tool.ruff.lint]\nselect = ["E"]\n'
    assert scan_codes(project, nothing) == everything


AGREEMENT = [
    ROOT / "fixtures/rules/CL401.py",
    ROOT / "fixtures/agreement/async_blocking.py",
    ROOT / "fixtures/rules/CL202.py",
    ROOT / "fixtures/rules/CL403.py",
]


@needs_ruff
@pytest.mark.parametrize("path", AGREEMENT, ids=lambda p: p.name)
def test_a_finding_deferred_to_ruff_is_one_ruff_reports_on_that_line(path: Path) -> None:
    codes = sorted(RUFF_OVERLAP_CODES)
    completed = subprocess.run(
        [
            RUFF,
            "check",
            "--isolated",
            "--select",
            ",".join(codes),
            "--output-format",
            "concise",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    reported: dict[int, set[str]] = {}
    for line in completed.stdout.splitlines():
        match = re.match(r".*?:(\d+):\d+: ([A-Z]+[0-9]+)", line)
        if match:
            reported.setdefault(int(match[1]), set()).add(match[2])
    text = path.read_text(encoding="utf-8")
    config = Config(select=tuple(OVERLAPS))
    deferred = 0
    lines = text.splitlines()
    for finding in FileChecker(config).check_text(str(path), text).findings:
        line_text = lines[finding.span.start_line - 1]
        expected = overlapping_reports(finding, line_text) & RUFF_OVERLAP_CODES
        if expected:
            deferred += 1
            on_line = reported.get(finding.span.start_line, set())
            assert expected & on_line, (
                f"{path.name}:{finding.span.start_line}: {finding.code} would be dropped for "
                f"{sorted(expected)}, ruff reports {sorted(on_line)}"
            )
    assert deferred >= 3


def test_docs_list_every_overlap() -> None:
    doc = (ROOT / "docs" / "ruff.md").read_text(encoding="utf-8")
    for code, overlaps in OVERLAPS.items():
        for overlap in overlaps:
            assert re.search(rf"\|\s*{code}\b[^\n]*\b{overlap.code}\b", doc), (code, overlap.code)


def test_a_pyproject_without_a_ruff_table_is_skipped_as_ruff_skips_it(tmp_path: Path) -> None:
    (tmp_path / "ruff.toml").write_text('[lint]\nselect = ["E"]\n')
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "pyproject.toml").write_text('[project]\nname = "x"  # tool.ruff\n')
    assert find_ruff_config(tmp_path / "pkg") == tmp_path / "ruff.toml"


def test_a_wrong_selector_type_names_the_file_and_key(project: Path) -> None:
    (project / "ruff.toml").write_text('[lint]\nselect = "ASYNC"\n')
    (project / "pyproject.toml").write_text("[tool.conclint]\ndefer-to-ruff = true\n")
    (project / "a.py").write_text("x = 1\n")
    run = run_conclint("scan", "--no-cache")
    assert run.exit_code == 2
    assert "ruff.toml: `lint.select`: expected a list of rule codes" in run.stderr
