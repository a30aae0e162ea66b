"""Every ``fixtures/rules/CLxxx.fixed.py``: the real fixer turns CLxxx.py into it, once.

Only the fixture's own rule fixes it (unless its ``# conclint-args:`` header selects
otherwise), so a new rule firing on another rule's fixture does not change the expectation.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from concurrency_lint.config import Config
from concurrency_lint.fixes.apply import FixOptions, fix_paths
from concurrency_lint.testing import fixture_config

FIXTURE_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "rules"
FIXED = sorted(FIXTURE_DIR.glob("CL*.fixed.py"))
APPLY_ALL = FixOptions(apply=True, unsafe=True, use_cache=False)


def test_the_fixes_of_the_finished_rules_have_expected_files() -> None:
    names = {path.name for path in FIXED}
    assert {"CL201.fixed.py", "CL202.fixed.py"} <= names


@pytest.mark.parametrize("expected", FIXED, ids=lambda p: p.name)
def test_fix_apply_unsafe_gives_the_fixed_fixture_and_is_idempotent(
    expected: Path, project: Path
) -> None:
    source = FIXTURE_DIR / expected.name.replace(".fixed.py", ".py")
    copy = project / source.name
    shutil.copyfile(source, copy)
    code = source.name.removesuffix(".py")
    config = fixture_config(source.read_text(encoding="utf-8"), Config(select=(code,)))

    first = fix_paths([copy], config, APPLY_ALL)
    assert first.fixes_applied > 0
    assert copy.read_text(encoding="utf-8") == expected.read_text(encoding="utf-8")

    second = fix_paths([copy], config, APPLY_ALL)
    assert second.fixes_applied == 0
    assert not second.changed_files
    assert copy.read_text(encoding="utf-8") == expected.read_text(encoding="utf-8")
