"""A fast read-only walk over LibCST trees.

``node.visit(visitor)`` rebuilds and revalidates every node it passes and calls a hook
for every field of every node; a question that only reads the tree (which names does
this expression read, does it hold a ``yield``) is answered several times faster by
following the dataclass fields directly. The walk is pre-order, children in field
order, which is not always source order: use it for questions whose answer is a set.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import libcst as cst

_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}
#: Fields that hold only whitespace, comments, brackets and punctuation: no names, no
#: expressions, no statements.
_LAYOUT_FIELDS = frozenset(
    {
        "lpar",
        "rpar",
        "lbracket",
        "rbracket",
        "lbrace",
        "rbrace",
        "comma",
        "semicolon",
        "colon",
        "equal",
        "dot",
        "relative",
        "operator",
        "leading_lines",
        "lines_after_decorators",
        "header",
        "footer",
        "newline",
        "trailing_whitespace",
        "asynchronous",
    }
)


def _fields(node: cst.CSTNode) -> tuple[str, ...]:
    return tuple(
        field.name
        for field in dataclasses.fields(node)
        if field.name not in _LAYOUT_FIELDS and not field.name.startswith("whitespace")
    )


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The direct children of ``node`` that can hold names, expressions or statements
    (whitespace, comments and punctuation left out)."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = _FIELDS[type(node)] = _fields(node)
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, cst.CSTNode):
                    yield item


def descendants(
    root: cst.CSTNode, prune: tuple[type[cst.CSTNode], ...] = ()
) -> Iterator[cst.CSTNode]:
    """``root`` and every node below it; the children of a ``prune`` node below the root
    are not entered (the node itself is yielded)."""
    yield root
    stack = list(children(root))
    while stack:
        node = stack.pop()
        yield node
        if not (prune and isinstance(node, prune)):
            stack.extend(children(node))
