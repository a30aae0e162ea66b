"""A Markdown report: a heading, a table of findings and the summary (for PR comments)."""

from __future__ import annotations

import re

from concurrency_lint.model import Finding, ScanReport
from concurrency_lint.report.escaping import printable
from concurrency_lint.report.summary import Summary

HEADING = "## conclint report"
# Characters that Markdown would read as formatting, links, HTML or a table cell border.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")
# A code span, as messages write code: `subprocess.run()`.
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def _escape_line(line: str, keep_code: bool) -> str:
    """Escape one line, keeping its complete code spans (only their pipes escaped)."""
    parts = []
    position = 0
    for span in _CODE_SPAN.finditer(line) if keep_code else ():
        parts.append(_SPECIAL.sub(r"\\\1", line[position : span.start()]))
        parts.append(span.group(0).replace("|", "\\|"))
        position = span.end()
    parts.append(_SPECIAL.sub(r"\\\1", line[position:]))
    return "".join(parts)


def escape(text: str, keep_code: bool = True) -> str:
    """``text`` as inline Markdown for one table cell: literal except, with ``keep_code``,
    its `code spans`. Line breaks become ``<br>``; pipes are escaped everywhere.
    """
    return "<br>".join(_escape_line(line, keep_code) for line in text.splitlines())


def _row(finding: Finding) -> str:
    cells = (
        escape(printable(finding.path), keep_code=False),
        str(finding.span.start_line),
        finding.code,
        escape(printable(finding.message, keep_breaks=True)),
    )
    return "| " + " | ".join(cells) + " |"


def _summary(summary: Summary) -> list[str]:
    lines = [summary.headline()]
    fixable = summary.fixable(mark=False)
    if fixable is not None:
        lines.append(fixable)
    return lines


def render(report: ScanReport, color: bool = False, width: int | None = None) -> str:
    """Heading, table (when there are findings), summary; ``color`` and ``width`` are ignored."""
    summary = Summary.of(report)
    lines = [HEADING, ""]
    if report.findings:
        lines += ["| File | Line | Code | Message |", "| --- | ---: | --- | --- |"]
        lines += [_row(finding) for finding in report.findings]
        lines.append("")
    lines += _summary(summary)
    return "\n".join(lines) + "\n"
