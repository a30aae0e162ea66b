"""What a ``gather(*X)`` fans out: the per-item call and the iterable it runs over.

``X`` may be a comprehension, ``map(f, items)``, or a name bound (once, in a visible
scope) to one of those or to an empty list filled by ``append`` / ``add`` in a loop.
Anything else is unknown and gives nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from concurrency_lint.analysis.callables import current_chain
from concurrency_lint.analysis.calls import positional_args
from concurrency_lint.analysis.definitions import ScopeNode, module_index
from concurrency_lint.analysis.tree_walk import walk_visitor

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


def is_runtime_sized(iterable: cst.BaseExpression, semantics: Semantics, depth: int = 0) -> bool:
    """False for literal collections, ``range(<constant>)`` and names bound to those."""
    if isinstance(iterable, (cst.List, cst.Tuple, cst.Set)):
        return any(isinstance(element, cst.StarredElement) for element in iterable.elements)
    if isinstance(iterable, (cst.SimpleString, cst.ConcatenatedString)):
        return False
    if isinstance(iterable, cst.Call) and semantics.qualified_name(iterable.func) == (
        "builtins.range"
    ):
        return not all(_is_constant(arg.value, semantics) for arg in iterable.args)
    value = _single_value(iterable, semantics) if depth < 2 else None
    if isinstance(value, _COMPREHENSIONS):
        return is_runtime_sized(value.for_in.iter, semantics, depth + 1)
    if value is not None:
        return is_runtime_sized(value, semantics, depth + 1)
    return True


def _is_constant(node: cst.BaseExpression, semantics: Semantics) -> bool:
    """An integer literal, an ``UPPER_CASE`` name, a name bound once to an integer, or
    arithmetic on those."""
    if isinstance(node, cst.Integer):
        return True
    if isinstance(node, cst.UnaryOperation):
        return _is_constant(node.expression, semantics)
    if isinstance(node, cst.BinaryOperation):
        return _is_constant(node.left, semantics) and _is_constant(node.right, semantics)
    if isinstance(node, (cst.Name, cst.Attribute)):
        last = node.value if isinstance(node, cst.Name) else node.attr.value
        if last.isupper():
            return True
        return isinstance(_single_value(node, semantics), cst.Integer)
    return False


def _single_value(node: cst.BaseExpression, semantics: Semantics) -> cst.BaseExpression | None:
    """The value a name is bound to, when bound exactly once by a plain assignment."""
    if not isinstance(node, cst.Name):
        return None
    index = module_index(semantics.module)
    found = index.binder(current_chain(semantics, index), node.value)
    if found is None or len(found[1]) != 1 or found[1][0].kind != "assign":
        return None
    value = found[1][0].node
    return value if isinstance(value, cst.BaseExpression) else None


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
    value = _single_value(cst.Name(name), semantics)
    if value is None:
        return []
    if _is_empty_collection(value, semantics):
        index = module_index(semantics.module)
        found = index.binder(current_chain(semantics, index), name)
        assert found is not None
        return _filled_in_loops(found[0], name)
    return _sources(value, semantics, depth + 1)


def _is_empty_collection(value: cst.BaseExpression, semantics: Semantics) -> bool:
    if isinstance(value, cst.List) and not value.elements:
        return True
    return (
        isinstance(value, cst.Call)
        and not value.args
        and semantics.qualified_name(value.func) in ("builtins.list", "builtins.set")
    )


def _filled_in_loops(scope: ScopeNode, name: str) -> list[FanOut]:
    """``name.append(x)`` inside ``for`` loops of ``scope``; any other filling: nothing."""
    finder = _Fillers(name)
    body = scope.body if isinstance(scope, (cst.FunctionDef, cst.Module)) else None
    if body is None:
        return []
    if isinstance(body, cst.Module):
        for statement in body.body:
            walk_visitor(statement, finder)
    else:
        walk_visitor(body, finder)
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
