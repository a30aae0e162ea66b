"""Generated programs: the fixer never crashes, what it writes compiles, a second run changes
nothing. Two sources of programs: Hypothesmith's grammar (rarely holds the patterns), and
templates built from the rules' own INVALID examples inside random surrounding code (always
does), so that the async, lifecycle and timeout fixes are exercised with ``--unsafe-fixes``.
"""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

hypothesis = pytest.importorskip("hypothesis")
hypothesmith = pytest.importorskip("hypothesmith")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from concurrency_lint.checking.file_checker import FileChecker  # noqa: E402
from concurrency_lint.checking.registry import rule_by_code  # noqa: E402
from concurrency_lint.config import Config  # noqa: E402
from concurrency_lint.fixes.apply import fix_text  # noqa: E402
from concurrency_lint.fixes.apply.verify import compile_error, strictness_of  # noqa: E402

CHECKER = FileChecker(Config(select=("ALL",)))
PREFIX = "import subprocess\nimport requests\n"
# Calls every finished rule fixes, so each generated program has something to fix.
SUFFIX = 'subprocess.run(["ls"])\nrequests.get(URL)\n'
#: The rules whose fixes the templates exercise.
TEMPLATE_RULES = ("CL103", "CL203", "CL204", "CL401", "CL402", "CL403", "CL501", "CL502", "CL504")
EXAMPLES = tuple(
    example.code
    for code in TEMPLATE_RULES
    for example in rule_by_code(code).INVALID  # type: ignore[union-attr]
    if example.fixed is not None
)
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _check(text: str):
    return CHECKER.check_text("generated.py", text).findings


# The checker raises the recursion limit on first use; do it before Hypothesis watches.
_check(PREFIX + SUFFIX)


def _assert_fix_is_sound(program: str, line_length: int = 100) -> bool:
    """Fix the program twice: the first compiles (as far as the original did), the second
    changes nothing. Whether the first changed anything."""
    outcome = fix_text(program, _check, unsafe=True, line_length=line_length)
    if not outcome.changed:
        return False
    assert compile_error(outcome.text, strictness_of(program)) is None
    cst.parse_module(outcome.text)
    again = fix_text(outcome.text, _check, unsafe=True, line_length=line_length)
    assert again.text == outcome.text
    return True


def _programs() -> st.SearchStrategy[str]:
    generated = hypothesmith.from_grammar()
    return st.one_of(
        generated.map(lambda body: PREFIX + body.rstrip("\\ \t\n") + "\n" + SUFFIX),
        generated.map(lambda body: PREFIX + SUFFIX + body),
    )


@SETTINGS
@given(_programs())
def test_fix_never_crashes_and_what_it_writes_parses(program: str) -> None:
    _assert_fix_is_sound(program)


# ---- templates: the rules' INVALID examples in random surroundings ----------------------

_NAMES = st.sampled_from(["data", "items", "result", "value", "pool", "task", "lock", "url"])
_IMPORTS = st.sampled_from(
    [
        "import os",
        "import sys",
        "import asyncio",
        "import threading",
        "from pathlib import Path",
        "from concurrent.futures import ThreadPoolExecutor",
        "import requests",
    ]
)


@st.composite
def _statement(draw: st.DrawFn) -> str:
    name = draw(_NAMES)
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return f"{name} = {draw(st.integers(-5, 500))}"
    if kind == 1:
        return f"def {name}_helper(x):\n    return x + {draw(st.integers(0, 9))}"
    if kind == 2:
        return f"# a comment about {name}"
    if kind == 3:
        return f"class {name.title()}:\n    {name} = None"
    if kind == 4:
        return f'"""A string about {name}."""'
    return f"if {name!r}:\n    pass"


def _indented(code: str, depth: int) -> str:
    """The example nested ``depth`` levels inside ``if True:`` blocks."""
    for _ in range(depth):
        code = "if True:\n" + textwrap.indent(code, "    ")
    return code


@st.composite
def _template_programs(draw: st.DrawFn) -> str:
    parts: list[str] = []
    if draw(st.booleans()):
        parts.append('"""Module docstring."""')
    parts.extend(draw(st.lists(_IMPORTS, max_size=3, unique=True)))
    parts.extend(draw(st.lists(_statement(), max_size=3)))
    examples = draw(st.lists(st.sampled_from(EXAMPLES), min_size=1, max_size=2))
    for example in examples:
        parts.append(_indented(example.strip("\n"), draw(st.integers(0, 1))))
        parts.extend(draw(st.lists(_statement(), max_size=2)))
    return "\n\n".join(parts) + "\n"


@SETTINGS
@given(_template_programs(), st.integers(min_value=30, max_value=120))
def test_templated_async_and_lifecycle_fixes_are_sound(program: str, line_length: int) -> None:
    _assert_fix_is_sound(program, line_length)


@pytest.mark.parametrize("example", EXAMPLES, ids=range(len(EXAMPLES)))
def test_every_template_example_is_really_fixed(example: str) -> None:
    # The property above only means something if its programs get fixed.
    assert _assert_fix_is_sound(example)


# ---- the CL401 with-block offload: generated blocks run the same before and after --------

