"""asyncio context: which names hold a child process or a stream, which blocks bound time.

A per-module index (built once per file, in one walk) of the names bound by
``proc = await asyncio.create_subprocess_exec(...)``, ``reader, writer = await
asyncio.open_connection(...)``, parameters annotated ``asyncio.StreamReader`` and the
same on ``self.attribute`` in methods, plus the question "is this ``with`` item a
timeout scope?".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import libcst as cst

from concurrency_lint.analysis.calls import is_none, positional_args
from concurrency_lint.analysis.names import ImportMap, dotted_name
from concurrency_lint.analysis.tree_walk import walk_visitor
from concurrency_lint.knowledge.asyncio_calls import (
    CREATE_SUBPROCESS,
    DEADLINE_SCOPES,
    OPEN_CONNECTION,
    PROCESS_TYPES,
    STREAM_READER_TYPES,
    TIMEOUT_SCOPES,
    TIMEOUT_WRAPPERS,
)

ResourceKind = Literal["process", "reader"]


@dataclass
class ResourceIndex:
    """Names (per function) and ``self.`` attributes (per class) bound to a resource."""

    functions: dict[cst.FunctionDef, dict[str, ResourceKind | None]] = field(default_factory=dict)
    classes: dict[cst.ClassDef, dict[str, ResourceKind | None]] = field(default_factory=dict)

    def kind_in_function(self, function: cst.FunctionDef | None, name: str) -> ResourceKind | None:
        return self.functions.get(function, {}).get(name) if function is not None else None

    def kind_in_class(self, owner: cst.ClassDef | None, attribute: str) -> ResourceKind | None:
        return self.classes.get(owner, {}).get(attribute) if owner is not None else None


def resource_index(module: cst.Module) -> ResourceIndex:
    """Index every function and class of the module (one walk)."""
    imports = ImportMap()
    walk_visitor(module, _ImportCollector(imports))
    collector = _ResourceCollector(imports)
    walk_visitor(module, collector)
    return collector.index


def bounded_by_callers(module: cst.Module) -> frozenset[str]:
    """Names of functions that every call in the module wraps in ``asyncio.wait_for``.

    ``await asyncio.wait_for(client(addr), 10)`` bounds all of ``client``'s awaits; a
    function also called plainly somewhere (``await client(addr)``) is not bounded.
    """
    imports = ImportMap()
    walk_visitor(module, _ImportCollector(imports))
    counter = _CallerCounter(imports)
    walk_visitor(module, counter)
    return frozenset(
        name for name, total in counter.total.items() if counter.bounded.get(name) == total
    )


def is_timeout_scope(
    item: cst.WithItem, qualify: Callable[[cst.BaseExpression], str | None]
) -> bool:
    """True for ``asyncio.timeout(5)``, ``anyio.fail_after(5)``, ``CancelScope(deadline=d)``."""
    call = item.item
    if not isinstance(call, cst.Call):
        return False
    name = qualify(call.func)
    if name in TIMEOUT_SCOPES:
        given = positional_args(call)
        return not (given and is_none(given[0].value))
    if name in DEADLINE_SCOPES:
        return any(
            arg.keyword is not None
            and arg.keyword.value in ("deadline", "relative_deadline")
            and not is_none(arg.value)
            for arg in call.args
        )
    return False


def _bind(table: dict[str, ResourceKind | None], name: str, kind: ResourceKind | None) -> None:
    if name in table and table[name] != kind:
        table[name] = None
    else:
        table[name] = kind


class _ImportCollector(cst.CSTVisitor):
    def __init__(self, imports: ImportMap) -> None:
        self.imports = imports

    def visit_Import(self, node: cst.Import) -> None:
        self.imports.record_import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.imports.record_import_from(node)


class _CallerCounter(cst.CSTVisitor):
    def __init__(self, imports: ImportMap) -> None:
        self.imports = imports
        self.total: dict[str, int] = {}
        self.bounded: dict[str, int] = {}
        self._wrapped: set[int] = set()

    def visit_Call(self, node: cst.Call) -> None:
        if self.imports.qualify(node.func) in TIMEOUT_WRAPPERS:
            given = positional_args(node)
            if given and isinstance(given[0].value, cst.Call):
                self._wrapped.add(id(given[0].value))
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else None
        if isinstance(func, cst.Name):
            name = func.value
        if name is None:
            return
        self.total[name] = self.total.get(name, 0) + 1
        if id(node) in self._wrapped:
            self.bounded[name] = self.bounded.get(name, 0) + 1


class _ResourceCollector(cst.CSTVisitor):
    def __init__(self, imports: ImportMap) -> None:
        self.imports = imports
        self.index = ResourceIndex()
        self._functions: list[cst.FunctionDef] = []
        self._classes: list[cst.ClassDef] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(node)
        self.index.classes[node] = {}

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node)
        table: dict[str, ResourceKind | None] = {}
        self.index.functions[node] = table
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            kind = self._annotated_kind(param.annotation)
            table[param.name.value] = kind

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._functions.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        kinds = self._produced(node.value)
        for target in node.targets:
            self._bind_target(target.target, kinds)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind_target(node.target, self._produced(node.value))

    def _annotated_kind(self, annotation: cst.Annotation | None) -> ResourceKind | None:
        if annotation is None:
            return None
        name = self.imports.qualify(annotation.annotation)
        if name in STREAM_READER_TYPES:
            return "reader"
        if name in PROCESS_TYPES:
            return "process"
        return None

    def _produced(self, value: cst.BaseExpression) -> list[ResourceKind | None]:
        """What an assigned value is: one kind, or (reader, writer) for open_connection."""
        if not isinstance(value, cst.Await) or not isinstance(value.expression, cst.Call):
            return [None]
        call = value.expression
        name = self.imports.qualify(call.func)
        wrapped = positional_args(call)
        if name in TIMEOUT_WRAPPERS and wrapped and isinstance(wrapped[0].value, cst.Call):
            name = self.imports.qualify(wrapped[0].value.func)
        if name in CREATE_SUBPROCESS:
            return ["process"]
        if name in OPEN_CONNECTION:
            return ["reader", None]
        return [None]

    def _bind_target(self, target: cst.BaseExpression, kinds: list[ResourceKind | None]) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            elements = [element.value for element in target.elements]
            if len(kinds) != len(elements):
                kinds = [None] * len(elements)
            for element, kind in zip(elements, kinds, strict=True):
                self._bind_target(element, [kind])
            return
        kind = kinds[0] if len(kinds) == 1 else None
        if isinstance(target, cst.Name) and self._functions:
            _bind(self.index.functions[self._functions[-1]], target.value, kind)
            return
        dotted = dotted_name(target) if isinstance(target, cst.Attribute) else None
        if dotted is not None and dotted.startswith("self.") and self._classes:
            _bind(self.index.classes[self._classes[-1]], dotted, kind)
