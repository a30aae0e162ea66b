"""The fix that swaps a thread pool for a process pool, or back: one constructor edit."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from concurrency_lint.analysis import Semantics
from concurrency_lint.analysis.calls import positional_args
from concurrency_lint.analysis.definitions import module_index
from concurrency_lint.analysis.pool_sites import PoolSite, pool_callables
from concurrency_lint.checking.rule import NodeFix
from concurrency_lint.fixes.spawn_safety import process_pool_refusal
from concurrency_lint.knowledge.executors import PoolSwap
from concurrency_lint.model import Safety


def swap_edit(
    pool: cst.Call, swap: PoolSwap, semantics: Semantics
) -> tuple[tuple[cst.CSTNode, cst.CSTNode], tuple[tuple[str, str], ...]] | None:
    """(change, imports) turning ``pool`` into ``swap.target``, or None when the arguments
    would change meaning or the new name cannot be brought in without clashing."""
    if len(positional_args(pool)) > swap.positional or any(arg.star for arg in pool.args):
        return None
    if any(arg.keyword is not None and arg.keyword.value not in swap.keywords for arg in pool.args):
        return None
    module, name = swap.target.rsplit(".", 1)
    func = pool.func
    if isinstance(func, cst.Attribute) and semantics.qualified_name(func.value) == module:
        return (func.attr, cst.Name(name)), ()
    bound_to = semantics.qualified_name(cst.Name(name))
    if bound_to == swap.target:
        return (func, cst.Name(name)), ()
    if semantics.imports.is_imported(name) or name in module_index(semantics.module).scope_bindings(
        semantics.module
    ):
        return None  # the short name means something else here
    return (func, cst.Name(name)), ((module, name),)


def pool_swap_fix(
    site: PoolSite,
    swaps: dict[str, PoolSwap],
    fits: Callable[[cst.BaseExpression], bool],
    semantics: Semantics,
    done: set[int],
) -> NodeFix | str | None:
    """Swap the site's pool when every callable it is handed ``fits`` the new pool; the
    reason when a process pool would crash here (see :mod:`spawn_safety`).

    ``done`` holds the pools already given a fix (one fix per pool, however many sites).
    """
    pool = site.pool
    swap = swaps.get(site.constructor or "")
    if pool is None or swap is None or id(pool) in done:
        return None
    callables = pool_callables(site, semantics)
    if callables is None or not all(fits(expr) for expr in callables):
        return None
    edit = swap_edit(pool, swap, semantics)
    if edit is None:
        return None
    short = swap.target.rsplit(".", 1)[-1]
    description = f"Use `{short}`"
    if "Process" in short:
        refusal = process_pool_refusal(semantics.module, pool, semantics.enclosing_function())
        if refusal is not None:
            return refusal
    done.add(id(pool))
    change, imports = edit
    return NodeFix(description, Safety.UNSAFE, (change,), imports=imports)
