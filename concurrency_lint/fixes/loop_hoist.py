"""Bring an accumulation out of the ``with`` block it sits in, so the loop can be split.

The commonest loop accumulates inside the block that holds the resource open::

    for path in paths:                        for path in paths:
        with open(path) as fh:        ->          with open(path) as fh:
            out.append(fh.read())                     read_result = fh.read()
                                                  out.append(read_result)

The value is still computed where it was, while the file is open; only the accumulation
moves after the block. That is the same program when the block always runs its body to
the end and lets every exception through: its context managers are known not to swallow
exceptions (``open``, ``urlopen``, ...), the accumulations end the block, and the block
ends the loop body. Anything else is left to the caller's refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst

from concurrency_lint.analysis.loop_body import (
    BodyFacts,
    names_read,
    scan_body,
)
from concurrency_lint.analysis.tree_walk import descendants
from concurrency_lint.fixes.loop_safety import Qualify
from concurrency_lint.knowledge.mutating_methods import ACCUMULATING_METHODS

#: Context managers whose ``__exit__`` never suppresses an exception.
TRANSPARENT_CONTEXTS = frozenset(
    {
        "builtins.open",
        "io.open",
        "gzip.open",
        "bz2.open",
        "lzma.open",
        "tarfile.open",
        "zipfile.ZipFile",
        "urllib.request.urlopen",
        "tempfile.TemporaryFile",
        "tempfile.NamedTemporaryFile",
        "pathlib.Path.open",
    }
)
_TRANSPARENT_METHODS = frozenset({"open", "urlopen", "read_text"})

Fresh = Callable[[str], str]


def hoist_accumulations(
    statements: Sequence[cst.BaseStatement],
    facts: BodyFacts,
    qualify: Qualify,
    fresh: Fresh,
    slot_name: Callable[[cst.BaseExpression], str],
) -> tuple[list[cst.BaseStatement], BodyFacts] | None:
    """The loop body with the accumulations at the end of its trailing ``with`` blocks
    moved after them (values computed in place), and the facts of the new body; None
    when that would change what the loop does."""
    if statements and isinstance(statements[-1], cst.Try):
        lifted = _lift_from_try(statements, facts, fresh, slot_name)
        if lifted is None or not isinstance(lifted[-1], cst.With):
            return _rescanned(lifted, facts) if lifted is not None else None
        statements = lifted  # the ``with`` the ``try`` held now ends the body
    if not statements or not isinstance(statements[-1], cst.With):
        return None
    chain = _with_chain(statements[-1])
    if chain is None or not all(transparent(item.item, qualify) for w in chain for item in w.items):
        return None
    innermost = chain[-1]
    body = list(innermost.body.body)  # type: ignore[union-attr]
    if body and isinstance(body[-1], cst.Try):  # ``with open(p) as f: try: acc.append(...)``
        lifted = _lift_from_try(body, facts, fresh, slot_name)
        if lifted is None:
            return None
        body = lifted
    trailing: list[cst.SimpleStatementLine] = []
    while body and _accumulation_shaped(body[-1]):
        trailing.insert(0, body.pop())  # type: ignore[arg-type]
    if not trailing:
        return None
    hoister = _Hoister(facts.written, fresh, slot_name)
    moved = [hoister.statement(statement) for statement in trailing]
    if any(statement is None for statement in moved):
        return None
    inner_body = body + hoister.assignments or [cst.SimpleStatementLine([cst.Pass()])]
    rebuilt: cst.With = innermost.with_changes(
        body=innermost.body.with_changes(body=inner_body)  # type: ignore[union-attr]
    )
    for outer in reversed(chain[:-1]):
        outer_body = list(outer.body.body)  # type: ignore[union-attr]
        rebuilt = outer.with_changes(
            body=outer.body.with_changes(body=[*outer_body[:-1], rebuilt])  # type: ignore[union-attr]
        )
    new_statements = [*statements[:-1], rebuilt, *moved]
    new_facts = scan_body(facts.targets, new_statements)  # type: ignore[arg-type]
    accumulating = {id(small) for small in new_facts.accumulations}
    every_moved_accumulates = all(
        id(small) in accumulating
        for statement in moved
        for small in statement.body  # type: ignore[union-attr]
    )
    if new_facts.blocker or new_facts.nested_accumulation or not every_moved_accumulates:
        return None
    return new_statements, new_facts  # type: ignore[return-value]


#: Handlers that could catch what the accumulation itself raises (``append`` on the wrong
#: object, an unhashable key, a failed ``+=``): moving it out of their ``try`` would change that.
_BROAD_HANDLERS = frozenset(
    {
        "Exception",
        "BaseException",
        "TypeError",
        "AttributeError",
        "MemoryError",
        "ArithmeticError",
        "OverflowError",
        "LookupError",
        "KeyError",
        "IndexError",
        "ValueError",
        "RuntimeError",
    }
)


def _lift_from_try(
    statements: Sequence[cst.BaseStatement], facts: BodyFacts, fresh: Fresh, slot_name
) -> list[cst.BaseStatement] | None:  # type: ignore[no-untyped-def]
    """``try: work; acc.append(v)`` + handlers that all leave (``raise``, ``return``,
    ``continue``, ``break``) -> ``try: work; slot = v`` then ``acc.append(slot)``: the
    value is computed where it was; the accumulation runs exactly when it did (after the
    ``try`` body completed). None when a handler may fall through, catches broadly enough
    to see what the accumulation raises, or the ``try`` has ``else`` / ``finally``."""
    last = statements[-1]
    if (
        not isinstance(last, cst.Try)
        or last.orelse is not None
        or last.finalbody is not None
        or not isinstance(last.body, cst.IndentedBlock)
        or not all(_narrow_and_leaves(handler) for handler in last.handlers)
    ):
        return None
    body = list(last.body.body)
    trailing: list[cst.SimpleStatementLine] = []
    while body and _accumulation_shaped(body[-1]):
        trailing.insert(0, body.pop())  # type: ignore[arg-type]
    if not trailing:
        return None
    hoister = _Hoister(facts.written, fresh, slot_name)
    moved = [hoister.statement(statement) for statement in trailing]
    if any(statement is None for statement in moved):
        return None
    kept = body + hoister.assignments or [cst.SimpleStatementLine([cst.Pass()])]
    rebuilt = last.with_changes(body=last.body.with_changes(body=kept))
    return [*statements[:-1], rebuilt, *moved]  # type: ignore[list-item]


def catches_broadly(handler: cst.ExceptHandler) -> bool:
    """A bare ``except:``, or one naming a type (or a name it cannot read) that may catch
    what an accumulation raises."""
    if handler.type is None:
        return True
    kinds = (
        [element.value for element in handler.type.elements]
        if isinstance(handler.type, cst.Tuple)
        else [handler.type]
    )
    for kind in kinds:
        name = kind.attr.value if isinstance(kind, cst.Attribute) else None
        name = kind.value if isinstance(kind, cst.Name) else name
        if name is None or name in _BROAD_HANDLERS:
            return True
    return False


def _narrow_and_leaves(handler: cst.ExceptHandler) -> bool:
    """A handler naming specific exception types whose body ends by leaving the block."""
    if catches_broadly(handler) or not isinstance(handler.body, cst.IndentedBlock):
        return False
    last = handler.body.body[-1] if handler.body.body else None
    if not isinstance(last, cst.SimpleStatementLine) or not last.body:
        return False
    return isinstance(last.body[-1], (cst.Raise, cst.Return, cst.Continue, cst.Break))


def _rescanned(
    statements: list[cst.BaseStatement], facts: BodyFacts
) -> tuple[list[cst.BaseStatement], BodyFacts] | None:
    """The new body and its facts, when every accumulation now ends it at the top level."""
    new_facts = scan_body(facts.targets, statements)  # type: ignore[arg-type]
    if new_facts.blocker or new_facts.nested_accumulation:
        return None
    return statements, new_facts


def hoist_conditional(
    statements: Sequence[cst.BaseStatement], facts: BodyFacts
) -> tuple[list[cst.BaseStatement], BodyFacts] | None:
    """``if test: <accumulations>`` ending the body -> ``if not (test): continue`` and the
    accumulations at the top level (the rewrite turns ``continue`` into a skip flag)."""
    if not statements or not isinstance(statements[-1], cst.If):
        return None
    last = statements[-1]
    if last.orelse is not None or not isinstance(last.body, cst.IndentedBlock):
        return None
    body = list(last.body.body)
    if not body or not all(_accumulation_shaped(statement) for statement in body):
        return None
    test = last.test.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    skip = cst.If(
        test=cst.UnaryOperation(cst.Not(), test),
        body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Continue()])]),
        leading_lines=last.leading_lines,
    )
    moved = [statement.with_changes(leading_lines=()) for statement in body]
    new_statements = [*statements[:-1], skip, *moved]
    new_facts = scan_body(facts.targets, new_statements)  # type: ignore[arg-type]
    accumulating = {id(small) for small in new_facts.accumulations}
    if (
        new_facts.blocker
        or new_facts.nested_accumulation
        or not all(id(small) in accumulating for line in moved for small in line.body)  # type: ignore[union-attr]
    ):
        return None
    return new_statements, new_facts  # type: ignore[return-value]


def _accumulation_shaped(statement: cst.BaseStatement) -> bool:
    """``x.append(...)``, ``x[k] = ...``, ``x += ...`` (the scan confirms them later)."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, cst.Expr):
            call = small.value
            if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)):
                return False
            if call.func.attr.value not in ACCUMULATING_METHODS:
                return False
        elif isinstance(small, cst.Assign):
            if len(small.targets) != 1 or not isinstance(small.targets[0].target, cst.Subscript):
                return False
        elif not isinstance(small, cst.AugAssign):
            return False
    return True


