"""A per-module index of what every scope binds, built once per module.

Answers "which ``def`` (or ``name = lambda``) does this name denote here?" without
running the single pass to that point: the index sees the whole module, so a function
defined below the line that uses it resolves too. A name bound more than once in a scope,
or bound by anything but a ``def`` / lambda assignment, resolves to nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import libcst as cst

from concurrency_lint.analysis.names import ImportMap
from concurrency_lint.analysis.scopes import parameter_names
from concurrency_lint.analysis.tree_walk import walk

BindingKind = Literal["def", "lambda", "class", "assign", "import", "other"]
ScopeNode = cst.Module | cst.FunctionDef | cst.ClassDef | cst.Lambda


@dataclass(frozen=True)
class Binding:
    """One binding of a name in a scope: what kind, and the node or value it binds."""

    kind: BindingKind
    node: cst.CSTNode | None = None  # the def / lambda / class, or the assigned value


@dataclass
class ModuleIndex:
    """Bindings per scope, the parent scope of every def, lambda and class, all imports."""

    module: cst.Module
    bindings: dict[int, dict[str, list[Binding]]] = field(default_factory=dict)
    parents: dict[int, ScopeNode] = field(default_factory=dict)
    imports: ImportMap = field(default_factory=ImportMap)
    #: Names of functions that ``yield`` inside a ``with`` or ``try`` block.
    resource_generators: set[str] = field(default_factory=set)
    #: Memo for callers that derive facts from the index (keyed by their own tuples).
    memo: dict[tuple[object, ...], object] = field(default_factory=dict)

    def scope_bindings(self, scope: cst.CSTNode) -> dict[str, list[Binding]]:
        return self.bindings.get(id(scope), {})

    def single(self, scope: cst.CSTNode, name: str) -> Binding | None:
        """The one binding of ``name`` in ``scope``, or None (absent or bound twice)."""
        found = self.scope_bindings(scope).get(name)
        return found[0] if found is not None and len(found) == 1 else None

    def parent(self, node: cst.CSTNode) -> ScopeNode | None:
        return self.parents.get(id(node))

    def scope_chain(self, scope: ScopeNode) -> list[ScopeNode]:
        """``scope`` and the scopes it can see names of, innermost first (classes skipped)."""
        chain: list[ScopeNode] = [scope]
        current: ScopeNode | None = self.parent(scope)
        while current is not None:
            if not isinstance(current, cst.ClassDef):
                chain.append(current)
            current = self.parent(current)
        return chain

    def lookup(self, chain: list[ScopeNode], name: str) -> Binding | None:
        """The binding ``name`` denotes from the innermost scope of ``chain``.

        The first scope that binds the name decides; a second binding there, or one of a
        kind that is not provable, gives None.
        """
        for scope in chain:
            found = self.scope_bindings(scope).get(name)
            if found is None:
                continue
            return found[0] if len(found) == 1 else None
        return None

    def binder(self, chain: list[ScopeNode], name: str) -> tuple[ScopeNode, list[Binding]] | None:
        """The innermost scope of ``chain`` that binds ``name``, with all its bindings there."""
        for scope in chain:
            found = self.scope_bindings(scope).get(name)
            if found is not None:
                return scope, found
        return None


_CACHE: OrderedDict[int, ModuleIndex] = OrderedDict()
_CACHE_SIZE = 4


def module_index(module: cst.Module) -> ModuleIndex:
    """The index of ``module``, built on first use and kept for the last few modules."""
    cached = _CACHE.get(id(module))
    if cached is not None and cached.module is module:
        return cached
    index = ModuleIndex(module)
    _Indexer(index).run()
    _CACHE[id(module)] = index
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return index


def forget_module_index(module: cst.Module) -> None:
    """Drop the index of ``module`` (its pass is over: the tree need not stay alive)."""
    cached = _CACHE.get(id(module))
    if cached is not None and cached.module is module:
        del _CACHE[id(module)]


class _Indexer:
    """Records every binding, scope parent and import in one walk of the module in
    source order (so a later import of a name wins, as it does at run time)."""

    def __init__(self, index: ModuleIndex) -> None:
        self.index = index
        self.scope: ScopeNode = index.module
        self.function: str | None = None  # the innermost ``def`` around the node
        self.holding = 0  # ``with`` / ``try`` blocks around the node inside that function
        self._saved: list[tuple[ScopeNode, str | None, int]] = []

    def run(self) -> None:
        walk(self.index.module, self._enter_node, self._leave_node)

    def _enter_node(self, node: cst.CSTNode) -> bool:
        node_type = type(node)
        if node_type in _SCOPES:
            self._saved.append((self.scope, self.function, self.holding))
            if node_type is cst.FunctionDef:
                self.function, self.holding = node.name.value, 0  # type: ignore[attr-defined]
        elif node_type in _HOLDERS:
            self.holding += 1
        elif node_type is cst.Yield and self.function is not None and self.holding:
            self.index.resource_generators.add(self.function)
        record = _RECORDERS.get(node_type)
        if record is not None:
            record(self, node)
        return True

    def _leave_node(self, node: cst.CSTNode) -> None:
        node_type = type(node)
        if node_type in _SCOPES:
            self.scope, self.function, self.holding = self._saved.pop()
        elif node_type in _HOLDERS:
            self.holding -= 1

    def _function(self, node: cst.FunctionDef) -> None:
        self._bind(node.name.value, Binding("def", node))
        self._enter(node, node.params)

    def _class(self, node: cst.ClassDef) -> None:
        self._bind(node.name.value, Binding("class", node))
        self._enter(node, None)

    def _lambda(self, node: cst.Lambda) -> None:
        self._enter(node, node.params)

    def _assign(self, node: cst.Assign) -> None:
        single = len(node.targets) == 1
        for target in node.targets:
            self._bind_target(target.target, node.value if single else None)

    def _ann_assign(self, node: cst.AnnAssign) -> None:
        self._bind_target(node.target, node.value)

    def _rebind(self, node: cst.AugAssign | cst.NamedExpr | cst.For) -> None:
        self._bind_target(node.target, None)

    def _with_item(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name, node.item)

    def _except_handler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None and isinstance(node.name.name, cst.Name):
            self._bind(node.name.name.value, Binding("other"))

    def _declaration(self, node: cst.Global | cst.Nonlocal) -> None:
        for item in node.names:
            self._bind(item.name.value, Binding("other"))

    def _bind(self, name: str, binding: Binding) -> None:
        scope = self.index.bindings.setdefault(id(self.scope), {})
        scope.setdefault(name, []).append(binding)

    def _bind_target(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            if isinstance(value, cst.Lambda):
                self._bind(target.value, Binding("lambda", value))
            else:
                self._bind(target.value, Binding("assign" if value is not None else "other", value))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_target(element.value, None)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None)

    def _enter(self, node: ScopeNode, params: cst.Parameters | None) -> None:
        self.index.parents[id(node)] = self.scope
        self.scope = node
        if params is not None:
            for name in parameter_names(params):
                self._bind(name, Binding("other"))

    def _import(self, node: cst.Import) -> None:
        self.index.imports.record_import(node)
        for alias in node.names:
            local = alias.evaluated_alias or alias.evaluated_name.split(".", 1)[0]
            self._bind(local, Binding("import"))

    def _import_from(self, node: cst.ImportFrom) -> None:
        self.index.imports.record_import_from(node)
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            self._bind(alias.evaluated_alias or alias.evaluated_name, Binding("import"))


_SCOPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})
_HOLDERS = frozenset({cst.With, cst.Try})
_RECORDERS: dict[type[cst.CSTNode], Callable[[_Indexer, Any], None]] = {
    cst.FunctionDef: _Indexer._function,
    cst.ClassDef: _Indexer._class,
    cst.Lambda: _Indexer._lambda,
    cst.Assign: _Indexer._assign,
    cst.AnnAssign: _Indexer._ann_assign,
    cst.AugAssign: _Indexer._rebind,
    cst.NamedExpr: _Indexer._rebind,
    cst.For: _Indexer._rebind,
    cst.WithItem: _Indexer._with_item,
    cst.ExceptHandler: _Indexer._except_handler,
    cst.Global: _Indexer._declaration,
    cst.Nonlocal: _Indexer._declaration,
    cst.Import: _Indexer._import,
    cst.ImportFrom: _Indexer._import_from,
}
