"""A rich table of findings (File, Line, Col, Code, Message, Fix), rendered to a string.

Cells wrap between words, and paths between their folders: an identifier or a file name
is broken only when it is longer than its whole column.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from concurrency_lint.model import ScanReport
from concurrency_lint.report.concise_format import one_line
from concurrency_lint.report.escaping import printable
from concurrency_lint.report.summary import Summary

if TYPE_CHECKING:
    from rich.console import Console

#: Width used when the caller knows none (output piped and no ``COLUMNS``).
PLAIN_WIDTH = 120
# Box borders and padding of six columns: 7 bars and 2 spaces of padding per column.
_CHROME = 7 + 6 * 2
# The File column takes at most this share of the room the cells have.
_FILE_SHARE = 0.35
_MIN_FILE = 10


def string_console(color: bool, width: int | None = None) -> tuple[Console, io.StringIO]:
    """A rich console writing into a buffer; colour exactly as the caller decided."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width or PLAIN_WIDTH,
        force_terminal=color,
        # The caller decides on colour (--color, NO_COLOR, FORCE_COLOR): honour it as given.
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        emoji=False,
        markup=False,
    )
    return console, buffer


def wrap_path(path: str, width: int) -> str:
    """``path`` on lines of at most ``width`` characters, broken after a ``/`` where it can."""
    if width < 1 or len(path) <= width:
        return path
    parts = path.split("/")
    tokens = [part + "/" for part in parts[:-1]] + [parts[-1]]
    lines: list[str] = []
    current = ""
    for token in tokens:
        if current and len(current) + len(token) > width:
            lines.append(current)
            current = token
        else:
            current += token
    lines.append(current)
    return "\n".join(lines)


def _longest_word(texts: list[str]) -> int:
    return max((len(word) for text in texts for word in text.split()), default=0)


def render(report: ScanReport, color: bool = False, width: int | None = None) -> str:
    """The findings as a table with the summary under it; only the summary when clean."""
    from rich.table import Table
    from rich.text import Text

    width = width or PLAIN_WIDTH
    console, buffer = string_console(color, width)
    summary = Summary.of(report)
    if report.findings:
        paths = [printable(finding.path) for finding in report.findings]
        messages = [printable(one_line(finding.message)) for finding in report.findings]
        lines = [str(finding.span.start_line) for finding in report.findings]
        cols = [str(finding.span.start_col) for finding in report.findings]
        fixed = max(len(max(lines, key=len)), 4) + max(len(max(cols, key=len)), 3) + 5 + 6
        room = max(width - _CHROME - fixed, 20)
        longest_word = _longest_word(messages)
        file_width = min(max(map(len, paths)), max(int(room * _FILE_SHARE), _MIN_FILE))
        if room - file_width < longest_word:  # a narrower File column keeps words whole
            file_width = min(file_width, max(room - longest_word, _MIN_FILE))
        message_width = max(room - file_width, 10)
        table = Table(show_lines=False)
        table.add_column("File", style="bold", overflow="fold", width=file_width)
        table.add_column("Line", justify="right", no_wrap=True)
        table.add_column("Col", justify="right", no_wrap=True)
        table.add_column("Code", style="red", no_wrap=True)
        table.add_column(
            "Message",
            overflow="fold",
            min_width=min(longest_word, message_width),
            max_width=message_width,
        )
        table.add_column("Fix", style="cyan", no_wrap=True)
        for finding, path, message in zip(report.findings, paths, messages, strict=True):
            # Text objects: a message like "lock[0]" must not be read as rich markup.
            table.add_row(
                Text(wrap_path(path, file_width)),
                str(finding.span.start_line),
                str(finding.span.start_col),
                Text(finding.code),
                Text(message),
                finding.fix.safety.value if finding.fix is not None else "",
            )
        console.print(table)
    console.print(Text(summary.headline()))
    fixable = summary.fixable()
    if fixable is not None:
        console.print(Text(fixable))
    return buffer.getvalue()
