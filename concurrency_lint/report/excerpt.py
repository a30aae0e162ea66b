"""The source lines of a finding with a marker under its span, as ruff's full output shows::

   |
12 |     subprocess.run(["make"])
   |     ^^^^^^^^^^^^^^^^^^^^^^^^ CL201
   |
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from concurrency_lint.model import Span
from concurrency_lint.report.escaping import printable

#: At most this many lines of a span are shown; a longer span ends with an ellipsis line.
MAX_LINES = 3
TAB = "    "
MARKER = "^"
ELLIPSIS = "…"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """The lines of ``text`` as the interpreter counts them (``\\n``, ``\\r\\n``, ``\\r``)."""
    return _LINE_BREAK.split(text)


def cells(text: str) -> int:
    """How many terminal columns ``text`` takes (wide East Asian characters take two)."""
    import unicodedata  # here: a report without findings never measures a line

    if text.isascii():
        return len(text)
    total = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def _shown(text: str) -> str:
    return printable(text.replace("\t", TAB))


def _window(line: str, start: int, end: int, room: int) -> tuple[str, int, int]:
    """Cut a line longer than ``room`` to a window around ``[start, end)``; the offsets move."""
    if len(line) <= room:
        return line, start, end
    first = max(0, min(start - room // 4, len(line) - room))
    last = first + room
    piece = line[first:last]
    lead = ELLIPSIS if first else ""
    tail = ELLIPSIS if last < len(line) else ""
    shift = len(lead) - first
    return lead + piece + tail, max(start + shift, len(lead)), min(end + shift, len(lead + piece))


def _marked_line(line: str, start: int, end: int, room: int) -> tuple[str, str]:
    """The shown line and the marker line under it, for the characters ``[start, end)``."""
    line, start, end = _window(line, start, end, room)
    before = _shown(line[:start])
    marked = _shown(line[start:end]) or " "
    return _shown(line), " " * cells(before) + MARKER * max(cells(marked.rstrip()), 1)


def _bounds(line: str, index: int, count: int, span: Span) -> tuple[int, int]:
    """The characters of line ``index`` (of ``count``) that the span covers."""
    start = span.start_col - 1 if index == 0 else len(line) - len(line.lstrip())
    end = span.end_col - 1 if index == count - 1 else len(line.rstrip())
    start = min(max(start, 0), len(line))
    return start, max(min(end, len(line)), start + 1 if start < len(line) else start)


def shown_numbers(span: Span, line_count: int) -> list[int]:
    """The line numbers an excerpt of ``span`` shows (the first ones of a long span)."""
    first = max(span.start_line, 1)
    last = min(max(span.end_line, first), line_count)
    numbers = list(range(first, last + 1))
    return numbers[: MAX_LINES - 1] if len(numbers) > MAX_LINES else numbers


def gutter_width(span: Span, line_count: int) -> int:
    """How wide the line numbers of the excerpt of ``span`` are."""
    numbers = shown_numbers(span, line_count)
    return len(str(numbers[-1])) if numbers else 0


def excerpt(
    lines: Sequence[str],
    span: Span,
    label: str,
    width: int,
    paint_gutter: Callable[[str], str] = str,
    paint_marker: Callable[[str], str] = str,
) -> list[str]:
    """The framed lines for ``span`` of a file whose lines are ``lines``; empty when the
    span is not in the file. ``paint_*`` colour the gutter and the marker.
    """
    numbers = shown_numbers(span, len(lines))
    if not numbers:
        return []
    count = min(max(span.end_line, span.start_line), len(lines)) - numbers[0] + 1
    cut = count > len(numbers)
    gutter = len(str(numbers[-1]))
    room = max(width - gutter - 3, 20)
    bar = paint_gutter(" " * gutter + " |")
    out = [bar]
    for position, number in enumerate(numbers):
        line = lines[number - 1]
        start, end = _bounds(line, position, count, span)
        shown, marks = _marked_line(line, start, end, room)
        out.append(paint_gutter(f"{number:>{gutter}} |") + (" " + shown).rstrip())
        if position == len(numbers) - 1 and not cut:
            marks += " " + label
        out.append(bar + " " + paint_marker(marks))
    if cut:
        out.append(paint_gutter(" " * gutter + " ") + ELLIPSIS)
    out.append(bar)
    return out
