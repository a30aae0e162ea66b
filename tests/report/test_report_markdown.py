"""The Markdown format: heading, table, escaping and summary."""

from __future__ import annotations

from concurrency_lint.model import Edit, Finding, Fix, Safety, ScanReport, Span
from concurrency_lint.report.markdown_format import escape, render

EDIT = (Edit(Span(1, 1, 1, 1), "x"),)


def test_table_with_heading_and_summary() -> None:
    findings = (
        Finding(
            "CL201",
            "subprocess-without-timeout",
            "subprocess.run() has no timeout",
            "pkg/tool.py",
            Span(12, 5, 12, 40),
            Fix("add timeout", Safety.UNSAFE, EDIT),
        ),
        Finding(
            "CL101",
            "sequential-io-loop",
            "loop reads a | b\nthen c",
            "pkg/io.py",
            Span(7, 9, 9, 1),
            Fix("parallel", Safety.SAFE, EDIT),
        ),
    )
    assert render(ScanReport(findings, files_scanned=9)) == (
        "## conclint report\n"
        "\n"
        "| File | Line | Code | Message |\n"
        "| --- | ---: | --- | --- |\n"
        "| pkg/tool.py | 12 | CL201 | subprocess.run() has no timeout |\n"
        "| pkg/io.py | 7 | CL101 | loop reads a \\| b<br>then c |\n"
        "\n"
        "Found 2 findings in 2 files.\n"
        "1 fixable with `conclint fix --apply`; 1 more with `--unsafe-fixes`.\n"
    )


def test_every_row_has_four_cells_despite_pipes() -> None:
    finding = Finding("CL502", "lost-future-exception", "a|b|c", "x|y.py", Span(1, 1, 1, 2))
    out = render(ScanReport((finding,), files_scanned=1))
    row = next(line for line in out.splitlines() if "CL502" in line)
    # Unescaped pipes are the cell borders: five of them for four cells.
    unescaped = row.replace("\\|", "")
    assert unescaped.count("|") == 5
    assert "x\\|y.py" in row and "a\\|b\\|c" in row


def test_escape_neutralises_markdown_and_html() -> None:
    assert escape("__init__ *x* [z](u) <lambda> a & b ~~s~~") == (
        "\\_\\_init\\_\\_ \\*x\\* \\[z\\](u) \\<lambda\\> a \\& b \\~\\~s\\~\\~"
    )
    assert escape("back\\slash") == "back\\\\slash"
    assert escape("one\r\ntwo\nthree") == "one<br>two<br>three"


def test_code_spans_in_messages_are_kept_but_their_pipes_escaped() -> None:
    assert escape("`os_run()` and `a | b` for *all*") == "`os_run()` and `a \\| b` for \\*all\\*"
    # A lone backtick is no code span: it stays literal.
    assert escape("it`s") == "it\\`s"


def test_paths_are_literal_even_with_backticks() -> None:
    finding = Finding("CL101", "sequential-io-loop", "`f()` loop", "a`b`_c.py", Span(1, 1, 1, 2))
    row = render(ScanReport((finding,), files_scanned=1)).splitlines()[4]
    assert row == "| a\\`b\\`\\_c.py | 1 | CL101 | `f()` loop |"


def test_clean_scan() -> None:
    assert render(ScanReport((), files_scanned=3)) == (
        "## conclint report\n\nAll checks passed: 3 files scanned.\n"
    )


def test_no_fix_line_without_fixes() -> None:
    finding = Finding("CL403", "dangling-task", "task dropped", "m.py", Span(1, 1, 1, 2))
    assert render(ScanReport((finding,), files_scanned=1)).endswith(
        "\nFound 1 finding in 1 file.\n"
    )


def test_renders_to_the_intended_html_table() -> None:
    # markdown-it-py comes with rich; a CommonMark parser with GFM tables.
    from markdown_it import MarkdownIt

    finding = Finding(
        "CL201", "n", "`a | b` and __init__ <lambda> x|y\nnext", "dir/__init__.py", Span(1, 1, 1, 2)
    )
    html = MarkdownIt("commonmark").enable("table").render(render(ScanReport((finding,), 1)))
    assert "<td>dir/__init__.py</td>" in html
    assert "<td><code>a | b</code> and __init__ &lt;lambda&gt; x|y<br>next</td>" in html
    assert html.count("<td") == 4
