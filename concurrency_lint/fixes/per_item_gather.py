"""The CL103 rewrite of a loop body of several statements: one ``async def`` per item, run
through ``_gather_bounded``, the accumulations replayed in the items' order afterwards.

``for k in keys: v = await get(k); if v: d[k] = v`` becomes::

    async def _one_k(k):
        _d = {}
        v = await get(k)
        if v:
            _d[k] = v
        return _d

    for _d in await _gather_bounded(50, *(_one_k(k) for k in keys), return_exceptions=True):
        if isinstance(_d, BaseException):
            raise _d
        d.update(_d)

Each item's additions go to a list, set or dict of its own; they are added to the
function's collection item by item, in input order, so it ends as the loop left it. The
first failure in input order is raised after the items before it are replayed, as the loop
raised it after those items. What cannot be proven the same is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from concurrency_lint.analysis.loop_body import base_name, names_read, names_read_as, target_names
from concurrency_lint.analysis.tree_walk import children, descendants, path_to
from concurrency_lint.fixes.async_edits import GATHER_BOUNDED
from concurrency_lint.fixes.name_liveness import read_after
from concurrency_lint.knowledge.mutating_methods import COLLECTION_MUTATORS

#: Methods that add to a collection, by the kind of collection.
_GROWING = {"list": ("append", "extend"), "set": ("add", "update"), "dict": ("update",)}
#: How the function's collection takes in one item's own.
_MERGE = {"list": "extend", "set": "update", "dict": "update"}
_EMPTY = {"list": "[]", "set": "set()", "dict": "{}"}
_FRESH = {
    "list": (cst.List, cst.ListComp),
    "set": (cst.Set, cst.SetComp),
    "dict": (cst.Dict, cst.DictComp),
}
#: Method calls that change their receiver: on state shared by the items, their order shows.
_MUTATING = COLLECTION_MUTATORS | {"put_nowait"}
#: Names that mean something else inside a nested function.
_SCOPE_BOUND = frozenset({"super", "locals", "vars", "exec", "eval", "globals"})
_CLOSURE_TYPES = frozenset({cst.Lambda, cst.GeneratorExp})


@dataclass
class PerItemRewrite:
    """The statements that replace the loop, and what they are for the fix's title."""

    statements: cst.FlattenSentinel[cst.BaseStatement]
    collectors: tuple[str, ...] = field(default=())


def per_item_rewrite(
    function: cst.FunctionDef,
    loop: cst.For,
    limit: int,
    qualify: Callable[[cst.BaseExpression], str | None],
) -> PerItemRewrite | str:
    """The loop as a local ``async def`` per item gathered at most ``limit`` at once, or the
    reason it cannot be (a sentence for the finding's message)."""
    params = _parameters(loop.target)
    if params is None:
        return "the loop target is not plain names"
    body = _statements(loop.body)
    bound = _bound_in(body)
    local = bound | set(params)
    read_outside = read_after(function, loop, local)
    if read_outside:
        read = sorted(read_outside)
        names = ", ".join(f"`{name}`" for name in read)
        return f"{names}, bound by the loop, {'is' if len(read) == 1 else 'are'} read outside it"
    every = [node for statement in body for node in descendants(statement)]
    # Exact types: LibCST's node classes have no subclasses, and isinstance is slow.
    scoped = sorted({n.value for n in every if type(n) is cst.Name} & _SCOPE_BOUND)  # type: ignore[attr-defined]
    if scoped:
        return f"the body uses `{scoped[0]}`, which means something else in a nested function"
    if any(type(node) is cst.Del for node in every):
        return "the body deletes names or items"
    for node in every:
        if type(node) in _CLOSURE_TYPES and names_read(node) & local:
            return (
                "a lambda or generator made in the body reads the item's names "
                "(it would keep its own item, not the last one)"
            )
    sites = _Sites(function, local)
    for statement in body:
        sites.statement(statement)
    sites.writes(body)
    if sites.refusal is not None:
        return sites.refusal
    collectors = tuple(sites.kinds)
    if collectors and _inside_try(function, loop):
        return (
            "the loop runs inside a `try`: after a failure its handler would see the items "
            "before the failing one, but not the failing item's own additions"
        )
    away = {key: "_" for key in sites.nodes}  # the receivers at the addition sites
    mentioned = names_read(loop.iter) | {
        name for statement in body for name in names_read_as(statement, away)
    }
    for collector in collectors:
        if collector in mentioned:
            return f"`{collector}` is read by the loop, not only added to"
    carried = _first_carried(body, set(params), bound, qualify)
    if carried is not None:
        return f"`{carried}` is carried from one item to the next"
    taken = {n.value for n in descendants(function) if type(n) is cst.Name}  # type: ignore[attr-defined]
    name = _fresh(taken, (f"_one_{params[0]}", "_one_item", "_per_item"))
    own = {
        collector: _fresh(taken, (f"_{collector}", f"_{collector}_item"))
        for collector in collectors
    }
    done = _fresh(taken, ("_done", "_item_done"))
    if name is None or done is None or None in own.values():
        return "no free name for the function that handles one item"
    return PerItemRewrite(
        _replacement(loop, body, name, params, done, own, sites, limit), collectors
    )


