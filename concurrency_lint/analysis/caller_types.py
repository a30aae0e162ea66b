"""Types of a nested function's parameters, read from its callers in the enclosing function.

``def consumer(q): q.get()`` nested in a function that only ever runs it as
``threading.Thread(target=consumer, args=(q, n))`` with ``q = queue.Queue()`` receives a
``queue.Queue``: the parameter has the one type every call passes. Any other use of the
function's name (handed elsewhere, stored, called with ``*args``) leaves its parameters
unknown.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from concurrency_lint.analysis.calls import keyword_arg
from concurrency_lint.analysis.local_names import ScopeIndex, ScopeNames
from concurrency_lint.analysis.module_types import ModuleTypes
from concurrency_lint.analysis.tree_walk import walk_visitor
from concurrency_lint.knowledge.lifecycle import PROCESS_CONSTRUCTORS

Qualify = Callable[[cst.BaseExpression], "str | None"]

#: Constructors that call ``target(*args)`` in a new thread or process.
TARGET_RUNNERS = frozenset({"threading.Thread"}) | PROCESS_CONSTRUCTORS
#: Nested scopes, by exact type (LibCST's node classes have no subclasses).
_SCOPE_TYPES = frozenset({cst.FunctionDef, cst.Lambda, cst.ClassDef})


def parameter_types(
    function: cst.FunctionDef,
    enclosing: cst.FunctionDef,
    qualify: Qualify,
    types: ModuleTypes,
    index: ScopeIndex,
) -> dict[str, str]:
    """Parameter -> the one type every caller in ``enclosing`` passes for it."""
    names = index.of(enclosing)
    name = function.name.value
    if names.functions.get(name) is not function or name in names.bindings:
        return {}
    finder = _Sites(name, function, qualify)
    walk_visitor(enclosing.body, finder)
    if finder.escapes or not finder.sites:
        return {}
    params = [*function.params.posonly_params, *function.params.params]
    own = index.of(function)
    found: dict[str, str] = {}
    for position, param in enumerate(params):
        if len(own.bindings.get(param.name.value, ())) != 1:
            continue  # rebound inside the function
        kinds = {
            _value_type(site, position, param.name.value, names, types) for site in finder.sites
        }
        kind = kinds.pop() if len(kinds) == 1 else None
        if kind is not None:
            found[param.name.value] = kind
    return found


def _value_type(
    site: tuple[list[cst.BaseExpression], dict[str, cst.BaseExpression]],
    position: int,
    keyword: str,
    names: ScopeNames,
    types: ModuleTypes,
) -> str | None:
    positional, keywords = site
    value = positional[position] if position < len(positional) else keywords.get(keyword)
    if isinstance(value, cst.Name):
        value = names.value_of(value.value)
    if not isinstance(value, cst.Call):
        return None
    return types.call_type(value, None, lambda local: "" if names.binds(local) else None)


class _Sites(cst.CSTVisitor):
    """The argument lists of every call of ``name``; ``escapes`` when it is used otherwise."""

    def __init__(self, name: str, function: cst.FunctionDef, qualify: Qualify) -> None:
        super().__init__()
        self.name = name
        self.function = function
        self.qualify = qualify
        self.sites: list[tuple[list[cst.BaseExpression], dict[str, cst.BaseExpression]]] = []
        self.escapes = False
        self.stack: list[cst.CSTNode] = []
        self.depth = 0  # nested scopes entered

    def on_visit(self, node: cst.CSTNode) -> bool:
        if node is self.function:
            return False
        node_type = type(node)  # exact types: asked of every node of the function
        if node_type in _SCOPE_TYPES:
            self.depth += 1
        elif node_type is cst.Name and node.value == self.name:  # type: ignore[attr-defined]
            self._use(node)  # type: ignore[arg-type]
        self.stack.append(node)
        return not self.escapes

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if original_node is self.function:
            return
        self.stack.pop()
        if type(original_node) in _SCOPE_TYPES:
            self.depth -= 1

    def _use(self, node: cst.Name) -> None:
        parent = self.stack[-1] if self.stack else None
        grandparent = self.stack[-2] if len(self.stack) >= 2 else None
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return  # ``obj.name``: another name
        if self.depth == 0 and isinstance(parent, cst.Call) and parent.func is node:
            self._add(parent.args)
        elif (
            self.depth == 0
            and isinstance(parent, cst.Arg)
            and parent.keyword is not None
            and parent.keyword.value == "target"
            and isinstance(grandparent, cst.Call)
            and self.qualify(grandparent.func) in TARGET_RUNNERS
        ):
            passed = keyword_arg(grandparent, "args")
            if keyword_arg(grandparent, "kwargs") is not None:
                self.escapes = True
            elif passed is None:
                self.sites.append(([], {}))
            elif isinstance(passed.value, (cst.Tuple, cst.List)):
                elements = passed.value.elements
                if any(isinstance(element, cst.StarredElement) for element in elements):
                    self.escapes = True
                else:
                    self.sites.append(([element.value for element in elements], {}))
            else:
                self.escapes = True
        elif not (isinstance(parent, cst.Arg) and parent.keyword is node):
            self.escapes = True

    def _add(self, args: tuple[cst.Arg, ...] | list[cst.Arg]) -> None:
        positional: list[cst.BaseExpression] = []
        keywords: dict[str, cst.BaseExpression] = {}
        for arg in args:
            if arg.star:
                self.escapes = True
                return
            if arg.keyword is None:
                positional.append(arg.value)
            else:
                keywords[arg.keyword.value] = arg.value
        self.sites.append((positional, keywords))
