"""Where a module calls its own module-level functions and classes, read from its source.

``def process(tasks): tasks.get()`` that its module only ever calls as
``process(queue.Queue())`` receives a ``queue.Queue``: a parameter has the one type every
call in the module passes, when no other module of the project names the function, or
those that do only call it leaving the parameter to its default (the caller asks the
project model), and the module uses its name only to call it. Any other use
of the name (handed elsewhere, rebound, subclassed, decorated, read as ``obj.name``, called
with ``*args``) leaves its parameters unknown. A class's calls are its ``__init__``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from concurrency_lint.analysis.tree_walk import walk, walk_visitor

Qualify = Callable[[cst.BaseExpression], "str | None"]
#: Whether a function binds a name itself (a local that shadows the module's).
Binds = Callable[[cst.FunctionDef, str], bool]

_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
# The walk meets every node: exact types (LibCST's node classes have no subclasses, and
# ``isinstance`` against them goes through ``ABCMeta``).
_SCOPE_TYPES = frozenset(_SCOPES)
_HARMLESS = frozenset({"builtins.isinstance", "builtins.issubclass"})


@dataclass(frozen=True)
class CallSite:
    """One call of a module-level name: its arguments and the function it is written in
    (None at module level; a lambda or class body around it makes the name escape)."""

    positional: tuple[cst.BaseExpression, ...]
    keywords: tuple[tuple[str, cst.BaseExpression], ...]
    function: cst.FunctionDef | None

    def argument(self, position: int | None, keyword: str) -> cst.BaseExpression | None:
        """What the call passes for a parameter (``position`` None: keyword-only)."""
        if position is not None and position < len(self.positional):
            return self.positional[position]
        return dict(self.keywords).get(keyword)

    def passes(self, position: int | None, keyword: str) -> bool:
        return self.argument(position, keyword) is not None


def module_call_sites(
    module: cst.Module, qualify: Qualify, binds: Binds, module_binds: frozenset[str]
) -> dict[str, list[CallSite] | None]:
    """Module-level function or class name -> its calls in the module, or None when the
    module uses the name otherwise too (or binds it twice, or decorates it).
    ``module_binds`` are the names the module binds other than by ``def`` / ``class``."""
    names: dict[str, int] = {}
    definitions: dict[str, cst.FunctionDef | cst.ClassDef] = {}
    for statement in module.body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            name = statement.name.value
            names[name] = names.get(name, 0) + 1
            definitions[name] = statement
    finder = _Uses(frozenset(names), qualify, binds)
    walk_visitor(module, finder)
    found: dict[str, list[CallSite] | None] = {}
    for name, count in names.items():
        in_question = count == 1 and name not in finder.escapes and name not in module_binds
        # ``_decorated`` walks a class: asked only of one still in question
        if not in_question or _decorated(definitions[name]):
            found[name] = None
        else:
            found[name] = finder.sites.get(name, [])
    return found


def _decorated(statement: cst.FunctionDef | cst.ClassDef) -> bool:
    """A decorated definition, or a class that may build itself unnamed."""
    return bool(statement.decorators) or (
        isinstance(statement, cst.ClassDef) and _builds_itself(statement)
    )


def _builds_itself(owner: cst.ClassDef) -> bool:
    """Whether the class may call its own constructor without naming itself: a
    ``classmethod`` (``cls(...)``), ``type(self)(...)``, ``self.__class__(...)``, or
    a ``__new__`` of its own."""
    found = False

    def enter(node: cst.CSTNode) -> bool:
        nonlocal found
        node_type = type(node)  # exact types: asked of every node of the class
        if node_type is cst.Decorator:
            if type(node.decorator) is cst.Name:  # type: ignore[attr-defined]
                found = found or node.decorator.value == "classmethod"  # type: ignore[attr-defined]
        elif node_type is cst.Attribute:
            found = found or node.attr.value == "__class__"  # type: ignore[attr-defined]
        elif node_type is cst.Call:
            if type(node.func) is cst.Name:  # type: ignore[attr-defined]
                found = found or node.func.value == "type"  # type: ignore[attr-defined]
        elif node_type is cst.FunctionDef:
            found = found or node.name.value == "__new__"  # type: ignore[attr-defined]
        return not found

    walk(owner.body, enter)
    return found


class _Uses(cst.CSTVisitor):
    """Every use of the names; a use that is not a plain call makes the name escape."""

    def __init__(self, names: frozenset[str], qualify: Qualify, binds: Binds) -> None:
        super().__init__()
        self.names = names
        self.qualify = qualify
        self.binds = binds
        self.sites: dict[str, list[CallSite]] = {}
        self.escapes: set[str] = set()
        self.stack: list[cst.CSTNode] = []
        self.scopes: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        node_type = type(node)
        if node_type is cst.Name:
            if node.value in self.names:  # type: ignore[attr-defined]
                self._use(node)  # type: ignore[arg-type]
        elif node_type is cst.Attribute:
            if node.attr.value in self.names:  # type: ignore[attr-defined]
                # ``module.name`` or another object's member
                self.escapes.add(node.attr.value)  # type: ignore[attr-defined]
        elif node_type is cst.SimpleString and node.value.strip("'\"") in self.names:  # type: ignore[attr-defined]
            self.escapes.add(node.value.strip("'\""))  # type: ignore[attr-defined]  # ``getattr(module, "name")``
        self.stack.append(node)
        if node_type in _SCOPE_TYPES:
            self.scopes.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()
        if self.scopes and self.scopes[-1] is original_node:
            self.scopes.pop()

    def _use(self, node: cst.Name) -> None:
        name = node.value
        parent = self.stack[-1] if self.stack else None
        grandparent = self.stack[-2] if len(self.stack) >= 2 else None
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return
        if isinstance(parent, (cst.FunctionDef, cst.ClassDef)) and parent.name is node:
            if len(self.stack) != 2:  # a nested definition of the same name
                self.escapes.add(name)
            return
        if isinstance(parent, cst.Arg) and parent.keyword is node:
            return  # ``f(name=...)``: a keyword, not the name
        if isinstance(parent, cst.Call) and parent.func is node:
            self._call(name, parent)
            return
        if (
            isinstance(parent, cst.Arg)
            and parent.keyword is None
            and isinstance(grandparent, cst.Call)
            and isinstance(grandparent.func, cst.Name)
            and self.qualify(grandparent.func) in _HARMLESS
        ):
            return
        self.escapes.add(name)

    def _call(self, name: str, call: cst.Call) -> None:
        scope = self.scopes[-1] if self.scopes else None
        if scope is not None and not isinstance(scope, cst.FunctionDef):
            self.escapes.add(name)  # in a lambda or a class body: not read here
            return
        if any(isinstance(s, cst.FunctionDef) and self.binds(s, name) for s in self.scopes):
            self.escapes.add(name)  # a local of the same name, perhaps
            return
        positional: list[cst.BaseExpression] = []
        keywords: list[tuple[str, cst.BaseExpression]] = []
        for arg in call.args:
            if arg.star:
                self.escapes.add(name)
                return
            if arg.keyword is None:
                positional.append(arg.value)
            else:
                keywords.append((arg.keyword.value, arg.value))
        function = scope if isinstance(scope, cst.FunctionDef) else None
        self.sites.setdefault(name, []).append(
            CallSite(tuple(positional), tuple(keywords), function)
        )
