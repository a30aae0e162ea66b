"""Would a process pool created here re-run the module's top level in every child?

On platforms that start processes with ``spawn`` (macOS, Windows; ``forkserver`` on
Linux from Python 3.14), every child imports the main module again. Without an
``if __name__ == "__main__":`` guard, a pool created while the module is imported is
created again in each child: the pool raises ``RuntimeError`` (an attempt to start a new
process before bootstrapping finished) and the program crashes.
"""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.definitions import module_index
from concurrency_lint.analysis.io_detection import calls_in
from concurrency_lint.analysis.tree_walk import descendants

NO_GUARD = (
    "the pool is created while the module is imported, outside an "
    '`if __name__ == "__main__":` guard: on spawn platforms (macOS, Windows) every process '
    "child would run it again and crash"
)


def runs_at_import(module: cst.Module, node: cst.CSTNode, function: cst.FunctionDef | None) -> bool:
    """Whether ``node`` (in ``function``; None: at the module's top level) runs when the
    module is imported: it is top-level code outside a main guard, or the top-level
    function holding it is called from a top-level statement outside a main guard."""
    if function is None:
        return not any(
            _is_main_guard(statement) and any(child is node for child in descendants(statement))
            for statement in module.body
        )
    index = module_index(module)
    outer: cst.CSTNode = function
    parent = index.parent(outer)
    while parent is not None and not isinstance(parent, cst.Module):
        outer = parent
        parent = index.parent(outer)
    if not isinstance(outer, (cst.FunctionDef, cst.ClassDef)):
        return True
    name = outer.name.value
    for statement in module.body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) or _is_main_guard(statement):
            continue
        for call in calls_in(statement):
            func = call.func
            if isinstance(func, cst.Name) and func.value == name:
                return True
            if isinstance(func, cst.Attribute) and func.attr.value == name:
                return True
    return False


def process_pool_refusal(
    module: cst.Module, node: cst.CSTNode, function: cst.FunctionDef | None
) -> str | None:
    """Why a process pool must not be brought in at ``node`` (None: it may)."""
    return NO_GUARD if runs_at_import(module, node, function) else None


def _is_main_guard(statement: cst.CSTNode) -> bool:
    if not isinstance(statement, cst.If):
        return False
    test = statement.test
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    sides = [test.left, test.comparisons[0].comparator]
    names = [side.value for side in sides if isinstance(side, cst.Name)]
    strings = [side.evaluated_value for side in sides if isinstance(side, cst.SimpleString)]
    return (
        isinstance(test.comparisons[0].operator, cst.Equal)
        and names == ["__name__"]
        and strings == ["__main__"]
    )
