"""Sequential I/O loops: loops whose independent iterations each block on I/O.

A loop qualifies when every iteration performs blocking I/O (file contents, network,
child processes, directory listings) that depends on the loop variable, and no iteration
depends on another (:mod:`concurrency_lint.analysis.loop_body`). The same question is
asked of list/set/dict comprehensions and of ``list(map(f, items))``; nested loops whose
inner loop does the I/O are recognised as one flattened batch.

Results are cached per module, so rules that ask about the same loop share one answer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import libcst as cst

from concurrency_lint.analysis.callables import resolve_callable, work_of
from concurrency_lint.analysis.calls import int_value, positional_args
from concurrency_lint.analysis.definitions import module_index
from concurrency_lint.analysis.destinations import (
    TRANSFER_CALLS,
    Carrying,
    is_listing,
    keyed_names,
    shared_destination,
)
from concurrency_lint.analysis.file_context import AnalysisContext
from concurrency_lint.analysis.io_detection import IoCall, calls_in, io_kind_of_call
from concurrency_lint.analysis.loop_body import (
    BodyFacts,
    base_name,
    names_read,
    scan_body,
    target_names,
)
from concurrency_lint.analysis.semantics import Semantics
from concurrency_lint.analysis.tree_walk import descendants, walk_visitor
from concurrency_lint.knowledge.cpu_calls import NEUTRAL_CALLS, PURE_METHODS, gil_holding_calls
from concurrency_lint.knowledge.io_calls import (
    QUICK_IO_CALLS,
    WORKER_CEILINGS,
    IoKind,
    io_call_names,
    io_table,
)
from concurrency_lint.knowledge.lifecycle import QUEUES
from concurrency_lint.knowledge.mutating_methods import (
    COLLECTION_MUTATORS,
    HARMLESS_METHODS,
    QUEUE_PUTS,
)

#: Calls that read or write a stream handed in as an argument (position): per-item work
#: only when that stream is the item's own; one shared stream is sequential by nature.
STREAM_ARGUMENTS: dict[str, tuple[int, ...]] = {
    "os.read": (0,),
    "os.write": (0,),
    "json.load": (0,),
    "json.dump": (1,),
    "pickle.load": (0,),
    "pickle.dump": (1,),
    "yaml.safe_load": (0,),
    "csv.reader": (0,),
    "shutil.copyfileobj": (0, 1),
}
#: Calls whose effect depends on what earlier iterations did to the process or the file
#: system (a parent folder removed only once its children are): iterations are ordered.
ORDER_SENSITIVE_CALLS = frozenset({"os.rmdir", "os.removedirs", "os.chdir", "os.umask"})
#: Calls that end the program: like ``break``, the items after the failing one never run.
PROGRAM_EXITS = frozenset({"sys.exit", "os._exit", "builtins.exit", "builtins.quit"})
#: Calls that open a file and return its handle: alone, nothing is read or written yet.
FILE_OPENERS = frozenset({"builtins.open", "io.open", "codecs.open", "Path.open"})
#: Keywords that name the resource of an I/O call made without positional arguments.
RESOURCE_KEYWORDS = frozenset({"file", "url", "args", "path", "filename", "name", "host"})
#: Outer iterables that the body can steer while they run (``os.walk`` descends into
#: what the body leaves in place): not flattened into one batch.
LAZY_WALKERS = frozenset({"os.walk", "os.fwalk"})
MIN_LITERAL_ITEMS = 3

LoopNode = cst.For | cst.ListComp | cst.SetComp | cst.DictComp | cst.Call


@dataclass(frozen=True)
class IoLookup:
    """How to tell an I/O call: the function table, and optionally the module's own
    functions (``local`` says what I/O a call to one of them does, or None)."""

    semantics: Semantics
    table: Mapping[str, IoKind]
    local: Callable[[cst.Call], IoCall | None] | None = None
    #: True for a call of one of the module's own helpers that changes no shared state
    harmless: Callable[[cst.Call], bool] | None = None

    def io_of(self, call: cst.Call) -> IoCall | None:
        found = io_kind_of_call(call, self.semantics, self.table)
        if found is None and self.local is not None:
            found = self.local(call)
        return found


def io_lookup(context: AnalysisContext) -> IoLookup:
    """The lookup rules use: the I/O table with the user's extras, and the module's own
    functions classified by :func:`~concurrency_lint.analysis.callables.work_of`."""

    def local(call: cst.Call) -> IoCall | None:
        if not isinstance(call.func, (cst.Name, cst.Attribute)):
            return None
        name = call.func.value if isinstance(call.func, cst.Name) else call.func.attr.value
        work = work_of(call.func, context)
        if work is None:
            kind = _project_function_io(call, context.semantics)
            return IoCall(call, kind, f"{name}()") if kind is not None else None
        if work.kind != "io" or work.io_kind is None:
            return None
        return IoCall(call, work.io_kind, f"{name}()")

    def harmless(call: cst.Call, depth: int = 2) -> bool:
        """A helper that only computes: every call in it is a pure built-in, a light or
        CPU-bound library call, a reading or logging method, or another such helper."""
        target = resolve_callable(call.func, context)
        if (
            not isinstance(target, cst.FunctionDef)
            or target.asynchronous is not None
            or depth < 0
            or writes_outside_locals(target)
        ):
            return False
        semantics = context.semantics
        for decorator in target.decorators:
            if semantics.qualified_name(decorator.decorator) not in _PLAIN_DECORATORS:
                return False
        cpu = gil_holding_calls(context.config.extra_cpu_calls)
        for inner in calls_in(target.body):
            qualified = semantics.qualified_name(inner.func)
            if qualified is not None:
                if qualified in NEUTRAL_CALLS or qualified in cpu:
                    continue
                return False
            func = inner.func
            if isinstance(func, cst.Attribute) and (
                func.attr.value in HARMLESS_METHODS or func.attr.value in PURE_METHODS
            ):
                continue  # mutations of its own values only (``writes_outside_locals``)
            if not harmless(inner, depth - 1):
                return False
        return True

    return IoLookup(context.semantics, io_table(context.config.extra_io_calls), local, harmless)


def _project_function_io(call: cst.Call, semantics: Semantics) -> IoKind | None:
    """The I/O a function of another module of the project does (through the project
    model), when it changes no shared state."""
    project = semantics.project
    if project is None:
        return None
    qualified = semantics.qualified_name(call.func)
    if qualified is None or qualified.startswith("builtins."):
        return None
    kind = project.function_io(qualified)
    return kind if kind in WORKER_CEILINGS else None  # type: ignore[return-value]


_PLAIN_DECORATORS = frozenset({"builtins.staticmethod", "builtins.classmethod"})
#: Methods that change the collection they are called on.
_MUTATING_METHODS = COLLECTION_MUTATORS


def writes_outside_locals(function: cst.FunctionDef) -> bool:
    """Whether a function may change state beyond its own local names: it assigns an
    attribute or an item of a value it did not make, declares ``global`` / ``nonlocal``,
    deletes one, or calls a mutating method (``append``, ``update``...) on one."""
    nodes = list(descendants(function.body, prune=(cst.FunctionDef, cst.ClassDef, cst.Lambda)))
    made = {
        name
        for node in nodes
        if isinstance(node, cst.Assign)
        and isinstance(node.value, (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp))
        for target in node.targets
        for name in target_names(target.target)
    }
    for node in nodes:
        if isinstance(node, (cst.Global, cst.Nonlocal)):
            return True
        targets: list[cst.BaseExpression] = []
        if isinstance(node, cst.Assign):
            targets = [target.target for target in node.targets]
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.Del)):
            targets = [node.target]
        elif (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in _MUTATING_METHODS
        ):
            targets = [node.func.value]
        rebinds = isinstance(node, (cst.Assign, cst.AugAssign, cst.AnnAssign))
        for target in targets:
            for part in _target_parts(target):
                if isinstance(part, cst.Name) and rebinds:
                    continue  # a local name
                if base_name(part) not in made:
                    return True
    return False


def _target_parts(target: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(target, (cst.Tuple, cst.List)):
        return [part for element in target.elements for part in _target_parts(element.value)]
    if isinstance(target, cst.StarredElement):
        return _target_parts(target.value)
    return [target]


class IoLoopTracker:
    """Which loops of the single pass hold a call that could be I/O.

    Fed by a rule as the pass enters loops and calls and leaves loops. A call can be I/O
    only when the name it calls is one :meth:`IoLookup.io_of` could recognise: the last
    part of a known I/O function, a method of an I/O object, an imported name (or an
    attribute read off one: a function of an imported module), or a function of this
    module. A loop without such a call anywhere inside it cannot do
    I/O, so its analysis is skipped: the answer for it would be None.
    """

    def __init__(self, context: AnalysisContext) -> None:
        index = loop_index(context.module)
        self._names, self._attributes, self._imported = index.io_candidates(
            context.module, context.config.extra_io_calls
        )
        self._open: list[cst.CSTNode] = []
        self._with_io: set[cst.CSTNode] = set()
        #: ``from <module> import *`` binds names not known here: any called name may be I/O
        self._any_name = index.star_imports(context.module)

    def enter(self, node: cst.CSTNode) -> None:
        self._open.append(node)

    def leave(self, node: cst.CSTNode) -> bool:
        """Close ``node`` (the innermost open loop); True when it may do I/O."""
        self._open.pop()
        return node in self._with_io

    def call(self, call: cst.Call) -> None:
        func = call.func
        if isinstance(func, cst.Name):
            candidate = self._any_name or func.value in self._names
        elif isinstance(func, cst.Attribute):
            candidate = (
                func.attr.value in self._attributes or base_name(func.value) in self._imported
            )
        else:
            candidate = False
        if not candidate:
            return
        for loop in reversed(self._open):  # an open loop marked before: so are its parents
            if loop in self._with_io:
                break
            self._with_io.add(loop)


class TracksIoLoops:
    """Mixin for a loop rule: feeds ``self.io_loops`` as the pass enters loops and calls;
    the rule closes each loop with ``self.io_loops.leave(node)`` in its ``leave_`` method."""

    io_loops: IoLoopTracker

    def visit_For(self, node: cst.For) -> None:
        self.io_loops.enter(node)

    def visit_Call(self, node: cst.Call) -> None:
        self.io_loops.call(node)


@dataclass(frozen=True)
class LoopIo:
    """A loop (or comprehension, or ``list(map(...))``) that runs I/O item by item."""

    node: LoopNode
    target: cst.BaseExpression | None  # None for ``list(map(f, items))``
    items: cst.BaseExpression
    calls: tuple[IoCall, ...]
    facts: BodyFacts | None  # for ``for`` loops

    @property
    def kind(self) -> IoKind:
        """The I/O kind that bounds the worker count (the smallest ceiling seen)."""
        return min((call.kind for call in self.calls), key=lambda kind: WORKER_CEILINGS[kind])

    @property
    def labels(self) -> list[str]:
        return sorted({call.label for call in self.calls})


@dataclass(frozen=True)
class NestedLoopIo:
    """An outer loop whose inner loop does the I/O: one flattened batch."""

    outer: cst.For
    inner: LoopIo
    outer_facts: BodyFacts


class LoopIndex:
    """Per-module answers about loops; get it with :func:`loop_index`."""

    def __init__(self) -> None:
        self._loops: dict[cst.CSTNode, LoopIo | None] = {}
        self._nested: dict[cst.For, NestedLoopIo | None] = {}
        self.claimed: set[cst.For] = set()  # inner loops reported as part of a nested batch
        self._candidates: dict[
            tuple[tuple[str, str], ...], tuple[frozenset[str], frozenset[str], frozenset[str]]
        ] = {}
        self._stars: bool | None = None
        self._bodies: dict[cst.For, BodyFacts] = {}

    def body_facts(self, node: cst.For, names: Sequence[str]) -> BodyFacts:
        """:func:`scan_body` of a ``for`` whose target binds ``names``, scanned once for
        both loop rules (the facts are not changed once scanned)."""
        found = self._bodies.get(node)
        if found is None:
            found = self._bodies[node] = scan_body(names, node.body.body)  # type: ignore[attr-defined]
        return found

    def io_candidates(
        self, module: cst.Module, extra: tuple[tuple[str, str], ...]
    ) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """The names a called ``Name`` and a called attribute may have for the call to
        be I/O (last parts of the I/O table, methods of I/O objects, imported names and
        functions of this module), and the imported names, which may lead a called
        attribute (``client.fetch()`` after ``from . import client``)."""
        found = self._candidates.get(extra)
        if found is None:
            defined: set[str] = set()
            imported: set[str] = set()
            for scope in module_index(module).bindings.values():
                for name, bindings in scope.items():
                    kinds = {binding.kind for binding in bindings}
                    if kinds & {"def", "lambda"}:
                        defined.add(name)
                    if "import" in kinds:
                        imported.add(name)
            last, methods = io_call_names(extra)
            found = self._candidates[extra] = (
                frozenset(last | defined | imported),
                frozenset(last | methods | defined),
                frozenset(imported),
            )
        return found

    def star_imports(self, module: cst.Module) -> bool:
        """Whether the module has a ``from ... import *`` at its top level."""
        if self._stars is None:
            self._stars = any(
                isinstance(small, cst.ImportFrom) and isinstance(small.names, cst.ImportStar)
                for statement in module.body
                if isinstance(statement, cst.SimpleStatementLine)
                for small in statement.body
            )
        return self._stars

    def for_loop(self, node: cst.For, lookup: IoLookup) -> LoopIo | None:
        if node not in self._loops:
            found = None
            if not self._from_resource_generator(node.iter, lookup.semantics.module):
                found = _for_loop_io(self, node, lookup)
            self._loops[node] = found
        return self._loops[node]

    def _from_resource_generator(self, iterable: cst.BaseExpression, module: cst.Module) -> bool:
        """``for f in get_files():`` where ``get_files`` (a function of this module) yields
        from inside a ``with`` or ``try``: each item lives only until the next one is
        asked for, so the items cannot be worked on side by side."""
        if not isinstance(iterable, cst.Call):
            return False
        func = iterable.func
        name = func.value if isinstance(func, cst.Name) else None
        if isinstance(func, cst.Attribute):
            name = func.attr.value
        if name is None:
            return False
        return name in module_index(module).resource_generators

    def nested(self, node: cst.For, lookup: IoLookup) -> NestedLoopIo | None:
        if node not in self._nested:
            found = _nested_loop_io(self, node, lookup)
            self._nested[node] = found
            if found is not None:
                self.claimed.add(found.inner.node)  # type: ignore[arg-type]
        return self._nested[node]


#: The indexes of the last few modules (modules are not weakly referenceable; the
#: module is kept alongside so its id cannot be reused while the entry lives).
_INDEXES: OrderedDict[int, tuple[cst.Module, LoopIndex]] = OrderedDict()
_INDEXES_KEPT = 4
_INDEXES_LOCK = threading.Lock()


def loop_index(module: cst.Module) -> LoopIndex:
    """The loop index of one parsed module (created on first use)."""
    with _INDEXES_LOCK:
        entry = _INDEXES.get(id(module))
        if entry is None or entry[0] is not module:
            entry = _INDEXES[id(module)] = (module, LoopIndex())
            while len(_INDEXES) > _INDEXES_KEPT:
                _INDEXES.popitem(last=False)
        return entry[1]


def forget_loop_index(module: cst.Module) -> None:
    """Drop the loop index of ``module`` (its pass is over: the tree need not stay alive)."""
    with _INDEXES_LOCK:
        entry = _INDEXES.get(id(module))
        if entry is not None and entry[0] is module:
            del _INDEXES[id(module)]


def _items_built_on_each_other(node: cst.BaseExpression, semantics: Semantics) -> bool:
    """A literal of names one of which is bound (once) to a value built from another
    (``b = os.path.join(a, "ham")`` and ``for d in (a, b)``): the work on one item may
    need the work on another done first (a folder made inside the other)."""
    if not isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        return False
    listed = {
        element.value.value for element in node.elements if isinstance(element.value, cst.Name)
    }
    for name in listed:
        value = semantics.single_value(name)
        if value is not None and not names_read(value).isdisjoint(listed - {name}):
            return True
    return False


def _small_collection(node: cst.BaseExpression, lookup: IoLookup) -> bool:
    """A small literal, or a name bound once to one and never changed."""
    if isinstance(node, cst.Name):
        value = lookup.semantics.unchanged_value(node.value)
        return value is not None and is_small_literal(value)
    return is_small_literal(node)


def is_small_literal(node: cst.BaseExpression) -> bool:
    """A literal collection of fewer than 3 items, or ``range(n)`` with ``n < 3``."""
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        elements = node.elements
        return len(elements) < MIN_LITERAL_ITEMS and not any(
            isinstance(e, cst.StarredElement) for e in elements
        )
    if isinstance(node, cst.Dict):
        return len(node.elements) < MIN_LITERAL_ITEMS and not any(
            isinstance(e, cst.StarredDictElement) for e in node.elements
        )
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value == "range"
    ):
        args = positional_args(node)
        if len(args) == 1 and len(node.args) == 1:
            count = int_value(args[0].value)
            return count is not None and count < MIN_LITERAL_ITEMS
    return False


def dependent_io(
    nodes: list[cst.CSTNode], tainted: set[str] | frozenset[str], lookup: IoLookup
) -> list[IoCall]:
    """The I/O calls inside ``nodes`` whose resource depends on a tainted name."""
    found: list[IoCall] = []
    seen: set[int] = set()
    for node in nodes:
        for call in calls_in(node):
            if id(call) in seen:
                continue
            seen.add(id(call))
            io = lookup.io_of(call)
            if io is not None and io.label not in QUICK_IO_CALLS and _depends(io, tainted):
                found.append(io)
    return found


def _depends(io: IoCall, tainted: set[str] | frozenset[str]) -> bool:
    """Does the resource the call waits on (its receiver, the path, URL or command in
    its first argument, the stream it reads) come from the item?"""
    if io.label.endswith("()"):  # one of the module's own functions: any argument
        return bool(names_read(io.call) & tainted)
    args = positional_args(io.call)
    positions = STREAM_ARGUMENTS.get(io.label)
    if positions is not None:
        return any(i < len(args) and names_read(args[i].value) & tainted for i in positions)
    parts: list[cst.CSTNode] = [io.call.func]
    if args:
        parts.append(args[0].value)
    else:
        parts.extend(
            arg.value
            for arg in io.call.args
            if arg.keyword is not None and arg.keyword.value in RESOURCE_KEYWORDS
        )
    return any(names_read(part) & tainted for part in parts)


def shared_state_call(node: cst.For, facts: BodyFacts, lookup: IoLookup) -> str | None:
    """A call in the body to a method of an object from outside the loop whose effect is
    unknown (``self.rebuild()``, ``parser.read(fp)``): the iterations may share state
    through it. Reads, logging, assertions and accumulation are not such calls."""
    local = facts.written | facts.targets | set(facts.accumulators)
    for call in calls_in(node.body):
        func = call.func
        if not isinstance(func, cst.Attribute):
            continue
        owner = base_name(func.value)
        method = func.attr.value
        if owner is None or owner in local or method.startswith("assert"):
            continue
        if method in HARMLESS_METHODS or lookup.semantics.imports.is_imported(owner):
            continue
        if _from_star_import(func.value, owner, lookup.semantics):
            continue  # a module or function a star import binds, like an imported one
        if lookup.io_of(call) is not None:
            continue
        if lookup.harmless is not None and lookup.harmless(call):
            continue  # a helper of this module that only computes
        if method in QUEUE_PUTS and lookup.semantics.type_of(func.value) in QUEUES:
            continue  # results handed to a thread-safe queue: accumulation
        return f"`{owner}.{method}()` may change state the iterations share"
    return None


def _from_star_import(receiver: cst.BaseExpression, owner: str, semantics: Semantics) -> bool:
    """Whether ``owner`` is a name a ``from <project module> import *`` binds to an
    imported module (``json`` from ``from .common import *``)."""
    if not semantics.imports.star_modules or semantics.scopes.lookup(owner)[0]:
        return False
    qualified = semantics.qualified_name(cst.Name(owner))
    return qualified is not None and qualified == owner and not qualified.startswith("builtins.")


def _for_loop_io(index: LoopIndex, node: cst.For, lookup: IoLookup) -> LoopIo | None:
    if node.asynchronous is not None or _small_collection(node.iter, lookup):
        return None
    if _items_built_on_each_other(node.iter, lookup.semantics):
        return None
    names = target_names(node.target)
    if not names or not isinstance(node.body, (cst.IndentedBlock, cst.SimpleStatementSuite)):
        return None
    facts = index.body_facts(node, names)
    if facts.blocker is not None:
        return None
    if names_read(node.iter) & (facts.written | set(facts.accumulators)):
        return None  # a worklist: the body feeds the iterable
    called = {lookup.semantics.call_name(call) for call in calls_in(node)}
    if called & ORDER_SENSITIVE_CALLS or called & PROGRAM_EXITS:
        return None
    if shared_state_call(node, facts, lookup) is not None:
        return None
    calls = dependent_io(facts.every_iteration, facts.tainted, lookup)
    if not calls or _moves_onto_shared_target(node, names, lookup):
        return None
    return LoopIo(node, node.target, node.iter, tuple(calls), facts)


def _moves_onto_shared_target(node: cst.For, targets: Sequence[str], lookup: IoLookup) -> bool:
    """A copy or move anywhere in the body (inner loops included) whose destination does
    not carry the loop's item: iterations may collide on it."""
    transfers = [
        io
        for call in calls_in(node.body)
        if (io := lookup.io_of(call)) is not None and io.label in TRANSFER_CALLS
    ]
    if not transfers:
        return False
    semantics = lookup.semantics
    qualify = semantics.qualified_name
    listed = (
        frozenset(targets)
        if is_listing(node.iter, qualify, semantics.unchanged_value)
        else frozenset()
    )
    body: Sequence[cst.BaseStatement] = node.body.body  # type: ignore[assignment]
    keyed = frozenset(keyed_names(targets, body, listed, qualify))
    return shared_destination(transfers, Carrying(keyed, listed, qualify))