def _inside_try(function: cst.FunctionDef, loop: cst.For) -> bool:
    """Whether the loop is in the body of a ``try`` (of the function) that handles or
    finishes what fails in it."""
    path = path_to(function.body, loop) or []
    return any(
        isinstance(node, (cst.Try, cst.TryStar)) and (node.handlers or node.finalbody)
        for node in path
    )


def _parameters(target: cst.BaseExpression) -> list[str] | None:
    """The loop target's names in order, when it is names only (``x``, ``i, (a, b)``)."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        found: list[str] = []
        for element in target.elements:
            value = element.value
            inner = _parameters(value.value if isinstance(value, cst.StarredElement) else value)
            if inner is None:
                return None
            found.extend(inner)
        return found if len(set(found)) == len(found) else None
    return None


def _statements(body: cst.BaseSuite) -> list[cst.BaseStatement]:
    if isinstance(body, cst.SimpleStatementSuite):
        return [cst.SimpleStatementLine(body=body.body)]
    return list(body.body)  # type: ignore[attr-defined]


def _bound_in(body: Sequence[cst.CSTNode]) -> set[str]:
    """Names the body binds (assignments, ``with ... as``, ``except ... as``, ``:=``)."""
    names: set[str] = set()
    for statement in body:
        for node in descendants(statement):
            if isinstance(node, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.NamedExpr)):
                names.update(target_names(node.target))
            elif isinstance(node, cst.AsName):
                names.update(target_names(node.name))
    return names


class _Sites:
    """Finds the additions to the function's collections; refuses other writes to state
    the items share."""

    def __init__(self, function: cst.FunctionDef, local: set[str]) -> None:
        self.function = function
        self.local = local
        self.kinds: dict[str, str] = {}  # collector -> list / set / dict
        self.nodes: set[int] = set()  # the receivers (Name nodes) to rename
        self.calls: set[int] = set()  # the addition calls themselves
        self.refusal: str | None = None
        self._kinds_known: dict[str, str | None] = {}

    def _kind(self, name: str) -> str | None:
        if name not in self._kinds_known:
            self._kinds_known[name] = _kind_of(self.function, name)
        return self._kinds_known[name]

    def statement(self, node: cst.CSTNode) -> None:
        for inner in descendants(node):
            if self.refusal is None and isinstance(
                inner, (cst.SimpleStatementLine, cst.SimpleStatementSuite)
            ):
                for small in inner.body:
                    self._small(small)

    def writes(self, body: Sequence[cst.CSTNode]) -> None:
        """Refuse a mutating method called on something that is not the item's own."""
        for statement in body:
            for inner in descendants(statement):
                if self.refusal is not None:
                    return
                if (
                    isinstance(inner, cst.Call)
                    and id(inner) not in self.calls
                    and isinstance(inner.func, cst.Attribute)
                    and inner.func.attr.value in _MUTATING
                    and base_name(inner.func.value) not in self.local
                ):
                    self.refusal = (
                        f"`{_code(inner.func)}(...)` changes state the items share, "
                        "in between awaits"
                    )

    def _small(self, small: cst.BaseSmallStatement) -> None:
        if self.refusal is not None:
            return
        if isinstance(small, cst.Expr) and self._growth(small.value):
            return
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target = small.targets[0].target
            if (
                isinstance(target, cst.Subscript)
                and isinstance(target.value, cst.Name)
                and self._collector(target.value, "dict")
            ):
                return
        targets: list[cst.BaseExpression] = []
        if isinstance(small, cst.Assign):
            targets = [target.target for target in small.targets]
        elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
            targets = [small.target]
        for target in targets:
            for part in _store_parts(target):
                if base_name(part) not in self.local:
                    self.refusal = (
                        f"`{_code(part)}` is written in between awaits: state the items share"
                    )
                    return

    def _growth(self, value: cst.BaseExpression) -> bool:
        """``c.append(x)`` (``extend``, ``add``, ``update``) on a collection of the function."""
        if not (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Attribute)
            and isinstance(value.func.value, cst.Name)
            and len(value.args) == 1
            and value.args[0].keyword is None
            and not value.args[0].star
        ):
            return False
        kind = self._kind(value.func.value.value)
        if kind is None or value.func.attr.value not in _GROWING[kind]:
            return False
        if not self._collector(value.func.value, kind):
            return False
        self.calls.add(id(value))
        return True

    def _collector(self, name: cst.Name, kind: str) -> bool:
        if name.value in self.local or self._kind(name.value) != kind:
            return False
        self.kinds[name.value] = kind
        self.nodes.add(id(name))
        return True


