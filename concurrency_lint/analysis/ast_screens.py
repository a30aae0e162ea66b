"""Second looks on the interpreter's own syntax tree, before LibCST parses a file.

LibCST's parse costs several times the interpreter's, and most files hold nothing a rule
with a common trigger (``for``, ``async def``, ``await``) reports. Each look here asks
the rule's question with wider answers, never narrower ones: every import counts
wherever it stands, a call anywhere inside a loop or an ``async def`` counts (nested
functions included), and every function of the module that calls such a name counts
however deep the chain.

- The loop rules report a loop holding a call that resolves to a known I/O function
  (through an import, or a builtin), to an I/O method of an object built by a known
  constructor, or to a function or method of this module that does such a call; or
  ``list(map(f, items))`` (whatever ``f`` is).
- CL401 reports such a call, or a known blocking one, directly inside ``async def``
  (its receiver may also be typed by a parameter's annotation).
- CL103 reports ``await`` (or ``async with``, which awaits too) inside a ``for`` loop.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from concurrency_lint.knowledge.asyncio_calls import (
    BLOCKING_CALLS,
    BLOCKING_CLIENT_METHODS,
    ORDERED_AWAIT_METHODS,
    ORDERED_AWAIT_PREFIXES,
    URLLIB3_POOL_TYPES,
)
from concurrency_lint.knowledge.io_calls import (
    IO_METHODS,
    io_call_names,
    io_table,
    io_trigger_tokens,
)
from concurrency_lint.knowledge.library_names import RESERVED_TOP_LEVEL
from concurrency_lint.knowledge.mutating_methods import (
    ACCUMULATING_METHODS,
    HARMLESS_METHODS,
    QUEUE_PUTS,
)

if TYPE_CHECKING:
    from concurrency_lint.config import Config

#: What one import binds a name to: ``(dots, module, name)`` for ``from`` imports,
#: ``(0, module, "")`` for ``import module``.
ImportOrigin = tuple[int, str, str]
#: Whether a name bound by these imports, with these attributes read after it
#: (``("session", "get")``), may be I/O of the project (the project model says).
ProjectIo = Callable[[frozenset[ImportOrigin], tuple[str, ...]], bool]

_LOOPS = (
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)
_MAP = "builtins.map"
# The walk of :class:`_ModuleFacts` dispatches on exact types (the parser makes no
# subclasses): the nodes it records, the loops, and the leaves it need not enter.
_LOOP_TYPES = frozenset(_LOOPS)
#: A loop the loop rules judge per item, its per-item calls, the names an iteration binds.
_ItemLoop = tuple[ast.AST, tuple[ast.Call, ...], frozenset[str]]
_NOTED = frozenset(
    {
        ast.Call,
        ast.Await,
        ast.AsyncWith,
        ast.AsyncFor,
        ast.comprehension,
        ast.Import,
        ast.ImportFrom,
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.Lambda,
        ast.Assign,
        ast.AnnAssign,
        ast.For,
        ast.ListComp,
        ast.SetComp,
        ast.DictComp,
        ast.ClassDef,
    }
)
#: The nodes that change what the facts' walk notes below them (or are noted).
_CONTEXT_CHANGES = _NOTED | _LOOP_TYPES | {ast.AsyncFunctionDef}
#: The loops whose items the loop rules judge, with the parts that run per item.
_ITEM_LOOPS = frozenset({ast.For, ast.ListComp, ast.SetComp, ast.DictComp})
_LEAVES = frozenset(
    kind
    for base in (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)
    for kind in base.__subclasses__()
)


def _node_types(base: type[ast.AST]) -> set[type[ast.AST]]:
    found = {base}
    for kind in base.__subclasses__():
        found |= _node_types(kind)
    return found


#: Every kind of node but the leaves: what :func:`_below` yields.
_NODES = frozenset(_node_types(ast.AST) - _LEAVES)
#: The nodes the facts' walk enters: also not the names, constants and import aliases,
#: which hold no node and say nothing the facts note.
_WALKED = _NODES - {ast.Name, ast.Constant, ast.alias}
#: Where a node of the walk stands: inside a loop, inside ``async def``, the functions
#: whose body holds it.
_Context = tuple[bool, bool, tuple["_Calls", ...]]


def _below(root: ast.AST) -> Iterator[ast.AST]:
    """``root`` and every node under it, as ``ast.walk`` gives them but in no set order
    and without the context and operator leaves (a stack instead of a queue of
    ``iter_child_nodes``: the looks walk loop bodies often, and only collect or test)."""
    stack = [root]
    pop, push, nodes = stack.pop, stack.append, _NODES
    while stack:
        node = pop()
        yield node
        for field in node._fields:
            value = getattr(node, field, None)
            if type(value) is list:
                for item in value:
                    if type(item) in nodes:
                        push(item)
            elif type(value) in nodes:
                push(value)


class _Calls:
    """The names called (``f()``) and the attributes called (``x.f()``) somewhere; each
    attribute also with its receiver's dotted name (``os.path`` for ``os.path.join()``,
    None for ``f().read()``)."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.attributes: set[str] = set()
        self.receivers: set[tuple[str | None, str]] = set()

    @classmethod
    def of(cls, call: ast.Call) -> _Calls:
        """The calls of one call."""
        calls = cls()
        calls.add(call)
        return calls

    def add(self, call: ast.Call) -> None:
        func = call.func
        if isinstance(func, ast.Name):
            self.names.add(func.id)
        elif isinstance(func, ast.Attribute):
            self.attributes.add(func.attr)
            self.receivers.add((_dotted(func.value), func.attr))

    def calls_any(self, names: Iterable[str], attributes: Iterable[str]) -> bool:
        """Whether one of ``names`` is called, or one of ``attributes`` is called on
        something."""
        return not (self.names.isdisjoint(names) and self.attributes.isdisjoint(attributes))


