"""Python blocks in Markdown, and the suppression comments."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import json_findings, run_conclint

README = """# Guide

Some prose with `subprocess.run` in it.

```python
import subprocess

subprocess.run(["make"])
```

```bash
subprocess.run(["not", "python"])
```

    indented text

```py
import requests
requests.get(url)
```
"""


def findings(*args: str) -> list[tuple[str, int, str]]:
    run = run_conclint("scan", *args, "--format", "json", "--no-cache")
    return sorted((f["path"], f["start_line"], f["code"]) for f in json_findings(run))


def test_markdown_blocks_point_at_real_lines(project: Path) -> None:
    (project / "README.md").write_text(README)
    assert findings(".", "--include-markdown") == [
        ("README.md", 8, "CL201"),
        ("README.md", 19, "CL202"),
    ]


def test_markdown_is_off_by_default_and_on_from_config(project: Path) -> None:
    (project / "README.md").write_text(README)
    assert findings(".") == []
    (project / "pyproject.toml").write_text("[tool.conclint]\ninclude-markdown = true\n")
    assert [code for _, _, code in findings(".")] == ["CL201", "CL202"]


def test_a_block_that_does_not_parse_is_a_syntax_error_on_its_real_line(project: Path) -> None:
    (project / "doc.md").write_text("```python\nimport subprocess\ndef f(:\n```\n")
    assert findings(".", "--include-markdown") == [("doc.md", 3, "CL001")]


SUPPRESSED = """import subprocess
subprocess.run(["a"])  # noqa: CL201
subprocess.run(["b"])  # noqa
subprocess.run(["c"])  # conclint: ignore[CL201]
subprocess.run(["d"])  # noqa: CL202
subprocess.run(  # noqa: CL201
    ["e"],
)
subprocess.run(
    ["f"],  # conclint: ignore[CL201] is neither the finding's nor the statement's first line
)
subprocess.run(["g"])  # conclint: ignore[CL202, CL201]
subprocess.run(["h"])
"""


def test_suppression_comments(project: Path) -> None:
    (project / "s.py").write_text(SUPPRESSED)
    assert [line for _, line, _ in findings("s.py")] == [5, 9, 13]


def test_suppression_on_first_line_of_a_multiline_statement(project: Path) -> None:
    source = 'import subprocess\nresult = (  # noqa: CL201\n    subprocess.run(["x"])\n)\n'
    (project / "m.py").write_text(source)
    assert findings("m.py") == []


def test_ignore_file(project: Path) -> None:
    (project / "f.py").write_text("# conclint: ignore-file\n" + SUPPRESSED)
    assert findings("f.py") == []
