"""The default format, for people: each finding with its source line and a marker under
its span (as ruff's full output), then the summary. ``concise`` has one line each.
"""

from __future__ import annotations

from functools import partial

from concurrency_lint.model import Finding, Safety, ScanReport
from concurrency_lint.report.ansi import BLUE, RED, paint
from concurrency_lint.report.concise_format import (
    closing_lines,
    format_finding,
    one_line,
    prefix,
)
from concurrency_lint.report.escaping import printable
from concurrency_lint.report.excerpt import excerpt, gutter_width, source_lines
from concurrency_lint.report.summary import Summary, plural

# ``format_finding`` (one line), ``Summary`` and ``plural`` are re-exported for callers
# that knew this module when it was the one-line format.
__all__ = ["DEFAULT_WIDTH", "Summary", "format_finding", "full_finding", "plural", "render"]

#: Width the messages wrap at when the caller knows no terminal width.
DEFAULT_WIDTH = 100
#: Continuation lines of a wrapped message are indented by this much.
INDENT = "    "


def header(finding: Finding, color: bool, width: int) -> list[str]:
    """``path:line:col: CODE [*] message``, the message wrapped at word boundaries."""
    import textwrap  # here: a report without findings or summary needs none

    plain_prefix = prefix(finding, False) + " "
    wrapper = textwrap.TextWrapper(
        width=max(width, 40),
        initial_indent=plain_prefix,
        subsequent_indent=INDENT,
        break_long_words=False,
        break_on_hyphens=False,
    )
    lines = wrapper.wrap(printable(one_line(finding.message))) or [plain_prefix.rstrip()]
    lines[0] = prefix(finding, color) + " " + lines[0][len(plain_prefix) :]
    return lines


def help_line(finding: Finding) -> str | None:
    """``= help: what the fix does`` (saying when only ``--unsafe-fixes`` applies it)."""
    fix = finding.fix
    if fix is None or not fix.edits:
        return None
    note = " (unsafe fix: needs --unsafe-fixes)" if fix.safety is Safety.UNSAFE else ""
    return f"= help: {printable(one_line(fix.description))}{note}"


def full_finding(
    finding: Finding,
    lines: list[str] | None,
    color: bool = False,
    width: int = DEFAULT_WIDTH,
) -> list[str]:
    """The header, the framed source (when ``lines`` are known) and the help line."""
    import textwrap

    out = header(finding, color, width)
    if lines is not None:
        framed = excerpt(
            lines,
            finding.span,
            finding.code,
            width,
            paint_gutter=partial(paint, style=BLUE, color=color),
            paint_marker=partial(paint, style=RED, color=color),
        )
        out += framed
    help_text = help_line(finding)
    if help_text is not None:
        gutter = gutter_width(finding.span, len(lines)) if lines is not None else 0
        margin = " " * (gutter + 1)
        out += textwrap.wrap(
            help_text,
            width=max(width, 40),
            initial_indent=margin,
            subsequent_indent=margin + "  " + INDENT,
            break_long_words=False,
            break_on_hyphens=False,
        )
    return out


def findings_only(report: ScanReport, color: bool = False, width: int | None = None) -> str:
    """Every finding in full, a blank line after each, without the summary (``--quiet``)."""
    width = width or DEFAULT_WIDTH
    split: dict[str, list[str]] = {}
    out: list[str] = []
    for finding in report.findings:
        text = report.sources.get(finding.path)
        lines = None
        if text is not None:
            if finding.path not in split:
                split[finding.path] = source_lines(text)
            lines = split[finding.path]
        out += full_finding(finding, lines, color, width)
        out.append("")
    return "".join(line + "\n" for line in out)


def render(report: ScanReport, color: bool = False, width: int | None = None) -> str:
    """Every finding in full, a blank line after each, then the summary."""
    lines = []
    for line in closing_lines(report, color):
        lines += _wrapped(line, width or DEFAULT_WIDTH)
    return findings_only(report, color, width) + "".join(line + "\n" for line in lines)


def _wrapped(line: str, width: int) -> list[str]:
    """``line`` wrapped at word boundaries; as it is when it fits and wrapping would change
    nothing in it (no tab, line break or trailing blank), without importing ``textwrap``."""
    if len(line) <= width and line.isprintable() and not line.endswith(" "):
        return [line]
    import textwrap

    return textwrap.wrap(line, width, break_long_words=False) or [line]
