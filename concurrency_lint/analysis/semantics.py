"""The analysis visitor: keeps imports, scopes and bindings current for the rules."""

from __future__ import annotations

import builtins

import libcst as cst

from concurrency_lint.analysis.call_shape import CallShape
from concurrency_lint.analysis.caller_types import parameter_types
from concurrency_lint.analysis.local_names import ScopeIndex
from concurrency_lint.analysis.module_types import ModuleTypes
from concurrency_lint.analysis.names import ImportMap, dotted_name
from concurrency_lint.analysis.project_names import ProjectNames
from concurrency_lint.analysis.scopes import Scope, ScopeStack, parameter_names
from concurrency_lint.analysis.tree_walk import walk, walk_visitor
from concurrency_lint.analysis.version_branches import python2_blocks
from concurrency_lint.knowledge.executors import EXECUTOR_CONSTRUCTORS
from concurrency_lint.knowledge.io_calls import (
    PATH_CONSTRUCTORS,
    PATH_DERIVING_ATTRIBUTES,
    PATH_DERIVING_METHODS,
)
from concurrency_lint.knowledge.lifecycle import (
    CONTEXT_FACTORIES,
    CONTEXT_PRODUCTS,
    POOL_PRODUCTS,
)
from concurrency_lint.knowledge.value_types import ELEMENT_PASSTHROUGH

_BUILTINS = frozenset(dir(builtins))
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})
_ADDERS = frozenset({"append", "add"})
_LITERAL_COLLECTIONS = (cst.List, cst.Tuple, cst.Set)
_COMPREHENSIONS = (cst.ListComp, cst.GeneratorExp, cst.SetComp)


