"""Where a fix can add code of its own: after the module's imports, under a free name."""

from __future__ import annotations

import functools

import libcst as cst

from concurrency_lint.analysis.tree_walk import descendants


def last_top_level_import(module: cst.Module) -> cst.SimpleStatementLine | None:
    """The last top-level statement made only of imports: new module code goes after it."""
    last = None
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine) and all(
            isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
        ):
            last = statement
    return last


def after_imports(
    module: cst.Module, code: str
) -> tuple[cst.SimpleStatementLine, cst.FlattenSentinel] | None:
    """The change that writes ``code`` (module-level statements) after the last import."""
    anchor = last_top_level_import(module)
    if anchor is None:
        return None
    added = list(_statements_of(code))
    added[0] = added[0].with_changes(leading_lines=[cst.EmptyLine(indent=False)])
    return anchor, cst.FlattenSentinel([anchor, *added])


@functools.lru_cache(maxsize=16)
def _statements_of(code: str) -> tuple[cst.BaseStatement, ...]:
    """The statements of ``code``, parsed once: each fix of a module adds the same helper,
    and LibCST's nodes are never changed in place."""
    return tuple(cst.parse_module(code).body)


def free_name(scope: cst.CSTNode, candidates: tuple[str, ...]) -> str | None:
    """The first candidate that no name inside ``scope`` uses."""
    used = {node.value for node in descendants(scope) if isinstance(node, cst.Name)}
    return next((name for name in candidates if name not in used), None)


def binds_at_top_level(module: cst.Module, name: str) -> bool:
    """Whether the module binds ``name`` at its top level (assignment, def, class, import)."""
    for statement in module.body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) and statement.name.value == name:
            return True
        if isinstance(statement, cst.SimpleStatementLine):
            for node in descendants(statement):
                if isinstance(node, (cst.AssignTarget, cst.AnnAssign)) and _is_name(
                    node.target, name
                ):
                    return True
                if isinstance(node, cst.ImportAlias):
                    bound = node.asname.name if node.asname else node.name
                    if _is_name(bound, name):
                        return True
    return False


def _is_name(node: cst.CSTNode, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name
