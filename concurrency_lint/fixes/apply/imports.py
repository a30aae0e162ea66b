"""Add the imports fixed code needs, with LibCST's import machinery (once, at the top)."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor


def with_imports(text: str, imports: Iterable[tuple[str, str]]) -> str:
    """``text`` with ``from module import name`` for each pair not yet imported.

    Existing ``from module import ...`` statements are extended; new ones go after the
    docstring, ``__future__`` imports and the other top-of-file imports.
    """
    needed = sorted(set(imports))
    if not needed:
        return text
    module = cst.parse_module(text)
    context = CodemodContext()
    for module_name, name in needed:
        AddImportsVisitor.add_needed_import(context, module_name, name)
    return AddImportsVisitor(context).transform_module(module).code