def _nested_loop_io(index: LoopIndex, node: cst.For, lookup: IoLookup) -> NestedLoopIo | None:
    if node.asynchronous is not None or is_small_literal(node.iter):
        return None
    if _items_built_on_each_other(node.iter, lookup.semantics):
        return None
    names = target_names(node.target)
    if not names or not isinstance(node.body, cst.IndentedBlock):
        return None
    if isinstance(node.iter, cst.Call) and lookup.semantics.call_name(node.iter) in LAZY_WALKERS:
        return None
    facts = index.body_facts(node, names)
    if facts.blocker is not None or names_read(node.iter) & (
        facts.written | set(facts.accumulators)
    ):
        return None
    if shared_state_call(node, facts, lookup) is not None:
        return None
    for inner in facts.inner_loops:
        found = index.for_loop(inner, lookup)
        if found is not None:
            if _moves_onto_shared_target(node, names, lookup):
                return None  # items of different outer items may share a destination
            return NestedLoopIo(node, found, facts)
    return None


def comprehension_io(
    node: cst.ListComp | cst.SetComp | cst.DictComp, lookup: IoLookup
) -> LoopIo | None:
    """A one-``for`` comprehension whose element does I/O on the item."""
    comp = node.for_in
    if comp.asynchronous is not None or comp.inner_for_in is not None:
        return None
    if is_small_literal(comp.iter) or _items_built_on_each_other(comp.iter, lookup.semantics):
        return None
    parts: list[cst.CSTNode] = (
        [node.key, node.value] if isinstance(node, cst.DictComp) else [node.elt]
    )
    if any(_has_blocking_expression(part) for part in parts):
        return None
    tainted = set(target_names(comp.target))
    calls = dependent_io(parts, tainted, lookup)
    if not calls or (
        len(calls) == 1 and calls[0].call is parts[0] and calls[0].label in FILE_OPENERS
    ):
        return None  # ``[open(p) for p in paths]``: handles, read later
    return LoopIo(node, comp.target, comp.iter, tuple(calls), None)


