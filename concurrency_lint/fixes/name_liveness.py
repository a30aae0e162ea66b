"""Which names a statement leaves bound that later code of the function could read.

A rewrite that moves code into a function of its own (a loop body into a worker, a
``with`` block into a thread) no longer binds that code's names in the function. That
is the same program when no code of the function reads such a name before binding it
again: the proof walks the function in execution order (``BindingOrder``) and treats
every read a closure could make as a read.
"""

from __future__ import annotations

from itertools import pairwise

import libcst as cst

from concurrency_lint.analysis.loop_body import names_read, names_used, target_names
from concurrency_lint.analysis.tree_walk import children

#: Calls that read a scope's names without naming them.
_SCOPE_READERS = frozenset({"locals", "vars", "exec", "eval", "dir"})


def read_after(function: cst.FunctionDef, node: cst.CSTNode, names: set[str]) -> set[str]:
    """Those of ``names`` (bound by ``node``, a statement of ``function``) that code of the
    function outside ``node`` may read before binding them again."""
    path = _path(function.body, node)
    if path is None or names_read(function) & _SCOPE_READERS:
        return set(names)
    live = names & _names_in_closures(function.body, node)
    for name in sorted(names - live):
        if _may_read(path, name):
            live.add(name)
    return live


def _may_read(path: list[cst.CSTNode], name: str) -> bool:
    """Along the path from the function's body down to the statement: may any code off
    the path read ``name`` before binding it?"""
    on_path = {id(node) for node in path}
    for parent, child in pairwise(path):
        if isinstance(parent, cst.IndentedBlock):
            index = next(i for i, statement in enumerate(parent.body) if statement is child)
            for sequence in (parent.body[:index], parent.body[index + 1 :]):
                order = BindingOrder({name})
                surely: set[str] = set()
                for statement in sequence:
                    order.statement(statement, surely)
                if order.early_reads:
                    return True
            continue
        for part in children(parent):
            if id(part) in on_path:
                continue
            if _part_may_read(part, name):
                return True
    return False


def _part_may_read(part: cst.CSTNode, name: str) -> bool:
    """Whether a part of a compound statement off the path may read ``name`` unbound."""
    order = BindingOrder({name})
    if isinstance(part, cst.BaseSuite):
        order.block(part, set())
    elif isinstance(part, (cst.Else, cst.Finally)):
        order.block(part.body, set())
    elif isinstance(part, cst.ExceptHandler):
        order.reads(part.type, set())
        caught = target_names(part.name.name) if part.name else []  # type: ignore[arg-type]
        order.block(part.body, set(caught))
    elif isinstance(part, cst.If):
        order.statement(part, set())
    else:  # a header: test, iterable, target, ``with`` item
        return name in names_used(part)
    return bool(order.early_reads)


