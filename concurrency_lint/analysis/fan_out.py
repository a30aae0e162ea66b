"""What a ``gather(*X)`` fans out: the per-item call and the iterable it runs over.

``X`` may be a comprehension, ``map(f, items)``, or a name bound (once, in a visible
scope) to one of those or to an empty list filled by ``append`` / ``add`` in a loop.
Anything else is unknown and gives nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from concurrency_lint.analysis.callables import _current_chain
from concurrency_lint.analysis.calls import positional_args
from concurrency_lint.analysis.definitions import ModuleIndex, ScopeNode, module_index

if TYPE_CHECKING:
    from concurrency_lint.analysis.semantics import Semantics

_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp)
_FILLERS = frozenset({"append", "add"})


@dataclass(frozen=True)
class FanOut:
    """One source of awaitables: the expression made per item and what is iterated."""

    element: cst.BaseExpression | None  # the per-item expression (None for ``map``)
    function: cst.BaseExpression | None  # the callable applied per item, when known
    iterable: cst.BaseExpression


def fan_outs(starred: cst.BaseExpression, semantics: Semantics) -> list[FanOut]:
    """The fan-outs behind the value of ``*starred``; empty when not provable."""
    return _sources(starred, semantics, depth=0)


def is_runtime_sized(iterable: cst.BaseExpression) -> bool:
    """False for literal collections and ``range(<int literal>)``; True otherwise."""
    if isinstance(iterable, (cst.List, cst.Tuple, cst.Set)):
        return any(isinstance(element, cst.StarredElement) for element in iterable.elements)
    if (
        isinstance(iterable, cst.Call)
        and isinstance(iterable.func, cst.Name)
        and iterable.func.value == "range"
    ):
        return not all(isinstance(arg.value, cst.Integer) for arg in iterable.args)
    return not isinstance(iterable, (cst.SimpleString, cst.ConcatenatedString))


def _sources(node: cst.BaseExpression, semantics: Semantics, depth: int) -> list[FanOut]:
    if isinstance(node, _COMPREHENSIONS):
        return [FanOut(node.elt, _called(node.elt), node.for_in.iter)]
    if isinstance(node, cst.Call):
        name = semantics.qualified_name(node.func)
        given = positional_args(node)
        if name == "builtins.map" and len(given) >= 2:
            return [FanOut(None, given[0].value, given[1].value)]
        if name in ("builtins.list", "builtins.tuple") and len(given) == 1 and depth < 2:
            return _sources(given[0].value, semantics, depth + 1)
        return []
    if isinstance(node, cst.Name) and depth < 2:
        return _named(node.value, semantics, depth)
    return []


def _named(name: str, semantics: Semantics, depth: int) -> list[FanOut]:
    index = module_index(semantics.module)
    found = index.binder(_current_chain(semantics, index), name)
    if found is None:
        return []
    scope, bindings = found
    if len(bindings) != 1 or bindings[0].kind != "assign" or bindings[0].node is None:
        return []
    value = bindings[0].node
    assert isinstance(value, cst.BaseExpression)
    if _is_empty_collection(value, semantics):
        return _filled_in_loops(scope, name, index)
    return _sources(value, semantics, depth + 1)


def _is_empty_collection(value: cst.BaseExpression, semantics: Semantics) -> bool:
    if isinstance(value, cst.List) and not value.elements:
        return True
    return (
        isinstance(value, cst.Call)
        and not value.args
        and semantics.qualified_name(value.func) in ("builtins.list", "builtins.set")
    )


def _filled_in_loops(scope: ScopeNode, name: str, index: ModuleIndex) -> list[FanOut]:
    """``name.append(x)`` inside ``for`` loops of ``scope``; any other filling: nothing."""
    finder = _Fillers(name)
    body = scope.body if isinstance(scope, (cst.FunctionDef, cst.Module)) else None
    if body is None:
        return []
    if isinstance(body, cst.Module):
        for statement in body.body:
            statement.visit(finder)
    else:
        body.visit(finder)
    if finder.outside_loop or not finder.found:
        return []
    return finder.found


def _called(element: cst.BaseExpression) -> cst.BaseExpression | None:
    """The function of the per-item call, through ``create_task`` / ``wait_for`` wrappers."""
    current = element
    for _ in range(3):
        if isinstance(current, cst.Await):
            current = current.expression
        if not isinstance(current, cst.Call):
            return None
        func = current.func
        wrapper = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
        given = positional_args(current)
        if wrapper in ("create_task", "ensure_future", "wait_for", "shield") and given:
            current = given[0].value
            continue
        return func
    return None


class _Fillers(cst.CSTVisitor):
    """Every ``name.append(x)`` / ``name.add(x)``, with the loop it sits in."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.loops: list[cst.For] = []
        self.found: list[FanOut] = []
        self.outside_loop = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_For(self, node: cst.For) -> None:
        self.loops.append(node)

    def leave_For(self, original_node: cst.For) -> None:
        self.loops.pop()

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == self.name
            and func.attr.value in _FILLERS | {"extend", "insert"}
        ):
            return
        given = positional_args(node)
        if func.attr.value in _FILLERS and self.loops and len(given) == 1:
            element = given[0].value
            self.found.append(FanOut(element, _called(element), self.loops[-1].iter))
        else:
            self.outside_loop = True
