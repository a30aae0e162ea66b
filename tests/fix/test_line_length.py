"""Lines a fix writes keep to the line length; lines it did not write are left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from concurrency_lint.config import Config, ConfigError, parse_table
from concurrency_lint.fixes.apply import fix_text
from concurrency_lint.fixes.apply.line_length import wrap_long_lines, written_lines
from concurrency_lint.fixes.apply.project_line_length import line_length_for
from concurrency_lint.model import Edit, Finding, Fix, Safety, Span


def _compiles(text: str) -> bool:
    try:
        compile(text, "<test>", "exec", dont_inherit=True)
    except SyntaxError:
        return False
    return True


LONG_CALL = "    results = run_parallel(read_one, sorted(paths), max_workers=50, fail_fast=True, extra=None, limit=9)"
SOURCE = "def load(paths):\n    OLD = 1\n"


def _replace_line(old: str, new: str):
    """A checker offering one safe fix: the line ``old`` becomes ``new``."""

    def check(text: str) -> list[Finding]:
        lines = text.split("\n")
        if old not in lines:
            return []
        number = lines.index(old) + 1
        span = Span(number, 1, number, len(old) + 1)
        fix = Fix("rewrite", Safety.SAFE, (Edit(span, new),))
        return [Finding("CL999", "test", "m", "t.py", span, fix)]

    return check


def test_a_long_call_the_fix_wrote_is_split_black_style() -> None:
    outcome = fix_text(SOURCE, _replace_line("    OLD = 1", LONG_CALL), unsafe=False)
    assert outcome.text == (
        "def load(paths):\n"
        "    results = run_parallel(\n"
        "        read_one,\n"
        "        sorted(paths),\n"
        "        max_workers=50,\n"
        "        fail_fast=True,\n"
        "        extra=None,\n"
        "        limit=9,\n"
        "    )\n"
    )


def test_the_line_length_is_an_option() -> None:
    outcome = fix_text(SOURCE, _replace_line("    OLD = 1", LONG_CALL), False, line_length=120)
    assert outcome.text == f"def load(paths):\n{LONG_CALL}\n"


def test_lines_the_fix_did_not_write_are_never_reformatted() -> None:
    untouched = (
        "x = some_function_with_a_long_name(argument_number_one, argument_number_two, three)\n"
    )
    source = untouched + "OLD = 1\n"
    check = _replace_line("OLD = 1", "y = 1")
    assert fix_text(source, check, unsafe=False, line_length=40).text == untouched + "y = 1\n"


def test_the_split_recurses_into_arguments_still_too_long() -> None:
    before = "x = 1\n"
    after = "x = outer(inner(first_argument_value, second_argument_value), other_value)\n"
    assert wrap_long_lines(before, after, 40, _compiles) == (
        "x = outer(\n    inner(\n        first_argument_value,\n        second_argument_value,\n"
        "    ),\n    other_value,\n)\n"
    )


def test_a_bare_generator_argument_and_fstrings_are_not_split() -> None:
    after = (
        'x = total(value * 2 for value in the_values_to_sum_up_here)\ny = f"{g(a, b)}" + "'
        + "z" * 40
        + '"\n'
    )
    assert wrap_long_lines("", after, 30, _compiles) == after


def test_long_imports_are_parenthesised() -> None:
    after = "from concurrency_lint.parallel import gather_bounded, iter_parallel, run_parallel\n"
    assert wrap_long_lines("", after, 60, _compiles) == (
        "from concurrency_lint.parallel import (\n    gather_bounded,\n    iter_parallel,\n"
        "    run_parallel,\n)\n"
    )


def test_written_lines_are_the_new_ones() -> None:
    assert written_lines("a\nb\nc\n", "a\nB\nc\nd\n") == {2, 4}


def _project(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    source = tmp_path / "pkg"
    source.mkdir()
    return source


def test_line_length_defaults_to_100(tmp_path: Path) -> None:
    assert line_length_for(Config(), tmp_path) == 100


def test_ruff_line_length_is_used(tmp_path: Path) -> None:
    folder = _project(tmp_path, "pyproject.toml", "[tool.ruff]\nline-length = 88\n")
    assert line_length_for(Config(), folder) == 88


def test_ruff_toml_wins_over_black(tmp_path: Path) -> None:
    (tmp_path / "ruff.toml").write_text("line-length = 79\n", encoding="utf-8")
    folder = _project(tmp_path, "pyproject.toml", "[tool.black]\nline-length = 120\n")
    assert line_length_for(Config(), folder) == 79


def test_black_line_length_is_used_without_ruff(tmp_path: Path) -> None:
    folder = _project(tmp_path, "pyproject.toml", "[tool.black]\nline-length = 120\n")
    assert line_length_for(Config(), folder) == 120


def test_conclint_line_length_wins(tmp_path: Path) -> None:
    folder = _project(tmp_path, "pyproject.toml", "[tool.ruff]\nline-length = 88\n")
    assert line_length_for(Config(line_length=110), folder) == 110


def test_line_length_key_is_validated(tmp_path: Path) -> None:
    config = parse_table({"line-length": 90}, tmp_path / "conclint.toml", "", frozenset())
    assert config.line_length == 90
    with pytest.raises(ConfigError, match="line-length"):
        parse_table({"line-length": 0}, tmp_path / "conclint.toml", "", frozenset())


FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rules"


@pytest.mark.parametrize("fixed", sorted(FIXTURES.glob("CL*.fixed.py")), ids=lambda path: path.name)
def test_no_line_a_fixture_fix_wrote_is_longer_than_100(fixed: Path) -> None:
    source = fixed.with_name(fixed.name.replace(".fixed.py", ".py")).read_text(encoding="utf-8")
    text = fixed.read_text(encoding="utf-8")
    lines = text.split("\n")
    assert [n for n in written_lines(source, text) if len(lines[n - 1]) > 100] == []


def test_comprehensions_are_split_clause_by_clause() -> None:
    after = "xs = [item for item in load_every_item(source_folder) if item.is_interesting()]\n"
    assert wrap_long_lines("", after, 50, _compiles) == (
        "xs = [\n    item\n    for item in load_every_item(source_folder)\n"
        "    if item.is_interesting()\n]\n"
    )


def test_lines_with_a_suppression_comment_are_not_split() -> None:
    after = "x = outer(first_argument_value, second_argument_value)  # noqa: CL101\n"
    assert wrap_long_lines("", after, 40, _compiles) == after
