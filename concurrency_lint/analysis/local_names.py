"""What one scope (a function or the module) binds and how it uses each name.

Flow-insensitive: every binding and every use of a name in the scope's own body, with the
shape of the use (``name.method()``, ``name.attr``, ``with name:``, anything else). Nested
functions, lambdas and classes are entered only to note that they capture a name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import libcst as cst

from concurrency_lint.analysis.scopes import parameter_names
from concurrency_lint.analysis.tree_walk import walk_visitor

UseKind = Literal["call", "attr", "with", "store-into", "captured", "other"]

#: A binding whose value is not a plain expression (parameter, loop target, unpacking...).
OPAQUE = None

_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)
# The walk dispatches on exact node types (LibCST's classes are final; ``isinstance``
# against them goes through ``ABCMeta`` and is several times slower).
_SCOPE_TYPES = frozenset(_SCOPES)
_BINDING_TYPES = frozenset(
    {
        cst.Assign,
        cst.AnnAssign,
        cst.AugAssign,
        cst.NamedExpr,
        cst.For,
        cst.CompFor,
        cst.WithItem,
        cst.ExceptHandler,
        cst.Del,
        cst.Import,
        cst.ImportFrom,
        cst.Global,
        cst.Nonlocal,
        cst.Attribute,
        cst.Arg,
    }
)
_BINDING_NAME_PARENTS = frozenset({cst.Param, cst.FunctionDef, cst.ClassDef, cst.ImportAlias})
_UNPACKING = (cst.Tuple, cst.List, cst.Element, cst.StarredElement)


@dataclass(frozen=True)
class Use:
    """One load of a name: ``kind`` and, for ``call`` / ``attr``, the attribute's name."""

    kind: UseKind
    node: cst.Name
    attribute: str | None = None
    call: cst.Call | None = None


@dataclass
class ScopeNames:
    """Bindings and uses of the names of one scope."""

    node: cst.CSTNode
    bindings: dict[str, list[cst.BaseExpression | None]] = field(default_factory=dict)
    uses: dict[str, list[Use]] = field(default_factory=dict)
    functions: dict[str, cst.FunctionDef] = field(default_factory=dict)
    classes: dict[str, cst.ClassDef] = field(default_factory=dict)
    declared_global: set[str] = field(default_factory=set)

    def value_of(self, name: str) -> cst.BaseExpression | None:
        """The expression a name is bound to when it is bound exactly once, else None."""
        values = self.bindings.get(name, [])
        return values[0] if len(values) == 1 else None

    def binds(self, name: str) -> bool:
        return name in self.bindings or name in self.functions or name in self.classes


class ScopeIndex:
    """Indexes scopes on demand, once each (a rule keeps one per file)."""

    def __init__(self) -> None:
        self._cache: dict[int, ScopeNames] = {}
        self._bound: dict[int, ScopeNames] = {}

    def of(self, scope: cst.Module | cst.FunctionDef) -> ScopeNames:
        found = self._cache.get(id(scope))
        if found is None or found.node is not scope:
            found = _index(scope)
            self._cache[id(scope)] = found
        return found

    def bound_in(self, scope: cst.Module | cst.FunctionDef) -> ScopeNames:
        """What :meth:`of` gives, for its bindings, functions and classes alone (its uses
        left empty): the scope's own statements are walked, not the scopes nested in it."""
        found = self._cache.get(id(scope))
        if found is not None and found.node is scope:
            return found
        found = self._bound.get(id(scope))
        if found is None or found.node is not scope:
            found = self._bound[id(scope)] = _index(scope, uses=False)
        return found

    def binds(self, scope: cst.Module | cst.FunctionDef, name: str) -> bool:
        """Whether the scope binds ``name`` itself (``of(scope).binds(name)``)."""
        return self.bound_in(scope).binds(name)


def _index(scope: cst.Module | cst.FunctionDef, uses: bool = True) -> ScopeNames:
    names = ScopeNames(scope)
    collector = _Collector(names, uses)
    if isinstance(scope, cst.FunctionDef):
        for param in parameter_names(scope.params):
            names.bindings.setdefault(param, []).append(OPAQUE)
        walk_visitor(scope.body, collector)
    else:
        walk_visitor(scope, collector)
    return names


