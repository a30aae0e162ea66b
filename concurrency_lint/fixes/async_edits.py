"""Building blocks for the async fixes: naming an asyncio function, awaiting a call off the loop."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.semantics import Semantics
from concurrency_lint.analysis.tree_walk import path_to
from concurrency_lint.fixes.module_level import after_imports, binds_at_top_level

#: The bounded ``gather`` that the CL402 and CL103 fixes write into the module.
GATHER_BOUNDED = "_gather_bounded"
GATHER_BOUNDED_CODE = f'''
async def {GATHER_BOUNDED}(limit, *aws, return_exceptions=False):
    """``asyncio.gather`` running at most ``limit`` of ``aws`` at once."""
    semaphore = asyncio.Semaphore(limit)

    async def bounded(aw):
        async with semaphore:
            return await aw

    return await asyncio.gather(
        *(bounded(aw) for aw in aws), return_exceptions=return_exceptions
    )
'''.lstrip("\n")
#: The same for a module that does not ``import asyncio``: the helper imports it in its own
#: body, so no name of the module changes meaning.
GATHER_BOUNDED_CODE_OWN_IMPORT = GATHER_BOUNDED_CODE.replace(
    ' at once."""\n', ' at once."""\n    import asyncio\n\n', 1
)

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


def gather_bounded_definition(
    module: cst.Module, semantics: Semantics
) -> list[tuple[cst.CSTNode, cst.FlattenSentinel]] | None:
    """The change that defines ``_gather_bounded`` after the imports ([] when the module has
    it already), or None when it cannot be written (no import to follow, the name taken).
    Without a module-level ``import asyncio`` the helper imports it in its own body."""
    if any(
        isinstance(statement, cst.FunctionDef) and statement.name.value == GATHER_BOUNDED
        for statement in module.body
    ):
        return []
    if binds_at_top_level(module, GATHER_BOUNDED):
        return None
    imported = semantics.imports.qualify(cst.Name("asyncio")) == "asyncio"
    added = after_imports(
        module, GATHER_BOUNDED_CODE if imported else GATHER_BOUNDED_CODE_OWN_IMPORT
    )
    return None if added is None else [added]
