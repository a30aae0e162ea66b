"""The interpreter's own parser as a fast syntax check (C speed, no recursion crash)."""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class SyntaxProblem:
    """Why a text is not valid Python, and where (1-based)."""

    message: str
    line: int = 1
    column: int = 1


def parse_python(text: str) -> ast.Module | SyntaxProblem:
    """The text's ``ast`` tree, or the problem that stops the interpreter parsing it."""
    try:
        return ast.parse(text)
    except SyntaxError as exc:
        return SyntaxProblem(exc.msg or "invalid syntax", exc.lineno or 1, exc.offset or 1)
    except (RecursionError, MemoryError):
        return SyntaxProblem("too deeply nested to parse")
    except ValueError as exc:  # null bytes on Python < 3.12
        return SyntaxProblem(str(exc))


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
