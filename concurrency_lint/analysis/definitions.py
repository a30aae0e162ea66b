"""A per-module index of what every scope binds, built once per module.

Answers "which ``def`` (or ``name = lambda``) does this name denote here?" without
running the single pass to that point: the index sees the whole module, so a function
defined below the line that uses it resolves too. A name bound more than once in a scope,
or bound by anything but a ``def`` / lambda assignment, resolves to nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Literal

import libcst as cst

from concurrency_lint.analysis.names import ImportMap
from concurrency_lint.analysis.scopes import parameter_names
from concurrency_lint.analysis.tree_walk import children

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


class _Indexer:
    """Records every binding, scope parent and import in one pre-order walk of the module
    (statements in source order, so a later import of a name wins, as it does at run
    time)."""

    def __init__(self, index: ModuleIndex) -> None:
        self.index = index
        self.scope: ScopeNode = index.module

    def run(self) -> None:
        module = self.index.module
        # (node, its scope, the innermost function around it, ``with``/``try`` blocks
        # around it inside that function)
        stack: list[tuple[cst.CSTNode, ScopeNode, str | None, int]] = [(module, module, None, 0)]
        while stack:
            node, self.scope, function, holding = stack.pop()
            inner = self._record(node)
            if isinstance(node, cst.FunctionDef):
                function, holding = node.name.value, 0
            elif isinstance(node, (cst.With, cst.Try)):
                holding += 1
            elif isinstance(node, cst.Yield) and function is not None and holding:
                self.index.resource_generators.add(function)
            stack.extend(
                (child, inner, function, holding) for child in reversed(list(children(node)))
            )

    def _record(self, node: cst.CSTNode) -> ScopeNode:
        """Record what ``node`` binds; the scope its children are in."""
        if isinstance(node, cst.FunctionDef):
            self._bind(node.name.value, Binding("def", node))
            return self._enter(node, node.params)
        if isinstance(node, cst.ClassDef):
            self._bind(node.name.value, Binding("class", node))
            return self._enter(node, None)
        if isinstance(node, cst.Lambda):
            return self._enter(node, node.params)
        if isinstance(node, cst.Assign):
            single = len(node.targets) == 1
            for target in node.targets:
                self._bind_target(target.target, node.value if single else None)
        elif isinstance(node, cst.AnnAssign):
            self._bind_target(node.target, node.value)
        elif isinstance(node, (cst.AugAssign, cst.NamedExpr, cst.For)):
            self._bind_target(node.target, None)
        elif isinstance(node, cst.WithItem):
            if node.asname is not None:
                self._bind_target(node.asname.name, node.item)
        elif isinstance(node, cst.ExceptHandler):
            if node.name is not None and isinstance(node.name.name, cst.Name):
                self._bind(node.name.name.value, Binding("other"))
        elif isinstance(node, (cst.Global, cst.Nonlocal)):
            for item in node.names:
                self._bind(item.name.value, Binding("other"))
        elif isinstance(node, cst.Import):
            self._import(node)
        elif isinstance(node, cst.ImportFrom):
            self._import_from(node)
        return self.scope

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

    def _enter(self, node: ScopeNode, params: cst.Parameters | None) -> ScopeNode:
        self.index.parents[id(node)] = self.scope
        self.scope = node
        if params is not None:
            for name in parameter_names(params):
                self._bind(name, Binding("other"))
        return node

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
