"""``conclint fix -``: standard input fixed onto standard output, for editors and pipes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from concurrency_lint.cli import main
from concurrency_lint.fixes.apply import passes

UNSAFE = 'import subprocess\nsubprocess.run(["ls"])\n'
UNSAFE_FIXED = 'import subprocess\nsubprocess.run(["ls"], timeout=10)\n'
SAFE = """\
def load_all(paths):
    contents = []
    for path in sorted(paths):
        with open(path) as fh:
            text = fh.read()
        contents.append(text.upper())
    return contents
"""


def _fix_stdin(data: str | bytes, *args: str) -> Result:
    return CliRunner().invoke(main, ["fix", "-", *args], input=data, catch_exceptions=False)


def test_unsafe_fixes_print_the_fixed_text_and_exit_zero(project: Path) -> None:
    result = _fix_stdin(UNSAFE, "--unsafe-fixes", "--stdin-filename", "job.py")
    assert result.stdout == UNSAFE_FIXED
    assert result.stderr == "Applied 1 fix to 1 file.\nNo findings left.\n"
    assert result.exit_code == 0
    assert not (project / "job.py").exists()  # nothing is written anywhere


def test_without_the_flag_unsafe_fixes_are_held_back(project: Path) -> None:
    result = _fix_stdin(UNSAFE, "--stdin-filename", "job.py")
    assert result.stdout == UNSAFE  # the whole input, unchanged
    assert "1 unsafe fix held back; add --unsafe-fixes to apply them." in result.stderr
    assert result.exit_code == 1  # a finding remains


def test_safe_fixes_apply_without_the_flag(project: Path) -> None:
    # The rewrite imports the runtime: safe only where the project declares it.
    (project / "pyproject.toml").write_text(
        '[project]\nname = "app"\ndependencies = ["concurrency-lint"]\n', encoding="utf-8"
    )
    result = _fix_stdin(SAFE, "--stdin-filename", "load.py")
    assert result.stdout.startswith("from concurrency_lint.parallel import run_parallel\n")
    # The rewritten loop header is longer than 100 columns: split over its arguments.
    assert "run_parallel(\n        load_path,\n        sorted(paths),\n" in result.stdout
    assert result.exit_code == 0


def test_clean_input_comes_back_unchanged(project: Path) -> None:
    result = _fix_stdin("x = 1\n")
    assert result.stdout == "x = 1\n"
    assert result.stderr == "No fixes to apply.\nNo findings left.\n"
    assert result.exit_code == 0


def test_the_file_name_chooses_the_configuration(project: Path) -> None:
    (project / "quiet").mkdir()
    (project / "quiet" / "conclint.toml").write_text('select = ["CL202"]\n')
    elsewhere = _fix_stdin(UNSAFE, "--unsafe-fixes", "--stdin-filename", "loud/job.py")
    assert elsewhere.stdout == UNSAFE_FIXED
    nearest = _fix_stdin(UNSAFE, "--unsafe-fixes", "--stdin-filename", "quiet/job.py")
    assert nearest.stdout == UNSAFE  # quiet/conclint.toml selects CL202 only
    assert nearest.exit_code == 0


def test_per_file_ignores_match_the_file_name(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.conclint]\nper-file-ignores = { "scripts/*.py" = ["CL201"] }\n'
    )
    ignored = _fix_stdin(UNSAFE, "--unsafe-fixes", "--stdin-filename", "scripts/job.py")
    assert ignored.stdout == UNSAFE
    assert ignored.exit_code == 0


def test_selection_options_apply(project: Path) -> None:
    result = _fix_stdin(UNSAFE, "--unsafe-fixes", "--select", "CL202")
    assert result.stdout == UNSAFE
    assert result.exit_code == 0


def test_bytes_keep_their_line_endings_and_byte_order_mark(project: Path) -> None:
    data = b"\xef\xbb\xbf" + UNSAFE.replace("\n", "\r\n").encode()
    result = _fix_stdin(data, "--unsafe-fixes")
    assert result.stdout_bytes == b"\xef\xbb\xbf" + UNSAFE_FIXED.replace("\n", "\r\n").encode()


def test_a_syntax_error_is_left_alone(project: Path) -> None:
    broken = 'import subprocess\nsubprocess.run(["ls"]\n'
    result = _fix_stdin(broken, "--unsafe-fixes", "--stdin-filename", "bad.py")
    assert result.stdout == broken
    assert result.exit_code == 1  # CL001 remains
    assert "1 finding left." in result.stderr


def test_undecodable_input_comes_back_byte_for_byte(project: Path) -> None:
    data = b"# -*- coding: ascii -*-\nname = '\xff'\n"
    result = _fix_stdin(data, "--unsafe-fixes")
    assert result.stdout_bytes == data
    assert result.exit_code == 1  # CL002 remains


def test_a_refused_fix_leaves_the_text_and_says_why(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passes, "compile_error", lambda text, strictness: "invalid syntax")
    result = _fix_stdin(UNSAFE, "--unsafe-fixes", "--stdin-filename", "job.py")
    assert result.stdout == UNSAFE
    assert (
        "job.py:2:1: CL201 fix not applied: nothing written to this file: the fixed code would not compile"
        in result.stderr
    )
    assert result.exit_code == 1


def test_markdown_blocks_are_fixed(project: Path) -> None:
    text = "# Notes\n\n```python\n" + UNSAFE + "```\n"
    result = _fix_stdin(text, "--unsafe-fixes", "--stdin-filename", "notes.md")
    assert result.stdout == "# Notes\n\n```python\n" + UNSAFE_FIXED + "```\n"
    assert result.exit_code == 0


def test_statistics_go_to_standard_error(project: Path) -> None:
    result = _fix_stdin(UNSAFE, "--unsafe-fixes", "--statistics")
    assert result.stdout == UNSAFE_FIXED
    assert "1  CL201  subprocess-without-timeout" in result.stderr


def test_exit_zero_for_formatters_that_drop_output_on_failure(project: Path) -> None:
    result = _fix_stdin(UNSAFE, "--exit-zero")
    assert result.stdout == UNSAFE
    assert result.exit_code == 0  # the finding remains, but the text is good to use


def test_exit_zero_does_not_hide_errors(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(passes._FixLoop, "run", broken)
    result = _fix_stdin(UNSAFE, "--unsafe-fixes", "--exit-zero")
    assert result.stdout == UNSAFE
    assert "not fixed: internal error: RuntimeError: boom" in result.stderr
    assert result.exit_code == 2


def test_exit_zero_applies_to_files_too(project: Path) -> None:
    (project / "a.py").write_text(UNSAFE)
    result = CliRunner().invoke(
        main, ["fix", "--no-cache", "--unsafe-fixes", "--exit-zero", "a.py"]
    )
    assert result.stdout.startswith("--- a/a.py")  # the diff: changes pending
    assert result.exit_code == 0
