"""Read a loop body in execution order: what it binds, reads, accumulates and carries.

One iteration of ``for x in items: <body>`` is independent of the others when the body
never reads a value an earlier iteration left behind. The scan walks the body statement
by statement, tracking which names are *definitely* bound so far in this iteration; a
read of a name the body binds, before the body has surely bound it, is a value carried
from the previous iteration. Accumulation into a collection or counter declared before
the loop (``out.append(v)``, ``seen.add(v)``, ``table[k] = v``, ``total += n``) is the one
allowed exception, as long as the body never reads that collection or counter otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst

from concurrency_lint.analysis.tree_walk import children
from concurrency_lint.knowledge.mutating_methods import ACCUMULATING_METHODS

_COUNTER_OPERATORS = (cst.AddAssign, cst.SubtractAssign, cst.BitOrAssign)


@dataclass
class BodyFacts:
    """What one loop body does, as far as independence and the rewrite need to know."""

    targets: frozenset[str]
    blocker: str | None = None  # why iterations are not independent
    continues: bool = False  # ``continue`` at this loop's level
    written: set[str] = field(default_factory=set)  # names the body binds
    tainted: set[str] = field(default_factory=set)  # names whose value depends on the targets
    accumulators: dict[str, str] = field(default_factory=dict)  # outer name -> how
    #: top-level statements that only accumulate (``out.append(v)``), in body order
    accumulations: list[cst.BaseSmallStatement] = field(default_factory=list)
    #: an accumulation sits inside a block (``if``, ``with``), not at the top of the body
    nested_accumulation: bool = False
    #: expressions and statements evaluated on every iteration
    every_iteration: list[cst.CSTNode] = field(default_factory=list)
    #: loops nested at a position every iteration reaches
    inner_loops: list[cst.For] = field(default_factory=list)

    def block(self, reason: str) -> None:
        if self.blocker is None:
            self.blocker = reason


def scan_body(targets: Iterable[str], statements: Sequence[cst.BaseStatement]) -> BodyFacts:
    """Facts about a loop body given the names its target binds."""
    facts = BodyFacts(frozenset(targets))
    facts.tainted.update(facts.targets)
    facts.written.update(_bound_names(statements))
    scan = _Scan(facts)
    for statement in statements:
        scan.statement(statement, always=True, top=True, own_level=True)
    scan.finish()
    return facts


def names_read(node: cst.CSTNode) -> set[str]:
    """Names an expression (or statement) reads; attribute and keyword names excluded."""
    names, bound = _name_reads(node)
    return names - bound


def names_read_as(node: cst.CSTNode, renamed: Mapping[int, str]) -> set[str]:
    """:func:`names_read` of ``node`` with the ``Name`` nodes whose ids ``renamed`` holds
    read as the names it gives them (as if renamed, without rebuilding the tree)."""
    names, bound = _name_reads(node, renamed)
    return names - bound


def names_used(node: cst.CSTNode) -> set[str]:
    """Every name ``node`` mentions, bound or read (attribute and keyword names aside)."""
    names, bound = _name_reads(node)
    return names | bound


def base_name(node: cst.BaseExpression) -> str | None:
    """``a`` for ``a``, ``a.b``, ``a[k]``, ``a[k].b``; None otherwise."""
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def target_names(target: cst.BaseExpression) -> list[str]:
    """Names bound by an assignment or loop target (``a``, ``a, (b, *c)``)."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in target_names(element.value)]
    if isinstance(target, cst.StarredElement):
        return target_names(target.value)
    return []