class _Collector(cst.CSTVisitor):
    def __init__(self, names: ScopeNames, uses: bool = True) -> None:
        super().__init__()
        self.names = names
        #: Whether uses are noted too (else nested scopes are not entered at all).
        self.uses = uses
        self.stack: list[cst.CSTNode] = []
        self.depth = 0  # nested scopes entered
        self.skip: set[int] = set()  # Name nodes that are not variable loads
        self.stores: set[int] = set()  # roots of assignment targets

    def on_visit(self, node: cst.CSTNode) -> bool:
        kind = type(node)
        if kind in _SCOPE_TYPES:
            if self.depth == 0:
                self._define(node)
            self.depth += 1
            if not self.uses:  # nothing below binds in this scope
                self.stack.append(node)  # popped by ``on_leave``, which still runs
                return False
        elif self.depth == 0 and kind in _BINDING_TYPES:
            self._note_binding(node)
        if kind is cst.Name and self.uses and id(node) not in self.skip:
            self._note_load(node)  # type: ignore[arg-type]
        self.stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()
        if type(original_node) in _SCOPE_TYPES:
            self.depth -= 1

    # ---- bindings ------------------------------------------------------------------------

    def _define(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.FunctionDef):
            self.names.functions[node.name.value] = node
            self.skip.add(id(node.name))
        elif isinstance(node, cst.ClassDef):
            self.names.classes[node.name.value] = node
            self.skip.add(id(node.name))

    def _note_binding(self, node: cst.CSTNode) -> None:
        kind = type(node)  # the commonest first; the types are disjoint
        if kind is cst.Attribute:
            self.skip.add(id(node.attr))  # type: ignore[attr-defined]
        elif kind is cst.Arg:
            if node.keyword is not None:  # type: ignore[attr-defined]
                self.skip.add(id(node.keyword))  # type: ignore[attr-defined]
        elif isinstance(node, cst.Assign):
            for target in node.targets:
                self._store(target.target, node.value)
        elif isinstance(node, cst.AnnAssign):
            self._store(node.target, node.value)
        elif isinstance(node, cst.AugAssign):
            self._store(node.target, OPAQUE)
        elif isinstance(node, cst.NamedExpr):
            self._store(node.target, node.value)
        elif isinstance(node, (cst.For, cst.CompFor)):
            self._store(node.target, OPAQUE)
        elif isinstance(node, cst.WithItem) and node.asname is not None:
            self._store(node.asname.name, node.item)
        elif isinstance(node, cst.ExceptHandler) and node.name is not None:
            self._store(node.name.name, OPAQUE)
        elif isinstance(node, cst.Del):
            self._store(node.target, OPAQUE)
        elif isinstance(node, (cst.Import, cst.ImportFrom)) and not isinstance(
            node.names, cst.ImportStar
        ):
            for alias in node.names:
                bound = alias.asname.name if alias.asname is not None else alias.name
                self._skip_all(alias)
                local = bound.value if isinstance(bound, cst.Name) else None
                if isinstance(bound, cst.Attribute):
                    local = _leftmost(bound)
                if local is not None:
                    self.names.bindings.setdefault(local, []).append(OPAQUE)
        elif isinstance(node, (cst.Global, cst.Nonlocal)):
            for item in node.names:
                self.names.declared_global.add(item.name.value)
                self.skip.add(id(item.name))

    def _store(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        self.stores.add(id(target))
        if isinstance(target, cst.Name):
            self.skip.add(id(target))
            self.names.bindings.setdefault(target.value, []).append(value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._store(element.value, OPAQUE)
        elif isinstance(target, cst.StarredElement):
            self._store(target.value, OPAQUE)

    def _skip_all(self, node: cst.CSTNode) -> None:
        finder = _NameFinder()
        walk_visitor(node, finder)
        self.skip.update(id(name) for name in finder.names)

    # ---- uses ----------------------------------------------------------------------------

    def _note_load(self, node: cst.Name) -> None:
        if self.depth > 0:
            if not self._is_binding_name(node):
                self._add(node, Use("captured", node))
            return
        parent = self.stack[-1] if self.stack else None
        grandparent = self.stack[-2] if len(self.stack) >= 2 else None
        kind = type(parent)
        if kind is cst.Attribute and parent.value is node:  # type: ignore[union-attr]
            if type(grandparent) is cst.Call and grandparent.func is parent:  # type: ignore[union-attr]
                self._add(node, Use("call", node, parent.attr.value, grandparent))
            elif id(parent) in self.stores:
                self._add(node, Use("store-into", node, parent.attr.value))
            else:
                self._add(node, Use("attr", node, parent.attr.value))
        elif kind is cst.Subscript and parent.value is node and id(parent) in self.stores:  # type: ignore[union-attr]
            self._add(node, Use("store-into", node))
        elif kind is cst.WithItem and parent.item is node:  # type: ignore[union-attr]
            self._add(node, Use("with", node))
        else:
            self._add(node, Use("other", node))

    def _is_binding_name(self, node: cst.Name) -> bool:
        parent = self.stack[-1] if self.stack else None
        kind = type(parent)
        if kind is cst.Attribute and parent.attr is node:  # type: ignore[union-attr]
            return True
        if kind is cst.Arg and parent.keyword is node:  # type: ignore[union-attr]
            return True
        return kind in _BINDING_NAME_PARENTS or kind is cst.AsName

    def _add(self, node: cst.Name, use: Use) -> None:
        self.names.uses.setdefault(node.value, []).append(use)


class _NameFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[cst.Name] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node)


def _leftmost(node: cst.BaseExpression) -> str | None:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None
