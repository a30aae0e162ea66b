"""A quick look for a loop that could do I/O, on the interpreter's own syntax tree.

LibCST's parse costs several times the interpreter's, and most loops do no I/O. The
loop rules only report a loop holding a call that resolves to a known I/O function
(through an import, or a builtin), to an I/O method of an object built by a known
constructor, or to a function or method of this module that does such a call; or a
``map`` over such a callable. This look asks the same question with wider answers,
never narrower ones: every import counts wherever it stands, a call anywhere inside a
loop counts (nested functions included), every function of the module that calls such
a name counts however deep the chain, and any call of ``map`` counts.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from concurrency_lint.knowledge.io_calls import IO_METHODS, io_table

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
    inside loops, calls made anywhere."""

    def __init__(self, tree: ast.Module) -> None:
        self.imports: dict[str, set[str]] = {}  # local name -> qualified names it may bind
        self.functions: dict[str, _Calls] = {}  # name -> calls of every function so named
        self.in_loops = _Calls()
        self.anywhere = _Calls()
        self._named_lambdas: dict[int, tuple[_Calls, ...]] = {}  # ``f = lambda``: f's calls
        # (node, inside a loop, the functions whose body holds it)
        stack: list[tuple[ast.AST, bool, tuple[_Calls, ...]]] = [(tree, False, ())]
        while stack:
            node, in_loop, owners = stack.pop()
            owners = self._note(node, in_loop, owners)
            in_loop = in_loop or isinstance(node, _LOOPS)
            for field in node._fields:
                value = getattr(node, field, None)
                if type(value) is list:
                    stack.extend(
                        (item, in_loop, owners) for item in value if isinstance(item, ast.AST)
                    )
                elif isinstance(value, ast.AST):
                    stack.append((value, in_loop, owners))

    def calls_map(self) -> bool:
        """Whether ``map`` (or an alias of it, or ``x.map``) is called anywhere."""
        if "map" in self.anywhere.names or "map" in self.anywhere.attributes:
            return True
        return any(_MAP in self.imports.get(name, ()) for name in self.anywhere.names)

    def _note(self, node: ast.AST, in_loop: bool, owners: tuple[_Calls, ...]) -> tuple[_Calls, ...]:
        """Record what ``node`` says; the functions whose calls its children belong to."""
        if isinstance(node, ast.Call):
            self.anywhere.add(node)
            if in_loop:
                self.in_loops.add(node)
            for owner in owners:
                owner.add(node)
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


def may_loop_over_io(tree: ast.Module, extra_io_calls: tuple[tuple[str, str], ...]) -> bool:
    """Whether some loop of ``tree`` may call I/O (see the module's docstring)."""
    facts = _ModuleFacts(tree)
    if facts.calls_map():
        return True
    table = io_table(extra_io_calls)
    targets = {target for bound in facts.imports.values() for target in bound}
    io_names = {name.removeprefix("builtins.") for name in table if name.startswith("builtins.")}
    io_names.update(local for local, bound in facts.imports.items() if not bound.isdisjoint(table))
    io_attributes = {name.rpartition(".")[2] for name in table if _reachable(name, targets)}
    for constructors, (_kind, methods) in IO_METHODS.items():
        # An object is provably built by a constructor only where the module calls it.
        if any(
            _reachable(constructor, targets) and _called(constructor, facts)
            for constructor in constructors
        ):
            io_attributes |= methods
    # Functions of this module that may do I/O, however deep the chain.
    doing_io: set[str] = set()
    grew = True
    while grew:
        grew = False
        for name, calls in facts.functions.items():
            if name not in doing_io and calls.calls_any(
                io_names | doing_io, io_attributes | doing_io
            ):
                doing_io.add(name)
                grew = True
    return facts.in_loops.calls_any(io_names | doing_io, io_attributes | doing_io)


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
