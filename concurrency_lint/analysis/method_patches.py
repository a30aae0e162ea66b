"""Whether a module replaces methods of its objects (``s.request = partial(...)``)."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.tree_walk import walk


def replaces_methods(module: cst.Module, methods: frozenset[str]) -> bool:
    """Whether some assignment anywhere in ``module`` stores into ``x.<method>``."""
    found = False

    def enter(node: cst.CSTNode) -> bool:
        nonlocal found
        if found:
            return False
        if isinstance(node, cst.Assign):
            found = any(_stores_method(target.target, methods) for target in node.targets)
            return False
        if isinstance(node, (cst.AnnAssign, cst.AugAssign)):
            found = _stores_method(node.target, methods)
            return False
        return not isinstance(node, cst.BaseExpression)

    walk(module, enter)
    return found


def _stores_method(target: cst.BaseExpression, methods: frozenset[str]) -> bool:
    return isinstance(target, cst.Attribute) and target.attr.value in methods
