"""Lines are counted as Python counts them: ``\\n``, ``\\r\\n`` and ``\\r``, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.checking.suppressions import ignores_whole_file
from concurrency_lint.config import Config
from concurrency_lint.fixes.text_edits import apply_edits, line_offsets
from concurrency_lint.model import Edit, Span
from concurrency_lint.sources.gitignore import GitIgnore
from concurrency_lint.sources.lines import line_starts, source_lines, split_lines
from concurrency_lint.testing import expected_markers
from tests.conftest import run_conclint

# Characters ``str.splitlines`` breaks on that Python does not.
NOT_LINE_BREAKS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def flagged_lines(text: str) -> list[int]:
    findings = FileChecker(Config()).check_text("mod.py", text).findings
    return [finding.span.start_line for finding in findings if finding.code == "CL201"]


@pytest.mark.parametrize("char", NOT_LINE_BREAKS, ids=repr)
def test_lines_split_where_python_splits(char: str) -> None:
    text = f"a = 1  # {char} note\r\nb = 2\rc = 3\n"
    assert source_lines(text) == [f"a = 1  # {char} note", "b = 2", "c = 3"]
    assert split_lines(text) == [f"a = 1  # {char} note\r\n", "b = 2\r", "c = 3\n"]
    assert line_starts(text) == [0, 0, text.index("b"), text.index("c"), len(text)]


def test_noqa_after_a_form_feed_silences_its_own_line() -> None:
    text = 'import subprocess\n\x0c\nsubprocess.run(["a"])  # noqa\nsubprocess.run(["b"])\n'
    assert flagged_lines(text) == [4]


@pytest.mark.parametrize("char", NOT_LINE_BREAKS, ids=repr)
def test_noqa_after_any_non_break_character(char: str) -> None:
    text = f'import subprocess\nx = 1  # {char}\nsubprocess.run(["a"])  # noqa\nsubprocess.run(["b"])\n'
    assert flagged_lines(text) == [4]


def test_fix_edits_the_line_after_a_form_feed(project: Path) -> None:
    source = 'import subprocess\n\x0c\nsubprocess.run(["a"])  # noqa\nsubprocess.run(["b"])\n'
    (project / "mod.py").write_bytes(source.encode())
    run = run_conclint("fix", "mod.py", "--apply", "--unsafe-fixes", "--no-cache")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert (project / "mod.py").read_bytes().decode() == (
        'import subprocess\n\x0c\nsubprocess.run(["a"])  # noqa\n'
        'subprocess.run(["b"], timeout=10)\n'
    )


def test_edits_count_carriage_returns_as_line_ends() -> None:
    text = "a = 1\rb = 2\r\nc = 3\x0cd\n"
    assert line_offsets(text) == [0, 0, 6, 13, 21]
    edit = Edit(Span(3, 1, 3, 2), "C")
    assert apply_edits(text, [edit]) == "a = 1\rb = 2\r\nC = 3\x0cd\n"


def test_ignore_file_reads_the_comment_as_one_line() -> None:
    # The whole first line is a comment to Python: the form feed does not end it.
    header = "# generated\x0cby a tool  # conclint: ignore-file\n"
    assert ignores_whole_file(header + "import os\n")
    assert not ignores_whole_file("x = 1\x0c# conclint: ignore-file\n")


def test_fixture_markers_count_lines_like_python() -> None:
    text = "x = 1  # \x0c\nsubprocess.run([])  # CL201\n"
    assert expected_markers(text) == frozenset({(2, "CL201")})


def test_gitignore_lines_end_at_line_feeds_only(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_bytes("build\x85dist\r\nout\n".encode())
    ignore = GitIgnore.load(tmp_path)
    assert ignore is not None
    assert ignore.verdict("out", is_dir=False) is True
    assert ignore.verdict("build\x85dist", is_dir=False) is True
    assert ignore.verdict("dist", is_dir=False) is None