class _ModuleFacts:
    """One walk of the module: imports, functions with the calls they make, calls made
    inside loops, inside ``async def`` and anywhere, and whether a loop awaits."""

    def __init__(self, tree: ast.Module) -> None:
        self.imports: dict[str, set[str]] = {}  # local name -> qualified names it may bind
        #: local name -> each import binding it: (dots, module, name) of ``from`` imports,
        #: (0, module, "") of ``import module``
        self.import_origins: dict[str, set[ImportOrigin]] = {}
        self.functions: dict[str, _Calls] = {}  # name -> calls of every function so named
        self.in_loops = _Calls()
        self.in_async = _Calls()
        self.anywhere = _Calls()
        self.awaits_in_loop = False
        self.star_import = False  # ``from m import *``: names bound that no one sees here
        self.async_functions: list[ast.AsyncFunctionDef] = []
        #: The first parameter of every method (``self``, ``cls``): the one receiver on
        #: which the rules resolve a call to a function of the module (``self.load()``).
        self.method_receivers: set[str] = set()
        self.item_loops: list[ast.For | ast.ListComp | ast.SetComp | ast.DictComp] = []
        self._per_item: tuple[_ItemLoop, ...] | None = None
        self._wrapping_calls: list[ast.Call] = []  # calls on one argument, itself a call
        self._named_lambdas: dict[int, tuple[_Calls, ...]] = {}  # ``f = lambda``: f's calls
        # (node, where it stands): (inside a loop, inside ``async def``, the functions
        # whose body holds it), one tuple shared by the children of a node
        stack: list[tuple[ast.AST, _Context]] = [(tree, (False, False, ()))]
        pop, push, note, walked = stack.pop, stack.append, self._note, _WALKED
        while stack:
            node, context = pop()
            kind = type(node)
            if kind in _CONTEXT_CHANGES:
                in_loop, in_async, owners = context
                if kind in _NOTED:
                    owners = note(node, in_loop, in_async, owners)
                if kind in _LOOP_TYPES:
                    in_loop = True
                elif kind is ast.AsyncFunctionDef:
                    in_async = True
                context = (in_loop, in_async, owners)
            for field in node._fields:
                value = getattr(node, field, None)
                if type(value) is list:
                    for item in value:
                        if type(item) in walked:
                            push((item, context))
                elif type(value) in walked:
                    push((value, context))
        #: Every qualified name an import of the module binds.
        self.targets = {target for bound in self.imports.values() for target in bound}

    def per_item_loops(self) -> tuple[_ItemLoop, ...]:
        """Each loop whose items the loop rules judge, with the calls in the parts that run
        per item: for a ``for``, the calls made on every iteration (not in an ``if``
        branch, an inner loop's body, an ``except`` handler or a ``try``'s ``else``) that
        read a name the iteration binds; for a list, set or dict comprehension, the calls
        in its element (not an iterable, a condition, a ``while`` or a generator
        expression: the loop rules judge no other). A ``for`` whose body the loop rules
        refuse whatever it calls is left out (its inner loops count on their own). The
        names a ``for``'s iteration may bind come along (none for a comprehension)."""
        if self._per_item is None:
            found: list[_ItemLoop] = []
            for loop in self.item_loops:
                if type(loop) is ast.For:
                    if refused_loop_body(loop.body):  # type: ignore[union-attr]
                        continue
                    item_names = _names_bound_per_item(loop)  # type: ignore[arg-type]
                    every = _every_iteration_calls(loop.body)  # type: ignore[union-attr]
                    calls = tuple(call for call in every if _reads_any(call, item_names))
                else:
                    item_names = frozenset()
                    if type(loop) is ast.DictComp:
                        parts: list[ast.AST] = [loop.key, loop.value]  # type: ignore[union-attr]
                    else:
                        parts = [loop.elt]  # type: ignore[union-attr]
                    calls = tuple(
                        node  # type: ignore[misc]
                        for part in parts
                        for node in _below(part)
                        if type(node) is ast.Call
                    )
                if calls:
                    found.append((loop, calls, item_names))
            self._per_item = tuple(found)
        return self._per_item

    def calls_map(self) -> bool:
        """Whether ``map`` (or an alias of it, or ``x.map``) is called anywhere."""
        if "map" in self.anywhere.names or "map" in self.anywhere.attributes:
            return True
        return any(_MAP in self.imports.get(name, ()) for name in self.anywhere.names)

    def lists_a_map(self) -> bool:
        """Whether some call may be ``list(map(f, items))``, the one use of ``map`` the
        loop rules judge: a call of ``list`` (or an alias, or ``x.list``) on one argument,
        a call of ``map`` (likewise) on two positional ones."""
        for outer in self._wrapping_calls:
            inner = outer.args[0]
            if (
                len(inner.args) == 2  # type: ignore[attr-defined]
                and not inner.keywords  # type: ignore[attr-defined]
                and self._may_be_builtin(outer.func, "list")
                and self._may_be_builtin(inner.func, "map")  # type: ignore[attr-defined]
            ):
                return True
        return False

    def _may_be_builtin(self, func: ast.expr, name: str) -> bool:
        if type(func) is ast.Name:
            return func.id == name or f"builtins.{name}" in self.imports.get(func.id, ())  # type: ignore[attr-defined]
        return type(func) is ast.Attribute and func.attr == name  # type: ignore[attr-defined]

    def _note(
        self, node: ast.AST, in_loop: bool, in_async: bool, owners: tuple[_Calls, ...]
    ) -> tuple[_Calls, ...]:
        """Record what ``node`` says; the functions whose calls its children belong to."""
        if type(node) in _ITEM_LOOPS:
            self.item_loops.append(node)  # type: ignore[arg-type]
            return owners
        if type(node) is ast.ClassDef:
            self.method_receivers.update(_first_parameters(node.body))  # type: ignore[attr-defined]
            return owners
        if type(node) is ast.Call:
            self._note_call(node, self._calls_holding(in_loop, in_async, owners))  # type: ignore[arg-type]
        elif isinstance(node, (ast.Await, ast.AsyncWith, ast.AsyncFor)) or (
            isinstance(node, ast.comprehension) and node.is_async
        ):
            self.awaits_in_loop = self.awaits_in_loop or in_loop  # each one waits
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self._import(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if isinstance(node, ast.AsyncFunctionDef):
                self.async_functions.append(node)
            return (*owners, self.functions.setdefault(node.name, _Calls()))
        elif isinstance(node, ast.Lambda):
            return (*owners, *self._named_lambdas.get(id(node), ()))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Lambda):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            self._named_lambdas[id(node.value)] = tuple(
                self.functions.setdefault(target.id, _Calls())
                for target in targets
                if isinstance(target, ast.Name)
            )
        return owners

    def _note_call(self, call: ast.Call, holding: tuple[_Calls, ...]) -> None:
        """Add the call to each call set that holds it (what ``_Calls.add`` reads, read once)."""
        if len(call.args) == 1 and not call.keywords and type(call.args[0]) is ast.Call:
            self._wrapping_calls.append(call)  # ``list(map(...))`` perhaps
        func = call.func
        if type(func) is ast.Name:
            for calls in holding:
                calls.names.add(func.id)  # type: ignore[attr-defined]
        elif type(func) is ast.Attribute:
            attribute = func.attr  # type: ignore[attr-defined]
            receiver = (_dotted(func.value), attribute)  # type: ignore[attr-defined]
            for calls in holding:
                calls.attributes.add(attribute)
                calls.receivers.add(receiver)

    def _calls_holding(
        self, in_loop: bool, in_async: bool, owners: tuple[_Calls, ...]
    ) -> tuple[_Calls, ...]:
        """The call sets a call standing here belongs to."""
        holding = (self.anywhere, *owners)
        if in_loop:
            holding += (self.in_loops,)
        if in_async:
            holding += (self.in_async,)
        return holding

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        """Bind names the way :class:`~concurrency_lint.analysis.names.ImportMap` does
        (``from .client import fetch`` binds ``fetch`` to ``.client.fetch``)."""
        for alias in node.names:
            if isinstance(node, ast.Import):
                local = alias.asname or alias.name.partition(".")[0]
                target = alias.name if alias.asname else local
                origin: ImportOrigin = (0, target, "")
            elif alias.name == "*":
                self.star_import = True
                continue  # binds names nobody can see here
            else:
                local = alias.asname or alias.name
                module = "." * node.level + (node.module or "")
                target = f"{module}.{alias.name}" if module else alias.name
                origin = (node.level, node.module or "", alias.name)
            self.imports.setdefault(local, set()).add(target)
            self.import_origins.setdefault(local, set()).add(origin)


