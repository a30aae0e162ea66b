"""Accumulations anywhere in a loop body: recorded per item, replayed in input order.

When the accumulations do not end the body (one in an ``if`` / ``else`` branch, in a
nested loop, under a ``try``, between pieces of work), the worker runs the whole body
and, where the loop accumulated, records the values the accumulation needs; the loop
over the outcomes replays the accumulations from those records, item by item in input
order, and within an item in the order the body made them::

    for d in dirs:                            def load_d(d):
        for name in os.listdir(d):                collected = []
            if name.endswith(".py"):              for name in os.listdir(d):
                found.append(name)      ->            if name.endswith(".py"):
                                                          collected.append(name)
                                                  return collected

                                              for d, collected, _error in run_parallel(...):
                                                  for name in collected:
                                                      found.append(name)

With several accumulations each record starts with the accumulation's number, and the
replay picks the statement by it. A ``continue`` of the loop returns what was recorded
so far. The body never reads what it accumulates into (the scan refuses that), so the
work of an item sees the same values whether the accumulations ran in place or later.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from concurrency_lint.analysis.loop_body import (
    BodyFacts,
    base_name,
    names_read,
)
from concurrency_lint.analysis.tree_walk import descendants
from concurrency_lint.fixes.loop_hazards import MUTATING_METHODS
from concurrency_lint.fixes.loop_hoist import catches_broadly, transparent
from concurrency_lint.fixes.loop_safety import Qualify
from concurrency_lint.knowledge.mutating_methods import ACCUMULATING_METHODS

#: ``split(small)``: the accumulation as the replay runs it (slot names in place of the
#: per-item values) and the ``(slot name, value)`` pairs the worker records.
Split = Callable[[cst.BaseSmallStatement], tuple[cst.BaseSmallStatement, list]]

GUARDED_REASON = (
    "an accumulation sits under a handler or context manager that could catch what it "
    "raises itself (an unhashable key, a failed `+=`), and now runs after the item's work"
)


@dataclass
class Replay:
    """The loop body split into what the worker runs and what the replay runs."""

    work: list[cst.BaseStatement]  # the worker's body, recording instead of accumulating
    check: list[cst.BaseStatement]  # the same with each record reduced to its values
    replay: list[cst.BaseStatement]  # the loop over one item's records
    moved: list[cst.BaseExpression] = field(default_factory=list)  # recorded values
    guarded: bool = False  # an accumulation's own exception could be caught where it was
    #: why a copying accumulation would copy other contents when replayed (no fix then)
    copy_hazard: str | None = None


def replay_accumulations(
    statements: Sequence[cst.BaseStatement],
    facts: BodyFacts,
    qualify: Qualify,
    split: Split,
    record_list: str,
    step: str,
    value: str,
) -> Replay | None:
    """The split body, recording into ``record_list`` (``step`` and ``value`` name a
    record's parts in the replay); None when the body accumulates nothing."""
    counter = _Recorder(facts, qualify, split, record_list, count_only=True)
    counter.block(statements, False)
    if not counter.steps:
        return None
    recorder = _Recorder(facts, qualify, split, record_list, tagged=len(counter.steps) > 1)
    work = recorder.block(statements, False)
    checker = _Recorder(facts, qualify, split, record_list, checking=recorder.values)
    check = checker.block(statements, False)
    copied = {name for small in recorder.copying for name in names_read(small)}
    changed = sorted(copied & _changed_in_place(statements, facts.written))
    hazard = (
        f"an accumulation copies the contents of `{changed[0]}`, which the item's work "
        "changes in place; replayed later it would copy the changed contents"
        if changed
        else None
    )
    replay = _replay_loop(recorder.steps, record_list, step, value)
    init = cst.SimpleStatementLine(
        [cst.Assign([cst.AssignTarget(cst.Name(record_list))], cst.List([]))]
    )
    return Replay(
        [init, *work],
        check,
        [replay],
        [expr for _, slots in recorder.steps for _, expr in slots],
        recorder.guarded,
        hazard,
    )


def _replay_loop(
    steps: list[tuple[cst.BaseSmallStatement, list]], record_list: str, step: str, value: str
) -> cst.For:
    if len(steps) == 1:
        small, slots = steps[0]
        target = _slot_target(slots) or cst.Name(step)  # a fresh name: `_` may be gettext
        return cst.For(target, cst.Name(record_list), _block([cst.SimpleStatementLine([small])]))
    branches: cst.If | None = None
    for number in reversed(range(len(steps))):
        small, slots = steps[number]
        lines: list[cst.BaseStatement] = []
        unpack = _slot_target(slots)
        if len(slots) == 1 and slots[0][0].startswith("value"):  # a made-up name: use ``value``
            small = small.visit(_Rename(slots[0][0], value))  # type: ignore[assignment]
            unpack = None
        if unpack is not None:
            lines.append(
                cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(unpack)], cst.Name(value))])
            )
        lines.append(cst.SimpleStatementLine([small]))
        test = cst.Comparison(
            cst.Name(step), [cst.ComparisonTarget(cst.Equal(), cst.Integer(str(number)))]
        )
        branches = cst.If(test, _block(lines), orelse=branches)
    assert branches is not None
    target = cst.Tuple(
        [cst.Element(cst.Name(step)), cst.Element(cst.Name(value))], lpar=[], rpar=[]
    )
    return cst.For(target, cst.Name(record_list), _block([branches]))


