"""The counts every human-facing format ends with."""

from __future__ import annotations

from typing import NamedTuple

from concurrency_lint.model import Finding, Safety, ScanReport

#: Marks a finding that ``conclint fix --apply`` fixes (a safe fix), as ruff's ``[*]``.
FIX_MARK = "[*]"


def plural(count: int, noun: str) -> str:
    """``1 file``, ``2 files``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def applies_by_default(finding: Finding) -> bool:
    """Whether ``conclint fix --apply`` (without ``--unsafe-fixes``) fixes this finding."""
    return finding.fix is not None and bool(finding.fix.edits) and finding.fix.safety is Safety.SAFE


def needs_unsafe_fixes(finding: Finding) -> bool:
    """Whether only ``--unsafe-fixes`` fixes this finding."""
    return (
        finding.fix is not None and bool(finding.fix.edits) and finding.fix.safety is Safety.UNSAFE
    )


class Summary(NamedTuple):
    """Findings, files, and how many findings each kind of ``fix`` run would fix."""

    findings: int
    files: int
    files_scanned: int
    safe_fixes: int
    unsafe_fixes: int

    @classmethod
    def of(cls, report: ScanReport) -> Summary:
        return cls(
            findings=len(report.findings),
            files=len({finding.path for finding in report.findings}),
            files_scanned=report.files_scanned,
            safe_fixes=sum(map(applies_by_default, report.findings)),
            unsafe_fixes=sum(map(needs_unsafe_fixes, report.findings)),
        )

    def headline(self) -> str:
        """``Found 3 findings in 2 files.`` or ``All checks passed: 5 files scanned.``"""
        if not self.findings:
            return f"All checks passed: {plural(self.files_scanned, 'file')} scanned."
        return f"Found {plural(self.findings, 'finding')} in {plural(self.files, 'file')}."

    def fixable(self, mark: bool = True) -> str | None:
        """The fix counts, or None when no finding has a fix.

        ``[*] 2 fixable with `conclint fix --apply`; 3 more with `--unsafe-fixes`.``
        """
        if self.safe_fixes:
            line = f"{self.safe_fixes} fixable with `conclint fix --apply`"
            if self.unsafe_fixes:
                line += f"; {self.unsafe_fixes} more with `--unsafe-fixes`"
            return f"{FIX_MARK} {line}." if mark else line + "."
        if self.unsafe_fixes:
            return f"{self.unsafe_fixes} fixable with `conclint fix --apply --unsafe-fixes`."
        return None
