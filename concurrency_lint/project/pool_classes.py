"""Recognise a module's own thread pool classes, from the interpreter's ``ast``.

A class is a thread pool when its ``__init__`` keeps a FIFO queue on ``self`` and, in a
``for _ in range(n):`` over one of its parameters, makes a worker of a class it hands that
queue to; its methods that ``put`` a tuple starting with their first argument on the
queue queue one call, and a method that calls one of those for each item of a parameter
queues a batch. A worker class runs the calls it is handed when its ``run`` takes a tuple
from a queue kept from its constructor and calls the first element. Whether the worker
class is a ``threading.Thread`` is the project model's question.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from concurrency_lint.analysis.pool_classes import ThreadPoolShape

Qualify = Callable[[ast.expr], "str | None"]

#: First-in first-out queues (``Queue`` is Python 2's module name for ``queue``).
_FIFO_QUEUES = frozenset({"queue.Queue", "queue.SimpleQueue", "Queue.Queue"})
_PUT_METHODS = frozenset({"put", "put_nowait"})


def thread_pool_shape(node: ast.ClassDef, qualify: Qualify) -> ThreadPoolShape | None:
    """The shape of ``node`` when it is a thread pool class (see the module), else None."""
    methods = {s.name: s for s in node.body if isinstance(s, ast.FunctionDef)}
    init = methods.get("__init__")
    if init is None or node.decorator_list:
        return None
    params = _positional(init)
    if len(params) < 2:
        return None
    me = params[0]
    queues = {
        attribute
        for attribute, value in _self_assignments(init, me)
        if isinstance(value, ast.Call) and qualify(value.func) in _FIFO_QUEUES
    }
    found = _workers(init, me, params[1:], queues, qualify) if queues else None
    if found is None:
        return None
    count, worker = found
    single = tuple(
        name
        for name, method in methods.items()
        if name != "__init__" and _queues_one_call(method, queues)
    )
    batch = tuple(
        name
        for name, method in methods.items()
        if name not in single and _queues_per_item(method, single)
    )
    if not single and not batch:
        return None
    return ThreadPoolShape(count, params.index(count) - 1, worker, single, batch)


def runs_queued_calls(node: ast.ClassDef) -> bool:
    """Whether the class's ``run`` takes a tuple from a queue its ``__init__`` keeps from
    a parameter (``self.tasks = tasks``) and calls the tuple's first element."""
    methods = {s.name: s for s in node.body if isinstance(s, ast.FunctionDef)}
    init, run = methods.get("__init__"), methods.get("run")
    if init is None or run is None or len(_positional(run)) != 1:
        return False
    params = _positional(init)
    if not params:
        return False
    kept = {
        attribute
        for attribute, value in _self_assignments(init, params[0])
        if isinstance(value, ast.Name) and value.id in params[1:]
    }
    me = _positional(run)[0]
    called: set[str] = set()
    for statement in ast.walk(run):
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            continue
        target, value = statement.targets[0], statement.value
        if not (isinstance(target, ast.Tuple) and target.elts):
            continue
        first = target.elts[0]
        if (
            isinstance(first, ast.Name)
            and isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "get"
            and _self_attribute(value.func.value, me) in kept
        ):
            called.add(first.id)
    return any(
        isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in called
        for call in ast.walk(run)
    )


def _workers(
    init: ast.FunctionDef, me: str, params: list[str], queues: set[str], qualify: Qualify
) -> tuple[str, str] | None:
    """(the parameter counting the workers, the worker class) of a ``for _ in range(n):``
    of ``__init__`` that makes a worker handed one of the queues."""
    for statement in init.body:
        if not isinstance(statement, ast.For):
            continue
        counted = statement.iter
        if not (
            isinstance(counted, ast.Call)
            and isinstance(counted.func, ast.Name)
            and counted.func.id == "range"
            and len(counted.args) == 1
            and not counted.keywords
            and isinstance(counted.args[0], ast.Name)
            and counted.args[0].id in params
        ):
            continue
        for call in ast.walk(statement):
            if not isinstance(call, ast.Call):
                continue
            handed = [
                _self_attribute(arg, me) for arg in (*call.args, *(k.value for k in call.keywords))
            ]
            worker = qualify(call.func)
            if worker is not None and any(name in queues for name in handed):
                return counted.args[0].id, worker
    return None


def _queues_one_call(method: ast.FunctionDef, queues: set[str]) -> bool:
    params = _positional(method)
    if len(params) < 2:
        return False
    me, func = params[0], params[1]
    for call in ast.walk(method):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr in _PUT_METHODS
            and _self_attribute(call.func.value, me) in queues
            and call.args
            and isinstance(call.args[0], ast.Tuple)
            and call.args[0].elts
            and isinstance(call.args[0].elts[0], ast.Name)
            and call.args[0].elts[0].id == func
        ):
            return True
    return False


def _queues_per_item(method: ast.FunctionDef, single: tuple[str, ...]) -> bool:
    """``def map(self, func, items): for item in items: self.add_task(func, item)``."""
    params = _positional(method)
    if len(params) != 3 or not single:
        return False
    me, func, items = params
    for loop in ast.walk(method):
        if not (isinstance(loop, ast.For) and isinstance(loop.iter, ast.Name)):
            continue
        if loop.iter.id != items:
            continue
        for call in ast.walk(loop):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr in single
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id == me
                and call.args
                and isinstance(call.args[0], ast.Name)
                and call.args[0].id == func
            ):
                return True
    return False


def _positional(function: ast.FunctionDef) -> list[str]:
    return [a.arg for a in (*function.args.posonlyargs, *function.args.args)]


def _self_assignments(function: ast.FunctionDef, me: str) -> list[tuple[str, ast.expr]]:
    found = []
    for statement in function.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                attribute = _self_attribute(target, me)
                if attribute is not None:
                    found.append((attribute, statement.value))
    return found


def _self_attribute(node: ast.expr, me: str) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == me:
        return node.attr
    return None
