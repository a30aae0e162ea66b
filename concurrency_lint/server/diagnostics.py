"""Findings as LSP diagnostics."""

from __future__ import annotations

from lsprotocol import types

from concurrency_lint.model import ENGINE_CODES, Finding, Safety
from concurrency_lint.server.positions import LineIndex

SOURCE = "conclint"


def diagnostic(finding: Finding, index: LineIndex) -> types.Diagnostic:
    """One finding as the editor shows it; engine problems (CL001-CL003) are errors."""
    fix = finding.fix
    return types.Diagnostic(
        range=index.span_range(finding.span),
        message=finding.message,
        severity=(
            types.DiagnosticSeverity.Error
            if finding.code in ENGINE_CODES
            else types.DiagnosticSeverity.Warning
        ),
        code=finding.code,
        source=SOURCE,
        data={
            "name": finding.name,
            "fix": None if fix is None or not fix.edits else Safety(fix.safety).value,
        },
    )
