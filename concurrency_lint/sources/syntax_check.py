"""The interpreter's own parser as the syntax verdict, for the project's target version."""

from __future__ import annotations

import ast
import sys
from typing import NamedTuple


class SyntaxProblem(NamedTuple):
    """Why a text is not valid Python, and where (1-based)."""

    message: str
    line: int = 1
    column: int = 1


RUNNING_PYTHON: tuple[int, int] = sys.version_info[:2]


def parse_python(text: str, target: tuple[int, int] | None = None) -> ast.Module | SyntaxProblem:
    """The text's ``ast`` tree, or the problem that stops the interpreter parsing it.

    ``target`` older than the running interpreter rejects the syntax that version lacks
    (``type X = int`` for 3.11); newer than the interpreter cannot be checked here.
    """
    nul = text.find("\0")
    if nul >= 0:  # every Python rejects them; say where, the same on every version
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        return SyntaxProblem("source code cannot contain null bytes", line, column)
    try:
        if target is not None and target < RUNNING_PYTHON:
            return ast.parse(text, feature_version=target)
        return ast.parse(text)
    except SyntaxError as exc:
        return SyntaxProblem(exc.msg or "invalid syntax", exc.lineno or 1, exc.offset or 1)
    except (RecursionError, MemoryError):
        return SyntaxProblem("too deeply nested to parse")
    except ValueError as exc:  # pragma: no cover - null bytes are found above
        return SyntaxProblem(str(exc))


def may_be_newer_syntax(problem: SyntaxProblem, target: tuple[int, int] | None) -> bool:
    """Whether a text the interpreter rejects may still be valid for the target version
    (the target is newer than the interpreter): another parser must decide."""
    return (
        target is not None
        and target > RUNNING_PYTHON
        and problem.message != "source code cannot contain null bytes"
        and problem.message != "too deeply nested to parse"
    )


#: Deeper expressions take LibCST's parser minutes (its cost grows with the cube of the
#: depth) or its native stack: such files are reported instead of analysed.
MAX_ANALYSABLE_DEPTH = 1000


def nesting_depth(tree: ast.AST) -> int:
    """How deep the tree nests, counting each link of a ``a + b + c`` style chain."""
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.BoolOp):
            depth += len(node.values) - 1
        elif isinstance(node, ast.Compare):
            depth += len(node.ops)
        else:
            depth += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))
    return deepest
