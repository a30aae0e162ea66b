"""The default text format: exact lines, fix marks and summary counts."""

from __future__ import annotations

import re

from concurrency_lint.model import Edit, Finding, Fix, Safety, ScanReport, Span
from concurrency_lint.report import render, renderer
from concurrency_lint.report.text_format import render as render_text


def _fix(safety: Safety) -> Fix:
    return Fix("add a timeout", safety, (Edit(Span(3, 30, 3, 30), ", timeout=30"),))


def _finding(code: str, path: str, line: int, col: int, message: str, fix: Fix | None = None):
    return Finding(code, code.lower(), message, path, Span(line, col, line, col + 4), fix)


FINDINGS = (
    _finding("CL001", "c.py", 1, 1, "invalid syntax"),
    _finding("CL502", "dir,with:odd/b.py", 2, 4, "future dropped: 100% lost\nsecond line"),
    _finding("CL201", "pkg/a.py", 3, 5, "subprocess.run() without timeout", _fix(Safety.UNSAFE)),
    _finding("CL101", "pkg/a.py", 10, 1, "sequential I/O loop", _fix(Safety.SAFE)),
)


def test_findings_then_blank_line_then_summary() -> None:
    out = render_text(ScanReport(FINDINGS, files_scanned=7))
    assert out == (
        "c.py:1:1: CL001 invalid syntax\n"
        "dir,with:odd/b.py:2:4: CL502 future dropped: 100% lost second line\n"
        "pkg/a.py:3:5: CL201 subprocess.run() without timeout [*]\n"
        "pkg/a.py:10:1: CL101 sequential I/O loop [*]\n"
        "\n"
        "Found 4 findings in 3 files.\n"
        "[*] 1 fixable with `conclint fix --apply` (1 more with --unsafe-fixes)\n"
    )


def test_no_findings_says_all_checks_passed() -> None:
    assert render_text(ScanReport((), files_scanned=5)) == "All checks passed: 5 files scanned.\n"
    assert render_text(ScanReport((), files_scanned=1)) == "All checks passed: 1 file scanned.\n"


def test_singular_counts_and_no_fix_line_without_fixes() -> None:
    out = render_text(ScanReport(FINDINGS[:1], files_scanned=1))
    assert out == "c.py:1:1: CL001 invalid syntax\n\nFound 1 finding in 1 file.\n"


def test_safe_fixes_only_has_no_unsafe_note() -> None:
    safe = tuple(
        _finding("CL101", f"m{i}.py", i, 1, "loop", _fix(Safety.SAFE)) for i in range(1, 4)
    )
    out = render_text(ScanReport(safe, files_scanned=3))
    assert out.endswith("Found 3 findings in 3 files.\n[*] 3 fixable with `conclint fix --apply`\n")


def test_only_unsafe_fixes_counts_zero_safe() -> None:
    out = render_text(ScanReport(FINDINGS[2:3], files_scanned=1))
    assert out.splitlines()[-1] == (
        "[*] 0 fixable with `conclint fix --apply` (1 more with --unsafe-fixes)"
    )


def test_plain_output_has_no_escape_codes_and_color_adds_them() -> None:
    report = ScanReport(FINDINGS, files_scanned=7)
    plain = render_text(report, color=False)
    colored = render_text(report, color=True)
    assert "\x1b[" not in plain
    assert "\x1b[" in colored
    # Colour only decorates: stripping the codes gives the plain text back.
    assert re.sub(r"\x1b\[[0-9;]*m", "", colored) == plain


def test_registry_resolves_text_format() -> None:
    report = ScanReport(FINDINGS, files_scanned=7)
    assert renderer("text") is render_text
    assert render("text", report) == render_text(report)