class _Scan:
    def __init__(self, facts: BodyFacts) -> None:
        self.facts = facts
        self.bound: set[str] = set()  # names surely bound so far in this iteration
        self.reads: list[tuple[str, bool]] = []  # (name, surely bound when read)

    # ---- statements --------------------------------------------------------------------

    def statement(self, node: cst.BaseStatement, always: bool, top: bool, own_level: bool) -> None:
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                self.small(small, always, top, own_level)
        elif isinstance(node, cst.If):
            self.expression(node.test, always)
            before = set(self.bound)
            after_body = self.branch(node.body, own_level)
            orelse = node.orelse
            if orelse is None:
                after_else: set[str] | None = before
            elif isinstance(orelse, cst.If):
                self.statement(orelse, False, False, own_level)
                after_else = set(self.bound)
                self.bound = set(before)
            else:
                after_else = self.branch(orelse.body, own_level)
            # bound after the ``if``: what every branch that falls through binds
            joined = [branch for branch in (after_body, after_else) if branch is not None]
            self.bound = before | set.intersection(*joined) if joined else before
        elif isinstance(node, cst.For):
            if node.asynchronous is not None:
                self.facts.block("`async for` inside the loop")
            self.expression(node.iter, always)
            if always:
                self.facts.inner_loops.append(node)
            bound = set(self.bound)
            self.bind(node.target, node.iter)
            self.block(node.body, False, own_level=False)
            self.bound = bound
            if node.orelse is not None:
                self.block(node.orelse.body, False, own_level)
        elif isinstance(node, cst.While):
            self.expression(node.test, always)
            self.block(node.body, False, own_level=False)
            if node.orelse is not None:
                self.block(node.orelse.body, False, own_level)
        elif isinstance(node, cst.With):
            if node.asynchronous is not None:
                self.facts.block("`async with` inside the loop")
            for item in node.items:
                self.expression(item.item, always)
                if item.asname is not None:
                    self.bind(item.asname.name, item.item)
            self.block(node.body, always, own_level, conditional=False)
        elif isinstance(node, (cst.Try, cst.TryStar)):
            self.block(node.body, always, own_level, conditional=False)
            for handler in node.handlers:
                if handler.type is not None:
                    self.expression(handler.type, False)
                bound = set(self.bound)
                if handler.name is not None:
                    self.bind(handler.name.name, None)
                self.block(handler.body, False, own_level)
                self.bound = bound
            if node.orelse is not None:
                self.block(node.orelse.body, False, own_level)
            if node.finalbody is not None:
                self.block(node.finalbody.body, always, own_level, conditional=False)
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            self.facts.block("defines a function or class inside the loop")
        else:
            self.facts.block(f"`{type(node).__name__.lower()}` statement inside the loop")

    def block(
        self, body: cst.BaseSuite, always: bool, own_level: bool, conditional: bool = True
    ) -> None:
        """A nested block; names a ``conditional`` one binds (``if``, loop bodies, handlers)
        do not count as bound after it."""
        bound = set(self.bound)
        for statement in body.body:
            if isinstance(statement, cst.BaseSmallStatement):
                self.small(statement, always, False, own_level)
            else:
                self.statement(statement, always, False, own_level)
        if conditional:
            self.bound = bound

    def branch(self, body: cst.BaseSuite, own_level: bool) -> set[str] | None:
        """Scan one branch of an ``if``: the names surely bound at its end, or None when it
        never falls through (it ends in ``continue``, ``break``, ``return`` or ``raise``)."""
        before = set(self.bound)
        self.block(body, False, own_level, conditional=False)
        after = self.bound
        self.bound = before
        last = body.body[-1] if body.body else None
        if isinstance(last, cst.SimpleStatementLine):
            last = last.body[-1]
        if isinstance(last, (cst.Continue, cst.Break, cst.Return, cst.Raise)):
            return None
        return after

    def small(self, node: cst.BaseSmallStatement, always: bool, top: bool, own_level: bool) -> None:
        facts = self.facts
        if isinstance(node, cst.Break):
            if own_level:
                facts.block("`break` ends the loop early")
        elif isinstance(node, cst.Continue):
            if own_level:
                facts.continues = True
        elif isinstance(node, cst.Return):
            facts.block("`return` inside the loop")
        elif isinstance(node, (cst.Global, cst.Nonlocal)):
            facts.block("`global`/`nonlocal` inside the loop")
        elif isinstance(node, cst.Expr):
            if not self.accumulation_call(node, always, top):
                self.expression(node.value, always)
        elif isinstance(node, cst.Assign):
            self.assign(node, always, top)
        elif isinstance(node, cst.AnnAssign):
            if node.value is not None:
                self.expression(node.value, always)
                self.bind(node.target, node.value)
        elif isinstance(node, cst.AugAssign):
            self.augmented(node, always, top)
        elif isinstance(node, cst.Del):
            outer = set(target_names(node.target)) - facts.written
            if outer or not isinstance(node.target, (cst.Name, cst.Tuple)):
                facts.block("`del` of outer state inside the loop")
        elif isinstance(node, (cst.Import, cst.ImportFrom)):
            facts.block("import inside the loop")
        else:  # pass, raise, assert
            self.expression(node, always)

    # ---- the kinds of statement that matter --------------------------------------------

    def accumulation_call(self, node: cst.Expr, always: bool, top: bool) -> bool:
        call = node.value
        if not (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value in ACCUMULATING_METHODS
        ):
            return False
        owner = base_name(call.func.value)
        if owner is None or owner in self.facts.written or owner in self.facts.targets:
            return False
        self.facts.accumulators[owner] = f".{call.func.attr.value}()"
        if call.func.value is not None and not isinstance(call.func.value, cst.Name):
            self.read_names(_inner_parts(call.func.value), always)
        for arg in call.args:
            self.expression(arg.value, always)
        self.record_accumulation(node, always, top)
        return True

    def assign(self, node: cst.Assign, always: bool, top: bool) -> None:
        facts = self.facts
        self.expression(node.value, always)
        for target in node.targets:
            expr = target.target
            owner = base_name(expr)
            if isinstance(expr, (cst.Name, cst.Tuple, cst.List)):
                self.bind(expr, node.value)
            elif owner is not None and (owner in facts.written or owner in facts.targets):
                self.read_names(expr, always)  # mutating a per-item object
            elif isinstance(expr, cst.Subscript) and owner is not None and len(node.targets) == 1:
                facts.accumulators[owner] = "[key] ="
                self.read_names(_inner_parts(expr), always)
                self.record_accumulation(node, always, top)
            else:
                facts.block("assigns to an attribute of an object from outside the loop")

    def augmented(self, node: cst.AugAssign, always: bool, top: bool) -> None:
        facts = self.facts
        self.expression(node.value, always)
        target = node.target
        owner = base_name(target)
        if isinstance(target, cst.Name) and target.value in self.bound:
            self.read(target.value, always)
            return
        if owner is not None and (owner in facts.targets or owner in self.bound):
            self.read_names(target, always)
            return
        counter = isinstance(node.operator, _COUNTER_OPERATORS)
        plain_name = isinstance(target, cst.Name)
        if owner is None or not counter or (plain_name and _assigned_plainly(owner, facts)):
            facts.block(f"`{_code(node).strip()}` carries a value between iterations")
            return
        facts.accumulators[owner] = "+="
        if not plain_name:
            self.read_names(_inner_parts(target), always)
        self.record_accumulation(node, always, top)

    def record_accumulation(self, node: cst.BaseSmallStatement, always: bool, top: bool) -> None:
        if top and always:
            self.facts.accumulations.append(node)
        else:
            self.facts.nested_accumulation = True

    # ---- names -------------------------------------------------------------------------

    def expression(self, node: cst.CSTNode, always: bool) -> None:
        held = _held(node, _REFUSED_KINDS)
        if cst.Yield in held or cst.Await in held:
            self.facts.block("`yield` or `await` inside the loop")
        if cst.NamedExpr in held:
            self.facts.block("assignment expression (`:=`) inside the loop")
        self.read_names(node, always)
        if always:
            self.facts.every_iteration.append(node)

    def read_names(self, node: cst.CSTNode, always: bool) -> None:
        for name in names_read(node):
            self.read(name, always)

    def read(self, name: str, always: bool) -> None:
        self.reads.append((name, name in self.bound or name in self.facts.targets))

    def bind(self, target: cst.BaseExpression, value: cst.CSTNode | None) -> None:
        names = target_names(target)
        if value is not None and names_read(value) & self.facts.tainted:
            self.facts.tainted.update(names)
        if not isinstance(target, cst.Name):
            self.read_names(_inner_parts(target), True)
        self.bound.update(names)

    def finish(self) -> None:
        facts = self.facts
        for name, surely_bound in self.reads:
            if name in facts.accumulators:
                facts.block(f"reads `{name}`, which the loop accumulates into")
            elif name in facts.written and not surely_bound and name not in facts.targets:
                facts.block(f"`{name}` carries a value from one iteration to the next")


