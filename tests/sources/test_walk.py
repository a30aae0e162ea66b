"""A folder walk takes the files ``os.path.splitext`` calls Python (or Markdown when
asked), in the order of their display names, and skips excluded folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from concurrency_lint.config import Config
from concurrency_lint.sources.discovery import MARKDOWN_SUFFIXES, PYTHON_SUFFIXES, Discovery

NAMES = [
    "a.py",
    "B.PY",
    "c.pyi",
    ".py",
    "..py",
    "d..py",
    ".hidden.py",
    "e.py.txt",
    "f.",
    "noext",
    "g.md",
    "H.Markdown",
    ".md",
    "z.po",
]


@pytest.mark.parametrize("markdown", [False, True])
def test_the_walk_takes_what_splitext_names_a_source(tmp_path: Path, markdown: bool) -> None:
    tree = tmp_path / "tree"
    for folder in ("", "pkg", "pkg/sub", "__pycache__", "locale/fr/LC_MESSAGES"):
        (tree / folder).mkdir(parents=True, exist_ok=True)
        for name in NAMES:
            (tree / folder / name).write_text("x = 1\n")
    wanted = PYTHON_SUFFIXES + (MARKDOWN_SUFFIXES if markdown else ())
    expected = sorted(
        os.path.relpath(os.path.join(top, name), tmp_path).replace(os.sep, "/")
        for top, folders, files in os.walk(tree)
        if "__pycache__" not in top
        for name in files
        if os.path.splitext(name)[1].lower() in wanted
    )
    config = Config(root=str(tmp_path))
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        files, problems = Discovery(config, include_markdown=markdown).run([Path("tree")])
    finally:
        os.chdir(cwd)
    assert problems == []
    assert [source.display for source in files] == expected
    assert all(os.path.isabs(source.path) and os.path.isfile(source.path) for source in files)
    assert [source.markdown for source in files] == [
        os.path.splitext(name)[1].lower() in MARKDOWN_SUFFIXES for name in expected
    ]
