"""Lines as the interpreter counts them: ``\\n``, ``\\r\\n`` and ``\\r`` end a line, nothing else.

``str.splitlines`` also splits on form feeds, vertical tabs, ``\\x1c``-``\\x1e``, ``\\x85``,
``\\u2028`` and ``\\u2029``; Python, LibCST and every editor's line numbers do not. Every
place that turns a source into lines or a line number into an offset goes through here.
"""

from __future__ import annotations

import re

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split exactly where the interpreter counts lines."""
    lines, start = [], 0
    for match in LINE_BREAK.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def source_lines(text: str) -> list[str]:
    """Lines without their endings (``str.splitlines`` as the interpreter would split)."""
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # a final line break ends the last line, it does not open another
    return lines


def line_starts(text: str) -> list[int]:
    """Character offset at which each 1-based line starts (index 0 unused)."""
    return [0, 0, *(match.end() for match in LINE_BREAK.finditer(text))]
