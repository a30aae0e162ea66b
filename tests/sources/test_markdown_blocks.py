"""Markdown read as a reader sees it: every Python block, on its real lines and columns."""

from __future__ import annotations

import json
from pathlib import Path

from concurrency_lint.sources.markdown import python_blocks
from tests.conftest import json_findings, run_conclint

SLOPPY = """\
# Notes

```bash
ls -l
```plaintext

The fence above was meant to close the bash block.

```python
import subprocess
subprocess.run(["make"])
```plaintext

More prose, not code: def (

```python
from multiprocessing import Pool
pool = Pool(4)
```plaintext
"""


def scan_findings(*args: str) -> list[tuple[int, int, str]]:
    run = run_conclint(
        "scan", "doc.md", "--include-markdown", "--format", "json", "--no-cache", *args
    )
    return sorted((f["start_line"], f["start_column"], f["code"]) for f in json_findings(run))


def test_python_blocks_after_a_fence_left_open() -> None:
    blocks = python_blocks(SLOPPY)
    assert [(block.first_line, block.code) for block in blocks] == [
        (10, 'import subprocess\nsubprocess.run(["make"])\n'),
        (17, "from multiprocessing import Pool\npool = Pool(4)\n"),
    ]


def test_sloppy_document_is_scanned_and_inventoried(project: Path) -> None:
    (project / "doc.md").write_text(SLOPPY, encoding="utf-8")
    assert (11, 1, "CL201") in scan_findings()
    run = run_conclint("inventory", "doc.md", "--format", "json", "--no-cache")
    uses = json.dumps(json.loads(run.stdout))
    assert "multiprocessing.Pool" in uses


def test_fences_in_list_items_and_quotes_keep_real_columns(project: Path) -> None:
    text = (
        "1. Build:\n"
        "\n"
        "   ```py\n"
        "   import subprocess\n"
        '   subprocess.run(["make"])\n'
        "   ```\n"
        "\n"
        "> Quoted:\n"
        ">\n"
        "> ```python\n"
        "> import subprocess\n"
        '> subprocess.run(["ls"])\n'
        "> ```\n"
        "\n"
        "> > ~~~python\n"
        "> > import subprocess\n"
        '> > subprocess.run(["id"])\n'
        "> > ~~~\n"
    )
    (project / "doc.md").write_text(text, encoding="utf-8")
    assert scan_findings() == [(5, 4, "CL201"), (12, 3, "CL201"), (17, 5, "CL201")]


def test_a_quote_that_ends_ends_its_block() -> None:
    text = "> ```python\n> x = 1\n\nnot code (\n"
    assert [block.code for block in python_blocks(text)] == ["x = 1\n"]


def test_pycon_prompts_are_stripped_and_output_dropped(project: Path) -> None:
    text = (
        "```pycon\n"
        ">>> import subprocess\n"
        ">>> subprocess.run(\n"
        '...     ["make"])\n'
        "CompletedProcess(args=['make'], returncode=0)\n"
        ">>> 1 +\n"
        "```\n"
    )
    [block] = python_blocks(text)
    assert block.code == 'import subprocess\nsubprocess.run(\n    ["make"])\n\n1 +\n'
    (project / "doc.md").write_text(text, encoding="utf-8")
    assert scan_findings() == [(6, 8, "CL001")]  # the prompt's columns are counted
    (project / "doc.md").write_text(text.replace(">>> 1 +\n", ""), encoding="utf-8")
    assert scan_findings() == [(3, 5, "CL201")]


def test_a_block_that_does_not_parse_is_cl001_on_its_real_line(project: Path) -> None:
    text = "# Title\n\nProse.\n\n```python\nimport os\ndef broken(:\n    pass\n```\n"
    (project / "doc.md").write_text(text, encoding="utf-8")
    assert scan_findings() == [(7, 12, "CL001")]
    assert scan_findings("--select", "CL2") == [(7, 12, "CL001")]
    run = run_conclint("inventory", "doc.md", "--format", "json", "--no-cache")
    problems = json.loads(run.stdout)["problems"]
    assert problems == [{"path": "doc.md", "message": "line 7: invalid syntax"}]


def test_non_line_breaks_do_not_move_markdown_lines(project: Path) -> None:
    text = "Prose\x0c with a form feed\u2028 and a line separator.\n\n```python\nimport subprocess\nsubprocess.run([])\n```\n"
    (project / "doc.md").write_text(text, encoding="utf-8")
    assert scan_findings() == [(5, 1, "CL201")]


def test_crlf_and_cr_line_endings_keep_block_lines() -> None:
    for newline in ("\r\n", "\r"):
        text = newline.join(["# T", "", "```python", "x = 1", "y = (", "```", ""])
        [block] = python_blocks(text)
        assert (block.first_line, block.code) == (4, "x = 1\ny = (\n")
