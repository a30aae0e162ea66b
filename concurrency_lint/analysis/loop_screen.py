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

_LOOPS = (
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


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
        self.calls_map = False
        # (node, inside a loop, the functions whose body holds it)
        stack: list[tuple[ast.AST, bool, tuple[_Calls, ...]]] = [(tree, False, ())]
        while stack:
            node, in_loop, owners = stack.pop()
            if isinstance(node, ast.Call):
                self._call(node, in_loop, owners)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                self._import(node)
            elif isinstance(node, _FUNCTIONS):
                owners = (*owners, self._function(node))
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(
                node.value, ast.Lambda
            ):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        self.functions.setdefault(target.id, _Calls())
            inner = in_loop or isinstance(node, _LOOPS)
            stack.extend((child, inner, owners) for child in ast.iter_child_nodes(node))
        self._lambda_bodies(tree)

    def _call(self, call: ast.Call, in_loop: bool, owners: tuple[_Calls, ...]) -> None:
        func = call.func
        if (isinstance(func, ast.Name) and func.id == "map") or (
            isinstance(func, ast.Attribute) and func.attr == "map"
        ):
            self.calls_map = True
        if in_loop:
            self.in_loops.add(call)
        for owner in owners:
            owner.add(call)

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            if isinstance(node, ast.Import):
                local = alias.asname or alias.name.partition(".")[0]
                target = alias.name if alias.asname else local
            elif alias.name == "*":
                continue
            else:
                local = alias.asname or alias.name
                target = f"{node.module}.{alias.name}" if node.module else alias.name
                if node.level:
                    continue  # relative: never a known module
            self.imports.setdefault(local, set()).add(target)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> _Calls:
        if isinstance(node, ast.Lambda):
            return _Calls()  # named through an assignment: see _lambda_bodies
        return self.functions.setdefault(node.name, _Calls())

    def _lambda_bodies(self, tree: ast.Module) -> None:
        """``name = lambda ...: body``: the calls of the body belong to ``name``."""
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Lambda):
                calls = _Calls()
                for inner in ast.walk(node.value.body):
                    if isinstance(inner, ast.Call):
                        calls.add(inner)
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        known = self.functions[target.id]
                        known.names |= calls.names
                        known.attributes |= calls.attributes


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
        if any(_reachable(constructor, targets) for constructor in constructors):
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
