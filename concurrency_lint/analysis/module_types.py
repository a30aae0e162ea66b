"""What the classes and helper functions of one module make, read from their source.

``def make_session(): return requests.Session()`` makes a ``requests.Session``; so does
``def make_session() -> requests.Session``; ``class Worker(threading.Thread)`` makes a
``threading.Thread`` unless it overrides a method the rules rely on (``join``). Answers
are qualified names, or None when the module does not show one type.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from concurrency_lint.analysis.call_shape import CallShape
from concurrency_lint.analysis.docstring_types import declared_parameter_types
from concurrency_lint.analysis.local_names import ScopeIndex, ScopeNames
from concurrency_lint.analysis.module_callers import CallSite, module_call_sites
from concurrency_lint.analysis.scopes import parameter_names
from concurrency_lint.analysis.tree_walk import walk
from concurrency_lint.knowledge.value_types import (
    CAST_FUNCTIONS,
    LIBRARY_SUBCLASSES,
    OPTIONAL_WRAPPERS,
    RETURNED_TYPES,
    SUBCLASSABLE_TYPES,
)

Qualify = Callable[[cst.BaseExpression], "str | None"]
MadeBy = Callable[[str], "str | None"]
#: How the project's other modules call a module-level name of this one: () when none
#: names it, None when one uses it otherwise (or that cannot be told).
Elsewhere = Callable[[str], "tuple[CallShape, ...] | None"]


def _made_by_nothing(_name: str) -> str | None:
    return None


def _calls_unknown(_name: str) -> tuple[CallShape, ...] | None:
    return None


_PENDING = "<pending>"  # a helper whose type is being computed (recursion)
_MAX_CALLER_DEPTH = 8  # functions whose callers type the parameters passed on
_NESTED = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})
#: The nodes a statement of a method's own can stand in (nested scopes aside).
_HOLDS_STATEMENTS = frozenset(
    {
        cst.IndentedBlock,
        cst.SimpleStatementSuite,
        cst.SimpleStatementLine,
        cst.If,
        cst.Else,
        cst.For,
        cst.While,
        cst.With,
        cst.Try,
        cst.TryStar,
        cst.ExceptHandler,
        cst.ExceptStarHandler,
        cst.Finally,
        cst.Match,
        cst.MatchCase,
    }
)


class ModuleTypes:
    """Types made by the module-level classes and functions (and methods) of one module."""

    def __init__(
        self,
        module: cst.Module,
        qualify: Qualify,
        index: ScopeIndex,
        made_by: MadeBy = _made_by_nothing,
        own_module: str | None = None,
        elsewhere: Elsewhere = _calls_unknown,
    ) -> None:
        self._module = module
        self._qualify = qualify
        self._elsewhere = elsewhere  # asked only when the module's own calls could tell
        self._made_by = made_by  # what a name of another module of the project makes
        self._own_module = own_module  # this module's name in its project, when known
        self._index = index
        self._functions: dict[str, cst.FunctionDef] = {}
        self._classes: dict[str, cst.ClassDef] = {}
        for statement in module.body:
            if isinstance(statement, cst.FunctionDef):
                self._functions[statement.name.value] = statement
            elif isinstance(statement, cst.ClassDef):
                self._classes[statement.name.value] = statement
        self._owners: dict[int, cst.ClassDef] = {
            id(method): owner
            for owner in self._classes.values()
            for method in owner.body.body
            if isinstance(method, cst.FunctionDef)
        }
        self._sites: dict[str, list[CallSite] | None] | None = None
        self._passed: dict[tuple[int, str], dict[str, str]] = {}
        self._callers_depth = 0  # callers being read, each for the parameters of the next
        self._memo: dict[int, str | None] = {}
        self._attributes: dict[tuple[int, str], str | None] = {}
        self._assignments: dict[
            int, dict[str, list[tuple[cst.FunctionDef, cst.BaseExpression]]]
        ] = {}
        self._docstrings: dict[int, tuple[cst.FunctionDef, dict[str, str]]] = {}

    # ---- questions -----------------------------------------------------------------------

    def made_by_local(self, name: str) -> str | None:
        """The type a call of the module's own class or function ``name`` returns."""
        if name in self._classes:
            return self.class_type(self._classes[name])
        if name in self._functions:
            return self.returns(self._functions[name], None)
        if self._own_module is not None:  # defined in an ``if`` / ``try`` block: the model
            return self._made_by(f"{self._own_module}.{name}")
        return None

    def module_class(self, name: str) -> cst.ClassDef | None:
        """The module-level class ``name``, if the module defines one."""
        return self._classes.get(name)

    def class_attribute_type(self, owner: cst.ClassDef, attribute: str) -> str | None:
        """The type of ``attribute = value`` written once in the class body (and never
        assigned on ``self``), else None."""
        values = [
            small.value
            for statement in owner.body.body
            if isinstance(statement, cst.SimpleStatementLine)
            for small in statement.body
            if isinstance(small, cst.Assign)
            and any(
                isinstance(target.target, cst.Name) and target.target.value == attribute
                for target in small.targets
            )
        ]
        if len(values) != 1 or not isinstance(values[0], cst.Call):
            return None
        assigned = self._assignments.get(id(owner))
        if assigned is None:
            assigned = self._assignments[id(owner)] = _self_assignments(owner)
        if attribute in assigned:
            return None
        return self.call_type(values[0], None, lambda _name: None)

    def method_returns(self, owner: cst.ClassDef, method: str) -> str | None:
        """The type ``self.method(...)`` returns inside ``owner``."""
        for statement in owner.body.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == method:
                return self.returns(statement, owner)
        return None

    def attribute_type(self, owner: cst.ClassDef, attribute: str) -> str | None:
        """The one type every ``self.<attribute> = ...`` of the class's methods gives
        (``None`` values aside), else None."""
        key = (id(owner), attribute)
        if key not in self._attributes:
            self._attributes[key] = None  # recursion: unknown while being computed
            self._attributes[key] = self._attribute_type(owner, attribute)
        return self._attributes[key]

    def class_type(self, node: cst.ClassDef) -> str | None:
        """The known base type a class keeps (see ``SUBCLASSABLE_TYPES``), else None."""
        key = id(node)
        if key in self._memo:
            found = self._memo[key]
            return None if found == _PENDING else found
        self._memo[key] = _PENDING
        found = self._base_type(node)
        self._memo[key] = found
        return found

    def returns(self, function: cst.FunctionDef, owner: cst.ClassDef | None) -> str | None:
        """What a helper returns: its annotation, or the one type all its returns have."""
        key = id(function)
        if key in self._memo:
            found = self._memo[key]
            return None if found == _PENDING else found
        self._memo[key] = _PENDING
        found = self._returns(function, owner)
        self._memo[key] = found
        return found

    def annotation_type(self, annotation: cst.BaseExpression) -> str | None:
        """``requests.Session`` for ``requests.Session``, ``Optional[...]``, ``... | None``
        or the string ``"requests.Session"``; a module class's known base type too."""
        if isinstance(annotation, cst.SimpleString):
            text = annotation.evaluated_value
            if not isinstance(text, str):
                return None
            try:
                annotation = cst.parse_expression(text)
            except cst.ParserSyntaxError:
                return None
        if isinstance(annotation, cst.Subscript):
            if self._qualify(annotation.value) in OPTIONAL_WRAPPERS:
                index = annotation.slice[0].slice
                if isinstance(index, cst.Index):
                    return self.annotation_type(index.value)
                return None
            # ``Popen[bytes]``, ``Future[int]``: the generic class itself.
            return self.annotation_type(annotation.value)
        if isinstance(annotation, cst.BinaryOperation) and isinstance(
            annotation.operator, cst.BitOr
        ):
            left, right = annotation.left, annotation.right
            if _is_none(right):
                return self.annotation_type(left)
            if _is_none(left):
                return self.annotation_type(right)
            return None
        if isinstance(annotation, cst.Name) and annotation.value in self._classes:
            return self.class_type(self._classes[annotation.value])
        if isinstance(annotation, (cst.Name, cst.Attribute)):
            name = self._qualify(annotation)
            return (self._made_by(name) or name) if name is not None else None
        return None

    def declared_type(self, text: str) -> str | None:
        """The type a docstring's dotted ``text`` names: a name the module binds, a class
        of the module, else what the project's top-level package exports under it
        (``ArchiveSession`` -> ``internetarchive.ArchiveSession``); a dotted name the module
        does not bind is taken as already qualified."""
        try:
            expression = cst.parse_expression(text)
        except cst.ParserSyntaxError:
            return None
        head = expression
        while isinstance(head, cst.Attribute):
            head = head.value
        if not isinstance(head, cst.Name):
            return None
        if head.value in self._classes or self._qualify(head) is not None:
            return self.annotation_type(expression)
        if "." in text:
            return self._made_by(text) or text
        if self._own_module is None:
            return None
        return self._made_by(f"{self._own_module.partition('.')[0]}.{text}")

    def parameter_types(self, function: cst.FunctionDef) -> dict[str, str | None]:
        """Parameter -> its annotation's type, else the type its docstring declares."""
        return self._parameter_types(function)

    def passed_types(self, function: cst.FunctionDef) -> dict[str, str]:
        """Parameter -> the one type every call of a module-level function (or of the class
        whose ``__init__`` it is) in the module passes (its default where a call leaves it
        out), when no other module of the project names the function or class, or those
        that do only call it leaving that parameter to its default."""
        return self._passed_by_callers(function, "value")

    def attribute_alias(self, owner: cst.ClassDef, attribute: str) -> str | None:
        """The qualified function every ``self.<attribute> = param`` of the class's
        methods stores: a parameter whose every call passes (or leaves as its default)
        that one function (``requester=requests.request``); else None."""
        key = (id(owner), f"alias:{attribute}")
        if key not in self._attributes:
            self._attributes[key] = None
            assigned = self._assignments.get(id(owner))
            if assigned is None:
                assigned = self._assignments[id(owner)] = _self_assignments(owner)
            found: set[str | None] = set()
            for method, value in assigned.get(attribute, ()):
                if isinstance(value, cst.Name) and value.value in parameter_names(method.params):
                    found.add(self._passed_by_callers(method, "alias").get(value.value))
                else:
                    found.add(None)
            self._attributes[key] = found.pop() if len(found) == 1 else None
        return self._attributes[key]

    def passed_factories(self, function: cst.FunctionDef) -> dict[str, str]:
        """Parameter -> the type calling it makes, when every call of the module-level
        function in the module passes a class of the module keeping that one type
        (``join_all(DownloadProcess)``), as :meth:`passed_types` reads the calls."""
        return self._passed_by_callers(function, "factory")

    def call_type(
        self, call: cst.Call, owner: cst.ClassDef | None, resolve_name: Callable[[str], str | None]
    ) -> str | None:
        """The type a call returns: a qualified constructor or function name, a ``cast``,
        a module class or helper, or ``self.helper()`` of ``owner``."""
        name = self._qualify(call.func)
        if name is not None:
            if name in CAST_FUNCTIONS and call.args:
                return self.annotation_type(call.args[0].value)
            return self._made_by(name) or RETURNED_TYPES.get(name, name)
        func = call.func
        if isinstance(func, cst.Name) and resolve_name(func.value) is None:
            return self.made_by_local(func.value)
        nested = self._nested_class(func)
        if nested is not None and resolve_name(nested[0]) is None:
            return self.class_type(nested[1])
        if (
            owner is not None
            and isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == "self"
        ):
            return self.method_returns(owner, func.attr.value)
        return None

    # ---- internals -----------------------------------------------------------------------

    def _nested_class(self, func: cst.BaseExpression) -> tuple[str, cst.ClassDef] | None:
        """(outer name, class) for ``Outer.Inner``: a class defined in a module class's body."""
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
            return None
        outer = self._classes.get(func.value.value)
        if outer is None:
            return None
        for statement in outer.body.body:
            if isinstance(statement, cst.ClassDef) and statement.name.value == func.attr.value:
                return func.value.value, statement
        return None

    def _attribute_type(self, owner: cst.ClassDef, attribute: str) -> str | None:
        assigned = self._assignments.get(id(owner))
        if assigned is None:
            assigned = self._assignments[id(owner)] = _self_assignments(owner)
        types: set[str | None] = set()
        for method, value in assigned.get(attribute, ()):
            if _is_none(value):
                continue
            names = self._index.of(method)
            annotations = self._parameter_types(method, callers=True)
            types.add(self._expression_type(value, method, names, annotations, owner))
        if not types:  # never assigned in a method: ``session: Session`` in the body
            declared = _declared_attribute(owner, attribute)
            return self.annotation_type(declared) if declared is not None else None
        if len(types) != 1:
            return None
        return types.pop()

    def _parameter_types(
        self, function: cst.FunctionDef, callers: bool = False
    ) -> dict[str, str | None]:
        params = function.params
        types: dict[str, str | None] = dict.fromkeys(parameter_names(params))
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.annotation is not None:
                types[param.name.value] = self.annotation_type(param.annotation.annotation)
        for name, text in self._declared_types(function).items():
            if types.get(name) is None:
                types[name] = self.declared_type(text)
        if callers and any(made is None for made in types.values()):
            for name, made in self.passed_types(function).items():
                if types.get(name) is None:
                    types[name] = made
        return types

    def _declared_types(self, function: cst.FunctionDef) -> dict[str, str]:
        """:func:`declared_parameter_types`, read once per function (its docstring does
        not change; the types its text names are resolved where they are asked)."""
        found = self._docstrings.get(id(function))
        if found is None or found[0] is not function:
            found = self._docstrings[id(function)] = (function, declared_parameter_types(function))
        return found[1]

    def _passed_by_callers(self, function: cst.FunctionDef, kind: str) -> dict[str, str]:
        key = (id(function), kind)
        if key not in self._passed:
            if self._callers_depth >= _MAX_CALLER_DEPTH:
                return {}  # a long chain of callers: unknown (not kept)
            self._passed[key] = {}  # recursion: unknown while being computed
            self._callers_depth += 1
            try:
                self._passed[key] = self._read_callers(function, kind)
            finally:
                self._callers_depth -= 1
        return self._passed[key]

    def _read_callers(self, function: cst.FunctionDef, kind: str) -> dict[str, str]:
        owner = self._owners.get(id(function))
        if owner is not None:
            if (
                function.name.value != "__init__"
                or self._classes.get(owner.name.value) is not owner
            ):
                return {}
            name, skip = owner.name.value, 1  # ``self``
        elif self._functions.get(function.name.value) is function:
            name, skip = function.name.value, 0
        else:
            return {}
        if self._sites is None:
            module_names = self._index.bound_in(self._module)
            self._sites = {}  # while being read: nothing is known
            self._sites = module_call_sites(
                self._module,
                self._qualify,
                self._index.binds,
                frozenset(module_names.bindings),
            )
        sites = self._sites.get(name)
        if sites is None:
            return {}
        elsewhere = self._elsewhere(name)  # calls of it in the project's other modules
        if elsewhere is None or not (sites or elsewhere):
            return {}
        own = self._index.of(function)
        positional = [*function.params.posonly_params, *function.params.params][skip:]
        params: list[tuple[int | None, cst.Param]] = [*enumerate(positional)]
        params += [(None, param) for param in function.params.kwonly_params]
        found: dict[str, str] = {}
        for position, param in params:
            keyword = param.name.value
            if len(own.bindings.get(keyword, ())) != 1:
                continue  # rebound inside the function
            if any(shape.passes(position, keyword) for shape in elsewhere):
                continue  # another module passes it: what, is not read
            kinds: set[str | None] = set()
            if elsewhere:  # they all leave it to its default
                kinds.add(self._passed_value(None, param.default, kind))
            for site in sites:
                if None in kinds or len(kinds) > 1:
                    break
                value = site.argument(position, keyword)
                if value is not None:
                    kinds.add(self._passed_value(site.function, value, kind))
                else:  # left out: the default
                    kinds.add(self._passed_value(None, param.default, kind))
            made = kinds.pop() if len(kinds) == 1 else None
            if made is not None:
                found[keyword] = made
        return found

    def _passed_value(
        self, scope: cst.FunctionDef | None, value: cst.BaseExpression | None, kind: str
    ) -> str | None:
        """What one call passes, written in ``scope`` (None: at module level, a default):
        its type (``kind`` "value"); the type calling it makes when it is a class of the
        module ("factory"); the qualified function or class it names ("alias")."""
        if value is None:
            return None
        if kind == "alias":
            head = value
            while isinstance(head, cst.Attribute):
                head = head.value
            if not isinstance(head, cst.Name) or (
                scope is not None and self._index.binds(scope, head.value)
            ):
                return None
            return self._qualify(value) if isinstance(value, (cst.Name, cst.Attribute)) else None
        if kind == "factory":
            if not isinstance(value, cst.Name) or value.value not in self._classes:
                return None
            if scope is not None and self._index.binds(scope, value.value):
                return None  # a local of the same name
            if value.value in self._index.bound_in(self._module).bindings:
                return None  # rebound at module level
            return self.class_type(self._classes[value.value])
        if scope is None:
            if isinstance(value, cst.Call):
                return self.call_type(value, None, lambda _name: None)
            return None
        names = self._index.of(scope)
        parameters = self._parameter_types(scope, callers=True)
        return self._expression_type(value, scope, names, parameters, self._owners.get(id(scope)))

    def declared_base(self, node: cst.ClassDef) -> str | None:
        """The known base type a class derives from, overridden methods or not: what
        ``super()`` is inside it."""
        return self._base_type(node, keep_overrides=False)

    def _base_type(self, node: cst.ClassDef, keep_overrides: bool = True) -> str | None:
        for base in node.bases:
            if base.keyword is not None:
                continue
            value = base.value
            if isinstance(value, cst.Name) and value.value in self._classes:
                kept = self.class_type(self._classes[value.value])
            else:
                kept = self._qualify(value)
                kept = (self._made_by(kept) or kept) if kept is not None else None
                kept = LIBRARY_SUBCLASSES.get(kept or "", kept)
            if kept not in SUBCLASSABLE_TYPES:
                continue
            if not keep_overrides:
                return kept
            overridden = {
                statement.name.value
                for statement in node.body.body
                if isinstance(statement, cst.FunctionDef)
            }
            if overridden & SUBCLASSABLE_TYPES[kept]:
                return None
            return kept
        return None

    def _returns(self, function: cst.FunctionDef, owner: cst.ClassDef | None) -> str | None:
        if function.returns is not None:
            return self.annotation_type(function.returns.annotation)
        if function.asynchronous is not None:
            return None  # calling it makes a coroutine
        returned: list[cst.BaseExpression | None] = []

        def enter(node: cst.CSTNode) -> bool:
            node_type = type(node)
            if node_type is cst.Return:
                returned.append(node.value)  # type: ignore[attr-defined]
            elif node_type is cst.Yield or node_type is cst.Await:
                returned.append(None)  # a generator, or not a plain value
            return node is function or node_type not in _NESTED

        walk(function, enter)
        if not returned or any(value is None for value in returned):
            return None
        names = self._index.of(function)
        parameters = self._parameter_types(function, callers=True)
        types = set()
        for value in returned:
            assert value is not None
            types.add(self._expression_type(value, function, names, parameters, owner))
        if len(types) != 1:
            return None
        return types.pop()

    def _expression_type(
        self,
        value: cst.BaseExpression,
        function: cst.FunctionDef,
        names: ScopeNames,
        parameters: dict[str, str | None],
        owner: cst.ClassDef | None,
        depth: int = 0,
    ) -> str | None:
        if isinstance(value, cst.Call):
            return self.call_type(value, owner, lambda name: "" if names.binds(name) else None)
        if (
            owner is not None
            and isinstance(value, cst.Attribute)
            and isinstance(value.value, cst.Name)
            and value.value.value == "self"
        ):
            return self.attribute_type(owner, value.attr.value)  # ``self.tasks``
        if isinstance(value, cst.Name) and depth < 4:
            if value.value in parameters:
                return parameters[value.value]
            bound = names.value_of(value.value)
            if bound is None:
                return None
            return self._expression_type(bound, function, names, parameters, owner, depth + 1)
        return None


