"""One line per finding (``path:line:col: CODE [*] message``), then the summary."""

from __future__ import annotations

from concurrency_lint.model import Finding, ScanReport
from concurrency_lint.report.ansi import BOLD, CYAN, RED, paint
from concurrency_lint.report.escaping import printable
from concurrency_lint.report.summary import FIX_MARK, Summary, applies_by_default


def one_line(text: str) -> str:
    """``text`` with its line breaks turned into single spaces."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip()) or text.strip()


def prefix(finding: Finding, color: bool = False) -> str:
    """``path:line:col: CODE`` and, when ``fix --apply`` fixes it, `` [*]``."""
    span = finding.span
    where = f"{paint(printable(finding.path), BOLD, color)}:{span.start_line}:{span.start_col}:"
    text = f"{where} {paint(finding.code, RED, color)}"
    if applies_by_default(finding):
        text += " " + paint(FIX_MARK, CYAN, color)
    return text


def format_finding(finding: Finding, color: bool = False) -> str:
    """The finding on one line: its prefix and its message with line breaks joined."""
    return f"{prefix(finding, color)} {printable(one_line(finding.message))}"


def closing_lines(report: ScanReport, color: bool = False) -> list[str]:
    """The headline and, when some finding has a fix, the fix counts."""
    summary = Summary.of(report)
    lines = [paint(summary.headline(), BOLD, color)]
    fixable = summary.fixable()
    if fixable is not None and report.findings:
        lines.append(fixable)
    return lines


def findings_only(report: ScanReport, color: bool = False, width: int | None = None) -> str:
    """The findings, one per line, without the summary (``--quiet``)."""
    return "".join(format_finding(finding, color) + "\n" for finding in report.findings)


def render(report: ScanReport, color: bool = False, width: int | None = None) -> str:
    """Findings one per line, a blank line, then the summary (``width`` is ignored)."""
    closing = "\n".join(closing_lines(report, color)) + "\n"
    if not report.findings:
        return closing
    return findings_only(report, color) + "\n" + closing
