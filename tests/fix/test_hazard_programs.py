"""The loop rewrite's safety proof, program by program: each program of
``fixtures/fix_programs/hazards/`` holds a loop that a naive rewrite would break (or a
shape the rewrite handles). After ``conclint fix --apply --unsafe-fixes`` it prints the
same, exits the same and fails with the same exception type; its docstring says whether
the loop is rewritten (``Expect: rewritten``) or left alone (``Expect: no fix``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fix.test_fix_programs import FIX_COMMAND, run_program

HAZARDS_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "fix_programs" / "hazards"
HAZARDS = sorted(HAZARDS_DIR.glob("*.py"))
_EXPECT = re.compile(r"^Expect: (rewritten|no fix)$", re.M)


def expectation(program: Path) -> str:
    found = _EXPECT.search(program.read_text(encoding="utf-8"))
    assert found, f"{program.name}: the docstring must say `Expect: rewritten` or `Expect: no fix`"
    return found.group(1)


def _fixed_copies(folder: Path) -> dict[str, Path]:
    copies = {}
    for program in HAZARDS:
        copies[program.name] = folder / program.name
        shutil.copyfile(program, copies[program.name])
    subprocess.run(
        [sys.executable, *FIX_COMMAND, "--select", "CL101,CL102", str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=folder,
    )
    return copies


@pytest.fixture(scope="module")
def fixed_hazards(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _fixed_copies(tmp_path_factory.mktemp("fixed_hazards"))


@pytest.fixture(scope="module")
def stdlib_hazards(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same programs fixed with `fix-target = "stdlib"` (concurrent.futures code)."""
    folder = tmp_path_factory.mktemp("stdlib_hazards")
    (folder / "pyproject.toml").write_text('[tool.conclint]\nfix-target = "stdlib"\n')
    return _fixed_copies(folder)


def test_there_are_programs_for_every_hazard() -> None:
    assert len(HAZARDS) >= 40
    kinds = [expectation(program) for program in HAZARDS]
    assert kinds.count("rewritten") >= 15 and kinds.count("no fix") >= 15


@pytest.mark.parametrize("program", HAZARDS, ids=lambda p: p.stem)
def test_the_loop_is_rewritten_or_left_as_expected(
    program: Path, fixed_hazards: dict[str, Path]
) -> None:
    fixed = fixed_hazards[program.name].read_text(encoding="utf-8")
    original = program.read_text(encoding="utf-8")
    if expectation(program) == "rewritten":
        assert fixed != original
        assert "run_parallel(" in fixed or "iter_parallel(" in fixed
        compile(fixed, program.name, "exec")
    else:
        assert fixed == original


@pytest.mark.parametrize("args", [(), ("fail",)], ids=["ok", "fail"])
@pytest.mark.parametrize("program", HAZARDS, ids=lambda p: p.stem)
def test_the_fixed_program_behaves_the_same(
    program: Path, args: tuple[str, ...], fixed_hazards: dict[str, Path]
) -> None:
    if expectation(program) == "no fix" and args:
        pytest.skip("left as it was: one run shows it")
    before = run_program(program, *args)
    after = run_program(fixed_hazards[program.name], *args)
    assert before[0] or before[2], "the program must print something or fail"
    assert after == before


def test_the_stdlib_target_rewrites_into_the_standard_library_only(
    stdlib_hazards: dict[str, Path],
) -> None:
    texts = {name: path.read_text(encoding="utf-8") for name, path in stdlib_hazards.items()}
    rewritten = [name for name, text in texts.items() if "ThreadPoolExecutor(" in text]
    assert len(rewritten) >= 8, rewritten
    assert not [name for name, text in texts.items() if "concurrency_lint" in text]


@pytest.mark.parametrize("args", [(), ("fail",)], ids=["ok", "fail"])
@pytest.mark.parametrize("program", HAZARDS, ids=lambda p: p.stem)
def test_the_stdlib_fixed_program_behaves_the_same(
    program: Path, args: tuple[str, ...], stdlib_hazards: dict[str, Path]
) -> None:
    fixed = stdlib_hazards[program.name]
    if fixed.read_text(encoding="utf-8") == program.read_text(encoding="utf-8"):
        pytest.skip("not rewritten with the stdlib target")
    assert run_program(fixed, *args) == run_program(program, *args)
