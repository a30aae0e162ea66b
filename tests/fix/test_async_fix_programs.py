"""The async and lifecycle fixes keep behaviour: each program prints the same, exits the
same and fails with the same exception type before and after ``fix --apply --unsafe-fixes``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fix.test_fix_programs import run_program

PROGRAMS_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "async_fix_programs"
PROGRAMS = sorted(PROGRAMS_DIR.glob("*.py"))
RULES = "CL103,CL201,CL203,CL204,CL401,CL402,CL403,CL501,CL502,CL504"
CONCLINT = (sys.executable, "-m", "concurrency_lint")


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("async_fix_programs")
    for program in PROGRAMS:
        shutil.copyfile(program, folder / program.name)
    subprocess.run(
        [
            *CONCLINT,
            "fix",
            "--apply",
            "--unsafe-fixes",
            "--no-cache",
            "--select",
            RULES,
            str(folder),
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    return folder


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.stem)
def test_fixed_program_behaves_the_same(program: Path, fixed: Path) -> None:
    copy = fixed / program.name
    assert copy.read_text() != program.read_text(), "the fix changed nothing"
    assert run_program(copy) == run_program(program)


#: Findings the fix leaves by design: a ``with`` block whose names a handler that falls
#: through could read after a half-run block; loop bodies that write to a receiver the
#: items share, leave names read after the loop or carry a value between items.
LEFT = {("with_blocks.py", "CL401"), ("await_loop_hazards.py", "CL103")}


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.stem)
def test_only_unfixable_findings_are_left(program: Path, fixed: Path) -> None:
    scanned = subprocess.run(
        [
            *CONCLINT,
            "scan",
            "--no-cache",
            "--select",
            RULES,
            "--format",
            "json",
            str(fixed / program.name),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    left = json.loads(scanned.stdout)["findings"]
    assert all(finding["fix"] is None for finding in left), left
    assert {(program.name, finding["code"]) for finding in left} <= LEFT