@functools.lru_cache(maxsize=8)
def _io_tokens(extra: tuple[tuple[str, str], ...]) -> frozenset[str]:
    # Path and session methods resolve through their constructors' modules.
    return io_trigger_tokens(extra) | {"pathlib", "requests", "httpx"}


#: Statements the loop rules' body scan refuses wherever they stand in a loop's body
#: (:mod:`concurrency_lint.analysis.loop_body`): the iterations could not run side by side.
_REFUSED_STATEMENTS = frozenset(
    {
        ast.Return,
        ast.Global,
        ast.Nonlocal,
        ast.Import,
        ast.ImportFrom,
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.ClassDef,
        ast.AsyncFor,
        ast.AsyncWith,
        ast.Match,
    }
)
_TRY_STATEMENTS = frozenset(kind for kind in (ast.Try, getattr(ast, "TryStar", None)) if kind)


def refused_loop_body(body: list[ast.stmt], own_level: bool = True) -> bool:
    """Whether a ``for`` body holds a statement that makes the loop rules refuse the loop
    whatever it calls: ``return``, ``global``/``nonlocal``, an import, a definition,
    ``async for``/``async with``, ``match`` anywhere in it, or ``break`` at its own level
    (not inside an inner loop's body). A look at statements only: what expressions hold
    (``await``, ``yield``, ``:=``) is left to the pass."""
    for statement in body:
        kind = type(statement)
        if kind in _REFUSED_STATEMENTS or (kind is ast.Break and own_level):
            return True
        if kind is ast.If or kind is ast.With:
            blocks = [statement.body, getattr(statement, "orelse", [])]  # type: ignore[attr-defined]
            if any(refused_loop_body(block, own_level) for block in blocks):
                return True
        elif kind is ast.For or kind is ast.While:
            if refused_loop_body(statement.body, False):  # type: ignore[attr-defined]
                return True
            if refused_loop_body(statement.orelse, own_level):  # type: ignore[attr-defined]
                return True
        elif kind in _TRY_STATEMENTS:
            blocks = [
                statement.body,  # type: ignore[attr-defined]
                *(handler.body for handler in statement.handlers),  # type: ignore[attr-defined]
                statement.orelse,  # type: ignore[attr-defined]
                statement.finalbody,  # type: ignore[attr-defined]
            ]
            if any(refused_loop_body(block, own_level) for block in blocks):
                return True
    return False