def map_io(call: cst.Call, lookup: IoLookup) -> LoopIo | None:
    """``list(map(f, items))`` where ``f`` is a lambda doing I/O on its argument, or an
    I/O function itself (``list(map(os.listdir, dirs))``)."""
    semantics = lookup.semantics
    if semantics.call_name(call) != "builtins.list" or len(call.args) != 1:
        return None
    inner = call.args[0].value
    if not (isinstance(inner, cst.Call) and semantics.call_name(inner) == "builtins.map"):
        return None
    args = inner.args
    if len(args) != 2 or any(arg.keyword is not None or arg.star for arg in args):
        return None
    func, items = args[0].value, args[1].value
    if is_small_literal(items) or _items_built_on_each_other(items, semantics):
        return None
    if isinstance(func, cst.Lambda):
        params = func.params
        if (
            len(params.params) != 1
            or isinstance(params.star_arg, cst.Param)
            or params.kwonly_params
        ):
            return None
        if _has_blocking_expression(func.body):
            return None
        tainted = {params.params[0].name.value}
        calls = dependent_io([func.body], tainted, lookup)
        return LoopIo(call, None, items, tuple(calls), None) if calls else None
    probe = cst.Call(func, [cst.Arg(cst.Name("item"))])
    calls = dependent_io([probe], {"item"}, lookup)
    return LoopIo(call, None, items, tuple(calls), None) if calls else None


def _has_blocking_expression(node: cst.CSTNode) -> bool:
    finder = _Blocking()
    walk_visitor(node, finder)
    return finder.found


class _Blocking(cst.CSTVisitor):
    """Await, yield or ``:=`` (state carried out of the element)."""

    found = False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.Await, cst.Yield, cst.NamedExpr)):
            self.found = True
        return not self.found
