"""Whether a pool has finished all its work before a given call of the same scope.

After ``executor.shutdown()`` (``wait`` left true), ``pool.join()`` or the end of a
``with Executor(...) as pool:`` block, every future or result the pool handed out is
settled: waiting on one returns at once. Which pool made a given future is not followed:
any pool of the scope settled before the call counts (a scope rarely runs two).
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from concurrency_lint.analysis.calls import keyword_arg
from concurrency_lint.analysis.tree_walk import walk

IsPool = Callable[[cst.BaseExpression], bool]

_SETTLING_METHODS = frozenset({"shutdown", "join"})
_NESTED = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})


def settled_before(scope: cst.CSTNode, call: cst.Call, is_pool: IsPool) -> bool:
    """Whether, in source order inside ``scope``, some pool is shut down, joined or left
    by its ``with`` block before ``call``."""
    order = 0
    settled_at: int | None = None
    call_at: int | None = None
    open_pools: list[cst.With] = []

    def enter(node: cst.CSTNode) -> bool:
        nonlocal order, settled_at, call_at
        order += 1
        if node is call:
            call_at = order
        elif isinstance(node, cst.Call) and settled_at is None and _settles(node, is_pool):
            settled_at = order
        elif isinstance(node, cst.With) and any(is_pool(item.item) for item in node.items):
            open_pools.append(node)
        return node is scope or type(node) not in _NESTED

    def leave(node: cst.CSTNode) -> bool:
        nonlocal order, settled_at
        if open_pools and node is open_pools[-1]:
            open_pools.pop()
            order += 1
            if settled_at is None:
                settled_at = order
        return True

    walk(scope, enter, leave)
    return settled_at is not None and call_at is not None and settled_at < call_at


def _settles(call: cst.Call, is_pool: IsPool) -> bool:
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in _SETTLING_METHODS:
        return False
    if not is_pool(func.value):
        return False
    wait = keyword_arg(call, "wait")
    if wait is not None or (
        func.attr.value == "shutdown" and call.args and call.args[0].keyword is None
    ):
        value = wait.value if wait is not None else call.args[0].value
        return isinstance(value, cst.Name) and value.value == "True"
    return True
