"""The text formats: ``text`` (full: source lines and markers) and ``concise`` (one line each)."""

from __future__ import annotations

import re

from concurrency_lint.model import Edit, Finding, Fix, Safety, ScanReport, Span
from concurrency_lint.report import render, renderer
from concurrency_lint.report.concise_format import render as render_concise
from concurrency_lint.report.excerpt import excerpt, source_lines
from concurrency_lint.report.text_format import render as render_text

ANSI = re.compile(r"\x1b\[[0-9;]*m")


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
SOURCE = "import subprocess\n\ndef build():\n\tsubprocess.run(['make'])  # 日本\n"


def test_concise_findings_then_blank_line_then_summary() -> None:
    out = render_concise(ScanReport(FINDINGS, files_scanned=7))
    assert out == (
        "c.py:1:1: CL001 invalid syntax\n"
        "dir,with:odd/b.py:2:4: CL502 future dropped: 100% lost second line\n"
        "pkg/a.py:3:5: CL201 subprocess.run() without timeout\n"
        "pkg/a.py:10:1: CL101 [*] sequential I/O loop\n"
        "\n"
        "Found 4 findings in 3 files.\n"
        "[*] 1 fixable with `conclint fix --apply`; 1 more with `--unsafe-fixes`.\n"
    )


def test_fix_mark_only_for_safe_fixes() -> None:
    unsafe, safe = FINDINGS[2], FINDINGS[3]
    for fmt in ("text", "concise"):
        out = render(fmt, ScanReport((unsafe, safe), files_scanned=1))
        headers = [line for line in out.splitlines() if line.startswith("pkg/a.py:")]
        assert headers[0] == "pkg/a.py:3:5: CL201 subprocess.run() without timeout", fmt
        assert headers[1] == "pkg/a.py:10:1: CL101 [*] sequential I/O loop", fmt


def test_no_findings_says_all_checks_passed() -> None:
    for fmt in ("text", "concise"):
        assert render(fmt, ScanReport((), 5)) == "All checks passed: 5 files scanned.\n"
        assert render(fmt, ScanReport((), 1)) == "All checks passed: 1 file scanned.\n"


def test_singular_counts_and_no_fix_line_without_fixes() -> None:
    out = render_concise(ScanReport(FINDINGS[:1], files_scanned=1))
    assert out == "c.py:1:1: CL001 invalid syntax\n\nFound 1 finding in 1 file.\n"


def test_safe_fixes_only_has_no_unsafe_note() -> None:
    safe = tuple(
        _finding("CL101", f"m{i}.py", i, 1, "loop", _fix(Safety.SAFE)) for i in range(1, 4)
    )
    out = render_concise(ScanReport(safe, files_scanned=3))
    assert out.endswith(
        "Found 3 findings in 3 files.\n[*] 3 fixable with `conclint fix --apply`.\n"
    )


def test_only_unsafe_fixes_name_the_flag_that_applies_them() -> None:
    out = render_concise(ScanReport(FINDINGS[2:3], files_scanned=1))
    assert out.splitlines()[-1] == "1 fixable with `conclint fix --apply --unsafe-fixes`."
    assert "[*]" not in out


def test_plain_output_has_no_escape_codes_and_color_adds_them() -> None:
    report = ScanReport(FINDINGS, files_scanned=7, sources={"pkg/a.py": SOURCE})
    for fmt in ("text", "concise"):
        plain = render(fmt, report, color=False)
        colored = render(fmt, report, color=True)
        assert "\x1b[" not in plain
        assert "\x1b[" in colored
        # Colour only decorates: stripping the codes gives the plain text back.
        assert ANSI.sub("", colored) == plain


def test_registry_resolves_both_text_formats() -> None:
    report = ScanReport(FINDINGS, files_scanned=7)
    assert renderer("text") is render_text
    assert renderer("concise") is render_concise
    assert render("text", report) == render_text(report)


def test_full_output_shows_the_line_with_a_marker_under_the_span() -> None:
    finding = Finding(
        "CL201", "n", "no timeout", "pkg/a.py", Span(4, 2, 4, 26), _fix(Safety.UNSAFE)
    )
    out = render_text(ScanReport((finding,), 1, sources={"pkg/a.py": SOURCE}))
    assert out.splitlines() == [
        "pkg/a.py:4:2: CL201 no timeout",
        "  |",
        "4 |     subprocess.run(['make'])  # 日本",
        "  |     ^^^^^^^^^^^^^^^^^^^^^^^^ CL201",
        "  |",
        "  = help: add a timeout (unsafe fix: needs --unsafe-fixes)",
        "",
        "Found 1 finding in 1 file.",
        "1 fixable with `conclint fix --apply --unsafe-fixes`.",
    ]


def test_marker_counts_wide_characters_as_two_columns() -> None:
    lines = source_lines("x = '日本'; run()\n")
    framed = excerpt(lines, Span(1, 11, 1, 16), "CL201", 80)
    shown, marks = framed[1], framed[2]
    assert shown == "1 | x = '日本'; run()"
    # '日本' is four cells wide: the marker starts under `run`, not two columns early.
    assert marks == "  |" + " " * 13 + "^^^^^ CL201"


def test_multi_line_span_is_cut_after_a_few_lines() -> None:
    lines = source_lines("for x in y:\n    a(x)\n    b(x)\n    c(x)\n    d(x)\n")
    framed = excerpt(lines, Span(1, 1, 5, 9), "CL101", 80)
    assert framed[1] == "1 | for x in y:"
    assert framed[2] == "  | ^^^^^^^^^^^"
    assert framed[3] == "2 |     a(x)"
    assert framed[4] == "  |     ^^^^"
    assert framed[5] == "  …"
    assert len(framed) == 7


def test_a_huge_line_is_shown_as_a_window_around_the_span() -> None:
    line = "x = [" + "1, " * 100_000 + "run()]"
    start = line.index("run()") + 1
    framed = excerpt([line], Span(1, start, 1, start + 5), "CL201", 100)
    assert all(len(row) <= 110 for row in framed)
    shown, marks = framed[1], framed[2]
    assert shown.startswith("1 | …") and "run()" in shown
    column = marks.index("^")
    assert shown[column : column + 5] == "run()"


def test_long_messages_wrap_between_words_and_never_inside_an_identifier() -> None:
    identifier = "concurrent.futures.ThreadPoolExecutor.submit_with_a_very_long_name"
    message = "word " * 30 + identifier + " tail"
    finding = Finding("CL502", "n", message, "m.py", Span(1, 1, 1, 2))
    out = render_text(ScanReport((finding,), 1), width=60)
    header = out.split("\n\n")[0].splitlines()
    assert len(header) > 2
    assert all(len(line) <= 60 for line in header if identifier not in line)
    assert any(line.strip() == identifier for line in header)
    assert " ".join(" ".join(header).split()).endswith(message.strip())


def test_control_characters_and_undecodable_bytes_in_names_are_escaped() -> None:
    name = "evil\x1b[2J\udce9\u202e.py"
    finding = Finding("CL201", "n", "msg", name, Span(1, 1, 1, 2))
    for fmt in ("text", "concise", "table", "markdown", "github"):
        out = render(fmt, ScanReport((finding,), 1))
        assert "\x1b" not in out and "\u202e" not in out, fmt
        out.encode("utf-8")  # no lone surrogate left
        assert "evil\\x1b[2J\\xe9\\u202e.py" in out.replace("\\\\", "\\").replace("\\[", "["), fmt


def test_source_lines_split_where_python_counts_lines() -> None:
    assert source_lines("a\fb\x0bc\r\nd\re\n") == ["a\fb\x0bc", "d", "e", ""]
