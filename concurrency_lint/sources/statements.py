"""The innermost statement on each of some lines, from the interpreter's syntax tree."""

from __future__ import annotations

import ast
import bisect
from collections.abc import Iterable


def innermost_statements(tree: ast.Module, lines: Iterable[int]) -> dict[int, ast.stmt]:
    """Line -> the innermost statement whose lines include it, for each wanted line.

    One pass over the statements; each compares only with the wanted lines it spans,
    so the cost is the number of statements plus wanted lines times nesting depth.
    """
    wanted = sorted(set(lines))
    best: dict[int, ast.stmt] = {}
    if not wanted:
        return best
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        end = node.end_lineno or node.lineno
        first = bisect.bisect_left(wanted, node.lineno)
        last = bisect.bisect_right(wanted, end)
        for line in wanted[first:last]:
            current = best.get(line)
            if current is None or _inside(node, current):
                best[line] = node
    return best


def _inside(node: ast.stmt, other: ast.stmt) -> bool:
    """Whether ``node`` starts later than ``other``, or as early and ends sooner: deeper."""
    node_end, other_end = node.end_lineno or node.lineno, other.end_lineno or other.lineno
    return (node.lineno, -node_end) >= (other.lineno, -other_end)