def _assigned_plainly(name: str, facts: BodyFacts) -> bool:
    return name in facts.written


def _inner_parts(node: cst.BaseExpression) -> cst.CSTNode:
    """What a subscript/attribute target reads besides its base (the keys), as a node."""
    parts: list[cst.BaseExpression] = []
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        if isinstance(node, cst.Subscript):
            for element in node.slice:
                if isinstance(element.slice, cst.Index):
                    parts.append(element.slice.value)
        node = node.value
    return cst.Tuple([cst.Element(part) for part in parts]) if parts else cst.Tuple([])


#: What a loop body's expression may not hold (see :meth:`_Scan.expression`).
_REFUSED_KINDS = frozenset({cst.Yield, cst.Await, cst.NamedExpr})


def _held(node: cst.CSTNode, kinds: frozenset[type[cst.CSTNode]]) -> set[type[cst.CSTNode]]:
    """Which of ``kinds`` (exact node types) ``node`` holds, in one walk (nested functions
    and lambdas not entered)."""
    found: set[type[cst.CSTNode]] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        kind = type(current)  # exact types: LibCST's classes are final, isinstance is slow
        if kind in kinds:
            found.add(kind)
            if len(found) == len(kinds):
                break
        if kind is not cst.Lambda and kind is not cst.FunctionDef:
            stack.extend(children(current))
    return found


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _bound_names(statements: Sequence[cst.CSTNode]) -> set[str]:
    """Every name a body binds (assignment, loop and ``with`` targets, handlers, defs);
    comprehensions, lambdas and the bodies of nested defs are not entered."""
    names: set[str] = set()
    stack = list(statements)
    while stack:
        node = stack.pop()
        kind = type(node)  # exact types: LibCST's classes are final, isinstance is slow
        if kind is cst.AssignTarget or kind is cst.AnnAssign or kind is cst.For:
            names.update(target_names(node.target))  # type: ignore[attr-defined]
        elif kind is cst.AsName:
            if type(node.name) is cst.Name:  # type: ignore[attr-defined]
                names.add(node.name.value)  # type: ignore[attr-defined]
        elif kind is cst.FunctionDef or kind is cst.ClassDef:
            names.add(node.name.value)  # type: ignore[attr-defined]
            continue
        elif kind is cst.CompFor or kind is cst.Lambda:
            continue
        stack.extend(children(node))
    return names


def _name_reads(
    root: cst.CSTNode, renamed: Mapping[int, str] | None = None
) -> tuple[set[str], set[str]]:
    """Name loads under ``root``, and the names comprehensions and lambdas bind there.

    Attribute names and keyword names are not loads; of a parameter only the default
    is read. A load of a ``Name`` whose id ``renamed`` holds is of the name it gives.
    """
    names: set[str] = set()
    bound: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        kind = type(node)  # exact types: LibCST's classes are final, isinstance is slow
        if kind is cst.Name:
            if renamed is None:
                names.add(node.value)  # type: ignore[attr-defined]
            else:
                names.add(renamed.get(id(node), node.value))  # type: ignore[attr-defined]
        elif kind is cst.Attribute or kind is cst.Arg:
            stack.append(node.value)  # type: ignore[attr-defined]
            continue
        elif kind is cst.Param:
            bound.add(node.name.value)  # type: ignore[attr-defined]
            if node.default is not None:  # type: ignore[attr-defined]
                stack.append(node.default)  # type: ignore[attr-defined]
            continue
        elif kind is cst.CompFor:
            bound.update(target_names(node.target))  # type: ignore[attr-defined]
        stack.extend(children(node))
    return names, bound
