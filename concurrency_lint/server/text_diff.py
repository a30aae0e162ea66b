"""The edits that turn one text into another, line by line, as LSP text edits."""

from __future__ import annotations

from difflib import SequenceMatcher

from lsprotocol import types

from concurrency_lint.server.positions import LineIndex, Point
from concurrency_lint.sources.pruning import split_lines


def text_edits(before: str, after: str, index: LineIndex) -> list[types.TextEdit]:
    """Non-overlapping edits on ``before`` (indexed by ``index``) that give ``after``.

    Whole lines are replaced, so that the editor keeps the cursor and folds of every
    line the fix leaves alone (imports added at the top, a loop rewritten below).
    """
    old, new = split_lines(before), split_lines(after)
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    edits = []
    for tag, first, last, new_first, new_last in matcher.get_opcodes():
        if tag == "equal":
            continue
        start, end = _line_start(first, old, index), _line_start(last, old, index)
        replacement = "".join(new[new_first:new_last])
        edits.append(
            types.TextEdit(types.Range(index.to_client(start), index.to_client(end)), replacement)
        )
    return edits


def _line_start(line: int, lines: list[str], index: LineIndex) -> Point:
    """Where line ``line`` starts; past the last line, where the text ends."""
    if line < len(lines):
        return line, 0
    return index.end()