class Semantics:
    """What rules ask about names and scopes; updated as the single pass walks the tree.

    The engine calls :meth:`enter` before the rules see a node and :meth:`leave` after,
    so during a rule's ``visit_X`` / ``leave_X`` the state describes that node's context.
    """

    def __init__(self, module: cst.Module, project: ProjectNames | None = None) -> None:
        self.module = module
        self.imports = ImportMap()
        self.project = project  # the other modules of the project, when the file has some
        if project is not None:
            self.imports.package = (project.module_name, project.is_package)
        self.scopes = ScopeStack(module)
        self.statements: list[cst.CSTNode] = []
        self._defined_names: set[str] = set()  # names defined by def/class/assignment anywhere
        self._index = ScopeIndex()
        made_by = project.made_by if project is not None else _made_by_nothing
        own = project.module_name if project is not None else None
        self.types = ModuleTypes(
            module, self.qualified_name, self._index, made_by, own, self._calls_elsewhere
        )
        self._import_fallbacks = 0  # depth of ``except ImportError:`` handlers entered
        self._reaching: set[str] = set()  # names whose reaching assignment is being typed
        self._typing_members: set[int] = set()  # ``obj.member`` nodes whose owner is being typed
        self._python2_blocks = python2_blocks(module)  # fallbacks too
        self._bound_by: dict[int, tuple[cst.CSTNode, frozenset[str]]] = {}  # see _names_bound
        #: How many times the walk has entered or left a node: only that changes the state,
        #: so what is asked twice at one moment has one answer (rules may memoise on it).
        self.moment = 0

    # ---- questions rules ask -------------------------------------------------------------

    def qualified_name(self, node: cst.BaseExpression) -> str | None:
        """``subprocess.run`` for ``sp.run`` after ``import subprocess as sp``; builtins too."""
        resolved = self.imports.qualify(node)
        if resolved is not None:
            if self.project is not None:  # ``httplib`` from ``.compat``: ``http.client``
                return self.project.canonical(resolved) or resolved
            return resolved
        if (
            isinstance(node, cst.Name)
            and node.value in _BUILTINS
            and node.value not in self._defined_names
        ):
            return f"builtins.{node.value}"
        if self.project is not None and self.imports.star_modules:
            return self._from_project_star(node)
        if (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.value.value == "self"
        ):
            return self._attribute_alias(node.attr.value)
        return None

    def _attribute_alias(self, attribute: str) -> str | None:
        """``self.requester`` that every construction leaves as ``requests.request``."""
        owner = self._class_scope()
        if owner is None or self.scopes.enclosing_class() is not owner:
            return None
        assert isinstance(owner.node, cst.ClassDef)
        return self.types.attribute_alias(owner.node, attribute)

    def _from_project_star(self, node: cst.BaseExpression) -> str | None:
        """A name bound by ``from <project module> import *``: what the model resolves it
        to outside the project (``request.urlopen`` -> ``urllib.request.urlopen``), or its
        name in the module that binds it."""
        dotted = dotted_name(node)
        if dotted is None or self.project is None:
            return None
        head = dotted.partition(".")[0]
        if head in self._defined_names or self.scopes.lookup(head)[0]:
            return None
        for star in self.imports.star_modules:
            found = self.project.from_star(star, dotted)
            if found is not None:
                return found
        return None

    def _calls_elsewhere(self, name: str) -> tuple[CallShape, ...] | None:
        """How the project's other modules call the module's ``name`` (unknown without a
        project)."""
        calls_elsewhere = getattr(self.project, "calls_elsewhere", None)
        return calls_elsewhere(name) if calls_elsewhere is not None else None

    def call_name(self, call: cst.Call) -> str | None:
        return self.qualified_name(call.func)

    def in_async_function(self) -> bool:
        return self.scopes.in_async_function()

    def enclosing_function(self) -> cst.FunctionDef | None:
        return self.scopes.enclosing_function()

    def current_statement(self) -> cst.CSTNode | None:
        return self.statements[-1] if self.statements else None

    def type_of(self, node: cst.BaseExpression) -> str | None:
        """The constructor a name (or ``self.attr``, or a call) was provably built by:
        an imported constructor or function, a ``cast``, a class or helper of the module
        that makes a known type, a pool's future; else None."""
        if isinstance(node, cst.Call):
            return self._call_type(node)
        if isinstance(node, cst.Name):
            captured, closure = self._closure_type(node.value)
            if captured:
                return closure
            found, made = self.scopes.lookup(node.value)
            if found and made is None and node.value in self.scopes.current.bindings:
                made = self._reaching_type(node.value) or self._passed_type(node.value, False)
            if made is None and node.value == "self" and self.scopes.enclosing_class():
                owner = self.scopes.enclosing_class()
                assert owner is not None and isinstance(owner.node, cst.ClassDef)
                return self.types.class_type(owner.node)
            if made is None and not found:
                return self._project_value(node)
            return made
        attribute = self._self_attribute(node)
        if attribute is not None:
            owner = self._class_scope()
            if owner is not None:
                assert isinstance(owner.node, cst.ClassDef)
                made = self.types.attribute_type(owner.node, attribute)
                return (
                    made
                    or owner.bindings.get(f"self.{attribute}")
                    or self.types.class_attribute_type(owner.node, attribute)
                )
        if isinstance(node, cst.BinaryOperation):
            return self._constructor(node)
        if isinstance(node, cst.Subscript):
            return self._item_type(node)
        if isinstance(node, cst.Attribute) and node.attr.value in PATH_DERIVING_ATTRIBUTES:
            made = self.type_of(node.value)
            return made if made in PATH_CONSTRUCTORS else None
        found = self._class_attribute(node) or self._project_value(node)
        if found is None and isinstance(node, cst.Attribute) and attribute is None:
            return self._member_type(node, called=False)
        return found

    def single_value(self, name: str) -> cst.BaseExpression | None:
        """The expression a name of the current function (or module) is bound to, when it
        is bound exactly once there; else None."""
        function = self.scopes.enclosing_function()
        names = self._index.of(function if function is not None else self.module)
        return None if name in names.declared_global else names.value_of(name)

    def unchanged_value(self, name: str) -> cst.BaseExpression | None:
        """:meth:`single_value`, when the value is also never changed in place (no method
        call on it, no item or attribute stored into it, not captured by a nested scope)."""
        function = self.scopes.enclosing_function()
        names = self._index.of(function if function is not None else self.module)
        value = self.single_value(name)
        if value is None:
            return None
        if any(use.kind in ("call", "store-into", "captured") for use in names.uses.get(name, [])):
            return None
        return value

    def _project_value(self, node: cst.BaseExpression) -> str | None:
        """The type of an imported project value (``common.output_lock``), else None."""
        if self.project is None or not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        qualified = self.imports.qualify(node)
        return self.project.value_type(qualified) if qualified is not None else None

    # ---- bookkeeping, called by the engine ----------------------------------------------

    def enter(self, node: cst.CSTNode) -> None:
        self.moment += 1
        node_type = type(node)
        if self._python2_blocks and id(node) in self._python2_blocks:
            self._import_fallbacks += 1
        if node_type in _STATEMENT_TYPES:
            self.statements.append(node)
        handler = _ENTER_HANDLERS.get(node_type)
        if handler is not None:
            handler(self, node)

    def leave(self, node: cst.CSTNode) -> None:
        self.moment += 1
        node_type = type(node)
        if self._python2_blocks and id(node) in self._python2_blocks:
            self._import_fallbacks -= 1
        if node_type in _STATEMENT_TYPES:
            self.statements.pop()
        if node_type in _SCOPE_TYPES:
            self.scopes.pop()
        elif node_type is cst.ExceptHandler and _catches_import_error(node):  # type: ignore[arg-type]
            self._import_fallbacks -= 1

    def _enter_except_handler(self, node: cst.ExceptHandler) -> None:
        if _catches_import_error(node):
            self._import_fallbacks += 1

    def _enter_import(self, node: cst.Import) -> None:
        self.imports.record_import(node, fallback=self._import_fallbacks > 0)

    def _enter_import_from(self, node: cst.ImportFrom) -> None:
        self.imports.record_import_from(node, fallback=self._import_fallbacks > 0)

    def _enter_function(self, node: cst.FunctionDef) -> None:
        self._define(node.name.value)
        scope = Scope("function", node, is_async=node.asynchronous is not None)
        for name in parameter_names(node.params):
            scope.bindings[name] = None
        scope.bindings.update(self.types.parameter_types(node))
        enclosing = self.scopes.current.node
        if isinstance(enclosing, cst.FunctionDef):
            passed = parameter_types(node, enclosing, self.qualified_name, self.types, self._index)
            for name, made in passed.items():
                if scope.bindings.get(name) is None:
                    scope.bindings[name] = made
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
            self._bind_target(node.target, self._annotated_assignment_type(node))

    def _annotated_assignment_type(self, node: cst.AnnAssign) -> str | None:
        """What ``name: T = value`` binds: the value's constructor, else ``T`` unless the
        value is another name (whose own type decides)."""
        if node.value is None:
            return None
        made = self._constructor(node.value)
        if made is None and not isinstance(node.value, cst.Name):
            made = self.types.annotation_type(node.annotation.annotation)
        return made

    def _enter_aug_assign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target, None)

    def _enter_with_item(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name, self._constructor(node.item))

    def _enter_loop_target(self, node: cst.For | cst.CompFor) -> None:
        element = self._element_type(node.iter) if isinstance(node.target, cst.Name) else None
        self._bind_target(node.target, element)

    # ---- internals ----------------------------------------------------------------------

    def _define(self, name: str) -> None:
        self._defined_names.add(name)
        if self.scopes.current.kind == "module":
            self.imports.forget(name)

    def _constructor(self, value: cst.BaseExpression) -> str | None:
        if isinstance(value, cst.Call):
            return self._call_type(value)
        if isinstance(value, (cst.Name, cst.Attribute)):
            return self.type_of(value)
        if isinstance(value, cst.BooleanOperation) and isinstance(value.operator, cst.Or):
            left = self._constructor(value.left)  # ``session or self.session``
            return left if left is not None and left == self._constructor(value.right) else None
        if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Divide):
            left = self._constructor(value.left)
            return left if left in PATH_CONSTRUCTORS else None  # ``path / "name"``
        return None

    def _call_type(self, call: cst.Call) -> str | None:
        owner = self._class_scope()
        owner_node = owner.node if owner is not None else None
        assert owner_node is None or isinstance(owner_node, cst.ClassDef)
        if (
            owner_node is not None
            and not call.args
            and self.qualified_name(call.func) == "builtins.super"
            and self.scopes.enclosing_class() is owner
        ):
            return self.types.declared_base(owner_node)  # ``super()`` in a method
        made = self.types.call_type(call, owner_node, self._locally_bound)
        if made is not None:
            return made
        func = call.func
        if isinstance(func, cst.Name):
            made = self._passed_type(func.value, True)  # ``make_worker()``, a class passed in
            if made is not None:
                return made
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value in POOL_PRODUCTS
            and self.type_of(func.value) in EXECUTOR_CONSTRUCTORS
        ):
            return POOL_PRODUCTS[func.attr.value]
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value in CONTEXT_PRODUCTS
            and self.type_of(func.value) in CONTEXT_FACTORIES
        ):
            return CONTEXT_PRODUCTS[func.attr.value]
        if isinstance(func, cst.Attribute) and func.attr.value in PATH_DERIVING_METHODS:
            made = self.type_of(func.value)
            return made if made in PATH_CONSTRUCTORS else None
        if isinstance(func, cst.Attribute):
            return self._member_type(func, called=True)
        return None

    def _member_type(self, node: cst.Attribute, called: bool) -> str | None:
        """``obj.method()`` or ``obj.prop`` of an object of a project class: the member's
        annotated return type, read from the class's module."""
        if self.project is None or id(node) in self._typing_members:
            return None  # ``items.append(items[0].encode())``: a cycle, unknown
        self._typing_members.add(id(node))
        try:
            owner = self.type_of(node.value)
        finally:
            self._typing_members.discard(id(node))
        if owner is None:
            return None
        return self.project.member_type(owner, node.attr.value, called)

    def _item_type(self, node: cst.Subscript) -> str | None:
        """``items[0]``: the one type every element of ``items`` provably has."""
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return None
        index = node.slice[0].slice.value
        if not isinstance(index, (cst.Integer, cst.UnaryOperation, cst.Name)):
            return None
        return self._element_type(node.value)

    def _locally_bound(self, name: str) -> str | None:
        """ "" for a name bound in this file that the module's own types cannot answer
        for; None sends the question on to them (and, for a module-level name, to the
        project model, which reads the module's ``if`` / ``try`` blocks)."""
        if not self.scopes.lookup(name)[0]:
            return None
        current = self.scopes.current
        in_function = current is not self.scopes.module and name in current.bindings
        return "" if in_function or self.project is None else None

    def _element_type(self, iterable: cst.BaseExpression) -> str | None:
        """The one type every element of ``iterable`` provably has, else None."""
        elements = self._elements(iterable)
        if not elements:
            return None
        types = {self._constructor(element) for element in elements}
        return types.pop() if len(types) == 1 else None

    def _elements(self, iterable: cst.BaseExpression, depth: int = 0) -> list[cst.BaseExpression]:
        """The expressions ``iterable`` provably holds (empty when unknown)."""
        if isinstance(iterable, _LITERAL_COLLECTIONS):
            if any(isinstance(element, cst.StarredElement) for element in iterable.elements):
                return []
            return [element.value for element in iterable.elements]
        if isinstance(iterable, _COMPREHENSIONS):
            return [iterable.elt]
        if (
            isinstance(iterable, cst.Subscript)
            and depth < 3
            and all(isinstance(element.slice, cst.Slice) for element in iterable.slice)
        ):
            return self._elements(iterable.value, depth + 1)  # ``items[:-1]``: some of them
        if isinstance(iterable, cst.Call) and iterable.args and depth < 3:
            if self.qualified_name(iterable.func) in ELEMENT_PASSTHROUGH:
                return self._elements(iterable.args[0].value, depth + 1)
            return []
        if not isinstance(iterable, cst.Name) or depth >= 3:
            return []
        function = self.scopes.enclosing_function()
        names = self._index.of(function if function is not None else self.module)
        values = names.bindings.get(iterable.value)
        if not values or iterable.value in names.declared_global:
            return []
        elements: list[cst.BaseExpression] = []
        for value in values:
            if value is None:
                return []
            held = self._elements(value, depth + 1)
            empty = isinstance(value, _LITERAL_COLLECTIONS) and not value.elements
            if not held and not empty:
                return []
            elements.extend(held)
        uses = names.uses.get(iterable.value, [])
        if any(use.kind == "captured" for use in uses):
            added = _added_in_nested_functions(names.node, iterable.value, self._index)
            if added is None:
                return []
            elements.extend(added)
            uses = [use for use in uses if use.kind != "captured"]
        for use in uses:
            if use.kind == "call" and use.call is not None:
                if use.attribute in _ADDERS and len(use.call.args) == 1:
                    elements.append(use.call.args[0].value)
                elif use.attribute == "extend" and len(use.call.args) == 1:
                    held = self._elements(use.call.args[0].value, depth + 1)
                    if not held:
                        return []
                    elements.extend(held)
            elif use.kind in ("store-into", "captured"):
                return []
        return elements

    def earlier_statements(self) -> list[cst.CSTNode]:
        """The statements before the current one in its block, nearest first."""
        if not self.statements:
            return []
        current = self.statements[-1]
        if len(self.statements) == 1:
            block: list[cst.CSTNode] | None = list(self.module.body)
        else:
            block = _block_holding(self.statements[-2], current)
        if block is None:
            return []
        position = next(i for i, statement in enumerate(block) if statement is current)
        return block[:position][::-1]

    @staticmethod
    def binds(node: cst.CSTNode, name: str) -> bool:
        """Whether ``node`` binds ``name`` anywhere (nested scopes aside)."""
        return _binds(node, name)

    def _reaching_type(self, name: str) -> str | None:
        """The type of the assignment to ``name`` that reaches the current statement in
        straight-line code: the nearest earlier statement of the same block binding it,
        when that is a plain ``name = value`` (a name bound several times in a scope)."""
        if name in self._reaching:
            return None
        function = self.scopes.enclosing_function()
        scope = self._index.of(function if function is not None else self.module)
        if len(scope.bindings.get(name, ())) < 2:
            return None  # bound once (or a parameter): the scope's binding says it all
        for level in range(len(self.statements) - 1, -1, -1):
            for statement in self._statements_before(level):
                if isinstance(statement, cst.SimpleStatementLine):
                    for small in reversed(statement.body):
                        if name not in self._names_bound(small):
                            continue
                        if (
                            isinstance(small, cst.Assign)
                            and len(small.targets) == 1
                            and isinstance(small.targets[0].target, cst.Name)
                        ):
                            self._reaching.add(name)
                            try:
                                return self._constructor(small.value)
                            finally:
                                self._reaching.discard(name)
                        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                            return self._annotated_assignment_type(small)
                        return None
                elif name in self._names_bound(statement):
                    return None  # bound in a branch, a loop or a nested block: not provable
            # Nothing before it in its block: the statement holding the block, when it
            # binds the name nowhere (a loop's later rebinding reaches back), is read next.
            holder = self.statements[level - 1] if level > 0 else None
            if (
                holder is None
                or isinstance(holder, _SCOPE_STATEMENTS)
                or name in self._names_bound(holder)
            ):
                return None
        return None

    def _statements_before(self, level: int) -> list[cst.CSTNode]:
        """The statements before ``self.statements[level]`` in its block, nearest first."""
        current = self.statements[level]
        if level == 0:
            block: list[cst.CSTNode] | None = list(self.module.body)
        else:
            block = _block_holding(self.statements[level - 1], current)
        if block is None:
            return []
        position = next(i for i, statement in enumerate(block) if statement is current)
        return block[:position][::-1]

    def _passed_type(self, name: str, factory: bool) -> str | None:
        """What every call of the current (module-level) function passes for its
        parameter ``name`` in this module: its type, or (``factory``) the type calling it
        makes."""
        current = self.scopes.current
        function = current.node
        if (
            current.kind != "function"
            or not isinstance(function, cst.FunctionDef)
            or current.bindings.get(name, "") is not None
            or name not in parameter_names(function.params)
        ):
            return None
        passed = (
            self.types.passed_factories(function) if factory else self.types.passed_types(function)
        )
        return passed.get(name)

    def _names_bound(self, node: cst.CSTNode) -> frozenset[str]:
        """Every name ``node`` binds (``name in`` it is :func:`_binds`), found once per node:
        the same earlier statements are asked about again and again."""
        found = self._bound_by.get(id(node))
        if found is None or found[0] is not node:
            finder = _BindingFinder(None)
            walk_visitor(node, finder)
            found = self._bound_by[id(node)] = (node, frozenset(finder.names))
        return found[1]

    def _closure_type(self, name: str) -> tuple[bool, str | None]:
        """(captured, type) for a name a nested function reads from an enclosing function:
        the type is known when that function binds the name exactly once."""
        frames = self.scopes.frames
        if name in frames[-1].bindings or len(frames) < 3:
            return False, None
        for frame in reversed(frames[1:-1]):
            if not isinstance(frame.node, cst.FunctionDef):
                continue  # a class body is not an enclosing scope of its methods
            names = self._index.of(frame.node)
            if not names.binds(name):
                continue
            if name in names.declared_global or len(names.bindings.get(name, ())) != 1:
                return True, None
            return True, frame.bindings.get(name)
        return False, None

    def _class_attribute(self, node: cst.BaseExpression) -> str | None:
        """``Owner.attr`` for a module-level class ``Owner`` whose body assigns ``attr`` once."""
        if not (isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name)):
            return None
        name = node.value.value
        if any(name in frame.bindings for frame in self.scopes.frames):
            return None  # a variable, not the class
        owner = self.types.module_class(name)
        if owner is None:
            return None
        return self.types.class_attribute_type(owner, node.attr.value)

    def _enter_comprehension(
        self, node: cst.ListComp | cst.SetComp | cst.GeneratorExp | cst.DictComp
    ) -> None:
        """Bind the ``for`` targets before the element is visited (it comes first)."""
        comp_for: cst.CompFor | None = node.for_in
        while comp_for is not None:
            self._enter_loop_target(comp_for)
            comp_for = comp_for.inner_for_in

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
_SCOPE_STATEMENTS = (cst.FunctionDef, cst.ClassDef)