def _names_bound_per_item(loop: ast.For) -> frozenset[str]:
    """The names one iteration may bind: the loop's target and every name its body
    stores (a wider set than the names whose values come from the item)."""
    names = {
        node.id
        for part in (loop.target, *loop.body)
        for node in _below(part)
        if type(node) is ast.Name and type(node.ctx) is ast.Store  # type: ignore[attr-defined]
    }
    names.update(
        node.name
        for statement in loop.body
        for node in _below(statement)
        if type(node) is ast.ExceptHandler and node.name  # type: ignore[attr-defined]
    )
    return frozenset(names)


def _every_iteration_calls(body: list[ast.stmt]) -> Iterator[ast.Call]:
    """The calls of a loop body that the loop rules count as run on every iteration: not
    in a branch of an ``if``, an inner loop's body, an ``except`` handler or a ``try``'s
    ``else`` (their tests, iterables and ``with`` items do count)."""
    for statement in body:
        kind = type(statement)
        if kind is ast.If or kind is ast.While:
            parts: list[ast.AST] = [statement.test]  # type: ignore[attr-defined]
        elif kind is ast.For:
            parts = [statement.target, statement.iter]  # type: ignore[attr-defined]
        elif kind is ast.With:
            parts = list(statement.items)  # type: ignore[attr-defined]
            yield from _every_iteration_calls(statement.body)  # type: ignore[attr-defined]
        elif kind in _TRY_STATEMENTS:
            yield from _every_iteration_calls(statement.body)  # type: ignore[attr-defined]
            yield from _every_iteration_calls(statement.finalbody)  # type: ignore[attr-defined]
            continue
        else:
            parts = [statement]
        for part in parts:
            for node in _below(part):
                if type(node) is ast.Call:
                    yield node  # type: ignore[misc]


