"""The README's promises that can drift: its rule table and its two set-up commands."""

from __future__ import annotations

from pathlib import Path

from concurrency_lint.cli.rules_command import rules_markdown

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_rule_table_is_the_catalogue() -> None:
    assert rules_markdown() in README, "regenerate with `conclint rules --format markdown`"


def test_the_two_setup_commands_come_first() -> None:
    first_block = README.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()
    assert first_block == [
        "pip install . && conclint scan fixtures/",
        "pip install -e '.[test]' && pytest",
    ]