def _added_in_nested_functions(
    scope: cst.CSTNode, name: str, index: ScopeIndex
) -> list[cst.BaseExpression] | None:
    """What the functions nested in ``scope`` add to its collection ``name`` (``name.append(
    Tunnel(...))``, or of a name bound once there to such a call); None when one of them
    uses ``name`` otherwise, rebinds it, or a lambda or class captures it."""
    added: list[cst.BaseExpression] = []
    unknown = False

    def enter(node: cst.CSTNode) -> bool:
        nonlocal unknown
        if node is scope or unknown:
            return not unknown
        if isinstance(node, (cst.Lambda, cst.ClassDef)):
            if name in _plain_names(node):
                unknown = True
            return False
        if isinstance(node, cst.FunctionDef):
            inner = index.of(node)
            if inner.binds(name) or name in inner.declared_global:
                unknown = unknown or name in _plain_names(node.body)
                return False
            for use in inner.uses.get(name, []):
                call = use.call
                if use.kind == "captured":
                    continue  # a deeper function: entered below
                if not (
                    use.kind == "call"
                    and call is not None
                    and use.attribute in _ADDERS
                    and len(call.args) == 1
                    and not call.args[0].star
                ):
                    unknown = True
                    return False
                value = call.args[0].value
                if isinstance(value, cst.Name):
                    value = inner.value_of(value.value)
                if not isinstance(value, cst.Call):
                    unknown = True
                    return False
                added.append(value)
            return True
        return True

    walk(scope, enter)
    return None if unknown else added


