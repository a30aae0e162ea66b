"""A rich table of findings (File, Line, Col, Code, Message, Fix), rendered to a string."""

from __future__ import annotations

import io
import shutil
from typing import TYPE_CHECKING

from concurrency_lint.model import ScanReport
from concurrency_lint.report.text_format import Summary

if TYPE_CHECKING:
    from rich.console import Console

# Width used when the output is not a terminal, so piped output does not depend on one.
PLAIN_WIDTH = 120


def console_width(color: bool) -> int:
    if color:
        return shutil.get_terminal_size((PLAIN_WIDTH, 24)).columns
    return PLAIN_WIDTH


def string_console(color: bool) -> tuple[Console, io.StringIO]:
    """A rich console writing into a buffer; colour exactly as the caller decided."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=console_width(color),
        force_terminal=color,
        # The caller decides on colour (terminal, NO_COLOR): honour it as given.
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        emoji=False,
        markup=False,
    )
    return console, buffer


def render(report: ScanReport, color: bool = False) -> str:
    """The findings as a table with the summary under it; only the summary when clean."""
    from rich.table import Table
    from rich.text import Text

    console, buffer = string_console(color)
    summary = Summary.of(report)
    if report.findings:
        table = Table(show_lines=False)
        table.add_column("File", style="bold", overflow="fold")
        table.add_column("Line", justify="right")
        table.add_column("Col", justify="right")
        table.add_column("Code", style="red", no_wrap=True)
        table.add_column("Message", overflow="fold")
        table.add_column("Fix", style="cyan", no_wrap=True)
        for finding in report.findings:
            # Text objects: a message like "lock[0]" must not be read as rich markup.
            table.add_row(
                Text(finding.path),
                str(finding.span.start_line),
                str(finding.span.start_col),
                Text(finding.code),
                Text(finding.message),
                finding.fix.safety.value if finding.fix is not None else "",
            )
        console.print(table)
    console.print(Text(summary.headline()))
    fixable = summary.fixable()
    if fixable is not None:
        console.print(Text(fixable))
    return buffer.getvalue()