def _self_assignments(
    owner: cst.ClassDef,
) -> dict[str, list[tuple[cst.FunctionDef, cst.BaseExpression]]]:
    """Attribute -> (method, value) of every ``self.<attribute> = value`` in the class's
    methods (nested scopes aside), in one walk."""
    found: dict[str, list[tuple[cst.FunctionDef, cst.BaseExpression]]] = {}
    for method in owner.body.body:
        if not isinstance(method, cst.FunctionDef):
            continue

        def enter(node: cst.CSTNode, method: cst.FunctionDef = method) -> bool:
            node_type = type(node)  # exact types: asked of every node of the methods
            if node_type is cst.Assign:
                for target in node.targets:  # type: ignore[attr-defined]
                    _note(found, method, target.target, node.value)  # type: ignore[attr-defined]
            elif node_type is cst.AnnAssign or node_type is cst.AugAssign:
                value = node.value if node.value is not None else cst.Name("None")  # type: ignore[attr-defined]
                if node_type is cst.AugAssign:
                    value = cst.Name("_augmented")  # not a plain value
                _note(found, method, node.target, value)  # type: ignore[attr-defined]
            # Statements hold statements; an expression holds none (a lambda's body is one).
            return node_type in _HOLDS_STATEMENTS or node is method

        walk(method, enter)
    return found


def _note(
    found: dict[str, list[tuple[cst.FunctionDef, cst.BaseExpression]]],
    method: cst.FunctionDef,
    target: cst.BaseExpression,
    value: cst.BaseExpression,
) -> None:
    if (
        isinstance(target, cst.Attribute)
        and isinstance(target.value, cst.Name)
        and target.value.value == "self"
    ):
        found.setdefault(target.attr.value, []).append((method, value))
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            _note(found, method, element.value, cst.Name("_unpacked"))


def _declared_attribute(owner: cst.ClassDef, attribute: str) -> cst.BaseExpression | None:
    """The annotation of ``attribute: T`` (or ``attribute: T = ...``) in the class body."""
    for statement in owner.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if (
                    isinstance(small, cst.AnnAssign)
                    and isinstance(small.target, cst.Name)
                    and small.target.value == attribute
                ):
                    return small.annotation.annotation
    return None


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"
