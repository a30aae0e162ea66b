"""How many calls a ``map``-style pool site makes, when the code says so.

``ex.map(fetch, urls)`` calls ``fetch`` once per item; ``concurrent.futures`` zips its
iterables, so the shortest one bounds the count. The count is known for a literal list,
tuple or set, ``range(...)`` of integer literals, ``list(...)`` / ``tuple(...)`` /
``sorted(...)`` / ``reversed(...)`` of a known count, a list repeated a literal number of
times (``[url] * 20``), a comprehension with one ``for`` over a known count and no
``if``, and a name bound once in its scope to one of those and never used through an
attribute there (``urls.append(...)`` could grow it). Anything else is unknown (None).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from concurrency_lint.analysis.callables import current_chain
from concurrency_lint.analysis.calls import int_value, positional_args
from concurrency_lint.analysis.definitions import module_index
from concurrency_lint.analysis.tree_walk import walk

if TYPE_CHECKING:
    from concurrency_lint.analysis.file_context import AnalysisContext
    from concurrency_lint.analysis.pool_sites import PoolSite

#: Pools whose ``map`` takes any number of iterables and stops at the shortest.
_ZIPPING_POOLS = frozenset(
    {
        "concurrent.futures.ThreadPoolExecutor",
        "concurrent.futures.thread.ThreadPoolExecutor",
        "concurrent.futures.ProcessPoolExecutor",
        "concurrent.futures.process.ProcessPoolExecutor",
    }
)
_SAME_COUNT = frozenset({"builtins.list", "builtins.tuple", "builtins.sorted", "builtins.reversed"})
_MAX_NAME_DEPTH = 4


def known_item_count(site: PoolSite, context: AnalysisContext) -> int | None:
    """The most calls the site can make, when its iterables show it; else None."""
    iterables: list[cst.BaseExpression] = []
    func = site.call.func
    if (
        site.constructor in _ZIPPING_POOLS
        and isinstance(func, cst.Attribute)
        and func.attr.value == "map"
    ):
        iterables = [arg.value for arg in positional_args(site.call)[1:]]
    elif site.items is not None:
        iterables = [site.items]
    counts = [
        count
        for count in (_count(item, context, _MAX_NAME_DEPTH) for item in iterables)
        if count is not None
    ]
    return min(counts) if counts else None


def _count(node: cst.BaseExpression, context: AnalysisContext, depth: int) -> int | None:
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        if any(isinstance(element, cst.StarredElement) for element in node.elements):
            return None
        return len(node.elements)
    if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
        clause = node.for_in
        if clause.inner_for_in is not None or clause.ifs or clause.asynchronous is not None:
            return None
        return _count(clause.iter, context, depth)  # a set holds at most as many
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Multiply):
        return _repeated(node, context, depth)
    if isinstance(node, cst.Call):
        return _call_count(node, context, depth)
    if isinstance(node, cst.Name) and depth > 0:
        value = _bound_once(node, context)
        return _count(value, context, depth - 1) if value is not None else None
    return None


def _repeated(node: cst.BinaryOperation, context: AnalysisContext, depth: int) -> int | None:
    """``[x] * 20`` or ``20 * [x]``: the list's count times the literal."""
    for sequence, times in ((node.left, node.right), (node.right, node.left)):
        factor = int_value(times)
        if factor is not None and isinstance(sequence, (cst.List, cst.Tuple)):
            count = _count(sequence, context, depth)
            return count * max(factor, 0) if count is not None else None
    return None


def _call_count(node: cst.Call, context: AnalysisContext, depth: int) -> int | None:
    name = context.semantics.qualified_name(node.func)
    args = node.args
    if any(arg.keyword is not None or arg.star for arg in args):
        return None
    if name == "builtins.range" and 1 <= len(args) <= 3:
        bounds = [int_value(arg.value) for arg in args]
        if any(bound is None for bound in bounds):
            return None
        return len(range(*bounds))  # type: ignore[arg-type]
    if name in _SAME_COUNT and len(args) == 1:
        return _count(args[0].value, context, depth)
    return None


def _bound_once(name: cst.Name, context: AnalysisContext) -> cst.BaseExpression | None:
    """The value ``name`` is bound to, when that is its only binding in its scope and the
    scope never reaches it through an attribute (a method could add items)."""
    index = module_index(context.module)
    found = index.binder(current_chain(context.semantics, index), name.value)
    if found is None:
        return None
    scope, bindings = found
    if len(bindings) != 1 or bindings[0].kind != "assign":
        return None
    value = bindings[0].node
    if not isinstance(value, cst.BaseExpression) or _used_through_attribute(scope, name.value):
        return None
    return value


def _used_through_attribute(scope: cst.CSTNode, name: str) -> bool:
    found = False

    def enter(node: cst.CSTNode) -> bool:
        nonlocal found
        if (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.value.value == name
        ):
            found = True
        return not found

    walk(scope, enter)
    return found
