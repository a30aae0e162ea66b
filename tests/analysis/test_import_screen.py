"""The import check on text: never "no" where an import reaches a required name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from concurrency_lint.analysis.import_screen import may_import_any
from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.checking.registry import all_rules
from concurrency_lint.checking.rule import Rule
from concurrency_lint.config import Config
from concurrency_lint.testing import fixture_config

SUBPROCESS = {"subprocess.run", "subprocess.Popen"}


@pytest.mark.parametrize(
    "text",
    [
        "import subprocess\n",
        "import os, subprocess as sp\n",
        "from subprocess import run\n",
        "from subprocess import (\n    PIPE,\n    Popen,\n)\n",
        "import os, \\\n    subprocess\n",
        "from subprocess \\\n    import run\n",
        "x = 1; import subprocess\n",
        "def f():\n    import subprocess\n",
        "import subprocess\r\n",
        "from subprocess \\\rimport run\r\rrun(['ls'])\r",  # old Mac line endings
    ],
)
def test_an_import_that_reaches_the_name_is_seen(text: str) -> None:
    assert may_import_any(text, SUBPROCESS)


@pytest.mark.parametrize(
    "text",
    [
        "import os\nsubprocess.run(['ls'])\n",  # used but never imported
        "from subprocess_tools import run\n",
        "from .subprocess import run\n",  # a module of this package
        "# we call subprocess.run here\n",
        "",
    ],
)
def test_text_without_such_an_import_is_not_seen(text: str) -> None:
    assert not may_import_any(text, SUBPROCESS)


def test_every_import_spelling_of_every_required_name_is_seen() -> None:
    required = {name for rule in all_rules() for name in rule.NEEDS_IMPORT_OF}
    assert len(required) > 30
    for name in sorted(required):
        parts = name.split(".")
        spellings = [f"import {parts[0]}\n", f"import os, {name} as alias\n"]
        if len(parts) > 1:
            module, last = ".".join(parts[:-1]), parts[-1]
            spellings += [
                f"import {module}\n",
                f"from {module} import {last}\n",
                f"from {module} import (\n    other,\n    {last} as alias,\n)\n",
                f"from {' . '.join(parts[:-1])} import {last}\n",
            ]
        if len(parts) > 2:
            spellings.append(f"from {'.'.join(parts[:-2])} import {parts[-2]}\n")
        for text in spellings:
            assert may_import_any(text, {name}), (name, text)


def test_rules_with_required_imports_are_not_triggered_without_them() -> None:
    subprocess_rule = next(rule for rule in all_rules() if rule.CODE == "CL201")
    assert subprocess_rule.is_triggered("import subprocess\nsubprocess.run(x)\n", Config())
    assert not subprocess_rule.is_triggered("subprocess = None  # the word alone\n", Config())


def _without_imports_of(text: str, names: frozenset[str]) -> str:
    """``text`` with every import statement that may reach ``names`` made a ``pass``."""
    lines = text.splitlines()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and may_import_any(
            ast.get_source_segment(text, node) or "", names
        ):
            indent = lines[node.lineno - 1][: node.col_offset]
            lines[node.lineno - 1] = f"{indent}pass"
            for number in range(node.lineno, node.end_lineno or node.lineno):
                lines[number] = ""
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "rule", [rule for rule in all_rules() if rule.NEEDS_IMPORT_OF], ids=lambda rule: rule.CODE
)
def test_a_rule_with_required_imports_fires_only_through_them(
    rule: type[Rule], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the screen lifted, the rule flags lines of its fixture; once the imports
    that reach :attr:`Rule.NEEDS_IMPORT_OF` are taken away, it flags nothing, unless the screen
    still lets the text through (CL301's ``run_in_executor`` needs no import)."""
    fixture = Path(__file__).parents[2] / "fixtures" / "rules" / f"{rule.CODE}.py"
    text = fixture.read_text(encoding="utf-8")
    config = fixture_config(text, Config(select=(rule.CODE,)))
    stripped = _without_imports_of(text, rule.NEEDS_IMPORT_OF)
    assert stripped != text
    screened_in = rule.is_triggered(stripped, config)
    monkeypatch.setattr(rule, "NEEDS_IMPORT_OF", frozenset())
    checker = FileChecker(config)
    assert checker.check_text("fixture.py", text).findings
    assert screened_in or checker.check_text("fixture.py", stripped).findings == ()
