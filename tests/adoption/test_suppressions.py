"""Suppressions that mean what they say: file-wide ignores, unknown and unused codes."""

from __future__ import annotations

from pathlib import Path

from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.checking.suppressions import directives, ignores_whole_file
from concurrency_lint.config import Config

BLOCKING = "import time\n\nasync def main():\n    time.sleep(1){comment}\n"


def codes(text: str, config: Config | None = None) -> list[tuple[int, str]]:
    result = FileChecker(config or Config()).check_text("m.py", text)
    return [(finding.span.start_line, finding.code) for finding in result.findings]


def test_ignore_file_right_after_the_module_docstring() -> None:
    text = '"""Generated bindings.\n\nDo not edit.\n"""\n# conclint: ignore-file\n'
    assert ignores_whole_file(text + "import subprocess\nsubprocess.run(['x'])\n")
    assert codes(text + "import subprocess\nsubprocess.run(['x'])\n") == []


def test_ignore_file_anywhere_in_the_leading_comment_block() -> None:
    text = "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n\n# conclint: ignore-file\n"
    assert ignores_whole_file(text + "x = 1\n")


def test_ignore_file_after_code_is_reported_not_silently_dropped() -> None:
    text = "import subprocess\n# conclint: ignore-file\nsubprocess.run(['x'])\n"
    assert not ignores_whole_file(text)
    assert codes(text) == [(2, "CL602"), (3, "CL201")]


def test_ignore_file_inside_a_string_is_no_directive() -> None:
    text = 'HELP = """\n# conclint: ignore-file\n"""\n'
    assert not ignores_whole_file(text)


def test_unknown_code_is_reported_by_default() -> None:
    text = "import subprocess\nsubprocess.run(['x'])  # noqa: CL999\n"
    assert codes(text) == [(2, "CL201"), (2, "CL602")]


def test_suppression_text_inside_a_string_suppresses_nothing() -> None:
    text = "import subprocess\nsubprocess.run(['x'], text='# noqa: CL201')\n"
    assert codes(text) == [(2, "CL201")]
    assert directives(text) == {}


def test_unused_codes_are_reported_when_cl601_is_on() -> None:
    config = Config(extend_select=("CL601",))
    used = "import subprocess\nsubprocess.run(['x'])  # noqa: CL201\n"
    unused = "import subprocess\nsubprocess.run(['x'], timeout=3)  # noqa: CL201\n"
    assert codes(used, config) == []
    assert codes(unused, config) == [(2, "CL601")]
    assert codes(unused) == []  # off by default


def test_cl601_does_not_judge_a_file_that_does_not_parse() -> None:
    config = Config(extend_select=("CL601",))
    assert codes("def f(:\n    pass  # noqa: CL201\n", config) == [(1, "CL001")]


def test_overlapping_ruff_code_silences_the_cl_finding() -> None:
    assert codes(BLOCKING.format(comment="")) == [(4, "CL401")]
    assert codes(BLOCKING.format(comment="  # noqa: ASYNC251")) == []
    assert codes(BLOCKING.format(comment="  # conclint: ignore[ASYNC251]")) == []
    assert codes(BLOCKING.format(comment="  # noqa: E501")) == [(4, "CL401")]


def test_an_overlapping_code_counts_as_used_and_is_never_unused() -> None:
    config = Config(extend_select=("CL601",))
    assert codes(BLOCKING.format(comment="  # noqa: ASYNC251"), config) == []
    assert codes("x = 1  # noqa: ASYNC251\n", config) == []


def test_markdown_blocks_get_the_same_audit(tmp_path) -> None:
    text = "# Doc\n\n```python\nimport subprocess\nsubprocess.run(['x'])  # noqa: CL299\n```\n"
    result = FileChecker(Config()).check_text("doc.md", text, markdown=True)
    assert [(f.span.start_line, f.code) for f in result.findings] == [(5, "CL201"), (5, "CL602")]


