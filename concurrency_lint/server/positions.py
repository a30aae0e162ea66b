"""Positions between findings (1-based lines, code-point columns) and the client's units.

LSP counts columns in the position encoding agreed at initialisation (UTF-16 unless the
client offers another) and breaks lines at ``\\n``, ``\\r\\n`` and ``\\r`` only -- as the
interpreter does, and unlike ``str.splitlines``.
"""

from __future__ import annotations

from lsprotocol import types

from concurrency_lint.model import Span
from concurrency_lint.sources.pruning import split_lines

#: A position in code points, 0-based: (line, column).
Point = tuple[int, int]


def _units(text: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class LineIndex:
    """One text's lines, to convert positions both ways."""

    def __init__(self, text: str, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.encoding = encoding
        self.lines = [line.rstrip("\r\n") for line in split_lines(text)]
        if not text or text.endswith(("\n", "\r")):
            self.lines.append("")  # the empty line after the final line break

    def end(self) -> Point:
        """Where the text ends."""
        return len(self.lines) - 1, len(self.lines[-1])

    def clamp(self, point: Point) -> Point:
        """The nearest point inside the text."""
        line, column = point
        if line >= len(self.lines):
            return self.end()
        return max(line, 0), min(max(column, 0), len(self.lines[max(line, 0)]))

    def to_client(self, point: Point) -> types.Position:
        """A code-point position as the client counts it."""
        line, column = self.clamp(point)
        return types.Position(line, _units(self.lines[line][:column], self.encoding))

    def from_client(self, position: types.Position) -> Point:
        """A client position in code points (clamped to the text)."""
        if position.line >= len(self.lines):
            return self.end()
        text = self.lines[position.line]
        if self.encoding == types.PositionEncodingKind.Utf32:
            return position.line, min(position.character, len(text))
        counted = 0
        for column, char in enumerate(text):
            if counted >= position.character:
                return position.line, column
            counted += _units(char, self.encoding)
        return position.line, len(text)

    def span_range(self, span: Span) -> types.Range:
        """A finding's span as a client range."""
        start, end = span_points(span)
        return types.Range(self.to_client(start), self.to_client(end))


def span_points(span: Span) -> tuple[Point, Point]:
    """A span's start and end as 0-based code-point positions."""
    return (span.start_line - 1, span.start_col - 1), (span.end_line - 1, span.end_col - 1)


def touches(span: Span, start: Point, end: Point) -> bool:
    """Whether the span and the range ``start``..``end`` share a position (ends included)."""
    first, last = span_points(span)
    return first <= end and start <= last
