"""A quick look for a loop that could do I/O, on the interpreter's own syntax tree.

LibCST's parse costs several times the interpreter's, and most loops do no I/O. The
loop rules only report a loop holding a call that resolves to a known I/O function
(through an import, or a builtin), to an I/O method of an object built by a known
constructor, or to a function or method of this module that does such a call. This
look asks the same question with wider answers, never narrower ones: every import
counts wherever it stands, a call anywhere inside a loop counts (nested functions
included), every function of the module that calls such a name counts however deep
the chain, and any call of ``map`` counts.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from concurrency_lint.knowledge.io_calls import IO_METHODS, io_table

_LOOPS = frozenset(
    {ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp}
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

    def meets(self, names: Iterable[str], attributes: Iterable[str]) -> bool:
        return not (self.names.isdisjoint(names) and self.attributes.isdisjoint(attributes))


class _ModuleFacts:
    """One walk of the module: imports, functions with the calls they make, calls made
    inside loops."""

    def __init__(self, tree: ast.Module) -> None:
        self.imports: dict[str, set[str]] = {}  # local name -> qualified names it may bind
        self.functions: dict[str, _Calls] = {}  # name -> calls of every function so named
        self.in_loops = _Calls()
        self.anywhere = _Calls()
        self.calls_map = False
        named_lambdas: dict[int, tuple[_Calls, ...]] = {}  # ``name = lambda``: name's calls
        # (node, inside a loop, the functions whose body holds it)
        stack: list[tuple[ast.AST, bool, tuple[_Calls, ...]]] = [(tree, False, ())]
        pop, push = stack.pop, stack.append
        while stack:
            node, in_loop, owners = pop()
            kind = type(node)
            if kind is ast.Call:
                self._call(node, in_loop, owners)  # type: ignore[arg-type]
            elif kind is ast.Import or kind is ast.ImportFrom:
                self._import(node)  # type: ignore[arg-type]
            elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                calls = self.functions.setdefault(node.name, _Calls())  # type: ignore[attr-defined]
                owners = (*owners, calls)
            elif kind is ast.Lambda:
                owners = (*owners, *named_lambdas.get(id(node), ()))
            elif (kind is ast.Assign or kind is ast.AnnAssign) and type(
                node.value  # type: ignore[attr-defined]
            ) is ast.Lambda:
                targets = node.targets if kind is ast.Assign else [node.target]  # type: ignore[attr-defined]
                named_lambdas[id(node.value)] = tuple(  # type: ignore[attr-defined]
                    self.functions.setdefault(target.id, _Calls())
                    for target in targets
                    if isinstance(target, ast.Name)
                )
            if not in_loop and kind in _LOOPS:
                in_loop = True
            for field in node._fields:
                value = getattr(node, field, None)
                if type(value) is list:
                    for item in value:
                        if isinstance(item, ast.AST):
                            push((item, in_loop, owners))
                elif isinstance(value, ast.AST):
                    push((value, in_loop, owners))

    def _call(self, call: ast.Call, in_loop: bool, owners: tuple[_Calls, ...]) -> None:
        func = call.func
        if (isinstance(func, ast.Name) and func.id == "map") or (
            isinstance(func, ast.Attribute) and func.attr == "map"
        ):
            self.calls_map = True
        self.anywhere.add(call)
        if in_loop:
            self.in_loops.add(call)
        for owner in owners:
            owner.add(call)

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            if isinstance(node, ast.Import):
                local = alias.asname or alias.name.partition(".")[0]
                target = alias.name if alias.asname else local
            elif alias.name == "*" or node.level:
                continue  # a star binds unknown names; a relative module is never known
            else:
                local = alias.asname or alias.name
                target = f"{node.module}.{alias.name}" if node.module else alias.name
            self.imports.setdefault(local, set()).add(target)


def may_loop_over_io(tree: ast.Module, extra_io_calls: tuple[tuple[str, str], ...]) -> bool:
    """Whether some loop of ``tree`` may call I/O (see the module's docstring)."""
    facts = _ModuleFacts(tree)
    if facts.calls_map:
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
            if name not in doing_io and calls.meets(io_names | doing_io, io_attributes | doing_io):
                doing_io.add(name)
                grew = True
    return facts.in_loops.meets(io_names | doing_io, io_attributes | doing_io)


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
