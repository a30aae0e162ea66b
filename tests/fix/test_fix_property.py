"""Generated programs: the fixer never crashes, and whatever it would write parses."""

from __future__ import annotations

import libcst as cst
import pytest

hypothesis = pytest.importorskip("hypothesis")
hypothesmith = pytest.importorskip("hypothesmith")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from concurrency_lint.checking.file_checker import FileChecker  # noqa: E402
from concurrency_lint.config import Config  # noqa: E402
from concurrency_lint.fixes.apply import fix_text  # noqa: E402
from concurrency_lint.fixes.apply.verify import compile_error, strictness_of  # noqa: E402

CHECKER = FileChecker(Config(select=("ALL",)))
PREFIX = "import subprocess\nimport requests\n"
# Calls every finished rule fixes, so each generated program has something to fix.
SUFFIX = 'subprocess.run(["ls"])\nrequests.get(URL)\n'


def _check(text: str):
    return CHECKER.check_text("generated.py", text).findings


# The checker raises the recursion limit on first use; do it before Hypothesis watches.
_check(PREFIX + SUFFIX)


def _programs() -> st.SearchStrategy[str]:
    generated = hypothesmith.from_grammar()
    return st.one_of(
        generated.map(lambda body: PREFIX + body.rstrip("\\ \t\n") + "\n" + SUFFIX),
        generated.map(lambda body: PREFIX + SUFFIX + body),
    )


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(_programs())
def test_fix_never_crashes_and_what_it_writes_parses(program: str) -> None:
    outcome = fix_text(program, _check, unsafe=True)
    if not outcome.changed:
        return
    assert compile_error(outcome.text, strictness_of(program)) is None
    cst.parse_module(outcome.text)
    again = fix_text(outcome.text, _check, unsafe=True)
    assert again.text == outcome.text