class _Rename(cst.CSTTransformer):
    """One name for another (a slot name only the replayed statement uses)."""

    def __init__(self, old: str, new: str) -> None:
        super().__init__()
        self.old, self.new = old, new

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return (
            updated_node.with_changes(value=self.new)
            if updated_node.value == self.old
            else updated_node
        )


def _slot_target(slots: list) -> cst.BaseExpression | None:
    if not slots:
        return None
    if len(slots) == 1:
        return cst.Name(slots[0][0])
    return cst.Tuple([cst.Element(cst.Name(name)) for name, _ in slots], lpar=[], rpar=[])


def _block(lines: list[cst.BaseStatement]) -> cst.IndentedBlock:
    return cst.IndentedBlock(lines)


class _Recorder:
    """Walks the body, replacing each accumulation by a record (or, ``checking``, by an
    expression reading the recorded values) and noting the replay statement for it."""

    def __init__(
        self,
        facts: BodyFacts,
        qualify: Qualify,
        split: Split,
        record_list: str,
        tagged: bool = False,
        checking: dict[int, list[cst.BaseExpression]] | None = None,
        count_only: bool = False,
    ) -> None:
        self.facts = facts
        self.qualify = qualify
        self.split = split
        self.record_list = record_list
        self.tagged = tagged
        self.checking = checking
        self.count_only = count_only
        self.steps: list[tuple[cst.BaseSmallStatement, list]] = []
        self.values: dict[int, list[cst.BaseExpression]] = {}  # id(accumulation) -> values
        #: the values of accumulations that copy contents (``extend``, ``update``, ``+=``)
        self.copying: list[cst.BaseExpression] = []
        self.guarded = False

    def block(self, statements: Sequence[cst.BaseStatement], guarded: bool) -> list:
        return [self.statement(statement, guarded) for statement in statements]

    def suite(self, suite: cst.BaseSuite, guarded: bool) -> cst.BaseSuite:
        if isinstance(suite, cst.IndentedBlock):
            return suite.with_changes(body=self.block(suite.body, guarded))
        assert isinstance(suite, cst.SimpleStatementSuite)
        return suite.with_changes(body=[self.small(small, guarded) for small in suite.body])

    def statement(self, node: cst.BaseStatement, guarded: bool) -> cst.BaseStatement:
        if isinstance(node, cst.SimpleStatementLine):
            return node.with_changes(body=[self.small(small, guarded) for small in node.body])
        if isinstance(node, cst.If):  # in source order: the records are numbered so
            body = self.suite(node.body, guarded)
            orelse = node.orelse
            if isinstance(orelse, cst.If):
                orelse = self.statement(orelse, guarded)
            elif orelse is not None:
                orelse = orelse.with_changes(body=self.suite(orelse.body, guarded))
            return node.with_changes(body=body, orelse=orelse)
        if isinstance(node, (cst.For, cst.While)):
            body = self.suite(node.body, guarded)
            orelse = node.orelse
            if orelse is not None:
                orelse = orelse.with_changes(body=self.suite(orelse.body, guarded))
            return node.with_changes(body=body, orelse=orelse)
        if isinstance(node, cst.With):
            inside = guarded or not all(transparent(item.item, self.qualify) for item in node.items)
            return node.with_changes(body=self.suite(node.body, inside))
        if isinstance(node, (cst.Try, cst.TryStar)):
            caught = guarded or any(catches_broadly(handler) for handler in node.handlers)
            body = self.suite(node.body, caught)
            handlers = [
                handler.with_changes(body=self.suite(handler.body, guarded))
                for handler in node.handlers
            ]
            orelse, final = node.orelse, node.finalbody
            if orelse is not None:
                orelse = orelse.with_changes(body=self.suite(orelse.body, guarded))
            if final is not None:
                final = final.with_changes(body=self.suite(final.body, guarded))
            return node.with_changes(body=body, handlers=handlers, orelse=orelse, finalbody=final)
        return node  # a nested def or class is refused by the scan

    def small(self, small: cst.BaseSmallStatement, guarded: bool) -> cst.BaseSmallStatement:
        if not self.is_accumulation(small):
            return small
        if self.count_only:
            self.steps.append((small, []))
            return small
        if self.checking is not None:
            values = self.checking[id(small)]
            if not values:
                return cst.Pass()
            return cst.Expr(cst.Tuple([cst.Element(value) for value in values]))
        replayed, slots = self.split(small)
        values = [expr for _, expr in slots]
        self.values[id(small)] = values
        if isinstance(small, cst.AugAssign) or (
            isinstance(small, cst.Expr)
            and isinstance(small.value, cst.Call)
            and isinstance(small.value.func, cst.Attribute)
            and small.value.func.attr.value in ("extend", "update")
        ):
            self.copying.extend(values)
        self.guarded = self.guarded or guarded
        number = len(self.steps)
        self.steps.append((replayed, slots))
        return cst.Expr(
            cst.Call(
                cst.Attribute(cst.Name(self.record_list), cst.Name("append")),
                [cst.Arg(self.record(number, values))],
            )
        )

    def record(self, number: int, values: list[cst.BaseExpression]) -> cst.BaseExpression:
        """``value``, ``(a, b)`` or ``None``; led by the number with several accumulations."""
        if len(values) == 1:
            record: cst.BaseExpression = values[0]
        elif values:
            record = cst.Tuple([cst.Element(value) for value in values])
        else:
            record = cst.Name("None")
        if not self.tagged:
            return record
        return cst.Tuple([cst.Element(cst.Integer(str(number))), cst.Element(record)])

    def is_accumulation(self, small: cst.BaseSmallStatement) -> bool:
        """An accumulation the scan accepted: into an outer name it records as such."""
        accumulators = self.facts.accumulators
        if isinstance(small, cst.Expr):
            call = small.value
            return (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Attribute)
                and call.func.attr.value in ACCUMULATING_METHODS
                and base_name(call.func.value) in accumulators
            )
        if isinstance(small, cst.Assign):
            return (
                len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Subscript)
                and base_name(small.targets[0].target) in accumulators
            )
        if isinstance(small, cst.AugAssign):
            return base_name(small.target) in accumulators
        return False


