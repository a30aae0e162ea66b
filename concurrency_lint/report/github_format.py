"""GitHub Actions workflow commands: one ``::warning``/``::error`` annotation per finding."""

from __future__ import annotations

from concurrency_lint.model import ENGINE_CODES, Finding, ScanReport
from concurrency_lint.report.escaping import printable


def escape_data(text: str) -> str:
    """Escape a command's message the way the Actions runner expects."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value: as data, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(finding: Finding) -> str:
    """The workflow command for one finding."""
    level = "error" if finding.code in ENGINE_CODES else "warning"
    span = finding.span
    properties = {
        "file": printable(finding.path),
        "line": span.start_line,
        "col": span.start_col,
        "endLine": span.end_line,
        "endColumn": span.end_col,
        "title": f"{finding.code} {finding.name}",
    }
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{level} {props}::{escape_data(printable(finding.message, keep_breaks=True))}"


def render(report: ScanReport, color: bool = False, width: int | None = None) -> str:
    """One command per line; empty when there is nothing to annotate."""
    return "".join(command(finding) + "\n" for finding in report.findings)