def _reads_any(call: ast.Call, names: frozenset[str]) -> bool:
    """Whether the call (its function, receiver or arguments) reads one of ``names``."""
    return any(type(node) is ast.Name and node.id in names for node in _below(call))  # type: ignore[attr-defined]


def may_do_io(text: str, config: Config) -> bool:
    """Whether a file's text can call any known I/O function (else no loop rule can fire:
    the module's own I/O functions call one too). A look at the text, before any parse;
    both loop rules ask it of the same text, which is searched once."""
    return _may_do_io(text, config.extra_io_calls)


@functools.lru_cache(maxsize=4)
def _may_do_io(text: str, extra_io_calls: tuple[tuple[str, str], ...]) -> bool:
    if "import *" in text or "from ." in text:
        return True  # a star or relative import may bind a project function doing I/O
    return any(token in text for token in _io_tokens(extra_io_calls))


def module_facts(tree: ast.Module) -> _ModuleFacts:
    """The facts of ``tree``, walked once for all the looks at it."""
    cached = _LAST_FACTS.get(id(tree))
    if cached is not None and cached[0] is tree:
        return cached[1]
    facts = _ModuleFacts(tree)
    _LAST_FACTS.clear()  # one module at a time: keep only the latest
    _LAST_FACTS[id(tree)] = (tree, facts)
    return facts


_LAST_FACTS: dict[int, tuple[ast.Module, _ModuleFacts]] = {}


def may_loop_over_io(
    tree: ast.Module,
    extra_io_calls: tuple[tuple[str, str], ...],
    project_io: ProjectIo | None = None,
) -> bool:
    """Whether some loop of ``tree`` may call I/O (see the module's docstring).

    ``project_io`` tells, through the project model, whether a dotted name read off an
    import (``fetch``, ``net.session.get``) may be I/O; without it every name that may
    come from the project may."""
    facts = module_facts(tree)
    project = _ProjectNames(facts, project_io)
    if facts.calls_map() and (facts.star_import or facts.lists_a_map()):
        return True  # ``list(map(f, items))``: ``f`` may be anything
    if facts.in_loops.names and _star_imports(tree):
        return True  # a name a star import binds may be a project function doing I/O
    io_names, io_attributes = _callable_names(facts, io_table(extra_io_calls))
    # A function of another module of the project may do I/O (the project model says).
    io_names |= project.called_io_names()
    for constructors, (_kind, methods) in IO_METHODS.items():
        # An object is provably built by a constructor only where the module calls it.
        if any(_reachable(c, facts.targets) and _called(c, facts) for c in constructors):
            io_attributes |= methods
    doing_io = _functions_calling(facts, io_names, io_attributes)
    if not facts.in_loops.calls_any(io_names | doing_io, io_attributes | doing_io) and not any(
        receiver is not None and project.may_be_io(f"{receiver}.{attribute}")
        for receiver, attribute in facts.in_loops.receivers
    ):  # nor a function of an imported project module (``client.fetch()``)
        return False
    return facts.star_import or _may_resolve_to_io(facts, extra_io_calls, project, io_names)


