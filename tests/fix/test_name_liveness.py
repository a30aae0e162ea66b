"""Which names a statement leaves that later code of its function may read."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from concurrency_lint.fixes.name_liveness import read_after


def _function_and_statement(source: str, marker: str) -> tuple[cst.FunctionDef, cst.CSTNode]:
    module = cst.parse_module(textwrap.dedent(source))
    function = module.body[0]
    assert isinstance(function, cst.FunctionDef)
    found = [
        statement
        for statement in function.body.body
        if marker in module.code_for_node(statement).splitlines()[0]
    ]
    if not found:  # a statement nested in a loop or a ``try``
        for statement in function.body.body:
            inner = getattr(statement, "body", None)
            for candidate in getattr(inner, "body", ()):
                if marker in module.code_for_node(candidate).splitlines()[0]:
                    found.append(candidate)
    assert len(found) == 1
    return function, found[0]


SOURCES = {
    "straight": """
        def f(items):
            for item in items:  # here
                total = item
                spare = item
            print(total)
        """,
    "later loop": """
        def f(items):
            for batch in items:
                print(total)
                for item in batch:  # here
                    total = item
                    spare = item
        """,
    "rebound before read": """
        def f(items):
            for item in items:  # here
                total = item
                spare = item
            total = 0
            return total, spare
        """,
    "handler": """
        def f(items):
            try:
                for item in items:  # here
                    total = item
                    spare = item
            except ValueError:
                return total
        """,
    "closure": """
        def f(items):
            for item in items:  # here
                total = item
                spare = item
            return lambda: spare
        """,
}
EXPECTED = {
    "straight": {"total"},
    "later loop": {"total"},  # read on the next outer turn, before the loop binds it
    "rebound before read": {"spare"},
    "handler": {"total"},
    "closure": {"spare"},
}


@pytest.mark.parametrize("case", sorted(SOURCES))
def test_each_name_is_live_exactly_when_a_later_read_may_see_it(case: str) -> None:
    function, statement = _function_and_statement(SOURCES[case], "# here")
    names = {"total", "spare"}
    live = read_after(function, statement, names)
    assert live == EXPECTED[case]
    # One name at a time gives the same answer: each is judged on its own.
    assert set().union(*(read_after(function, statement, {name}) for name in names)) == live