_BEFORE = st.lists(st.sampled_from(["n = 0", "data = None", "total = 1", "out.append(n)"]))
_BLOCK = st.lists(
    st.sampled_from(
        [
            "data = fh.read()",
            "n += 1",
            "if n > 3:\n    data = 'big'",
            "for line in fh:\n    n += len(line)",
            "total = n * 2",
            "fh.seek(0)",
            "out.append(data)",
            "return n",
            "if n:\n    return total",
        ]
    ),
    min_size=1,
    max_size=4,
)
_AFTER = st.lists(
    st.sampled_from(["return data", "return n", "return total", "n = 0", "out.append(n)"]),
    max_size=2,
)


def _offload_program(before: list[str], block: list[str], after: list[str]) -> str:
    body = "\n".join(
        [
            *before,
            "with open(path) as fh:",
            textwrap.indent("\n".join(block), "    "),
            *after,
        ]
    )
    return "import asyncio\n\n\nasync def run(path, n, out):\n" + textwrap.indent(body, "    ")


def _outcome(program: str, path: str) -> tuple[object, list[object], str | None]:
    """What ``run`` returns, what it appended, and the exception it raised (by type; an
    unbound local and an unbound free variable are both a ``NameError``)."""
    import asyncio

    namespace: dict[str, object] = {}
    exec(compile(program, "generated.py", "exec"), namespace)
    out: list[object] = []
    try:
        result = asyncio.run(namespace["run"](path, 2, out))  # type: ignore[operator]
    except NameError:
        return None, out, "NameError"
    except Exception as error:
        return None, out, type(error).__name__
    return result, out, None


@SETTINGS
@given(_BEFORE, _BLOCK, _AFTER)
def test_a_with_block_moved_into_a_thread_runs_the_same(
    tmp_path_factory: pytest.TempPathFactory, before: list[str], block: list[str], after: list[str]
) -> None:
    program = _offload_program(before, block, after)
    try:
        compile(program, "generated.py", "exec")
    except SyntaxError:
        return
    path = tmp_path_factory.mktemp("offload") / "data.txt"
    path.write_text("ab\ncd\n", encoding="utf-8")
    fixed = fix_text(program, _check, unsafe=True).text
    assert compile_error(fixed, strictness_of(program)) is None
    assert fix_text(fixed, _check, unsafe=True).text == fixed
    assert _outcome(fixed, str(path)) == _outcome(program, str(path)), fixed


# ---- loop shapes: accumulations in branches, nested loops, handlers, skips ----------------

_READ = "with open(path) as fh:\n    text = fh.read()"
_ACCUMULATIONS = st.sampled_from(
    ["out.append(text)", "table[path] = len(text)", "total += len(text)", "seen.add(path)"]
)


@st.composite
def _loop_piece(draw: st.DrawFn) -> str:
    """One statement of a loop body, after the read that binds ``text``."""
    accumulation = draw(_ACCUMULATIONS)
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return accumulation
    if kind == 1:
        other = draw(_ACCUMULATIONS)
        return f"if len(text) > {draw(st.integers(0, 9))}:\n    {accumulation}\nelse:\n    {other}"
    if kind == 2:
        return f"for line in text.splitlines():\n    if line:\n        {accumulation}"
    if kind == 3:
        handler = draw(st.sampled_from(["OSError", "Exception", "(KeyError, ValueError)"]))
        return f"try:\n    {accumulation}\nexcept {handler}:\n    seen.add(path)"
    if kind == 4:
        return "if not text:\n    continue"
    return f"size = len(text) + {draw(st.integers(0, 9))}"


@st.composite
def _loop_programs(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(_loop_piece(), min_size=1, max_size=4))
    if draw(st.booleans()):
        pieces.insert(0, draw(_ACCUMULATIONS).replace("text", "path"))
    body = "\n".join([_READ, *pieces])
    iterable = draw(st.sampled_from(["paths", "sorted(paths)", "list(paths)"]))
    function = (
        "def collect(paths):\n    out, table, seen = [], {}, set()\n    total = 0\n"
        f"    for path in {iterable}:\n" + textwrap.indent(body, "        ") + "\n"
        "    return out, table, seen, total\n"
    )
    return _indented(function, draw(st.integers(0, 1)))


@SETTINGS
@given(_loop_programs(), st.integers(min_value=40, max_value=120))
def test_templated_loop_rewrites_are_sound(program: str, line_length: int) -> None:
    _assert_fix_is_sound(program, line_length)


def test_the_loop_templates_are_really_fixed() -> None:
    # Every shape of the templates above is rewritten, not refused.
    for piece in (
        "if len(text) > 1:\n    out.append(text)\nelse:\n    seen.add(path)",
        "for line in text.splitlines():\n    if line:\n        out.append(line)",
        "try:\n    table[path] = len(text)\nexcept Exception:\n    seen.add(path)",
    ):
        program = (
            "def collect(paths):\n    out, table, seen = [], {}, set()\n"
            "    for path in paths:\n" + textwrap.indent(f"{_READ}\n{piece}", "        ") + "\n"
            "    return out, table, seen\n"
        )
        assert _assert_fix_is_sound(program), program