def _store_parts(target: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The item and attribute stores of an assignment target."""
    if isinstance(target, (cst.Subscript, cst.Attribute)):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [part for element in target.elements for part in _store_parts(element.value)]
    if isinstance(target, cst.StarredElement):
        return _store_parts(target.value)
    return []


def _kind_of(function: cst.FunctionDef, name: str) -> str | None:
    """``list``, ``set`` or ``dict`` when the function binds ``name`` only to new ones of
    that kind, each by a plain ``name = ...`` of its own; else None."""
    return _collection_kinds(function).get(name)


#: The last function :func:`_collection_kinds` read, with its table: a loop's reports ask
#: about the same function, name after name, loop after loop.
_last_kinds: tuple[cst.FunctionDef, dict[str, str | None]] | None = None


def _collection_kinds(function: cst.FunctionDef) -> dict[str, str | None]:
    """Name -> what :func:`_kind_of` answers, for every name the function binds, in one walk."""
    global _last_kinds
    last = _last_kinds
    if last is not None and last[0] is function:
        return last[1]
    kinds: dict[str, set[str]] = {}
    refused: set[str] = set()
    for node in descendants(function):
        node_type = type(node)
        if node_type is cst.Assign:
            named = {name for t in node.targets for name in target_names(t.target)}
            if len(node.targets) != 1 or type(node.targets[0].target) is not cst.Name:
                refused |= named
            else:
                made = _fresh_kind(node.value) or ""
                for name in named:
                    kinds.setdefault(name, set()).add(made)
        elif node_type is cst.AnnAssign:
            named = set(target_names(node.target))
            if type(node.target) is not cst.Name or node.value is None:
                refused |= named
            else:
                made = _fresh_kind(node.value) or ""
                for name in named:
                    kinds.setdefault(name, set()).add(made)
        else:
            refused.update(_bound_otherwise(node))
    table: dict[str, str | None] = {}
    for name, made in kinds.items():
        table[name] = next(iter(made)) if len(made) == 1 and "" not in made else None
    for name in refused:
        table[name] = None
    _last_kinds = (function, table)
    return table


def _bound_otherwise(node: cst.CSTNode) -> list[str]:
    """The names ``node`` binds other than by assignment (a loop, a parameter, ...)."""
    node_type = type(node)
    if node_type in _TARGET_BINDERS:
        return target_names(node.target)  # type: ignore[attr-defined]
    if node_type is cst.AsName:
        return target_names(node.name)  # type: ignore[attr-defined]
    if node_type in _NAME_BINDERS:
        return [node.name.value]  # type: ignore[attr-defined]
    if node_type is cst.Global or node_type is cst.Nonlocal:
        return [item.name.value for item in node.names]  # type: ignore[attr-defined]
    if node_type is cst.ImportAlias:
        return list(names_read(node.asname.name if node.asname else node.name))  # type: ignore[attr-defined]
    return []


_TARGET_BINDERS = frozenset({cst.AugAssign, cst.NamedExpr, cst.For, cst.CompFor})
_NAME_BINDERS = frozenset({cst.Param, cst.FunctionDef, cst.ClassDef})


def _fresh_kind(value: cst.BaseExpression) -> str | None:
    for kind, nodes in _FRESH.items():
        if isinstance(value, nodes):
            return kind
        if (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Name)
            and value.func.value == kind
        ):
            return kind
    return None


class _Rename(cst.CSTTransformer):
    """Renames the given Name nodes (by id) and turns ``continue`` into ``return``.

    Only the nodes on the way to one of those are rebuilt (:meth:`on_visit` leaves every
    other subtree as it is): LibCST would otherwise copy each node of the body.
    """

    def __init__(self, names: dict[int, str], continued: cst.BaseSmallStatement | None = None):
        super().__init__()
        self.names = names
        self.continued = continued
        self._on_the_way: set[int] = set()
        self._depth = 0  # how many nodes of the current visit enclose the node at hand

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._depth == 0:  # the root of a visit: mark what is on the way to a change
            self._mark(node)
        self._depth += 1
        return id(node) in self._on_the_way

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # type: ignore[no-untyped-def]
        self._depth -= 1
        return super().on_leave(original_node, updated_node)

    def _mark(self, node: cst.CSTNode) -> bool:
        """Whether ``node`` is or holds a node to change; such nodes are marked."""
        found = (type(node) is cst.Name and id(node) in self.names) or (
            self.continued is not None and type(node) is cst.Continue
        )
        for child in children(node):
            found = self._mark(child) or found
        if found:
            self._on_the_way.add(id(node))
        return found

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self.names.get(id(original_node))
        return updated_node if new is None else updated_node.with_changes(value=new)

    def leave_Continue(
        self, original_node: cst.Continue, updated_node: cst.Continue
    ) -> cst.BaseSmallStatement:
        return updated_node if self.continued is None else self.continued


def _first_carried(
    body: Sequence[cst.BaseStatement],
    params: set[str],
    bound: set[str],
    qualify: Callable[[cst.BaseExpression], str | None],
) -> str | None:
    """A name the body binds and reads where this item may not have bound it yet: its
    value came from the item before (in a function per item it would be unbound)."""
    flow = _Flow(bound, qualify)
    flow.block(body, set(params))
    return flow.carried


class _Flow:
    """Walks statements in order with the names surely bound so far in this item."""

    def __init__(self, bound: set[str], qualify) -> None:  # type: ignore[no-untyped-def]
        self.bound = bound
        self.qualify = qualify
        self.carried: str | None = None

    def block(self, statements: Sequence[cst.CSTNode], sure: set[str]) -> set[str]:
        for statement in statements:
            sure = self.statement(statement, sure)
        return sure

    def read(self, node: cst.CSTNode | None, sure: set[str]) -> None:
        if node is None or self.carried is not None:
            return
        unbound = (names_read(node) & self.bound) - sure
        if unbound:
            self.carried = sorted(unbound)[0]

    def statement(self, node: cst.CSTNode, sure: set[str]) -> set[str]:
        sure = set(sure)
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                sure = self.small(small, sure)
        elif isinstance(node, cst.If):
            self.read(node.test, sure)
            then = self.block(node.body.body, sure)
            orelse = node.orelse
            if isinstance(orelse, cst.If):
                other = self.statement(orelse, sure)
            elif orelse is not None:
                other = self.block(orelse.body.body, sure)
            else:
                other = sure
            if _ends(node.body.body):
                then = other
            if isinstance(orelse, cst.Else) and _ends(orelse.body.body):
                other = then
            sure = then & other
        elif isinstance(node, (cst.Try, cst.TryStar)):
            after_body = self.block(node.body.body, sure)
            if node.orelse is not None:
                after_body = self.block(node.orelse.body.body, after_body)
            after = after_body
            for handler in node.handlers:
                caught = set(sure)
                if handler.name is not None:
                    caught.update(target_names(handler.name.name))
                self.read(handler.type, sure)
                handled = self.block(handler.body.body, caught)
                if not _ends(handler.body.body):
                    after = after & handled
            if node.finalbody is not None:
                after = after | self.block(node.finalbody.body.body, sure)
            sure = after
        elif isinstance(node, cst.With):
            inner = set(sure)
            for item in node.items:
                self.read(item.item, inner)
                if item.asname is not None:
                    inner.update(target_names(item.asname.name))
            inner = self.block(node.body.body, inner)
            suppressing = any(
                isinstance(item.item, cst.Call)
                and self.qualify(item.item.func) == "contextlib.suppress"
                for item in node.items
            )
            sure = sure if suppressing else inner
        else:
            self.read(node, sure)
        return sure

    def small(self, small: cst.BaseSmallStatement, sure: set[str]) -> set[str]:
        if isinstance(small, cst.Assign):
            self.read(small.value, sure)
            for target in small.targets:
                self._target(target.target, sure)
            return sure | {n for t in small.targets for n in target_names(t.target)}
        if isinstance(small, cst.AnnAssign):
            if small.value is None:
                return sure
            self.read(small.value, sure)
            self._target(small.target, sure)
            return sure | set(target_names(small.target))
        if isinstance(small, cst.AugAssign):
            self.read(small.value, sure)
            self.read(small.target, sure)
            return sure
        self.read(small, sure)
        return sure

    def _target(self, target: cst.BaseExpression, sure: set[str]) -> None:
        for part in _store_parts(target):  # ``row[key] = ...`` reads ``row`` and ``key``
            self.read(part, sure)


def _ends(statements: Sequence[cst.BaseStatement]) -> bool:
    """Whether a block always leaves the item: its last statement continues, raises or
    returns."""
    last = statements[-1] if statements else None
    return isinstance(last, cst.SimpleStatementLine) and isinstance(
        last.body[-1], (cst.Continue, cst.Raise, cst.Return, cst.Break)
    )


def _fresh(taken: set[str], candidates: tuple[str, ...]) -> str | None:
    name = next((name for name in candidates if name not in taken), None)
    if name is not None:
        taken.add(name)
    return name


def _replacement(
    loop: cst.For,
    body: list[cst.BaseStatement],
    name: str,
    params: list[str],
    done: str,
    own: dict[str, str],
    sites: _Sites,
    limit: int,
) -> cst.FlattenSentinel[cst.BaseStatement]:
    collectors = list(own)
    returned = ", ".join(own[collector] for collector in collectors)
    result = cst.parse_statement(f"return {returned}\n" if own else "return\n")
    assert isinstance(result, cst.SimpleStatementLine)
    rename = _Rename({key: own[_receiver(sites, key, body)] for key in sites.nodes}, result.body[0])
    renamed = [statement.visit(rename) for statement in body]
    first = [cst.parse_statement(f"{own[c]} = {_EMPTY[sites.kinds[c]]}\n") for c in collectors]
    inner_body = [*first, *renamed, *([result] if own else [])]
    definition = cst.parse_statement(f"async def {name}({', '.join(params)}):\n    pass\n")
    assert isinstance(definition, cst.FunctionDef)
    definition = definition.with_changes(
        body=cst.IndentedBlock(body=inner_body, header=_header(loop)),
        leading_lines=loop.leading_lines,
    )
    target = cst.Module(body=[]).code_for_node(loop.target)
    iterable = cst.Module(body=[]).code_for_node(loop.iter)
    variable = own[collectors[0]] if len(collectors) == 1 else done
    lines = [
        f"for {variable} in await {GATHER_BOUNDED}({limit}, "
        f"*({name}({', '.join(params)}) for {target} in {iterable}), return_exceptions=True):\n",
        f"    if isinstance({variable}, BaseException):\n        raise {variable}\n",
    ]
    if len(collectors) > 1:
        lines.append(f"    {returned} = {done}\n")
    lines += [f"    {c}.{_MERGE[sites.kinds[c]]}({own[c]})\n" for c in collectors]
    replay = cst.parse_statement("".join(lines)).with_changes(
        leading_lines=[cst.EmptyLine(indent=False)]
    )
    return cst.FlattenSentinel([definition, replay])


def _receiver(sites: _Sites, key: int, body: list[cst.BaseStatement]) -> str:
    """The collector a renamed receiver (by node id) stands for."""
    for statement in body:
        for node in descendants(statement):
            if id(node) == key and isinstance(node, cst.Name):
                return node.value
    raise KeyError(key)


def _header(loop: cst.For) -> cst.TrailingWhitespace:
    body = loop.body
    return body.header if isinstance(body, cst.IndentedBlock) else cst.TrailingWhitespace()


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)
