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
    module.visit(_Indexer(index))
    _CACHE[id(module)] = index
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return index


class _Indexer(cst.CSTVisitor):
    def __init__(self, index: ModuleIndex) -> None:
        super().__init__()
        self.index = index
        self.stack: list[ScopeNode] = [index.module]

    def _bind(self, name: str, binding: Binding) -> None:
        scope = self.index.bindings.setdefault(id(self.stack[-1]), {})
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
        self.index.parents[id(node)] = self.stack[-1]
        self.stack.append(node)
        if params is not None:
            for name in parameter_names(params):
                self._bind(name, Binding("other"))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._bind(node.name.value, Binding("def", node))
        self._enter(node, node.params)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.stack.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._bind(node.name.value, Binding("class", node))
        self._enter(node, None)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.stack.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._enter(node, node.params)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.stack.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        single = len(node.targets) == 1
        for target in node.targets:
            self._bind_target(target.target, node.value if single else None)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind_target(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target, None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, None)

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target, None)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name, node.item)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None and isinstance(node.name.name, cst.Name):
            self._bind(node.name.name.value, Binding("other"))

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self._bind(item.name.value, Binding("other"))

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        for item in node.names:
            self._bind(item.name.value, Binding("other"))

    def visit_Import(self, node: cst.Import) -> None:
        self.index.imports.record_import(node)
        for alias in node.names:
            local = alias.evaluated_alias or alias.evaluated_name.split(".", 1)[0]
            self._bind(local, Binding("import"))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.index.imports.record_import_from(node)
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            self._bind(alias.evaluated_alias or alias.evaluated_name, Binding("import"))