def _changed_in_place(statements: Sequence[cst.BaseStatement], written: set[str]) -> set[str]:
    """Names the body binds whose objects it changes in place (``row.append(x)``,
    ``row[k] = v``, ``row.attr = v``, ``del row[k]``, ``row += [x]``)."""
    changed: set[str] = set()
    for statement in statements:
        for node in descendants(statement):
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
                if node.func.attr.value in MUTATING_METHODS:
                    changed.add(base_name(node.func.value) or "")
            elif _changes_its_target(node):
                changed.add(base_name(node.target) or "")  # type: ignore[attr-defined]
    return changed & written


def _changes_its_target(node: cst.CSTNode) -> bool:
    """``row += [x]`` (extends a list in place), ``row[k] = v``, ``row.a = v``, ``del row[k]``."""
    if isinstance(node, cst.AugAssign):
        return True
    return isinstance(node, (cst.AssignTarget, cst.Del)) and isinstance(
        node.target, (cst.Subscript, cst.Attribute)
    )


def keep_partial_records(
    work: list[cst.BaseStatement],
    replay: list[cst.BaseStatement],
    record_list: str,
    failure: str,
    item: cst.BaseExpression | bool,
) -> tuple[list[cst.BaseStatement], list[cst.BaseStatement]]:
    """The worker catching its own exception and handing it back with the records made
    before it (``item``: led by the item); the replay raising it after replaying them."""
    handed_back: cst.BaseExpression = cst.Tuple(
        [cst.Element(cst.Name(record_list)), cst.Element(cst.Name(failure))]
    )
    if not isinstance(item, bool):
        handed_back = cst.Tuple(
            [cst.Element(_parenthesized(item)), cst.Element(handed_back)], lpar=[], rpar=[]
        )
    init, *rest = work
    guarded = cst.Try(
        body=cst.IndentedBlock(rest or [cst.SimpleStatementLine([cst.Pass()])]),
        handlers=[
            cst.ExceptHandler(
                body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Return(handed_back)])]),
                type=cst.Name("BaseException"),
                name=cst.AsName(cst.Name(failure)),
            )
        ],
    )
    raise_again = cst.If(
        cst.Comparison(cst.Name(failure), [cst.ComparisonTarget(cst.IsNot(), cst.Name("None"))]),
        cst.IndentedBlock([cst.SimpleStatementLine([cst.Raise(cst.Name(failure))])]),
    )
    return [init, guarded], [*replay, raise_again]


def _parenthesized(expr: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(expr, cst.Tuple) and not expr.lpar:
        return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return expr