class _ProjectNames:
    """Which imported names may be the project's own I/O (see :func:`may_loop_over_io`)."""

    def __init__(self, facts: _ModuleFacts, project_io: ProjectIo | None) -> None:
        self._facts = facts
        self._project_io = project_io

    def called_io_names(self) -> set[str]:
        """The imported names the module calls (``fetch()``) that may be I/O of the
        project: a name it never calls is in no call set the looks compare with."""
        called = self._facts.anywhere.names
        return {local for local in self._facts.imports if local in called and self.may_be_io(local)}

    def may_be_io(self, dotted: str) -> bool:
        """Whether ``dotted``, whose head an import binds, may be I/O of the project."""
        head, *rest = dotted.split(".")
        if not _any_project(self._facts.imports.get(head, ())):
            return False
        if self._project_io is None:
            return True
        return self._project_io(frozenset(self._facts.import_origins[head]), tuple(rest))


def _may_resolve_to_io(
    facts: _ModuleFacts,
    extra_io_calls: tuple[tuple[str, str], ...],
    project: _ProjectNames,
    names: set[str],
) -> bool:
    """Whether a call a loop makes per item (:meth:`_ModuleFacts.per_item_loops`) may be
    a call the loop rules count as I/O: a built-in I/O function or a name an import binds
    to one, a chain from an imported name that spells one (``os.path.getsize``), anything
    imported from a module that may be the project's own (the project model may say it
    does I/O), a method of an I/O object on any receiver (its type may come from
    anywhere), or a function of the module that makes such a call itself. A ``for`` whose
    body calls a method that may change state the iterations share counts for nothing.
    ``names`` are the called names that may be I/O (:func:`may_loop_over_io` found them)."""
    table = io_table(extra_io_calls)
    methods = io_call_names(extra_io_calls)[1]
    local: set[str] = set()
    grew = True
    while grew:
        grew = False
        for name, inner in facts.functions.items():
            if name not in local and _resolves(
                inner, names | local, methods, local, facts, table, project
            ):
                local.add(name)
                grew = True
    known = names | local

    def may_be_io(call: ast.Call) -> bool:
        return _resolves(_Calls.of(call), known, methods, local, facts, table, project)

    for loop, per_item, item_names in facts.per_item_loops():
        calls = _Calls()
        for call in per_item:
            calls.add(call)
        if not _resolves(calls, known, methods, local, facts, table, project):
            continue
        if type(loop) is ast.For and _shares_state(loop, item_names, facts, may_be_io):  # type: ignore[arg-type]
            continue
        return True
    return False


def _shares_state(
    loop: ast.For,
    item_names: frozenset[str],
    facts: _ModuleFacts,
    may_be_io: Callable[[ast.Call], bool],
) -> bool:
    """Whether the body calls a method of an object from outside the loop that the body
    scan counts as changing state the iterations share (``self.rebuild()``): its owner is
    a plain name the iteration does not bind, accumulate into or import, the method is no
    logging, reading, assertion or queue put, no function of the module bears its name (a
    helper that only computes is allowed) and the call cannot be I/O. A module with a star
    import shares nothing here (the owner may be a module it binds)."""
    if facts.star_import:
        return False
    local = item_names | _accumulated_into(loop.body)
    for call in _calls_outside_definitions(loop.body):
        func = call.func
        if type(func) is not ast.Attribute:
            continue
        owner = _base_name(func.value)  # type: ignore[attr-defined]
        method = func.attr  # type: ignore[attr-defined]
        if owner is None or owner in local or owner in facts.imports:
            continue
        if method.startswith("assert") or method in HARMLESS_METHODS or method in QUEUE_PUTS:
            continue
        if method in facts.functions or may_be_io(call):
            continue
        return True
    return False


def _base_name(node: ast.expr) -> str | None:
    """``a`` for ``a``, ``a.b``, ``a[k]``, ``a[k].b``; None otherwise."""
    while type(node) is ast.Attribute or type(node) is ast.Subscript:
        node = node.value  # type: ignore[attr-defined]
    return node.id if type(node) is ast.Name else None  # type: ignore[attr-defined]


def _accumulated_into(body: list[ast.stmt]) -> set[str]:
    """The owners of what a body may accumulate into: receivers of ``append``-like calls,
    of stored items and of augmented assignments (a wider set than the body scan's)."""
    owners: set[str | None] = set()
    for statement in body:
        for node in _below(statement):
            kind = type(node)
            if kind is ast.Call and type(node.func) is ast.Attribute:  # type: ignore[attr-defined]
                if node.func.attr in ACCUMULATING_METHODS:  # type: ignore[attr-defined]
                    owners.add(_base_name(node.func.value))  # type: ignore[attr-defined]
            elif kind is ast.Subscript and type(node.ctx) is ast.Store:  # type: ignore[attr-defined]
                owners.add(_base_name(node))  # type: ignore[arg-type]
            elif kind is ast.AugAssign:
                owners.add(_base_name(node.target))  # type: ignore[attr-defined]
    owners.discard(None)
    return owners  # type: ignore[return-value]