def _plain_names(node: cst.CSTNode) -> set[str]:
    """Every plain name read or written inside ``node``."""
    found: set[str] = set()

    def enter(inner: cst.CSTNode) -> bool:
        if isinstance(inner, cst.Name):
            found.add(inner.value)
        return True

    walk(node, enter)
    return found


def _block_holding(parent: cst.CSTNode, statement: cst.CSTNode) -> list[cst.CSTNode] | None:
    """The statement list of the compound statement ``parent`` that holds ``statement``."""
    suites = [getattr(parent, "body", None)]
    orelse = getattr(parent, "orelse", None)
    if isinstance(orelse, cst.Else):
        suites.append(orelse.body)
    suites.extend(handler.body for handler in getattr(parent, "handlers", ()))
    finalbody = getattr(parent, "finalbody", None)
    if isinstance(finalbody, cst.Finally):
        suites.append(finalbody.body)
    suites.extend(case.body for case in getattr(parent, "cases", ()))
    for suite in suites:
        if isinstance(suite, cst.IndentedBlock) and any(item is statement for item in suite.body):
            return list(suite.body)
    return None


def _binds(node: cst.CSTNode, name: str) -> bool:
    """Whether ``name`` is bound anywhere in ``node`` (assignment, loop or ``with`` target,
    walrus, import, ``def`` / ``class``, ``global`` / ``nonlocal``, ``del``)."""
    finder = _BindingFinder(name)
    walk_visitor(node, finder)
    return finder.found


