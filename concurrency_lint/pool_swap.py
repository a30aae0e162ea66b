"""The fix that swaps a thread pool for a process pool, or back: one constructor edit."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis import Semantics
from concurrency_lint.analysis.calls import positional_args
from concurrency_lint.analysis.definitions import module_index
from concurrency_lint.knowledge.executors import PoolSwap


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
