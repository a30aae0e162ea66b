"""The default output: one ``path:line:col: CODE message`` line per finding, then a summary."""

from __future__ import annotations

from dataclasses import dataclass

from concurrency_lint.model import Finding, Safety, ScanReport

FIX_MARK = "[*]"

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_RED = "\x1b[1;31m"
_CYAN = "\x1b[36m"


def plural(count: int, noun: str) -> str:
    """``1 file``, ``2 files``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def one_line(text: str) -> str:
    """``text`` with its line breaks turned into single spaces."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip()) or text.strip()


@dataclass(frozen=True)
class Summary:
    """The counts every human-facing format ends with."""

    findings: int
    files: int
    files_scanned: int
    safe_fixes: int
    unsafe_fixes: int

    @classmethod
    def of(cls, report: ScanReport) -> Summary:
        fixes = [finding.fix for finding in report.findings if finding.fix is not None]
        return cls(
            findings=len(report.findings),
            files=len({finding.path for finding in report.findings}),
            files_scanned=report.files_scanned,
            safe_fixes=sum(fix.safety is Safety.SAFE for fix in fixes),
            unsafe_fixes=sum(fix.safety is not Safety.SAFE for fix in fixes),
        )

    def headline(self) -> str:
        """``Found 3 findings in 2 files.`` or ``All checks passed: 5 files scanned.``"""
        if not self.findings:
            return f"All checks passed: {plural(self.files_scanned, 'file')} scanned."
        return f"Found {plural(self.findings, 'finding')} in {plural(self.files, 'file')}."

    def fixable(self) -> str | None:
        """The fix counts, or None when no finding has a fix."""
        if not self.safe_fixes and not self.unsafe_fixes:
            return None
        line = f"{FIX_MARK} {self.safe_fixes} fixable with `conclint fix --apply`"
        if self.unsafe_fixes:
            line += f" ({self.unsafe_fixes} more with --unsafe-fixes)"
        return line


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color else text


def format_finding(finding: Finding, color: bool = False) -> str:
    """``path:line:col: CODE message``, with `` [*]`` when the finding has a fix."""
    span = finding.span
    line = (
        f"{_paint(finding.path, _BOLD, color)}:{span.start_line}:{span.start_col}: "
        f"{_paint(finding.code, _RED, color)} {one_line(finding.message)}"
    )
    if finding.fix is not None:
        line += " " + _paint(FIX_MARK, _CYAN, color)
    return line


def render(report: ScanReport, color: bool = False) -> str:
    """Findings one per line, a blank line, then the summary."""
    summary = Summary.of(report)
    if not report.findings:
        return _paint(summary.headline(), _BOLD, color) + "\n"
    lines = [format_finding(finding, color) for finding in report.findings]
    lines += ["", _paint(summary.headline(), _BOLD, color)]
    fixable = summary.fixable()
    if fixable is not None:
        lines.append(fixable)
    return "\n".join(lines) + "\n"
