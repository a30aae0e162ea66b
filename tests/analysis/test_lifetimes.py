"""analysis.lifetimes and analysis.local_names: paths that leave a resource open, name uses."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from concurrency_lint.analysis.lifetimes import leaks
from concurrency_lint.analysis.local_names import ScopeIndex


def _function(source: str) -> cst.FunctionDef:
    module = cst.parse_module(textwrap.dedent(source))
    function = module.body[0]
    assert isinstance(function, cst.FunctionDef)
    return function


def _leaks(source: str) -> bool:
    """Does ``res`` (created by ``res = make()``) stay open on some path?"""
    function = _function(source)
    names = ScopeIndex().of(function)
    uses = names.uses.get("res", [])
    closing = [use.node for use in uses if use.kind == "with" or use.attribute == "close"]
    creations = [
        small
        for line in _lines(function)
        for small in line.body
        if isinstance(small, cst.Assign)
        and isinstance(small.value, cst.Call)
        and isinstance(small.value.func, cst.Name)
        and small.value.func.value == "make"
    ]
    return leaks(function, creations, closing, [use.node for use in uses])


def _lines(node: cst.CSTNode) -> list[cst.SimpleStatementLine]:
    found: list[cst.SimpleStatementLine] = []

    class Lines(cst.CSTVisitor):
        def visit_SimpleStatementLine(self, line: cst.SimpleStatementLine) -> None:
            found.append(line)

    node.visit(Lines())
    return found


@pytest.mark.parametrize(
    "source",
    [
        "def f():\n    res = make()\n    res.close()\n",
        "def f():\n    res = make()\n    try:\n        return 1\n    finally:\n        res.close()\n",
        "def f(x):\n    res = make()\n    if x:\n        res.close()\n        return 1\n    res.close()\n",
        "def f():\n    res = make()\n    with res:\n        return 1\n",
        "def f():\n    res = None\n    try:\n        res = make()\n    finally:\n"
        "        if res is not None:\n            res.close()\n",
        "def f(q):\n    res = make()\n    while True:\n        if q:\n            res.close()\n"
        "            break\n",
        "def f():\n    res = make()\n    raise ValueError\n",
    ],
)
def test_closed_on_every_ordinary_path(source: str) -> None:
    assert not _leaks(source)


@pytest.mark.parametrize(
    "source",
    [
        "def f():\n    res = make()\n",
        "def f(x):\n    res = make()\n    if x:\n        return 1\n    res.close()\n",
        "def f(x):\n    res = make()\n    if x:\n        res.close()\n",
        "def f(items):\n    res = make()\n    for item in items:\n        res.close()\n",
        "def f(q):\n    res = make()\n    while True:\n        if q:\n            break\n"
        "        res.close()\n        break\n",
        "def f():\n    res = make()\n    try:\n        pass\n    except OSError:\n"
        "        return None\n    res.close()\n",
    ],
)
def test_some_path_leaves_it_open(source: str) -> None:
    assert _leaks(source)


def test_scope_names_classify_uses_and_bindings() -> None:
    function = _function(
        """
        def f(pool, items):
            futures = [pool.submit(g, i) for i in items]
            futures.append(pool.submit(g, 0))
            box[0] = futures
            with pool:
                pass
            def inner():
                return futures
            return pool.shutdown
        """
    )
    names = ScopeIndex().of(function)
    kinds = {(use.kind, use.attribute) for use in names.uses["futures"]}
    assert kinds == {("call", "append"), ("other", None), ("captured", None)}
    pool_kinds = {(use.kind, use.attribute) for use in names.uses["pool"]}
    assert pool_kinds == {("call", "submit"), ("with", None), ("attr", "shutdown")}
    assert "inner" in names.functions
    assert isinstance(names.value_of("futures"), cst.ListComp)
    assert names.value_of("pool") is None  # a parameter: not a known expression
