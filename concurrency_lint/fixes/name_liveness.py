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
from concurrency_lint.analysis.tree_walk import children, path_to

#: Nodes whose bodies run in a scope of their own.
_OWN_SCOPE = (cst.FunctionDef, cst.Lambda, cst.ClassDef)
#: The same, by exact type (LibCST's classes are final, and isinstance is slow).
_OWN_SCOPE_TYPES = frozenset(_OWN_SCOPE)

#: Calls that read a scope's names without naming them.
_SCOPE_READERS = frozenset({"locals", "vars", "exec", "eval", "dir"})


def read_after(function: cst.FunctionDef, node: cst.CSTNode, names: set[str]) -> set[str]:
    """Those of ``names`` (bound by ``node``, a statement of ``function``) that code of the
    function outside ``node`` may read before binding them again."""
    path = path_to(function.body, node)
    if path is None or _reads_scope(function):
        return set(names)
    live = names & _names_in_closures(function.body, node)
    return live | _may_read(path, names - live)


#: The last function :func:`_reads_scope` answered for: the loops of one function ask in turn.
_last_scope_reads: tuple[cst.FunctionDef, bool] | None = None


def _reads_scope(function: cst.FunctionDef) -> bool:
    """Whether the function reads its scope without naming the names (``locals()``)."""
    global _last_scope_reads
    last = _last_scope_reads
    if last is not None and last[0] is function:
        return last[1]
    found = bool(names_read(function) & _SCOPE_READERS)
    _last_scope_reads = (function, found)
    return found


def _may_read(path: list[cst.CSTNode], names: set[str]) -> set[str]:
    """Along the path from the function's body down to the statement: those of ``names``
    that code off the path running after the statement may read before binding them
    again. Outside every loop only what follows it runs after it (later statements, a
    ``try``'s handlers, ``else`` and ``finally``, a loop's ``else``); inside a loop
    everything may. Each name is judged on its own (a :class:`BindingOrder` reports a
    name's reads whatever else it is asked about), so one walk answers for all."""
    pending = set(names)
    found: set[str] = set()
    on_path = {id(node) for node in path}
    looped = False
    for parent, child in pairwise(path):
        if not pending:
            break
        if isinstance(parent, cst.IndentedBlock):
            index = next(i for i, statement in enumerate(parent.body) if statement is child)
            sequences = [parent.body[index + 1 :]]
            if looped:  # the next turn runs the statements before it again
                sequences.append(parent.body[:index])
            for sequence in sequences:
                order = BindingOrder(set(pending), closures_apart=True)
                surely: set[str] = set()
                for statement in sequence:
                    order.statement(statement, surely)
                found |= order.early_reads
                pending -= order.early_reads
            continue
        if isinstance(parent, (cst.For, cst.While)) and child is parent.body:
            looped = True
        for part in children(parent):
            if not pending:
                break
            if id(part) in on_path or not (looped or _runs_after(parent, part, child)):
                continue
            read = _part_may_read(part, pending)
            found |= read
            pending -= read
    return found


def _runs_after(parent: cst.CSTNode, part: cst.CSTNode, child: cst.CSTNode) -> bool:
    """Whether ``part`` of ``parent`` may run after ``child`` (on the path) has run."""
    if isinstance(parent, (cst.Try, cst.TryStar)):
        if child is parent.body:
            return (
                part is parent.orelse
                or part is parent.finalbody
                or any(part is handler for handler in parent.handlers)
            )
        return part is parent.finalbody
    if isinstance(parent, cst.For):
        return part is parent.orelse
    if isinstance(parent, cst.While):
        return part is parent.orelse or part is parent.test
    return False  # the other branch of an ``if``, a ``with`` item, an ``except`` type


def _part_may_read(part: cst.CSTNode, names: set[str]) -> set[str]:
    """Those of ``names`` a part of a compound statement off the path may read unbound."""
    order = BindingOrder(set(names), closures_apart=True)
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
        return names & names_used(part)
    return order.early_reads


def bound_names(root: cst.CSTNode) -> set[str]:
    """Every name ``root`` binds in its scope (walrus targets included); nested functions
    and classes bind their own name only."""
    names: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(
            node, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For, cst.NamedExpr)
        ):
            names.update(target_names(node.target))
        elif isinstance(node, cst.AsName):
            names.update(target_names(node.name))  # type: ignore[arg-type]
        elif isinstance(node, cst.ImportAlias):
            if node.asname is None:
                names.add(cst.Module([]).code_for_node(node.name).split(".")[0])
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            names.add(node.name.value)
        if isinstance(node, _OWN_SCOPE):
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                stack.extend(d.decorator for d in node.decorators)
            continue
        if isinstance(node, cst.CompFor):  # its target is the comprehension's own
            stack.extend(c for c in children(node) if c is not node.target)
            continue
        stack.extend(children(node))
    return names


def _free_names(scope: cst.FunctionDef | cst.Lambda | cst.ClassDef) -> set[str]:
    """The names a nested scope may read from the function around it: every name it
    mentions but does not bind itself (a class body: every name it mentions)."""
    used = names_used(scope)
    if isinstance(scope, cst.ClassDef):
        return used
    params = scope.params
    local = {
        param.name.value
        for param in (*params.posonly_params, *params.params, *params.kwonly_params)
    }
    local.update(
        p.name.value for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)
    )
    if isinstance(scope, cst.FunctionDef):
        declared = {
            item.name.value
            for node in _walk_scope(scope.body)
            if isinstance(node, (cst.Global, cst.Nonlocal))
            for item in node.names
        }
        for statement in scope.body.body:
            local |= bound_names(statement)
        local -= declared
    return used - local


def _walk_scope(root: cst.CSTNode):  # type: ignore[no-untyped-def]
    """Nodes under ``root``, nested functions and classes not entered."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if node is not root and type(node) in _OWN_SCOPE_TYPES:
            continue
        stack.extend(children(node))


def _names_in_closures(root: cst.CSTNode, node: cst.CSTNode) -> set[str]:
    """Names mentioned in nested functions, lambdas and classes under ``root`` outside
    ``node``: they may run at any time."""
    names: set[str] = set()
    stack: list[cst.CSTNode] = [root]
    while stack:
        current = stack.pop()
        if current is node:
            continue
        if type(current) in _OWN_SCOPE_TYPES:
            names |= _free_names(current)
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


class BindingOrder:
    """Walks the block in execution order: is a name of ``bound`` read before the block
    binds it (it would read the function's value, and now fails)? Returns the names bound
    on every path."""

    def __init__(self, bound: set[str], closures_apart: bool = False) -> None:
        self.bound = bound
        #: A nested ``def`` reads its body's names when called, not where it stands (the
        #: caller checks closures on its own); by default they count as read there.
        self.closures_apart = closures_apart
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
        elif isinstance(statement, cst.FunctionDef) and self.closures_apart:
            for decorator in statement.decorators:  # what runs where the ``def`` stands
                self.reads(decorator, surely)
            self.reads(statement.params, surely)
            self.reads(statement.returns, surely)
            surely.add(statement.name.value)
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
