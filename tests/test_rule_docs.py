"""Rule documentation and examples: the docs cannot rot."""

from __future__ import annotations

import re

import pytest

from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.checking.registry import all_rules, rule_modules
from concurrency_lint.config import Config
from concurrency_lint.fixes.text_edits import apply_edits

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety")
RULES = all_rules()


def _check(rule: type, code: str):
    checker = FileChecker(Config(select=(rule.CODE,)))
    return [f for f in checker.check_text("example.py", code).findings if f.code == rule.CODE]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.CODE)
def test_metadata_is_complete(rule: type) -> None:
    assert re.fullmatch(r"CL\d{3}", rule.CODE)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.NAME)
    assert rule.MESSAGE and "\n" not in rule.MESSAGE
    assert rule.TRIGGERS, "a rule without triggers would never run"
    module = rule_modules()[rule.CODE]
    assert module.endswith("_" + rule.NAME.replace("-", "_")), "file name must be clNNN_<name>.py"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.CODE)
def test_documentation_has_every_section(rule: type) -> None:
    doc = rule.documentation()
    for section in SECTIONS:
        assert f"## {section}" in doc, f"{rule.CODE} lacks '{section}'"
    if rule.OPTIONS:
        assert "## Configuration" in doc
        for name in rule.OPTIONS:
            assert f"`{name}`" in doc, f"option {name} undocumented"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.CODE)
def test_valid_examples_are_clean(rule: type) -> None:
    assert rule.VALID
    for example in rule.VALID:
        assert _check(rule, example) == [], example


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.CODE)
def test_invalid_examples_are_flagged_and_fixed_as_documented(rule: type) -> None:
    assert rule.INVALID
    for example in rule.INVALID:
        findings = _check(rule, example.code)
        assert findings, example.code
        if example.fixed is not None:
            edits = [edit for finding in findings if finding.fix for edit in finding.fix.edits]
            assert edits, f"{rule.CODE}: documented fix not offered for {example.code!r}"
            assert apply_edits(example.code, edits) == example.fixed
