"""Apply span-based text edits to source text."""

from __future__ import annotations

from collections.abc import Iterable

from concurrency_lint.model import Edit, Span
from concurrency_lint.sources.lines import line_starts


class OverlappingEdits(ValueError):
    """Two edits touch the same text; apply them in separate passes."""


def line_offsets(text: str) -> list[int]:
    """Character offset at which each 1-based line starts (index 0 unused), lines counted
    as the interpreter counts them (``\\n``, ``\\r\\n``, ``\\r``; never a form feed)."""
    return line_starts(text)


def span_offsets(span: Span, offsets: list[int]) -> tuple[int, int]:
    start = offsets[span.start_line] + span.start_col - 1
    end = offsets[span.end_line] + span.end_col - 1
    return start, end


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """The text with every edit applied; raises OverlappingEdits when two overlap."""
    offsets = line_offsets(text)
    located = sorted((span_offsets(edit.span, offsets), edit.text) for edit in edits)
    pieces = []
    cursor = 0
    for (start, end), replacement in located:
        if start < cursor:
            raise OverlappingEdits(f"edit at offset {start} overlaps the previous one")
        pieces.append(text[cursor:start])
        pieces.append(replacement)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
