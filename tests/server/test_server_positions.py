"""Positions in the client's units, and the edits between two texts."""

from __future__ import annotations

import pytest
from lsprotocol import types

from concurrency_lint.model import Span
from concurrency_lint.server.positions import LineIndex, touches
from concurrency_lint.server.text_diff import text_edits

UTF8, UTF16, UTF32 = (
    types.PositionEncodingKind.Utf8,
    types.PositionEncodingKind.Utf16,
    types.PositionEncodingKind.Utf32,
)


@pytest.mark.parametrize(
    ("encoding", "character"),
    [(UTF16, 7), (UTF8, 10), (UTF32, 6)],  # "🐍 é = ": the snake is 2 UTF-16 units, 4 bytes
)
def test_columns_count_in_the_negotiated_encoding(encoding: str, character: int) -> None:
    index = LineIndex("x = 1\n🐍 é = run()\n", encoding)
    position = index.to_client((1, 6))
    assert position == types.Position(1, character)
    assert index.from_client(position) == (1, 6)


def test_lines_break_where_the_interpreter_breaks_them() -> None:
    # A form feed is no line break for Python nor for LSP (str.splitlines says it is).
    index = LineIndex("a = 1\x0cb\r\nc = 2\rd = 3\n")
    assert index.lines == ["a = 1\x0cb", "c = 2", "d = 3", ""]
    assert index.span_range(Span(3, 1, 3, 6)) == types.Range(
        types.Position(2, 0), types.Position(2, 5)
    )


def test_positions_outside_the_text_are_clamped() -> None:
    index = LineIndex("ab\ncd")
    assert index.to_client((9, 0)) == types.Position(1, 2)
    assert index.from_client(types.Position(0, 99)) == (0, 2)
    assert index.from_client(types.Position(5, 0)) == (1, 2)


def test_touches_includes_both_ends() -> None:
    span = Span(2, 5, 2, 10)  # (1, 4) .. (1, 9) in 0-based points
    assert touches(span, (1, 4), (1, 4))
    assert touches(span, (1, 9), (1, 9))
    assert not touches(span, (1, 10), (1, 12))
    assert touches(span, (0, 0), (3, 0))


def _apply(text: str, edits: list[types.TextEdit], index: LineIndex) -> str:
    def offset(position: types.Position) -> int:
        line, column = index.from_client(position)
        return sum(len(item) + 1 for item in index.lines[:line]) + column

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("a\nb\nc\n", "import x\na\nb\nc(1)\n"),
        ("a\nb\nc\n", "a\nc\n"),
        ("a\nb", "a\nb\nc"),
        ("a\nb", "a\nb2"),
        ("", "x = 1\n"),
        ("a\n", ""),
    ],
)
def test_text_edits_turn_one_text_into_the_other(before: str, after: str) -> None:
    index = LineIndex(before)
    assert _apply(before, text_edits(before, after, index), index) == after


def test_text_edits_leave_unchanged_lines_alone() -> None:
    before = "a\nb\nc\nd\n"
    edits = text_edits(before, "import x\na\nb\nc\nD\n", LineIndex(before))
    assert [(e.range.start.line, e.range.end.line, e.new_text) for e in edits] == [
        (0, 0, "import x\n"),
        (3, 4, "D\n"),
    ]


def test_hover_documents_each_rule_once() -> None:
    from concurrency_lint.model import Finding
    from concurrency_lint.server.hover import hover_text

    findings = [
        Finding("CL201", "subprocess-without-timeout", f"call {n}", "a.py", Span(1, 1, 1, 30))
        for n in (1, 2)
    ]
    text = hover_text(findings, (0, 3))
    assert text is not None
    assert "call 1" in text and "call 2" in text
    assert text.count("## Why is this bad?") == 1
    assert hover_text(findings, (1, 0)) is None
