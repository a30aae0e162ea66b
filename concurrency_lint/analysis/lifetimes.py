"""Is a resource created in a function closed on every path out of it?

A small abstract walk over the function's statements: each path carries whether the
resource is not yet created, open, or closed. A ``return`` while it is open, or falling
off the end while it is open, is a leak; a ``finally`` that closes it protects every path
through its ``try``. Exceptions are not paths here (a ``raise`` ends the walk): the
question is whether the ordinary flow forgets the clean-up, not whether an error skips it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import Enum

import libcst as cst

from concurrency_lint.analysis.tree_walk import walk_visitor


class State(Enum):
    ABSENT = "absent"
    OPEN = "open"
    CLOSED = "closed"


States = frozenset[State]


def leaks(
    function: cst.FunctionDef,
    creations: Iterable[cst.BaseSmallStatement],
    closing: Iterable[cst.CSTNode],
    mentions: Iterable[cst.CSTNode],
) -> bool:
    """True when some ordinary path leaves ``function`` with the resource still open.

    ``creations`` are the small statements that create the resource; ``closing`` the
    nodes that close it (``pool.shutdown``, the ``pool`` of ``with pool:``); ``mentions``
    every node naming it, so that an ``if`` testing it (``if pool is not None:``) makes a
    close in that branch count for every path.
    """
    created = {id(node) for node in creations}
    closed = {id(node) for node in closing}
    named = {id(node) for node in mentions}
    walk = _Walk(
        lambda small: id(small) in created,
        lambda node: contains_any(node, closed),
        lambda node: contains_any(node, named),
    )
    end = walk.block(_statements(function.body), frozenset({State.ABSENT}))
    return walk.leaked or State.OPEN in end


def _statements(suite: cst.BaseSuite) -> Iterable[cst.BaseStatement]:
    if isinstance(suite, cst.IndentedBlock):
        return suite.body
    if isinstance(suite, cst.SimpleStatementSuite):
        return [cst.SimpleStatementLine(body=suite.body)]
    return []


def _always_true(test: cst.BaseExpression) -> bool:
    return (isinstance(test, cst.Name) and test.value == "True") or (
        isinstance(test, cst.Integer) and test.value != "0"
    )


def _closed(states: States) -> States:
    return frozenset(State.CLOSED if state is State.OPEN else state for state in states)


class _Walk:
    def __init__(
        self,
        creates: Callable[[cst.BaseSmallStatement], bool],
        closes: Callable[[cst.CSTNode], bool],
        mentions: Callable[[cst.CSTNode], bool],
    ) -> None:
        self.creates = creates
        self.closes = closes
        self.mentions = mentions
        self.leaked = False
        self.protected = 0  # enclosing try statements whose ``finally`` closes
        self.loops: list[list[tuple[cst.Break | cst.Continue, States]]] = []

    def block(self, statements: Iterable[cst.BaseStatement], states: States) -> States:
        for statement in statements:
            if not states:
                break  # unreachable
            states = self.statement(statement, states)
        return states

    def statement(self, node: cst.BaseStatement, states: States) -> States:
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                states = self.small(small, states)
                if not states:
                    break
            return states
        if isinstance(node, cst.If):
            return self.branch(node, states)
        if isinstance(node, (cst.Try, cst.TryStar)):
            return self.try_(node, states)
        if isinstance(node, cst.With):
            if any(self.closes(item) for item in node.items):
                self.protected += 1  # leaving the block closes it, by return too
                body = self.block(_statements(node.body), states)
                self.protected -= 1
                return _closed(body)
            return self.block(_statements(node.body), states)
        if isinstance(node, (cst.For, cst.While)):
            return self.loop(node, states)
        if isinstance(node, cst.Match):
            out = frozenset(states)
            for case in node.cases:
                out |= self.block(_statements(case.body), states)
            return out
        return states  # nested def / class: not part of this function's flow

    def small(self, node: cst.BaseSmallStatement, states: States) -> States:
        if isinstance(node, cst.Return):
            if node.value is not None and self.closes(node.value):
                states = _closed(states)
            if State.OPEN in states and not self.protected:
                self.leaked = True
            return frozenset()
        if isinstance(node, cst.Raise):
            return frozenset()
        if isinstance(node, (cst.Break, cst.Continue)) and self.loops:
            self.loops[-1].append((node, states))
            return frozenset()
        if self.creates(node):
            return frozenset({State.OPEN})
        if self.closes(node):
            return _closed(states)
        return states

    def loop(self, node: cst.For | cst.While, states: States) -> States:
        self.loops.append([])
        looped = self.block(_statements(node.body), states)
        jumps = self.loops.pop()
        broken = frozenset().union(*(s for jump, s in jumps if isinstance(jump, cst.Break)))
        resumed = frozenset().union(*(s for jump, s in jumps if isinstance(jump, cst.Continue)))
        forever = isinstance(node, cst.While) and _always_true(node.test)
        out = frozenset() if forever else states | looped | resumed
        if node.orelse is not None:
            out = self.block(_statements(node.orelse.body), out)
        return out | broken

    def branch(self, node: cst.If, states: States) -> States:
        if self.closes(node.test):
            states = _closed(states)
        taken = self.block(_statements(node.body), states)
        orelse = node.orelse
        if orelse is None:
            other = states
        elif isinstance(orelse, cst.If):
            other = self.branch(orelse, states)
        else:
            other = self.block(_statements(orelse.body), states)
        if self.mentions(node.test) and self.closes(node.body):
            return _closed(taken | other)
        return taken | other

    def try_(self, node: cst.Try | cst.TryStar, states: States) -> States:
        final = node.finalbody
        guarded = final is not None and self.closes(final)
        if guarded:
            self.protected += 1
        body = self.block(_statements(node.body), states)
        handled: States = frozenset()
        for handler in node.handlers:
            handled |= self.block(_statements(handler.body), states | body)
        if node.orelse is not None:
            body = self.block(_statements(node.orelse.body), body)
        out = body | handled
        if guarded:
            self.protected -= 1
            return _closed(out)
        if final is not None:
            out = self.block(_statements(final.body), out)
        return out


def contains_any(node: cst.CSTNode, wanted: set[int]) -> bool:
    """True when ``node`` or a node below it has an id in ``wanted``."""
    if not wanted:
        return False
    finder = _Finder(wanted)
    walk_visitor(node, finder)
    return finder.found


class _Finder(cst.CSTVisitor):
    def __init__(self, wanted: set[int]) -> None:
        super().__init__()
        self.wanted = wanted
        self.found = False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if id(node) in self.wanted:
            self.found = True
        return not self.found