class _BindingFinder(cst.CSTVisitor):
    """Whether ``name`` is bound; with ``name`` None, every name bound (``names``)."""

    def __init__(self, name: str | None) -> None:
        super().__init__()
        self.name = name
        self.found = False
        self.names: set[str] = set()

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.name is None:
            return self._collect(node)
        if self.found:
            return False
        targets = _targets_bound(node)
        node_type = type(node)
        if node_type in _DEFINITIONS:
            self.found = node.name.value == self.name  # type: ignore[attr-defined]
            return False  # a nested scope binds its own names
        elif node_type in _DECLARATIONS:
            self.found = self.name in cst.Module([]).code_for_node(node).replace(",", " ").split()
            return False
        for target in targets:
            if any(
                isinstance(leaf, cst.Name) and leaf.value == self.name for leaf in _names(target)
            ):
                self.found = True
        return not self.found

    def _collect(self, node: cst.CSTNode) -> bool:
        """:meth:`on_visit` for every name at once: what it would find, name by name."""
        targets = _targets_bound(node)
        node_type = type(node)
        if node_type in _DEFINITIONS:
            self.names.add(node.name.value)  # type: ignore[attr-defined]
            return False
        elif node_type in _DECLARATIONS:
            self.names.update(cst.Module([]).code_for_node(node).replace(",", " ").split())
            return False
        for target in targets:
            self.names.update(leaf.value for leaf in _names(target) if isinstance(leaf, cst.Name))
        return True