def _with_chain(node: cst.With) -> list[cst.With] | None:
    """``node`` and the ``with`` blocks that end it, outermost first."""
    if node.asynchronous is not None or not isinstance(node.body, cst.IndentedBlock):
        return None
    chain = [node]
    last = node.body.body[-1] if node.body.body else None
    while isinstance(last, cst.With) and _plain(last):
        if last.asynchronous is not None or not isinstance(last.body, cst.IndentedBlock):
            return None
        chain.append(last)
        last = last.body.body[-1] if last.body.body else None
    return chain


def _plain(node: cst.With) -> bool:
    """No branch inside: its body runs to the end unless an exception leaves it."""
    return not any(isinstance(child, (cst.If, cst.Try)) for child in descendants(node.body))


def transparent(context: cst.BaseExpression, qualify: Qualify) -> bool:
    if not isinstance(context, cst.Call):
        return False
    if qualify(context.func) in TRANSPARENT_CONTEXTS:
        return True
    func = context.func
    return isinstance(func, cst.Attribute) and func.attr.value in _TRANSPARENT_METHODS


class _Hoister:
    """Turns an accumulation into an assignment of its per-item values (kept in the
    block) and the accumulation of those names (moved after it)."""

    def __init__(self, written: set[str], fresh: Fresh, slot_name) -> None:  # type: ignore[no-untyped-def]
        self.written = written
        self.fresh = fresh
        self.slot_name = slot_name
        self.assignments: list[cst.BaseStatement] = []

    def statement(self, line: cst.SimpleStatementLine) -> cst.SimpleStatementLine | None:
        smalls = [self.small(small) for small in line.body]
        if any(small is None for small in smalls):
            return None
        return line.with_changes(body=smalls, leading_lines=())

    def small(self, small: cst.BaseSmallStatement) -> cst.BaseSmallStatement | None:
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            call = small.value
            if not isinstance(call.func, cst.Attribute) or not isinstance(
                call.func.value, cst.Name
            ):
                return None
            args = [arg.with_changes(value=self.value(arg.value)) for arg in call.args]
            return small.with_changes(value=call.with_changes(args=args))
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target = small.targets[0].target
            if not isinstance(target, cst.Subscript) or not isinstance(target.value, cst.Name):
                return None
            if not all(isinstance(element.slice, cst.Index) for element in target.slice):
                return None
            keys = [
                element.with_changes(
                    slice=element.slice.with_changes(value=self.value(element.slice.value))  # type: ignore[attr-defined]
                )
                for element in target.slice
            ]
            new_target = target.with_changes(slice=keys)
            return small.with_changes(
                targets=[small.targets[0].with_changes(target=new_target)],
                value=self.value(small.value),
            )
        if isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name):
            return small.with_changes(value=self.value(small.value))
        return None

    def value(self, expr: cst.BaseExpression) -> cst.BaseExpression:
        """A name holding ``expr``'s value, computed in the block (when it needs to be)."""
        if isinstance(expr, cst.Name) or not (names_read(expr) & self.written or _has_call(expr)):
            return expr  # nothing after the block changes it
        name = self.fresh(self.slot_name(expr))
        self.assignments.append(
            cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(name))], expr)])
        )
        return cst.Name(name)


def _has_call(expr: cst.CSTNode) -> bool:
    return any(isinstance(child, cst.Call) for child in descendants(expr))
