"""``conclint fix`` on the command line: diff, --apply, gating, summary, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from concurrency_lint.cli import main
from concurrency_lint.cli.fix_command import colored_diff
from concurrency_lint.fixes.apply import passes

SNIPPET = 'import subprocess\nsubprocess.run(["ls"])\n'
FIXED_SNIPPET = 'import subprocess\nsubprocess.run(["ls"], timeout=10)\n'


def _fix(*args: str) -> Result:
    return CliRunner().invoke(main, ["fix", "--no-cache", *args], catch_exceptions=False)


@pytest.fixture
def snippet(project: Path) -> Path:
    path = project / "a.py"
    path.write_text(SNIPPET)
    return path


def test_without_apply_prints_the_diff_and_writes_nothing(snippet: Path) -> None:
    result = _fix("--unsafe-fixes", "a.py")
    assert snippet.read_text() == SNIPPET
    assert result.stdout == (
        "--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,2 @@\n import subprocess\n"
        '-subprocess.run(["ls"])\n+subprocess.run(["ls"], timeout=10)\n'
    )
    assert "\x1b[" not in result.stdout  # plain when not on a terminal
    assert result.stderr == (
        "Would apply 1 fix to 1 file; run with --apply to write them.\nNo findings left.\n"
    )
    assert result.exit_code == 1  # changes pending


def test_apply_writes_and_exits_zero_when_clean(snippet: Path) -> None:
    result = _fix("--apply", "--unsafe-fixes", "a.py")
    assert snippet.read_text() == FIXED_SNIPPET
    assert result.stdout == "Fixed a.py (1 fix)\n"
    assert result.stderr == "Applied 1 fix to 1 file.\nNo findings left.\n"
    assert result.exit_code == 0
    again = _fix("--apply", "--unsafe-fixes", "a.py")
    assert again.stdout == ""
    assert again.stderr == "No fixes to apply.\nNo findings left.\n"
    assert again.exit_code == 0


def test_unsafe_fixes_are_held_back_without_the_flag(snippet: Path) -> None:
    result = _fix("--apply", "a.py")
    assert snippet.read_text() == SNIPPET
    assert result.stderr == (
        "No fixes to apply.\n"
        "1 unsafe fix held back; add --unsafe-fixes to apply them.\n"
        "1 finding left.\n"
    )
    assert result.exit_code == 1  # a finding remains


def test_select_and_ignore_choose_the_rules_whose_fixes_apply(snippet: Path) -> None:
    other = _fix("--apply", "--unsafe-fixes", "--select", "CL202", "a.py")
    assert snippet.read_text() == SNIPPET
    assert other.exit_code == 0 and "No fixes to apply." in other.stderr
    ignored = _fix("--apply", "--unsafe-fixes", "--ignore", "CL201", "a.py")
    assert snippet.read_text() == SNIPPET and ignored.exit_code == 0
    chosen = _fix("--apply", "--unsafe-fixes", "--select", "CL201", "a.py")
    assert snippet.read_text() == FIXED_SNIPPET and chosen.exit_code == 0


def test_a_refused_fix_is_reported_and_nothing_is_written(
    snippet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passes, "compile_error", lambda text, strictness: "invalid syntax")
    result = _fix("--apply", "--unsafe-fixes", "a.py")
    assert snippet.read_text() == SNIPPET
    assert (
        "a.py:2:1: CL201 fix not applied: nothing written to this file: "
        "the fixed code would not compile: invalid syntax (CL201 fix)" in result.stderr
    )
    assert "1 fix could not be applied (see above)." in result.stderr
    assert result.exit_code == 1


def test_syntax_error_file_is_untouched_and_reported(project: Path) -> None:
    path = project / "broken.py"
    path.write_text('import subprocess\nsubprocess.run(["ls"]\n')
    result = _fix("--apply", "--unsafe-fixes", ".")
    assert path.read_text() == 'import subprocess\nsubprocess.run(["ls"]\n'
    assert result.stderr.endswith("No fixes to apply.\n1 finding left.\n")
    assert result.exit_code == 1


def test_errors_exit_two(snippet: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _fix("missing.py").exit_code == 2
    assert _fix("--select", "XX1", "a.py").exit_code == 2

    def refuse(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("concurrency_lint.fixes.apply.source_file.os.replace", refuse)
    result = _fix("--apply", "--unsafe-fixes", "a.py")
    assert snippet.read_text() == SNIPPET
    assert "a.py: not fixed: cannot read or write: Permission denied" in result.stderr
    assert "1 file could not be fixed (see above)." in result.stderr
    assert result.exit_code == 2


def test_clean_tree_exits_zero(project: Path) -> None:
    (project / "clean.py").write_text('import subprocess\nsubprocess.run(["ls"], timeout=5)\n')
    result = _fix(".")
    assert result.stdout == ""
    assert result.stderr == "No fixes to apply.\nNo findings left.\n"
    assert result.exit_code == 0


def test_several_files_are_counted(project: Path) -> None:
    for name in ("a.py", "b.py"):
        (project / name).write_text(SNIPPET + 'subprocess.call(["git", "push"])\n')
    result = _fix("--apply", "--unsafe-fixes", ".")
    assert result.stdout == "Fixed a.py (2 fixes)\nFixed b.py (2 fixes)\n"
    assert result.stderr.startswith("Applied 4 fixes to 2 files.\n")


def test_colored_diff_marks_additions_removals_and_hunks() -> None:
    diff = "--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-old\n+new\n context\n"
    colored = colored_diff(diff)
    assert "\x1b[31m-old\x1b[0m\n" in colored
    assert "\x1b[32m+new\x1b[0m\n" in colored
    assert "\x1b[36m@@ -1 +1 @@\x1b[0m\n" in colored
    assert colored.endswith(" context\n")


def test_statistics_count_the_fixes_per_rule(project: Path) -> None:
    (project / "a.py").write_text(
        SNIPPET + 'subprocess.call(["git", "push"])\nimport requests\nrequests.get(URL)\n'
    )
    result = _fix("--statistics", "--unsafe-fixes", ".")
    assert result.stdout == (
        "     2  CL201  subprocess-without-timeout\n     1  CL202  network-call-without-timeout\n"
    )
    assert result.exit_code == 1


def test_runtime_module_from_the_config_names_the_added_import(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.conclint]\nruntime-module = "vendored.par"\n')
    path = project / "load.py"
    path.write_text(
        "def load_all(paths):\n"
        "    contents = []\n"
        "    for path in paths:\n"
        "        with open(path) as fh:\n"
        "            text = fh.read()\n"
        "        contents.append(text.upper())\n"
        "    return contents\n"
    )
    result = _fix("--apply", "--unsafe-fixes", "load.py")
    fixed = path.read_text()
    assert result.exit_code == 0, result.stderr
    assert fixed.startswith("from vendored.par import iter_parallel\n")
    assert fixed.count("import") == 1 and "concurrency_lint" not in fixed
