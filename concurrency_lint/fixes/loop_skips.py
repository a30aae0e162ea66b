"""``continue`` in a loop being rewritten: the worker says whether the item goes on.

The worker returns ``kept, values``: ``False`` (and a ``None`` per value) where the loop
had ``continue``, ``True`` and the values at its end. The loop over the outcomes skips
the items whose flag is false, so the accumulation sees the same items in the same order::

    def load_p(p):                                for p, (kept, text), _error in ...:
        text = open(p).read()                         if not kept:
        if not text:                                      continue
            return False, None                        out.append(text)
        return True, text
"""

from __future__ import annotations

import libcst as cst


def flagged(
    flag: cst.BaseExpression, value: cst.BaseExpression | None, parens: bool = False
) -> cst.BaseExpression:
    """``flag`` alone, or ``flag, value`` (``(flag, value)`` with ``parens``)."""
    if value is None:
        return flag
    if isinstance(value, cst.Tuple) and not value.lpar:
        value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    brackets = ([cst.LeftParen()], [cst.RightParen()]) if parens else ([], [])
    return cst.Tuple([cst.Element(flag), cst.Element(value)], lpar=brackets[0], rpar=brackets[1])


def skip_value(values: int) -> cst.BaseExpression:
    """What the worker returns for an item the loop skipped: ``False`` and a ``None`` for
    every value the accumulation would have used."""
    if values == 0:
        return cst.Name("False")
    if values == 1:
        return flagged(cst.Name("False"), cst.Name("None"))
    nones = cst.Tuple([cst.Element(cst.Name("None")) for _ in range(values)])
    return flagged(cst.Name("False"), nones)


def skip_unless(flag: str) -> cst.BaseStatement:
    """``if not kept: continue`` at the top of the loop over the outcomes."""
    return cst.If(
        test=cst.UnaryOperation(cst.Not(), cst.Name(flag)),
        body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Continue()])]),
    )


class ContinueToReturn(cst.CSTTransformer):
    """``continue`` of the rewritten loop (not of a loop inside it) -> ``return skipped``."""

    def __init__(self, skipped: cst.BaseExpression) -> None:
        super().__init__()
        self.skipped = skipped

    def on_visit(self, node: cst.CSTNode) -> bool:
        return not isinstance(node, (cst.For, cst.While, cst.FunctionDef, cst.ClassDef, cst.Lambda))

    def leave_Continue(
        self, original_node: cst.Continue, updated_node: cst.Continue
    ) -> cst.BaseSmallStatement:
        return cst.Return(self.skipped)
