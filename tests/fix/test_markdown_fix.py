"""Fixes inside Markdown Python blocks: written back at their lines, the rest untouched."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.cli import main as cli
from concurrency_lint.config import Config
from concurrency_lint.fixes.apply.markdown_fix import fix_markdown
from concurrency_lint.model import Edit, Finding, Fix, Safety, Span

DOCUMENT = """# Guide

Some text   with  odd   spacing.\t

1. A list item:

   ```python
   import subprocess
   def build():
       subprocess.run(["make"])
   ```

> A quote:
>
> ```python
> import requests
>
> def get(url):
>     return requests.get(url)
> ```

```pycon
>>> import requests
>>> requests.get(URL)
<Response [200]>
```
"""

FIXED = DOCUMENT.replace('run(["make"])', 'run(["make"], timeout=10)').replace(
    "requests.get(url)", "requests.get(url, timeout=10)"
)
CHECKER = FileChecker(Config(select=("CL201", "CL202")))


def _check(text: str):
    return CHECKER.check_text("guide.md", text).findings


def test_blocks_are_fixed_in_place_keeping_each_line_prefix() -> None:
    outcome = fix_markdown(DOCUMENT, _check, unsafe=True)
    assert outcome.text == FIXED  # list indentation and quote markers kept; the rest as it was
    assert [finding.span.start_line for finding in outcome.applied] == [10, 19]
    # The session block is not rewritten; its finding stays, at its line in the document.
    assert [finding.span.start_line for finding in outcome.remaining] == [24]


def test_a_block_whose_fix_would_not_compile_is_left_alone_with_the_reason() -> None:
    document = "Text.\n\n```python\nx = 1\n```\n\n```python\ny = 2\n```\n"

    def check(text: str) -> list[Finding]:
        if "x = 1" in text:  # a fix that breaks the block
            span = Span(1, 1, 1, 6)
            fix = Fix("break it", Safety.SAFE, (Edit(span, "x = = 1"),))
            return [Finding("CL999", "test", "m", "guide.md", span, fix)]
        return []

    outcome = fix_markdown(document, check, unsafe=False)
    assert outcome.text == document
    assert [refusal.finding.span.start_line for refusal in outcome.refused] == [4]
    assert "would not compile" in outcome.refused[0].reason


def test_fix_apply_on_a_named_markdown_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "guide.md").write_text(DOCUMENT, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["fix", "--apply", "--unsafe-fixes", "--select", "CL201,CL202", "--no-cache", "guide.md"],
    )
    assert "Fixed guide.md (2 fixes)" in result.output
    assert (tmp_path / "guide.md").read_bytes() == FIXED.encode()


def test_include_markdown_fixes_documents_found_in_folders(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text(DOCUMENT, encoding="utf-8")
    args = ["fix", "--apply", "--unsafe-fixes", "--select", "CL201,CL202", "--no-cache", "docs"]
    CliRunner().invoke(cli, args)
    assert (tmp_path / "docs" / "guide.md").read_text(encoding="utf-8") == DOCUMENT
    CliRunner().invoke(cli, [*args, "--include-markdown"])
    assert (tmp_path / "docs" / "guide.md").read_text(encoding="utf-8") == FIXED


def test_standard_input_named_markdown_is_fixed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["fix", "-", "--stdin-filename", "guide.md", "--unsafe-fixes", "--select", "CL201,CL202"]
    result = CliRunner().invoke(cli, args, input=DOCUMENT)
    assert result.stdout == FIXED