def _calls_outside_definitions(body: list[ast.stmt]) -> Iterator[ast.Call]:
    """Every call in ``body``, not entering a function, class or lambda."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind in _DEFINITIONS:
            continue
        if kind is ast.Call:
            yield node  # type: ignore[misc]
        stack.extend(ast.iter_child_nodes(node))


_DEFINITIONS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda})


def _resolves(
    calls: _Calls,
    names: set[str],
    methods: frozenset[str],
    local: set[str],
    facts: _ModuleFacts,
    table: Iterable[str],
    project: _ProjectNames,
) -> bool:
    """Whether one of ``calls`` may resolve to I/O (see :func:`_may_resolve_to_io`); a
    method of the module (``local``) counts only on a name that is some method's first
    parameter (``self.load()``): the rules resolve ``obj.load()`` on no other receiver."""
    if not calls.names.isdisjoint(names) or not calls.attributes.isdisjoint(methods):
        return True
    for receiver, attribute in calls.receivers:
        if receiver is None:
            continue
        head, dot, rest = receiver.partition(".")
        if not dot and attribute in local and head in facts.method_receivers:
            return True
        if project.may_be_io(f"{receiver}.{attribute}"):
            return True
        for target in facts.imports.get(head, ()):
            if ".".join(filter(None, (target, rest, attribute))) in table:
                return True
    return False


def _first_parameters(body: list[ast.stmt]) -> Iterator[str]:
    """The first parameter of each function of a class body (in its ``if`` / ``try`` /
    ``with`` blocks too; not inside another function or class)."""
    pending = list(body)
    while pending:
        statement = pending.pop()
        kind = type(statement)
        if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            arguments = statement.args  # type: ignore[attr-defined]
            ordered = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            ordered += [star for star in (arguments.vararg, arguments.kwarg) if star]
            if ordered:
                yield ordered[0].arg
        elif kind is not ast.ClassDef:
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                pending.extend(getattr(statement, field, ()))


def _any_project(targets: Iterable[str]) -> bool:
    """Whether an import target may be a module of the scanned project: a relative one,
    or one outside the standard library and the known packages."""
    return any(
        target.startswith(".") or target.partition(".")[0] not in RESERVED_TOP_LEVEL
        for target in targets
    )


def _star_imports(tree: ast.Module) -> bool:
    """Whether the module has a ``from ... import *`` at its top level."""
    return any(
        isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
        for node in tree.body
    )


def may_block_in_async(tree: ast.Module, extra_io_calls: tuple[tuple[str, str], ...]) -> bool:
    """Whether some call inside an ``async def`` of ``tree`` may block (CL401)."""
    facts = module_facts(tree)
    table = {**io_table(extra_io_calls), **BLOCKING_CALLS}
    names, attributes = _callable_names(facts, table)
    # A receiver may be typed by an annotation: an importable constructor is enough.
    for constructors, methods in (
        *((group, methods) for group, (_kind, methods) in IO_METHODS.items()),
        *BLOCKING_CLIENT_METHODS.items(),
    ):
        if any(_reachable(constructor, facts.targets) for constructor in constructors):
            attributes |= methods
    if facts.in_async.attributes and any(
        _reachable(pool, facts.targets) for pool in URLLIB3_POOL_TYPES
    ):
        return True  # every method of a urllib3 pool but its bookkeeping blocks
    return facts.in_async.calls_any(names, attributes)


def may_await_in_loop(tree: ast.Module) -> bool:
    """Whether some loop of ``tree`` holds an ``await``, ``async with`` or ``async for``
    (CL103)."""
    return module_facts(tree).awaits_in_loop


def may_await_per_item(tree: ast.Module) -> bool:
    """Whether some ``for`` loop (no ``else``) whose innermost function is an ``async def``
    awaits, in its body, a call CL103 may judge independent: one with arguments, whose
    callee is neither the loop's item nor ordered by its name (``queue.put``,
    ``reader.read*``), or such a call wrapped (``asyncio.wait_for(fetch(x), 5)``)."""
    facts = module_facts(tree)
    if not facts.awaits_in_loop:
        return False
    return any(
        _awaits_per_item(loop)
        for function in facts.async_functions
        for loop in _own_for_loops(function)
    )


def _own_for_loops(function: ast.AsyncFunctionDef) -> list[ast.For]:
    """The ``for`` loops whose innermost function is ``function`` (classes entered)."""
    found = []
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        kind = type(node)
        if kind in _FUNCTIONS:
            continue
        if kind is ast.For and not node.orelse:  # type: ignore[attr-defined]
            found.append(node)
        pending.extend(ast.iter_child_nodes(node))
    return found  # type: ignore[return-value]


_FUNCTIONS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda})


def _awaits_per_item(loop: ast.For) -> bool:
    items = _target_names(loop.target)
    if not items:
        return False
    for statement in loop.body:
        for node in _below(statement):
            if type(node) is ast.Await and type(node.value) is ast.Call:  # type: ignore[attr-defined]
                if _may_await_on_item(node.value, items):  # type: ignore[attr-defined]
                    return True
            elif type(node) is ast.AsyncWith:
                for item in node.items:  # type: ignore[attr-defined]
                    if type(item.context_expr) is ast.Call and _may_await_on_item(
                        item.context_expr, items
                    ):
                        return True
    return False


def _may_await_on_item(call: ast.Call, items: set[str], wrapped: bool = True) -> bool:
    if wrapped:
        given = [*call.args, *(keyword.value for keyword in call.keywords)]
        if any(
            type(value) is ast.Call and _may_await_on_item(value, items, False) for value in given
        ):
            return True  # ``wait_for(fetch(x), 5)``: the wrapped call is the one judged
    if not call.args and not call.keywords:
        return False  # nothing of the item passed
    dotted = _dotted(call.func)
    if dotted is None:
        return True
    last = dotted.rpartition(".")[2]
    return not (
        dotted.partition(".")[0] in items
        or last in ORDERED_AWAIT_METHODS
        or last.startswith(ORDERED_AWAIT_PREFIXES)
    )


def _target_names(target: ast.expr) -> set[str]:
    """The names a loop target binds as CL103 reads them (not attributes or items)."""
    if type(target) is ast.Name:
        return {target.id}  # type: ignore[attr-defined]
    if type(target) in (ast.Tuple, ast.List):
        return {name for element in target.elts for name in _target_names(element)}  # type: ignore[attr-defined]
    if type(target) is ast.Starred:
        return _target_names(target.value)  # type: ignore[attr-defined]
    return set()


def _callable_names(facts: _ModuleFacts, table: Iterable[str]) -> tuple[set[str], set[str]]:
    """The names and attribute names a call may have to resolve to an entry of
    ``table`` in this module: builtins, imported names, last parts of importable ones."""
    names = {name.removeprefix("builtins.") for name in table if name.startswith("builtins.")}
    entries = set(table)
    names.update(local for local, bound in facts.imports.items() if not bound.isdisjoint(entries))
    attributes = {name.rpartition(".")[2] for name in entries if _reachable(name, facts.targets)}
    return names, attributes


def _functions_calling(facts: _ModuleFacts, names: set[str], attributes: set[str]) -> set[str]:
    """Functions of the module that call one of ``names`` / ``attributes``, however deep
    the chain of the module's own functions in between."""
    found: set[str] = set()
    grew = True
    while grew:
        grew = False
        for name, calls in facts.functions.items():
            if name not in found and calls.calls_any(names | found, attributes | found):
                found.add(name)
                grew = True
    return found


def _reachable(qualified: str, import_targets: set[str]) -> bool:
    """Whether an attribute chain on an imported name can spell ``qualified``."""
    if qualified.startswith("builtins."):
        return True
    if qualified in import_targets:
        return True
    end = qualified.rfind(".")
    while end > 0:  # each shorter prefix that ends before a dot
        if qualified[:end] in import_targets:
            return True
        end = qualified.rfind(".", 0, end)
    return False


def _called(constructor: str, facts: _ModuleFacts) -> bool:
    """Whether some call of the module may spell ``constructor``: ``Path(...)`` through
    its import, or ``pathlib.Path(...)`` through an attribute."""
    if constructor.rpartition(".")[2] in facts.anywhere.attributes:
        return True
    return any(constructor in facts.imports.get(name, ()) for name in facts.anywhere.names)


def _dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of names and attributes; None for any other receiver (a
    call, a subscript, a literal)."""
    parts = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)  # type: ignore[attr-defined]
        node = node.value  # type: ignore[attr-defined]
    if type(node) is not ast.Name:
        return None
    parts.append(node.id)  # type: ignore[attr-defined]
    return ".".join(reversed(parts))
