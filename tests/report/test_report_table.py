"""The rich table format, rendered without colour."""

from __future__ import annotations

from concurrency_lint.model import Edit, Finding, Fix, Safety, ScanReport, Span
from concurrency_lint.report.table_format import render

EDIT = (Edit(Span(1, 1, 1, 1), "x"),)
FINDINGS = (
    Finding(
        "CL201",
        "subprocess-without-timeout",
        "subprocess.run() without timeout",
        "pkg/tool.py",
        Span(12, 5, 12, 40),
        Fix("add timeout", Safety.UNSAFE, EDIT),
    ),
    Finding(
        "CL101",
        "sequential-io-loop",
        "loop over [items] reads files one by one",
        "pkg/io.py",
        Span(7, 9, 9, 1),
        Fix("use run_parallel", Safety.SAFE, EDIT),
    ),
    Finding("CL403", "dangling-task", "task dropped", "main.py", Span(3, 1, 3, 20)),
)
REPORT = ScanReport(FINDINGS, files_scanned=4)


def _rows(out: str) -> list[list[str]]:
    """The header and body rows as lists of stripped cells (between box-drawing bars)."""
    rows = []
    for line in out.splitlines():
        bar = line[:1]
        if bar in ("┃", "│"):
            rows.append([cell.strip() for cell in line.strip(bar).split(bar)])
    return rows


def test_header_and_cells() -> None:
    rows = _rows(render(REPORT))
    assert rows[0] == ["File", "Line", "Col", "Code", "Message", "Fix"]
    assert rows[1:] == [
        ["pkg/tool.py", "12", "5", "CL201", "subprocess.run() without timeout", "unsafe"],
        ["pkg/io.py", "7", "9", "CL101", "loop over [items] reads files one by one", "safe"],
        ["main.py", "3", "1", "CL403", "task dropped", ""],
    ]


def test_summary_under_table_and_no_escape_codes() -> None:
    out = render(REPORT)
    assert "\x1b[" not in out
    assert out.splitlines()[-2:] == [
        "Found 3 findings in 3 files.",
        "[*] 1 fixable with `conclint fix --apply`; 1 more with `--unsafe-fixes`.",
    ]


def test_long_messages_wrap_within_the_plain_width() -> None:
    words = [f"word{i}" for i in range(60)]
    long = Finding(
        "CL101", "sequential-io-loop", " ".join(words), "deep/" * 12 + "m.py", Span(1, 1, 1, 2)
    )
    out = render(ScanReport((long,), files_scanned=1))
    assert max(len(line) for line in out.splitlines()) <= 120
    assert len(out.splitlines()) > 6  # the message cell wrapped onto several lines
    assert all(word in out for word in words)


def test_clean_scan_prints_only_the_summary() -> None:
    assert render(ScanReport((), files_scanned=2)) == "All checks passed: 2 files scanned.\n"


def test_color_adds_ansi_styles_even_with_no_color_set(monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    out = render(REPORT, color=True)
    assert "\x1b[31m" in out  # the code column is red
    assert "CL201" in out


def _cell_lines(out: str, column: int) -> list[str]:
    return [row[column] for row in _rows(out)[1:]]


def test_words_and_identifiers_stay_whole_at_80_columns() -> None:
    message = (
        "`asyncio.create_subprocess_exec` awaited without a timeout: the process "
        "can hang forever; wrap it in `asyncio.wait_for`"
    )
    path = "src/service/io/gateway/hooks.py"
    finding = Finding("CL302", "low-io-workers", message, path, Span(120, 33, 120, 60))
    out = render(ScanReport((finding,), files_scanned=1), width=80)
    assert max(len(line) for line in out.splitlines()) <= 80
    words = " ".join(_cell_lines(out, 4)).split()
    assert words == message.split()  # wrapped between words only
    folders = "".join(_cell_lines(out, 0))
    assert folders == path  # broken after a `/`, each folder name whole
    assert all(line.endswith("/") for line in _cell_lines(out, 0)[:-1] if line)


def test_width_is_the_callers() -> None:
    words = " ".join(f"word{i}" for i in range(40))
    finding = Finding("CL101", "n", words, "m.py", Span(1, 1, 1, 2))
    for width in (60, 100, 150):
        out = render(ScanReport((finding,), files_scanned=1), width=width)
        assert max(len(line) for line in out.splitlines()) <= width
        assert max(len(line) for line in out.splitlines()) >= width - 10
