"""Second looks on the interpreter's own syntax tree, before LibCST parses a file.

LibCST's parse costs several times the interpreter's, and most files hold nothing a rule
with a common trigger (``for``, ``async def``, ``await``) reports. Each look here asks
the rule's question with wider answers, never narrower ones: every import counts
wherever it stands, a call anywhere inside a loop or an ``async def`` counts (nested
functions included), and every function of the module that calls such a name counts
however deep the chain.

- The loop rules report a loop holding a call that resolves to a known I/O function
  (through an import, or a builtin), to an I/O method of an object built by a known
  constructor, or to a function or method of this module that does such a call; or a
  ``map`` over such a callable (any call of ``map`` counts here).
- CL401 reports such a call, or a known blocking one, directly inside ``async def``
  (its receiver may also be typed by a parameter's annotation).
- CL103 reports ``await`` (or ``async with``, which awaits too) inside a ``for`` loop.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

from concurrency_lint.knowledge.asyncio_calls import (
    BLOCKING_CALLS,
    BLOCKING_CLIENT_METHODS,
    URLLIB3_POOL_TYPES,
)
from concurrency_lint.knowledge.io_calls import IO_METHODS, io_table, io_trigger_tokens

if TYPE_CHECKING:
    from concurrency_lint.config import Config

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
    }
)
_LEAVES = frozenset(
    kind
    for base in (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)
    for kind in base.__subclasses__()
)


class _Calls:
    """The names called (``f()``) and the attributes called (``x.f()``) somewhere."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.attributes: set[str] = set()

    def add(self, call: ast.Call) -> None:
        func = call.func
        if isinstance(func, ast.Name):
            self.names.add(func.id)
        elif isinstance(func, ast.Attribute):
            self.attributes.add(func.attr)

    def calls_any(self, names: Iterable[str], attributes: Iterable[str]) -> bool:
        """Whether one of ``names`` is called, or one of ``attributes`` is called on
        something."""
        return not (self.names.isdisjoint(names) and self.attributes.isdisjoint(attributes))


class _ModuleFacts:
    """One walk of the module: imports, functions with the calls they make, calls made
    inside loops, inside ``async def`` and anywhere, and whether a loop awaits."""

    def __init__(self, tree: ast.Module) -> None:
        self.imports: dict[str, set[str]] = {}  # local name -> qualified names it may bind
        self.functions: dict[str, _Calls] = {}  # name -> calls of every function so named
        self.in_loops = _Calls()
        self.in_async = _Calls()
        self.anywhere = _Calls()
        self.awaits_in_loop = False
        self._named_lambdas: dict[int, tuple[_Calls, ...]] = {}  # ``f = lambda``: f's calls
        # (node, inside a loop, inside ``async def``, the functions whose body holds it)
        stack: list[tuple[ast.AST, bool, bool, tuple[_Calls, ...]]] = [(tree, False, False, ())]
        pop, push, note, node_type = stack.pop, stack.append, self._note, ast.AST
        while stack:
            node, in_loop, in_async, owners = pop()
            kind = type(node)
            if kind in _NOTED:
                owners = note(node, in_loop, in_async, owners)
            if kind in _LOOP_TYPES:
                in_loop = True
            elif kind is ast.AsyncFunctionDef:
                in_async = True
            for field in node._fields:
                value = getattr(node, field, None)
                if type(value) is list:
                    for item in value:
                        if isinstance(item, node_type) and type(item) not in _LEAVES:
                            push((item, in_loop, in_async, owners))
                elif isinstance(value, node_type) and type(value) not in _LEAVES:
                    push((value, in_loop, in_async, owners))
        #: Every qualified name an import of the module binds.
        self.targets = {target for bound in self.imports.values() for target in bound}

    def calls_map(self) -> bool:
        """Whether ``map`` (or an alias of it, or ``x.map``) is called anywhere."""
        if "map" in self.anywhere.names or "map" in self.anywhere.attributes:
            return True
        return any(_MAP in self.imports.get(name, ()) for name in self.anywhere.names)

    def _note(
        self, node: ast.AST, in_loop: bool, in_async: bool, owners: tuple[_Calls, ...]
    ) -> tuple[_Calls, ...]:
        """Record what ``node`` says; the functions whose calls its children belong to."""
        if isinstance(node, ast.Call):
            self.anywhere.add(node)
            if in_loop:
                self.in_loops.add(node)
            if in_async:
                self.in_async.add(node)
            for owner in owners:
                owner.add(node)
        elif isinstance(node, (ast.Await, ast.AsyncWith, ast.AsyncFor)) or (
            isinstance(node, ast.comprehension) and node.is_async
        ):
            self.awaits_in_loop = self.awaits_in_loop or in_loop  # each one waits
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self._import(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
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

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        """Bind names the way :class:`~concurrency_lint.analysis.names.ImportMap` does
        (``from .client import fetch`` binds ``fetch`` to ``.client.fetch``)."""
        for alias in node.names:
            if isinstance(node, ast.Import):
                local = alias.asname or alias.name.partition(".")[0]
                target = alias.name if alias.asname else local
            elif alias.name == "*":
                continue  # binds names nobody can see here
            else:
                local = alias.asname or alias.name
                module = "." * node.level + (node.module or "")
                target = f"{module}.{alias.name}" if module else alias.name
            self.imports.setdefault(local, set()).add(target)


@functools.lru_cache(maxsize=8)
def _io_tokens(extra: tuple[tuple[str, str], ...]) -> frozenset[str]:
    # Path and session methods resolve through their constructors' modules.
    return io_trigger_tokens(extra) | {"pathlib", "requests", "httpx"}


def may_do_io(text: str, config: Config) -> bool:
    """Whether a file's text can call any known I/O function (else no loop rule can fire:
    the module's own I/O functions call one too). A look at the text, before any parse."""
    if "import *" in text or "from ." in text:
        return True  # a star or relative import may bind a project function doing I/O
    return any(token in text for token in _io_tokens(config.extra_io_calls))


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


def may_loop_over_io(tree: ast.Module, extra_io_calls: tuple[tuple[str, str], ...]) -> bool:
    """Whether some loop of ``tree`` may call I/O (see the module's docstring)."""
    facts = module_facts(tree)
    if facts.calls_map():
        return True
    if facts.in_loops.names and _star_imports(tree):
        return True  # a name a star import binds may be a project function doing I/O
    io_names, io_attributes = _callable_names(facts, io_table(extra_io_calls))
    # A function of another module of the package may do I/O (the project model says).
    io_names |= {
        local
        for local, bound in facts.imports.items()
        if any(target.startswith(".") for target in bound)
    }
    for constructors, (_kind, methods) in IO_METHODS.items():
        # An object is provably built by a constructor only where the module calls it.
        if any(_reachable(c, facts.targets) and _called(c, facts) for c in constructors):
            io_attributes |= methods
    doing_io = _functions_calling(facts, io_names, io_attributes)
    return facts.in_loops.calls_any(io_names | doing_io, io_attributes | doing_io)


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
    return any(
        qualified == target or qualified.startswith(f"{target}.") for target in import_targets
    )


def _called(constructor: str, facts: _ModuleFacts) -> bool:
    """Whether some call of the module may spell ``constructor``: ``Path(...)`` through
    its import, or ``pathlib.Path(...)`` through an attribute."""
    if constructor.rpartition(".")[2] in facts.anywhere.attributes:
        return True
    return any(constructor in facts.imports.get(name, ()) for name in facts.anywhere.names)