def test_suppressions_in_a_pruned_large_module_are_read_on_the_real_lines() -> None:
    filler = "".join(f"VALUE_{index} = {index}\n" for index in range(40_000))
    text = (
        "import subprocess\n"
        + filler
        + "subprocess.run(['a'])  # noqa: CL201\n"
        + "subprocess.run(['b'])\n"
        + "VALUE = 1  # noqa: CL201\n"
    )
    assert len(text) > 512 * 1024  # the module is pruned before LibCST parses it
    last = text.count("\n")
    assert codes(text, Config(extend_select=("CL601",))) == [(last - 1, "CL201"), (last, "CL601")]


def test_unused_codes_are_removed_by_fix(project) -> None:
    from tests.conftest import run_conclint

    path = project / "m.py"
    path.write_text(
        "import subprocess\n"
        "subprocess.run(['a'], timeout=5)  # noqa: CL201\n"
        "subprocess.run(['b'])  # noqa: CL201, CL202, E501\n"
        "x = 1  # conclint: ignore\n"
        "y = 2  # noqa: CL204\n"
        "z = 3  # noqa: CL201 (reviewed)\n"
    )
    run = run_conclint("fix", "--no-cache", "--extend-select", "CL601", "--apply", "m.py")
    assert run.exit_code in (0, 1), run.stderr
    assert path.read_text().splitlines() == [
        "import subprocess",
        "subprocess.run(['a'], timeout=5)",
        "subprocess.run(['b'])  # noqa: CL201, E501",
        "x = 1",
        "y = 2  # noqa: CL204",  # CL204 is off here, not unused: unsafe to remove
        "z = 3  # noqa: CL201 (reviewed)",  # an explanation follows: left to the reader
    ]


TRICKY = (Path(__file__).parent / "tricky_comments.txt").read_text(encoding="utf-8")


def _tokenizer_comments(text: str) -> dict[int, tuple[int, str]]:
    import tokenize

    from concurrency_lint.sources.pruning import split_lines

    found = {}
    for token in tokenize.generate_tokens(iter(split_lines(text)).__next__):
        lowered = token.string.lower()
        if token.type == tokenize.COMMENT and ("noqa" in lowered or "conclint" in lowered):
            found[token.start[0]] = (token.start[1], token.string)
    return found


def test_comments_are_found_as_the_tokenizer_finds_them() -> None:
    from concurrency_lint.checking.suppressions import comments

    assert comments(TRICKY) == _tokenizer_comments(TRICKY)
    assert sorted(comments(TRICKY)) == [1, 2, 4, 5, 9]
    root = Path(__file__).resolve().parents[2]
    for path in sorted((root / "concurrency_lint").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert comments(text) == _tokenizer_comments(text), path


def test_a_suppression_listing_no_readable_code_is_reported() -> None:
    text = "import subprocess\nsubprocess.run(['x'])  # noqa: CL-201\n"
    assert codes(text) == [(2, "CL602")]  # it silences CL201, but says it does not mean to
    assert codes("x = 1  # conclint: ignore[CL201\n") == [(1, "CL602")]
    assert codes("x = 1  # noqa\n") == []


def test_comments_match_the_tokenizer_on_generated_lexemes() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from concurrency_lint.checking.suppressions import comments

    pieces = st.sampled_from(
        [
            "x = ",
            " + ",
            "'a # noqa'",
            '"b\\" # noqa: CL201"',
            "'''multi\n# noqa: CL201\n'''",
            '"""q"" # noqa"""',
            "r'\\\\'",
            "b'\\''",
            'f"{x} # noqa"',
            "# noqa: CL201",
            "  # conclint: ignore[CL202]",
            "# NOQA",
            "\n",
            "\\\n",
            "(\n",
            ")",
        ]
    )

    @settings(max_examples=300, deadline=None)
    @given(st.lists(pieces, max_size=30))
    def check(parts: list[str]) -> None:
        text = "".join(parts) + "\n"
        try:
            expected = _tokenizer_comments(text)
        except (SyntaxError, Exception):  # not lexically valid: nothing to compare with
            return
        assert comments(text) == expected

    check()
