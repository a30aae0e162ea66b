"""The analysis visitor: keeps imports, scopes and bindings current for the rules."""

from __future__ import annotations

import builtins

import libcst as cst

from concurrency_lint.analysis.names import ImportMap, dotted_name
from concurrency_lint.analysis.scopes import Scope, ScopeStack, parameter_names

_BUILTINS = frozenset(dir(builtins))


class Semantics:
    """What rules ask about names and scopes; updated as the single pass walks the tree.

    The engine calls :meth:`enter` before the rules see a node and :meth:`leave` after,
    so during a rule's ``visit_X`` / ``leave_X`` the state describes that node's context.
    """

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.imports = ImportMap()
        self.scopes = ScopeStack(module)
        self.statements: list[cst.CSTNode] = []
        self._defined_names: set[str] = set()  # names defined by def/class/assignment anywhere

    # ---- questions rules ask -------------------------------------------------------------

    def qualified_name(self, node: cst.BaseExpression) -> str | None:
        """``subprocess.run`` for ``sp.run`` after ``import subprocess as sp``; builtins too."""
        resolved = self.imports.qualify(node)
        if resolved is not None:
            return resolved
        if (
            isinstance(node, cst.Name)
            and node.value in _BUILTINS
            and node.value not in self._defined_names
        ):
            return f"builtins.{node.value}"
        return None

    def call_name(self, call: cst.Call) -> str | None:
        return self.qualified_name(call.func)

    def in_async_function(self) -> bool:
        return self.scopes.in_async_function()

    def enclosing_function(self) -> cst.FunctionDef | None:
        return self.scopes.enclosing_function()

    def current_statement(self) -> cst.CSTNode | None:
        return self.statements[-1] if self.statements else None

    def type_of(self, node: cst.BaseExpression) -> str | None:
        """The constructor a name (or ``self.attr``) was provably built by, else None."""
        if isinstance(node, cst.Name):
            return self.scopes.lookup(node.value)[1]
        attribute = self._self_attribute(node)
        if attribute is not None:
            owner = self._class_scope()
            if owner is not None:
                return owner.bindings.get(f"self.{attribute}")
        return None

    # ---- bookkeeping, called by the engine ----------------------------------------------

    def enter(self, node: cst.CSTNode) -> None:
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self.statements.append(node)
        if isinstance(node, cst.Import):
            self.imports.record_import(node)
        elif isinstance(node, cst.ImportFrom):
            self.imports.record_import_from(node)
        elif isinstance(node, cst.FunctionDef):
            self._define(node.name.value)
            scope = Scope("function", node, is_async=node.asynchronous is not None)
            for name in parameter_names(node.params):
                scope.bindings[name] = None
            self.scopes.push(scope)
        elif isinstance(node, cst.Lambda):
            scope = Scope("lambda", node)
            for name in parameter_names(node.params):
                scope.bindings[name] = None
            self.scopes.push(scope)
        elif isinstance(node, cst.ClassDef):
            self._define(node.name.value)
            self.scopes.push(Scope("class", node))
        elif isinstance(node, cst.Assign):
            constructor = self._constructor(node.value)
            for target in node.targets:
                self._bind_target(target.target, constructor)
        elif isinstance(node, cst.AnnAssign) and node.value is not None:
            self._bind_target(node.target, self._constructor(node.value))
        elif isinstance(node, cst.AugAssign):
            self._bind_target(node.target, None)
        elif isinstance(node, cst.WithItem) and node.asname is not None:
            self._bind_target(node.asname.name, self._constructor(node.item))
        elif isinstance(node, (cst.For, cst.CompFor)):
            self._bind_target(node.target, None)

    def leave(self, node: cst.CSTNode) -> None:
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self.statements.pop()
        if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            self.scopes.pop()

    # ---- internals ----------------------------------------------------------------------

    def _define(self, name: str) -> None:
        self._defined_names.add(name)
        if self.scopes.current.kind == "module":
            self.imports.forget(name)

    def _constructor(self, value: cst.BaseExpression) -> str | None:
        if isinstance(value, cst.Call):
            return self.qualified_name(value.func)
        return None

    def _bind_target(self, target: cst.BaseExpression, constructor: str | None) -> None:
        if isinstance(target, cst.Name):
            if self.scopes.current.kind == "module":
                # An assignment (often an import fallback) shadows builtins, not imports.
                self._defined_names.add(target.value)
            self.scopes.current.bind(target.value, constructor)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_target(element.value, None)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None)
        else:
            attribute = self._self_attribute(target)
            owner = self._class_scope()
            if attribute is not None and owner is not None:
                owner.bind(f"self.{attribute}", constructor)

    @staticmethod
    def _self_attribute(node: cst.BaseExpression) -> str | None:
        dotted = dotted_name(node) if isinstance(node, cst.Attribute) else None
        if dotted is not None and dotted.count(".") == 1 and dotted.startswith("self."):
            return dotted[5:]
        return None

    def _class_scope(self) -> Scope | None:
        return self.scopes.class_frames[-1] if self.scopes.class_frames else None
