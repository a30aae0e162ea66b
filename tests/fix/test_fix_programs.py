"""The loop rewrite keeps behaviour: each fix program prints the same, exits the same and
fails with the same exception type before and after ``conclint fix --apply --unsafe-fixes``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROGRAMS_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "fix_programs"
PROGRAMS = sorted(PROGRAMS_DIR.glob("*.py"))
_EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit)): ", re.M)


def run_program(path: Path, *args: str) -> tuple[str, int, str | None]:
    """(stdout, exit status, type of the exception that ended the run)."""
    env = {**os.environ, "FIX_PROGRAM_ITEMS": "24", "PYTHONHASHSEED": "0"}
    completed = subprocess.run(
        [sys.executable, str(path), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    raised = _EXCEPTION_LINE.findall(completed.stderr)
    return completed.stdout, completed.returncode, raised[-1] if raised else None


FIX_COMMAND = ("-m", "concurrency_lint", "fix", "--apply", "--unsafe-fixes", "--no-cache")


def fix_program(path: Path) -> None:
    subprocess.run(
        [sys.executable, *FIX_COMMAND, "--select", "CL101,CL102", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def fixed_programs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("fixed_programs")
    copies = {}
    for program in PROGRAMS:
        copy = folder / program.name
        shutil.copyfile(program, copy)
        copies[program.name] = copy
    fix_program(folder)
    return copies


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.stem)
def test_the_fix_rewrites_the_loop(program: Path, fixed_programs: dict[str, Path]) -> None:
    fixed = fixed_programs[program.name].read_text(encoding="utf-8")
    assert "run_parallel(" in fixed or "iter_parallel(" in fixed
    assert "from concurrency_lint.parallel import " in fixed
    compile(fixed, program.name, "exec")


@pytest.mark.parametrize("args", [(), ("fail",)], ids=["ok", "fail"])
@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.stem)
def test_fixed_program_behaves_the_same(
    program: Path, args: tuple[str, ...], fixed_programs: dict[str, Path]
) -> None:
    before = run_program(program, *args)
    after = run_program(fixed_programs[program.name], *args)
    assert after == before
    if args:
        assert before[1] != 0 and before[2] is not None, "the failure path must fail"
    else:
        assert before[1] == 0 and before[0], "the normal path must succeed and print"
