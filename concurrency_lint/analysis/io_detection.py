"""Find the blocking I/O calls in a piece of code, with their kind.

Shared by every rule that asks "does this code wait on files, the network or a child
process?" (loops, callables handed to pools, ``async def`` bodies). Nested function and
class definitions are not entered: defining a function does no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import libcst as cst

from concurrency_lint.analysis.semantics import Semantics
from concurrency_lint.analysis.tree_walk import walk
from concurrency_lint.knowledge.io_calls import IoKind, io_method_kind


@dataclass(frozen=True)
class IoCall:
    """One call that blocks on I/O: the call node, its kind and a readable label."""

    call: cst.Call
    kind: IoKind
    label: str  # ``requests.get`` or ``Path.read_text``


def io_kind_of_call(
    call: cst.Call, semantics: Semantics, table: Mapping[str, IoKind]
) -> IoCall | None:
    """The I/O this call does, judged from its qualified name or its receiver's type."""
    name = semantics.qualified_name(call.func)
    if name is not None and name in table:
        return IoCall(call, table[name], name)
    func = call.func
    if not isinstance(func, cst.Attribute):
        return None
    receiver = func.value
    constructor = semantics.type_of(receiver)
    kind = io_method_kind(constructor, func.attr.value)
    if kind is None:
        return None
    short = constructor.rsplit(".", 1)[-1] if constructor else "?"
    return IoCall(call, kind, f"{short}.{func.attr.value}")


def io_calls_in(
    node: cst.CSTNode, semantics: Semantics, table: Mapping[str, IoKind]
) -> Iterator[IoCall]:
    """Every I/O call inside ``node`` (depth first), skipping nested defs and classes."""
    for call in calls_in(node):
        found = io_kind_of_call(call, semantics, table)
        if found is not None:
            yield found


def calls_in(node: cst.CSTNode) -> list[cst.Call]:
    """Every call inside ``node`` (depth first), skipping nested defs, classes and lambdas."""
    calls: list[cst.Call] = []

    def enter(inner: cst.CSTNode) -> bool:
        inner_type = type(inner)
        if inner_type is cst.Call:
            calls.append(inner)  # type: ignore[arg-type]
        return inner is node or inner_type not in _DEFINITIONS

    walk(node, enter)
    return calls


_DEFINITIONS = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})
