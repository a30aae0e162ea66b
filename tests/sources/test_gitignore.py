"""``.gitignore`` matching on a walk's path strings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from concurrency_lint.sources.gitignore import GitIgnore, is_ignored

OUTER = ["build/", "*.log", "!keep.log", "/top.py", "docs/**/gen_*.py"]
INNER = ["gen/", "!important.log", "[ab]_*.py"]


@pytest.fixture
def stack(tmp_path: Path) -> list[GitIgnore]:
    inner = tmp_path / "pkg"
    inner.mkdir()
    return [GitIgnore(tmp_path.absolute(), OUTER), GitIgnore(inner.absolute(), INNER)]


@pytest.mark.parametrize(
    ("relative", "is_dir", "ignored"),
    [
        ("build", True, True),
        ("build", False, False),  # a directory-only pattern
        ("pkg/build", True, True),
        ("app.log", False, True),
        ("keep.log", False, False),  # re-included
        ("pkg/important.log", False, False),  # the inner file has the last word
        ("pkg/other.log", False, True),
        ("top.py", False, True),
        ("pkg/top.py", False, False),  # anchored to the outer folder
        ("docs/a/b/gen_x.py", False, True),
        ("pkg/gen", True, True),
        ("pkg/a_mod.py", False, True),
        ("pkg/c_mod.py", False, False),
        ("src/module.py", False, False),
    ],
)
def test_the_innermost_ignore_file_with_an_opinion_decides(
    stack: list[GitIgnore], tmp_path: Path, relative: str, is_dir: bool, ignored: bool
) -> None:
    path = tmp_path.absolute() / relative
    assert is_ignored(str(path), is_dir, stack) is ignored


def test_a_path_outside_every_folder_is_not_ignored(stack: list[GitIgnore], tmp_path: Path) -> None:
    outside = os.path.join(os.path.dirname(str(tmp_path.absolute())), "elsewhere", "app.log")
    sibling = str(tmp_path.absolute()) + "-sibling" + os.sep + "app.log"  # a prefix, not a folder
    for path in (outside, sibling):
        assert not is_ignored(path, False, stack)
