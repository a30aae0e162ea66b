"""Would a new ``from module import name`` clash with a module-level name already there?"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

# Statements whose bodies still run at module level.
_BLOCKS: tuple[type[ast.stmt], ...] = (ast.If, ast.Try, ast.With, ast.For, ast.While) + (
    (ast.TryStar,) if hasattr(ast, "TryStar") else ()
)


def import_clashes(text: str, imports: Iterable[tuple[str, str]]) -> list[str]:
    """Names among ``imports`` that the module binds to something else at its top level."""
    wanted = dict((name, module) for module, name in imports)
    if not wanted:
        return []
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return sorted(wanted)
    clashes = set()
    for name, source in _bindings(tree.body):
        if name in wanted and source != (wanted[name], name):
            clashes.add(name)
    return sorted(clashes)


def _bindings(body: list[ast.stmt]) -> Iterator[tuple[str, tuple[str, str] | None]]:
    """(name, (module, imported name)) for ``from`` imports, (name, None) for other bindings."""
    for statement in body:
        if isinstance(statement, ast.ImportFrom) and statement.level == 0:
            for alias in statement.names:
                yield alias.asname or alias.name, (statement.module or "", alias.name)
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            for alias in statement.names:
                yield (alias.asname or alias.name).split(".")[0], None
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield statement.name, None
        else:
            for node in ast.walk(statement) if not isinstance(statement, _BLOCKS) else ():
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    yield node.id, None
        if isinstance(statement, _BLOCKS):
            for field in ("body", "orelse", "finalbody"):
                yield from _bindings(getattr(statement, field, []))
            for handler in getattr(statement, "handlers", []):
                yield from _bindings(handler.body)
            targets = [getattr(statement, "target", None)] + [
                item.optional_vars for item in getattr(statement, "items", [])
            ]
            for target in targets:
                for node in ast.walk(target) if target is not None else ():
                    if isinstance(node, ast.Name):
                        yield node.id, None
