"""``fix-target = "stdlib"``: the loop rewrite in plain ``concurrent.futures`` code.

The per-item function is the same as for the runtime; the loop over the outcomes becomes
a loop over ``executor.map``, which yields results in input order and raises the first
failing item's exception when its turn comes (the items before it are accumulated, as
in the loop)::

    with ThreadPoolExecutor(max_workers=50) as executor:
        for path, text_upper in executor.map(load_path, paths):
            contents.append(text_upper)

``map`` submits every item at once, so only loops over a finished collection are
rewritten this way. The fixed code imports nothing beyond the standard library.
"""

from __future__ import annotations

import libcst as cst

STDLIB_IMPORT = ("concurrent.futures", "ThreadPoolExecutor")
STDLIB_NEEDS_A_COLLECTION = (
    'with `fix-target = "stdlib"` only loops over a finished collection (a list, a '
    "comprehension, `sorted(...)`) are rewritten: `Executor.map` reads its whole input first"
)


def descriptor_reason(workers: int) -> str:
    """Why a ``ThreadPoolExecutor`` rewrite is never safe."""
    return (
        f"up to {workers} threads hold files or connections open at once, and the standard "
        "library does not keep them under the process's open-file limit"
    )


def item_and(target: cst.BaseExpression, value: cst.BaseExpression | None) -> cst.BaseExpression:
    """What the worker returns when the accumulation also reads the loop variable:
    the item, then the values (``path, text`` / ``(a, b), text``)."""
    item = _parenthesized(target)
    if value is None:
        return item
    return cst.Tuple([cst.Element(item), cst.Element(_parenthesized(value))], lpar=[], rpar=[])


def outcome_target(
    target: cst.BaseExpression | None, values: cst.BaseExpression | None
) -> cst.BaseExpression | None:
    """The loop target over ``executor.map``'s results (None: nothing to bind)."""
    if target is None:
        return values
    item = _parenthesized(target)
    if values is None:
        return item
    return cst.Tuple([cst.Element(item), cst.Element(_parenthesized(values))], lpar=[], rpar=[])


def pool_loop(
    worker: str,
    items: cst.BaseExpression,
    target: cst.BaseExpression | None,
    body: list[cst.BaseStatement] | None,
    workers: int,
    executor: str,
) -> cst.With:
    """``with ThreadPoolExecutor(...) as executor:`` and the loop over its ``map``
    (``list(executor.map(...))`` when nothing is accumulated)."""
    mapped = cst.Call(
        cst.Attribute(cst.Name(executor), cst.Name("map")),
        [cst.Arg(cst.Name(worker)), cst.Arg(items)],
    )
    inner: cst.BaseStatement
    if body is None:
        inner = cst.SimpleStatementLine([cst.Expr(cst.Call(cst.Name("list"), [cst.Arg(mapped)]))])
    else:
        inner = cst.For(
            target=target if target is not None else cst.Name("_result"),
            iter=mapped,
            body=cst.IndentedBlock(body or [cst.SimpleStatementLine([cst.Pass()])]),
        )
    pool = cst.Call(
        cst.Name("ThreadPoolExecutor"),
        [
            cst.Arg(
                cst.Integer(str(workers)),
                keyword=cst.Name("max_workers"),
                equal=cst.AssignEqual(
                    whitespace_before=cst.SimpleWhitespace(""),
                    whitespace_after=cst.SimpleWhitespace(""),
                ),
            )
        ],
    )
    return cst.With(
        items=[cst.WithItem(pool, asname=cst.AsName(cst.Name(executor)))],
        body=cst.IndentedBlock([inner]),
        leading_lines=[cst.EmptyLine()],
    )


def _parenthesized(expr: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(expr, cst.Tuple) and not expr.lpar:
        return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return expr
