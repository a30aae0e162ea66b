"""One syntax verdict per file, for the project's target version, whatever the triggers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.config import Config
from tests.conftest import json_findings, run_conclint

TRIGGER = "import subprocess\n"
FLAGGED = 'import subprocess\nsubprocess.run(["ls"])\n'
ALL_CODES = ("CL001", "CL002", "CL003", "CL101", "CL201", "CL202", "CL401", "CL501")
needs_311 = pytest.mark.skipif(sys.version_info < (3, 11), reason="needs a 3.11+ interpreter")


def syntax_findings(text: str, **config: object) -> list[tuple[int, int, str]]:
    checker = FileChecker(Config(select=ALL_CODES, **config))  # type: ignore[arg-type]
    return [
        (f.span.start_line, f.span.start_col, f.message)
        for f in checker.check_text("m.py", text).findings
        if f.code == "CL001"
    ]


@needs_311
@pytest.mark.parametrize(
    "body",
    [
        "type X = int\n",
        "def first[T](items: list[T]) -> T:\n    return items[0]\n",
        'x = "a\\0b"\n',
        "x = 1\x00\n",
    ],
    ids=["type-statement", "generic-function", "nul-escape-is-fine", "nul-byte"],
)
def test_the_verdict_does_not_depend_on_trigger_words(body: str) -> None:
    alone = syntax_findings(body, target_version="py311")
    beside = syntax_findings(TRIGGER + body, target_version="py311")
    shifted = [(line - 1, column, message) for line, column, message in beside]
    assert alone == shifted
    assert bool(alone) == (body != 'x = "a\\0b"\n')


def test_a_nul_byte_is_a_syntax_error_with_or_without_triggers() -> None:
    for prefix in ("", TRIGGER, FLAGGED):
        text = prefix + 'x = "a\x00b"\n'
        line = prefix.count("\n") + 1
        assert syntax_findings(text) == [(line, 7, "source code cannot contain null bytes")]


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="needs an interpreter older than 3.12")
def test_newer_syntax_is_an_error_for_the_running_interpreter_beside_triggers() -> None:
    """No target: the running interpreter's grammar, also where LibCST knows more."""
    assert syntax_findings("type X = int\n")
    assert syntax_findings(FLAGGED + "type X = int\n")


@needs_311
def test_older_target_rejects_newer_syntax() -> None:
    text = FLAGGED + "try:\n    pass\nexcept* ValueError:\n    pass\n"
    assert syntax_findings(text, target_version="py310")
    assert syntax_findings(text, target_version="py311") == []


def test_newer_target_than_the_interpreter_is_scanned_with_libcst() -> None:
    text = FLAGGED + "type Paths = list[str]\n"
    checker = FileChecker(Config(select=ALL_CODES, target_version="py314"))
    assert [f.code for f in checker.check_text("m.py", text).findings] == ["CL201"]
    alone = FileChecker(Config(select=ALL_CODES, target_version="py314"))
    assert alone.check_text("n.py", "type Paths = list[str]\n").findings == ()


def test_invalid_for_every_version_stays_invalid_with_a_newer_target() -> None:
    for prefix in ("", FLAGGED):
        text = prefix + "def broken(:\n"
        findings = syntax_findings(text, target_version="py314")
        assert [line for line, _, _ in findings] == [prefix.count("\n") + 1]


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="needs an interpreter older than 3.12")
def test_requires_python_sets_the_target(project: Path) -> None:
    (project / "new.py").write_text(FLAGGED + "type Paths = list[str]\n")
    (project / "pyproject.toml").write_text("[tool.conclint]\n")
    before = json_findings(run_conclint("scan", ".", "--format", "json", "--no-cache"))
    assert [f["code"] for f in before] == ["CL001"]
    (project / "pyproject.toml").write_text(
        '[project]\nname = "p"\nrequires-python = ">=3.12"\n\n[tool.conclint]\n'
    )
    after = json_findings(run_conclint("scan", ".", "--format", "json", "--no-cache"))
    assert [f["code"] for f in after] == ["CL201"]


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="needs an interpreter older than 3.12")
def test_newer_syntax_too_nested_to_check_safely_is_not_a_syntax_error() -> None:
    text = "type Table = dict[str, int]\nTABLE = [" + "1, " * 3000 + "]\n"
    checker = FileChecker(Config(select=ALL_CODES, target_version="py312"))
    (finding,) = checker.check_text("m.py", text).findings
    assert finding.code == "CL002" and "Python 3." in finding.message


FRAGMENTS = [
    "import subprocess\n",
    "import requests\n",
    'subprocess.run(["ls"])\n',
    "for x in xs:\n    requests.get(x)\n",
    "async def f():\n    await g()\n",
    "type X = int\n",
    "def f[T](x: T) -> T:\n    return x\n",
    "try:\n    pass\nexcept* E:\n    pass\n",
    "match x:\n    case 1:\n        pass\n",
    "x = (\n",
    ")\n",
    "x = \\\n",
    "lambda: \\\n",
    "\x00",
    "\f",
    "\r",
    "\t",
    "x = 1 +",
    " 1\n",
    'f"{x!r:>{width}}"\n',
    "print 'old'\n",
    "with (open(a) as b, open(c) as d):\n    pass\n",
    "    indented = 1\n",
    "# comment\n",
]


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12), st.sampled_from(["py310", "py314"]))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_syntax_verdict_is_the_same_whichever_rules_run(
    fragments: list[str], target: str
) -> None:
    text = "".join(fragments)
    only_syntax = FileChecker(Config(select=("CL001",), target_version=target))
    everything = FileChecker(Config(select=("ALL",), target_version=target))
    alone = [f for f in only_syntax.check_text("m.py", text).findings if f.code == "CL001"]
    beside = [f for f in everything.check_text("m.py", text).findings if f.code == "CL001"]
    assert alone == beside
