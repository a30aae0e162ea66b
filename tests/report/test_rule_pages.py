"""``docs/rules/``: one page per rule, generated from the rule classes, never stale."""

from __future__ import annotations

from pathlib import Path

from concurrency_lint.checking.registry import known_codes
from concurrency_lint.cli.rule_docs import DEFAULT_FOLDER, rule_doc_files, write
from concurrency_lint.model import RuleInfo
from concurrency_lint.report.rule_pages import RULE_DOCS_URL, page, rule_url

REGENERATE = "stale: regenerate with `python -m concurrency_lint.cli.rule_docs`"


def test_the_committed_pages_are_the_generated_ones() -> None:
    wanted = rule_doc_files()
    committed = {path.name: path.read_text(encoding="utf-8") for path in DEFAULT_FOLDER.glob("*")}
    assert set(committed) == set(wanted), REGENERATE
    for name, text in wanted.items():
        assert committed[name] == text, f"docs/rules/{name} is {REGENERATE}"


def test_every_code_has_a_page_that_sarif_links_to() -> None:
    names = set(rule_doc_files())
    for code in known_codes():
        assert f"{code}.md" in names
        assert rule_url(code) == f"{RULE_DOCS_URL}{code}.md"
    assert RULE_DOCS_URL.endswith("/docs/rules/")


def test_a_page_carries_the_message_facts_and_documentation() -> None:
    rule = RuleInfo(
        "CL999", "demo-rule", "one line", "Summary.", "## What it does\nX.", False, True
    )
    text = page(rule)
    assert text.startswith("# CL999 `demo-rule`\n\n> one line\n")
    assert "- Default: off" in text and "- Fix available: yes" in text
    assert text.endswith("## What it does\nX.\n")


def test_write_removes_pages_of_codes_that_are_gone(tmp_path: Path) -> None:
    (tmp_path / "CL998.md").write_text("old", encoding="utf-8")
    written = write(tmp_path)
    assert "CL998.md" not in {path.name for path in tmp_path.iterdir()}
    assert sorted(path.name for path in tmp_path.iterdir()) == written
