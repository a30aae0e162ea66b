"""The screen table mirrors the rule classes: same triggers, imports, second looks and
defaults, and the same answers on every fixture and documented example."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from concurrency_lint.checking.registry import all_rules, rule_modules
from concurrency_lint.checking.screens import SCREENS
from concurrency_lint.config import Config
from concurrency_lint.sources.decoding import UndecodableSource, decode_source

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def texts() -> list[str]:
    found = []
    for path in sorted(FIXTURES.rglob("*.py")):
        try:
            found.append(decode_source(path.read_bytes()).text)
        except UndecodableSource:  # a fixture of the engine's own findings
            continue
    for rule in all_rules():
        found.extend(rule.VALID)
        found.extend(example.code for example in rule.INVALID)
    return found


def test_every_rule_has_a_screen() -> None:
    assert set(SCREENS) == set(rule_modules())


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.CODE)
def test_the_screen_states_what_the_rule_states(rule: type) -> None:
    screen = SCREENS[rule.CODE]
    assert screen.triggers == rule.TRIGGERS
    assert screen.needs_import_of == rule.NEEDS_IMPORT_OF
    assert (screen.tree_look is not None) == rule.SCREENED
    assert screen.default_enabled == rule.DEFAULT_ENABLED
    assert screen.audits == rule.AUDITS_SUPPRESSIONS


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.CODE)
def test_the_screen_answers_as_the_rule_does(rule: type) -> None:
    screen = SCREENS[rule.CODE]
    config = Config(extra_io_calls=(("mylib.fetch", "network"),))
    for text in texts():
        assert screen.is_triggered(text, config) == rule.is_triggered(text, config), text
        if rule.SCREENED:
            try:
                tree = ast.parse(text)
            except SyntaxError:
                continue
            assert screen.may_fire(tree, config) == rule.may_fire(tree, config), text
