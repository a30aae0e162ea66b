"""GitHub workflow commands: levels, properties and escaping."""

from __future__ import annotations

from concurrency_lint.model import Edit, Finding, Fix, Safety, ScanReport, Span
from concurrency_lint.report.github_format import escape_data, escape_property, render


def test_warning_command_for_rule_finding() -> None:
    finding = Finding(
        "CL201",
        "subprocess-without-timeout",
        "subprocess.run() has no timeout",
        "pkg/tool.py",
        Span(12, 5, 12, 40),
        Fix("add timeout", Safety.UNSAFE, (Edit(Span(12, 39, 12, 39), ", timeout=30"),)),
    )
    assert render(ScanReport((finding,), files_scanned=1)) == (
        "::warning file=pkg/tool.py,line=12,col=5,endLine=12,endColumn=40,"
        "title=CL201 subprocess-without-timeout::subprocess.run() has no timeout\n"
    )


def test_engine_codes_are_errors() -> None:
    findings = tuple(
        Finding(code, name, "cannot parse", "bad.py", Span(1, 1, 1, 2))
        for code, name in (
            ("CL001", "syntax-error"),
            ("CL002", "unreadable-file"),
            ("CL003", "internal-error"),
        )
    )
    lines = render(ScanReport(findings, files_scanned=1)).splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["::error"] * 3
    assert lines[1] == (
        "::error file=bad.py,line=1,col=1,endLine=1,endColumn=2,"
        "title=CL002 unreadable-file::cannot parse"
    )


def test_escaping_of_properties_and_message() -> None:
    finding = Finding(
        "CL502",
        "lost-future-exception",
        "100% lost:\r\nsee a, b",
        "odd,dir/c:d%.py",
        Span(3, 1, 4, 2),
    )
    assert render(ScanReport((finding,), files_scanned=1)) == (
        "::warning file=odd%2Cdir/c%3Ad%25.py,line=3,col=1,endLine=4,endColumn=2,"
        "title=CL502 lost-future-exception::100%25 lost:%0D%0Asee a, b\n"
    )


def test_escape_helpers_escape_percent_first() -> None:
    # "%0A" typed literally must not turn into a newline on the runner's side.
    assert escape_data("%0A\n") == "%250A%0A"
    assert escape_property("a:%,b") == "a%3A%25%2Cb"


def test_one_line_per_finding_and_empty_when_clean() -> None:
    findings = tuple(
        Finding("CL101", "sequential-io-loop", "multi\nline", f"f{i}.py", Span(i, 1, i, 2))
        for i in range(1, 4)
    )
    out = render(ScanReport(findings, files_scanned=3))
    assert out.count("\n") == 3
    assert out.endswith("\n")
    assert render(ScanReport((), files_scanned=3)) == ""