def _names_in_closures(root: cst.CSTNode, node: cst.CSTNode) -> set[str]:
    """Names mentioned in nested functions, lambdas and classes under ``root`` outside
    ``node``: they may run at any time."""
    names: set[str] = set()
    stack: list[cst.CSTNode] = [root]
    while stack:
        current = stack.pop()
        if current is node:
            continue
        if isinstance(current, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            names |= names_used(current)
            continue
        stack.extend(children(current))
    return names


def _imported(statement: cst.Import | cst.ImportFrom) -> set[str]:
    """The names an import binds."""
    if isinstance(statement.names, cst.ImportStar):
        return set()
    names = set()
    for alias in statement.names:
        if alias.asname is not None:
            names.update(target_names(alias.asname.name))  # type: ignore[arg-type]
        else:
            names.add(cst.Module([]).code_for_node(alias.name).split(".")[0])
    return names


def _path(root: cst.CSTNode, target: cst.CSTNode) -> list[cst.CSTNode] | None:
    if root is target:
        return [root]
    for child in children(root):
        found = _path(child, target)
        if found is not None:
            return [root, *found]
    return None


class BindingOrder:
    """Walks the block in execution order: is a name of ``bound`` read before the block
    binds it (it would read the function's value, and now fails)? Returns the names bound
    on every path."""

    def __init__(self, bound: set[str]) -> None:
        self.bound = bound
        self.early_reads: set[str] = set()

    def reads(self, node: cst.CSTNode | None, surely: set[str]) -> None:
        if node is not None:
            self.early_reads |= (names_read(node) & self.bound) - surely

    def block(self, body: cst.BaseSuite, surely: set[str]) -> set[str]:
        surely = set(surely)
        if isinstance(body, cst.SimpleStatementSuite):
            for small in body.body:
                self.small(small, surely)
            return surely
        for statement in body.body:  # type: ignore[union-attr]
            self.statement(statement, surely)
        return surely

    def statement(self, statement: cst.BaseStatement, surely: set[str]) -> None:
        """Checks ``statement`` and adds to ``surely`` what it binds on every path."""
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                self.small(small, surely)
        elif isinstance(statement, cst.With):
            surely.update(self.with_statement(statement, surely) & self._sure_after_with(statement))
        elif isinstance(statement, cst.If):
            self.reads(statement.test, surely)
            self.block(statement.body, surely)
            orelse = statement.orelse
            while orelse is not None:
                if isinstance(orelse, cst.If):
                    self.reads(orelse.test, surely)
                    self.block(orelse.body, surely)
                    orelse = orelse.orelse
                else:
                    self.block(orelse.body, surely)
                    orelse = None
        elif isinstance(statement, cst.For):
            self.reads(statement.iter, surely)
            self.block(statement.body, surely | set(target_names(statement.target)))
            if statement.orelse is not None:
                self.block(statement.orelse.body, surely)
        elif isinstance(statement, cst.While):
            self.reads(statement.test, surely)
            self.block(statement.body, surely)
            if statement.orelse is not None:
                self.block(statement.orelse.body, surely)
        elif isinstance(statement, (cst.Try, cst.TryStar)):
            self.block(statement.body, surely)
            for handler in statement.handlers:
                self.reads(handler.type, surely)
                caught = target_names(handler.name.name) if handler.name else []  # type: ignore[arg-type]
                self.block(handler.body, surely | set(caught))
            if statement.orelse is not None:
                self.block(statement.orelse.body, surely)
            if statement.finalbody is not None:
                self.block(statement.finalbody.body, surely)
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            self.reads(statement, surely)
            surely.add(statement.name.value)
        else:
            self.reads(statement, surely)

    def with_statement(self, statement: cst.With, surely: set[str]) -> set[str]:
        """Checks a ``with``; the names bound once its body has run."""
        inside = set(surely)
        for item in statement.items:
            self.reads(item.item, inside)
            if item.asname is not None:
                inside.update(target_names(item.asname.name))  # type: ignore[arg-type]
        return self.block(statement.body, inside)

    @staticmethod
    def _sure_after_with(statement: cst.With) -> set[str]:
        """A nested ``with`` may swallow its body's exception: only its targets are sure."""
        return {
            name
            for item in statement.items
            if item.asname is not None
            for name in target_names(item.asname.name)  # type: ignore[arg-type]
        }

    def small(self, small: cst.BaseSmallStatement, surely: set[str]) -> None:
        if isinstance(small, cst.Assign):
            self.reads(small.value, surely)
            for target in small.targets:
                self._target_reads(target.target, surely)
            for target in small.targets:
                surely.update(target_names(target.target))
        elif isinstance(small, cst.AnnAssign):
            self.reads(small.value, surely)
            self._target_reads(small.target, surely)
            if small.value is not None:
                surely.update(target_names(small.target))
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            surely.update(_imported(small))
        else:  # AugAssign reads its target first; walrus targets count as reads (refused)
            self.reads(small, surely)

    def _target_reads(self, target: cst.BaseExpression, surely: set[str]) -> None:
        if isinstance(target, cst.Name):
            return
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._target_reads(element.value, surely)
        elif isinstance(target, cst.StarredElement):
            self._target_reads(target.value, surely)
        else:
            self.reads(target, surely)
