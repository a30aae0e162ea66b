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
        node_type = type(node)
        if node_type in _STATEMENT_TYPES:
            self.statements.append(node)
        handler = _ENTER_HANDLERS.get(node_type)
        if handler is not None:
            handler(self, node)

    def leave(self, node: cst.CSTNode) -> None:
        node_type = type(node)
        if node_type in _STATEMENT_TYPES:
            self.statements.pop()
        if node_type in _SCOPE_TYPES:
            self.scopes.pop()

    def _enter_function(self, node: cst.FunctionDef) -> None:
        self._define(node.name.value)
        scope = Scope("function", node, is_async=node.asynchronous is not None)
        for name in parameter_names(node.params):
            scope.bindings[name] = None
        self.scopes.push(scope)

    def _enter_lambda(self, node: cst.Lambda) -> None:
        scope = Scope("lambda", node)
        for name in parameter_names(node.params):
            scope.bindings[name] = None
        self.scopes.push(scope)

    def _enter_class(self, node: cst.ClassDef) -> None:
        self._define(node.name.value)
        self.scopes.push(Scope("class", node))

    def _enter_assign(self, node: cst.Assign) -> None:
        constructor = self._constructor(node.value)
        for target in node.targets:
            self._bind_target(target.target, constructor)

    def _enter_ann_assign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind_target(node.target, self._constructor(node.value))

    def _enter_aug_assign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target, None)

    def _enter_with_item(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name, self._constructor(node.item))

    def _enter_loop_target(self, node: cst.For | cst.CompFor) -> None:
        self._bind_target(node.target, None)

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


# The walk visits every node: dispatch on the exact type instead of isinstance chains.
_STATEMENT_TYPES = frozenset(
    {cst.SimpleStatementLine}
    | {
        value
        for value in vars(cst).values()
        if isinstance(value, type)
        and issubclass(value, cst.BaseCompoundStatement)
        and not getattr(value, "__abstractmethods__", None)
    }
)
_SCOPE_TYPES = frozenset({cst.FunctionDef, cst.Lambda, cst.ClassDef})
_ENTER_HANDLERS = {
    cst.Import: lambda semantics, node: semantics.imports.record_import(node),
    cst.ImportFrom: lambda semantics, node: semantics.imports.record_import_from(node),
    cst.FunctionDef: Semantics._enter_function,
    cst.Lambda: Semantics._enter_lambda,
    cst.ClassDef: Semantics._enter_class,
    cst.Assign: Semantics._enter_assign,
    cst.AnnAssign: Semantics._enter_ann_assign,
    cst.AugAssign: Semantics._enter_aug_assign,
    cst.WithItem: Semantics._enter_with_item,
    cst.For: Semantics._enter_loop_target,
    cst.CompFor: Semantics._enter_loop_target,
}
