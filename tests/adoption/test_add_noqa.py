"""``scan --add-noqa``: every reported line gets its ``# noqa: CODE``, files stay intact."""

from __future__ import annotations

from pathlib import Path

from concurrency_lint.fixes.add_noqa import with_noqa
from concurrency_lint.model import Finding, Span
from tests.conftest import json_findings, run_conclint


def scan(*args: str):
    return run_conclint("scan", "--no-cache", "--format", "json", *args)


def add_noqa(path: Path):
    run = run_conclint("scan", "--no-cache", "--add-noqa", str(path))
    assert run.exit_code == 0, run.stderr
    return run


def test_every_reported_line_is_suppressed_afterwards(project: Path) -> None:
    path = project / "app.py"
    path.write_text(
        "import subprocess\nimport requests\n\n"
        "subprocess.run(['a'])\n"
        "subprocess.run(['b']); requests.get(url)\n"
    )
    assert len(json_findings(scan())) == 3
    run = add_noqa(path)
    assert "added 2 `# noqa` comments in 1 file" in run.stderr
    assert path.read_text().splitlines()[3:] == [
        "subprocess.run(['a'])  # noqa: CL201",
        "subprocess.run(['b']); requests.get(url)  # noqa: CL201, CL202",
    ]
    assert json_findings(scan()) == []


def test_an_existing_noqa_is_merged(project: Path) -> None:
    path = project / "app.py"
    path.write_text("import subprocess\nsubprocess.run(['a'])  # noqa: E501 long line\n")
    add_noqa(path)
    assert (
        path.read_text().splitlines()[1] == "subprocess.run(['a'])  # noqa: E501, CL201 long line"
    )
    assert json_findings(scan()) == []


def test_another_comment_is_kept(project: Path) -> None:
    path = project / "app.py"
    path.write_text("import subprocess\nsubprocess.run(['a'])  # type: ignore\n")
    add_noqa(path)
    assert path.read_text().splitlines()[1] == (
        "subprocess.run(['a'])  # type: ignore  # noqa: CL201"
    )


def test_a_line_ending_inside_a_string_uses_the_statement_line(project: Path) -> None:
    path = project / "app.py"
    path.write_text(
        'import subprocess\nvalue = (\n    subprocess.run(["x"], input="""\ndata""")\n)\n'
    )
    add_noqa(path)
    assert path.read_text().splitlines()[1] == "value = (  # noqa: CL201"
    assert json_findings(scan()) == []


def test_encoding_bom_and_line_endings_are_kept(project: Path) -> None:
    crlf = project / "crlf.py"
    crlf.write_bytes(b"\xef\xbb\xbfimport subprocess\r\nsubprocess.run(['\xc3\xa9'])\r\n")
    latin = project / "latin.py"
    latin.write_bytes(b"# -*- coding: latin-1 -*-\nimport subprocess\nsubprocess.run(['\xe9'])\n")
    add_noqa(crlf)
    add_noqa(latin)
    assert crlf.read_bytes() == (
        b"\xef\xbb\xbfimport subprocess\r\nsubprocess.run(['\xc3\xa9'])  # noqa: CL201\r\n"
    )
    assert latin.read_bytes().endswith(b"subprocess.run(['\xe9'])  # noqa: CL201\n")
    assert json_findings(scan()) == []


def test_a_line_that_cannot_take_a_comment_is_skipped_and_named() -> None:
    text = 'import subprocess\nsubprocess.run(["x"], input="""\ndata""")\n'
    finding = Finding("CL201", "subprocess-without-timeout", "m", "m.py", Span(2, 1, 3, 8))
    new_text, changed, skipped = with_noqa(text, [finding])
    assert (new_text, changed) == (text, 0)
    assert skipped == [(finding, "no line of its statement can end in a comment")]


def test_standard_input_is_refused(project: Path) -> None:
    run = run_conclint("scan", "--add-noqa", "-", stdin="import subprocess\n")
    assert run.exit_code == 2
    assert "--add-noqa writes files" in run.stderr


def test_markdown_python_blocks_get_the_comment(project: Path) -> None:
    path = project / "README.md"
    path.write_text(
        "# Guide\n\n- a list item:\n\n  ```python\n  import subprocess\n"
        "  subprocess.run(['make'])\n  ```\n\nprose subprocess.run(['x'])\n"
    )
    before = json_findings(scan("--include-markdown", "."))
    assert [(f["start_line"], f["code"]) for f in before] == [(7, "CL201")]
    run = run_conclint("scan", "--no-cache", "--include-markdown", "--add-noqa", ".")
    assert "added 1 `# noqa` comment in 1 file" in run.stderr
    assert path.read_text().splitlines()[6] == "  subprocess.run(['make'])  # noqa: CL201"
    assert json_findings(scan("--include-markdown", ".")) == []
