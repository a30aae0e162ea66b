"""The scope index: what a scope binds, with its uses or alone."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.local_names import ScopeIndex

SOURCE = """
import os.path as osp
from json import loads

LIMIT = 3
(first, *rest), other = data


def work(items, *, flag=False):
    global LIMIT
    total = 0
    for item in items:
        with open(item) as handle:
            total += len(handle.read())
    try:
        pass
    except OSError as error:
        del error
    if (found := total) > LIMIT:
        LIMIT = found

    def inner(inner_arg):
        hidden = inner_arg
        return hidden

    class Local:
        attribute = 1

    return lambda shadow: shadow + total
"""


def _scopes() -> tuple[cst.Module, cst.FunctionDef]:
    module = cst.parse_module(SOURCE)
    function = next(s for s in module.body if isinstance(s, cst.FunctionDef))
    return module, function


def _shape(names) -> tuple:
    return (
        {name: [id(value) for value in values] for name, values in names.bindings.items()},
        {name: id(node) for name, node in names.functions.items()},
        {name: id(node) for name, node in names.classes.items()},
        names.declared_global,
    )


def test_bindings_alone_are_those_of_the_full_index_without_the_uses() -> None:
    module, function = _scopes()
    for scope in (module, function):
        full, bound = ScopeIndex().of(scope), ScopeIndex().bound_in(scope)
        assert _shape(bound) == _shape(full)
        assert full.uses and not bound.uses
    bound = ScopeIndex().bound_in(function)
    assert {"items", "flag", "total", "item", "handle", "error", "found"} <= set(bound.bindings)
    assert {"hidden", "inner_arg", "shadow", "attribute"}.isdisjoint(bound.bindings)
    assert set(bound.functions) == {"inner"} and set(bound.classes) == {"Local"}
    assert bound.declared_global == {"LIMIT"}
    assert {"osp", "loads", "LIMIT", "first", "rest", "other"} <= set(
        ScopeIndex().bound_in(module).bindings
    )


def test_binds_reuses_a_full_index_already_built() -> None:
    _module, function = _scopes()
    index = ScopeIndex()
    full = index.of(function)
    assert index.bound_in(function) is full
    assert index.binds(function, "inner") and index.binds(function, "total")
    assert not index.binds(function, "hidden") and not index.binds(function, "LIMIT_")
