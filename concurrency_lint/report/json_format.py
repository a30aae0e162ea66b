"""Machine-readable output with a stable, versioned schema (see docs/output-formats.md)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from concurrency_lint.model import Edit, Finding, Fix, ScanReport
from concurrency_lint.report.escaping import encodable

SCHEMA_VERSION = 1


def tool_version(report: ScanReport) -> str:
    """The version the scan reported, or the installed package's."""
    if report.tool_version:
        return report.tool_version
    from concurrency_lint import __version__

    return __version__


def _edit(edit: Edit) -> dict[str, Any]:
    return {
        "start_line": edit.span.start_line,
        "start_column": edit.span.start_col,
        "end_line": edit.span.end_line,
        "end_column": edit.span.end_col,
        "text": edit.text,
    }


def _fix(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {
        "description": fix.description,
        "safety": fix.safety.value,
        "edits": [_edit(edit) for edit in fix.edits],
    }


def _finding(finding: Finding) -> dict[str, Any]:
    span = finding.span
    return {
        "code": finding.code,
        "name": finding.name,
        "message": finding.message,
        # Undecodable bytes of a file name as \xNN escapes: the document stays valid UTF-8.
        "path": encodable(finding.path),
        "start_line": span.start_line,
        "start_column": span.start_col,
        "end_line": span.end_line,
        "end_column": span.end_col,
        "fix": _fix(finding.fix),
    }


def to_dict(report: ScanReport) -> dict[str, Any]:
    """The document as plain data, keys in the documented order."""
    by_code = Counter(finding.code for finding in report.findings)
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "conclint", "version": tool_version(report)},
        "files_scanned": report.files_scanned,
        "findings": [_finding(finding) for finding in report.findings],
        "summary": {
            "total": len(report.findings),
            "by_code": dict(sorted(by_code.items())),
        },
    }


def render(report: ScanReport, color: bool = False, width: int | None = None) -> str:
    """The report as indented JSON with a trailing newline (``color``, ``width`` ignored)."""
    return json.dumps(to_dict(report), indent=2) + "\n"
