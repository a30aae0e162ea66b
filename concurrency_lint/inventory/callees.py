"""The function a use runs (a thread's target, a pool's callable, ``asyncio.run``'s
coroutine), found in the same file, and the ``try/except`` written inside it.

The inventory reads one file at a time (cached by its content), so a callable is looked
for where the file defines it: a function of the enclosing function, a method of the
enclosing class (``self.work``), or a function of the module. A callable defined in
another module is not followed.
"""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis import Semantics
from concurrency_lint.analysis.tree_walk import children, descendants
from concurrency_lint.inventory.handling import caught
from concurrency_lint.inventory.model import Handling

#: Mechanism -> where its callable is passed: (keywords, position among the positionals).
CALLABLE_ARGUMENTS: dict[str, tuple[tuple[str, ...], int]] = {
    "threading.Thread": (("target",), 1),
    "multiprocessing.Process": (("target",), 1),
    "threading.Timer": (("function",), 1),
    "asyncio.run": (("main",), 0),
    "asyncio.create_task": (("coro",), 0),
    "asyncio.ensure_future": (("coro_or_future",), 0),
    "asyncio.TaskGroup.create_task": (("coro",), 0),
    "asyncio.to_thread": (("func",), 0),
    "asyncio.loop.run_in_executor": (("func",), 1),
}
#: Pool and executor methods: the callable comes first.
_POOL_METHOD_ARGUMENT = (("func", "fn"), 0)
_PARTIALS = frozenset({"functools.partial"})
_DEFINITIONS = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def callable_argument(
    call: cst.Call, mechanism: str, pool_method: bool
) -> cst.BaseExpression | None:
    """The expression a use is given as the work to run, when it takes one."""
    where = CALLABLE_ARGUMENTS.get(mechanism) or (_POOL_METHOD_ARGUMENT if pool_method else None)
    if where is None:
        return None
    keywords, position = where
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in keywords:
            return arg.value
    if any(arg.star for arg in call.args[: position + 1]):
        return None
    return positional[position].value if len(positional) > position else None


class Callees:
    """Resolves callables to the file's definitions and reads their ``try/except``."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._module_functions: dict[str, cst.FunctionDef | None] | None = None

    def handling(self, work: cst.BaseExpression, semantics: Semantics) -> Handling | None:
        """``callable_try_except`` when the callable ``work`` names catches errors."""
        definition = self.resolve(work, semantics)
        return None if definition is None else callee_handling(definition)

    def resolve(self, work: cst.BaseExpression, semantics: Semantics) -> cst.FunctionDef | None:
        if isinstance(work, cst.Call):
            if semantics.qualified_name(work.func) in _PARTIALS:
                first = work.args[0].value if work.args and not work.args[0].star else None
                return None if first is None else self.resolve(first, semantics)
            work = work.func  # ``asyncio.run(main())``: the coroutine function
        if isinstance(work, cst.Name):
            function = semantics.enclosing_function()
            local = _only(_nested_functions(function), work.value) if function else None
            return local or self._module_function(work.value)
        if (
            isinstance(work, cst.Attribute)
            and isinstance(work.value, cst.Name)
            and work.value.value in ("self", "cls")
        ):
            classes = semantics.scopes.class_frames
            if classes and isinstance(classes[-1].node, cst.ClassDef):
                return method(classes[-1].node, work.attr.value)
        return None

    def _module_function(self, name: str) -> cst.FunctionDef | None:
        if self._module_functions is None:
            found: dict[str, cst.FunctionDef | None] = {}
            for statement in self.module.body:
                if isinstance(statement, cst.FunctionDef):
                    key = statement.name.value
                    found[key] = None if key in found else statement  # redefined: unknown
            self._module_functions = found
        return self._module_functions.get(name)


def method(node: cst.ClassDef, name: str) -> cst.FunctionDef | None:
    """The class's own method ``name`` (defined once in its body), else None."""
    return _only([s for s in node.body.body if isinstance(s, cst.FunctionDef)], name)


def callee_handling(definition: cst.FunctionDef) -> Handling | None:
    """``try/except`` inside the function's body (nested definitions aside)."""
    names: list[str] = []
    for node in _own_nodes(definition.body):
        if isinstance(node, (cst.Try, cst.TryStar)):
            for handler in node.handlers:
                name = caught(handler)
                if name not in names:
                    names.append(name)
    if not names:
        return None
    return Handling("callable_try_except", f"{definition.name.value} ({', '.join(names)})")


def _own_nodes(root: cst.CSTNode) -> list[cst.CSTNode]:
    found = []
    stack = [root]
    while stack:
        node = stack.pop()
        found.append(node)
        if node is root or not isinstance(node, _DEFINITIONS):
            stack.extend(reversed(list(children(node))))
    return found


def _nested_functions(function: cst.FunctionDef) -> list[cst.FunctionDef]:
    return [node for node in descendants(function.body) if isinstance(node, cst.FunctionDef)]


def _only(functions: list[cst.FunctionDef], name: str) -> cst.FunctionDef | None:
    named = [function for function in functions if function.name.value == name]
    return named[0] if len(named) == 1 else None