def _targets_bound(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The targets a statement or clause binds (assignment, loop, ``with``, ``except``,
    walrus, ``del``); nothing for any other node."""
    node_type = type(node)  # exact types: asked of every node of the walks
    if node_type not in _BINDING_CLAUSES:
        return []
    if node_type is cst.Assign:
        return [target.target for target in node.targets]  # type: ignore[attr-defined]
    if node_type in _TARGET_CLAUSES:
        return [node.target]  # type: ignore[attr-defined]
    if node_type is cst.WithItem:
        return [node.asname.name] if node.asname is not None else []  # type: ignore[attr-defined]
    if node_type is cst.ExceptHandler:
        return [node.name.name] if node.name is not None else []  # type: ignore[attr-defined]
    return []


_DEFINITIONS = frozenset({cst.FunctionDef, cst.ClassDef})
_DECLARATIONS = frozenset({cst.Import, cst.ImportFrom, cst.Global, cst.Nonlocal})
_TARGET_CLAUSES = frozenset(
    {cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor, cst.NamedExpr, cst.Del}
)
_BINDING_CLAUSES = _TARGET_CLAUSES | {cst.Assign, cst.WithItem, cst.ExceptHandler}


def _names(node: cst.CSTNode) -> list[cst.CSTNode]:
    """``node`` and the names of a tuple or list target (not attributes or subscripts)."""
    if isinstance(node, (cst.Tuple, cst.List)):
        return [leaf for element in node.elements for leaf in _names(element.value)]
    if isinstance(node, cst.StarredElement):
        return _names(node.value)
    return [node]


def _made_by_nothing(_name: str) -> str | None:
    return None


def _catches_import_error(handler: cst.ExceptHandler) -> bool:
    """``except ImportError:`` / ``except (ImportError, ...):``: an import fallback."""
    caught = handler.type
    names = caught.elements if isinstance(caught, cst.Tuple) else ([caught] if caught else [])
    for name in names:
        value = name.value if isinstance(name, cst.Element) else name
        if isinstance(value, cst.Name) and value.value in _IMPORT_ERRORS:
            return True
    return False


_ENTER_HANDLERS = {
    cst.Import: Semantics._enter_import,
    cst.ImportFrom: Semantics._enter_import_from,
    cst.ExceptHandler: Semantics._enter_except_handler,
    cst.FunctionDef: Semantics._enter_function,
    cst.Lambda: Semantics._enter_lambda,
    cst.ClassDef: Semantics._enter_class,
    cst.Assign: Semantics._enter_assign,
    cst.AnnAssign: Semantics._enter_ann_assign,
    cst.AugAssign: Semantics._enter_aug_assign,
    cst.WithItem: Semantics._enter_with_item,
    cst.For: Semantics._enter_loop_target,
    cst.CompFor: Semantics._enter_loop_target,
    cst.ListComp: Semantics._enter_comprehension,
    cst.SetComp: Semantics._enter_comprehension,
    cst.GeneratorExp: Semantics._enter_comprehension,
    cst.DictComp: Semantics._enter_comprehension,
}
