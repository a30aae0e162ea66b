"""Building blocks for the async fixes: naming an asyncio function, awaiting a call off the loop."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.semantics import Semantics

#: Nodes inside which a new ``await`` would change what the code is (or not compile).
_NO_AWAIT_INSIDE = (
    cst.Lambda,
    cst.FunctionDef,
    cst.ListComp,
    cst.SetComp,
    cst.DictComp,
    cst.GeneratorExp,
    cst.WithItem,
    cst.Decorator,
    cst.Param,
)


def asyncio_function(
    semantics: Semantics, name: str
) -> tuple[cst.BaseExpression, tuple[tuple[str, str], ...]]:
    """``asyncio.<name>`` as the module can spell it, and the import that spelling needs."""
    if semantics.imports.qualify(cst.Name("asyncio")) == "asyncio":
        return cst.Attribute(cst.Name("asyncio"), cst.Name(name)), ()
    return cst.Name(name), (("asyncio", name),)


def path_to(root: cst.CSTNode, target: cst.CSTNode) -> list[cst.CSTNode] | None:
    """The nodes from ``root`` down to ``target`` (both included), or None if absent."""
    if root is target:
        return [root]
    for child in root.children:
        found = path_to(child, target)
        if found is not None:
            return [root, *found]
    return None


def awaitable_in_place(statement: cst.CSTNode, call: cst.CSTNode) -> bool | None:
    """Whether ``call`` can become ``await ...`` where it stands in ``statement``.

    None when it cannot (inside a lambda, nested def, comprehension, ``with`` item,
    decorator or default); True when the ``await`` needs parentheses there, False when not.
    """
    path = path_to(statement, call)
    if path is None or len(path) < 2:
        return None
    if any(isinstance(node, _NO_AWAIT_INSIDE) for node in path[1:-1]):
        return None
    parent = path[-2]
    # ``await`` takes a primary: as the value of ``.attr`` / ``[i]`` or a called
    # function, ``await f().x`` would await ``f().x``.
    return (isinstance(parent, (cst.Attribute, cst.Subscript)) and parent.value is call) or (
        isinstance(parent, cst.Call) and parent.func is call
    )


def awaited(expression: cst.BaseExpression, parenthesised: bool) -> cst.Await:
    """``await expression``, in parentheses when its place needs them."""
    if parenthesised:
        return cst.Await(expression, lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.Await(expression)
