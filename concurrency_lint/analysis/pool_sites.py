"""Where work is handed to threads or processes: the call, the callable, the pool.

A *pool site* is a call that sends a callable to other threads or processes:
``ex.submit(f, ...)`` / ``ex.map(f, ...)`` on a provable executor or pool, ``threading.Thread(
target=f)``, ``asyncio.to_thread(f)``, ``loop.run_in_executor(None, f)`` and the runtime's
``run_parallel`` / ``batch_map`` / ``batch_filter`` / ``iter_parallel``. The pool's
constructor call is found when it is in view (``with Pool(...) as ex``, ``ex = Pool(...)``
bound once, ``Pool(...).map``), with the argument that sets its worker count.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import libcst as cst

from concurrency_lint.analysis.calls import (
    argument_passed,
    has_star_args,
    int_value,
    is_none,
    keyword_arg,
    positional_args,
    string_value,
)
from concurrency_lint.analysis.definitions import module_index
from concurrency_lint.analysis.tree_walk import walk_visitor
from concurrency_lint.knowledge.executors import (
    KEYWORD_CALLABLE_POOLS,
    PROCESS_POOLS,
    RUNTIME_FUNCTIONS,
    SUBMIT_METHODS,
    THREAD_POOLS,
    WORKER_PARAMETERS,
)

if TYPE_CHECKING:
    from concurrency_lint.analysis.file_context import AnalysisContext
    from concurrency_lint.analysis.semantics import Semantics

Mode = Literal["thread", "process"]

#: ``submit``-style methods that hand over one call; the others hand over a batch.
_SINGLE_CALL_METHODS = frozenset({"submit", "apply", "apply_async"})
_COMPREHENSIONS = frozenset({cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp})
#: Where a comprehension stops being the statement's own (by exact type).
_OWN_BLOCKS = frozenset({cst.FunctionDef, cst.ClassDef, cst.IndentedBlock})


@dataclass(frozen=True)
class PoolSite:
    """One hand-over of a callable to threads or processes."""

    call: cst.Call
    target: cst.BaseExpression  # the callable expression as written
    mode: Mode
    api: str  # ``ThreadPoolExecutor.submit``, ``threading.Thread``, ``run_parallel`` ...
    batch: bool  # many items (``map``, ``run_parallel``, ``submit`` in a loop)
    items: cst.BaseExpression | None  # the iterable of a ``map``-style call
    pool: cst.Call | None  # the pool's constructor call, when in view
    constructor: str | None  # its qualified name
    workers: cst.Arg | None  # the argument that sets the worker count, when written

    @property
    def worker_count(self) -> int | None:
        """The worker count when it is an integer literal."""
        return int_value(self.workers.value) if self.workers is not None else None


#: The last answer of :func:`pool_site`: (call, context, moment of its semantics, site).
#: The pool rules all ask about each call as the pass visits it.
_last_site: tuple[cst.Call, AnalysisContext, int, PoolSite | None] | None = None


def forget_last_site() -> None:
    """Drop the last answer (its pass is over: its tree need not stay alive)."""
    global _last_site
    _last_site = None


def pool_site(call: cst.Call, context: AnalysisContext) -> PoolSite | None:
    """The pool site ``call`` is, seen where the single pass stands, or None."""
    global _last_site
    last, moment = _last_site, context.semantics.moment
    if last is not None and last[0] is call and last[1] is context and last[2] == moment:
        return last[3]
    found = _pool_site(call, context)
    _last_site = (call, context, moment, found)
    return found


def _pool_site(call: cst.Call, context: AnalysisContext) -> PoolSite | None:
    semantics = context.semantics
    name = semantics.call_name(call)
    if name in RUNTIME_FUNCTIONS:
        return _runtime_site(call, name, semantics)
    if name == "threading.Thread":
        target = argument_passed(call, "target", 1)
        if target is None or has_star_args(call):
            return None
        return _site(call, target.value, "thread", name, semantics)
    if name == "asyncio.to_thread":
        return _first_positional_site(call, 0, "thread", name, semantics)
    func = call.func
    if not isinstance(func, cst.Attribute):
        return None
    method = func.attr.value
    if method == "run_in_executor":
        return _run_in_executor_site(call, context)
    if method not in SUBMIT_METHODS:
        return _project_pool_site(call, context)
    pool, constructor = pool_of(func.value, context)
    mode = _mode(constructor)
    if mode is None:
        return _project_pool_site(call, context, (pool, constructor))
    short = constructor.rsplit(".", 1)[-1] if constructor else "pool"
    site = _first_positional_site(
        call, SUBMIT_METHODS[method], mode, f"{short}.{method}", semantics
    ) or _keyword_site(call, constructor, f"{short}.{method}", mode, semantics)
    if site is None:
        return None
    batch = method not in _SINGLE_CALL_METHODS or _in_loop(call, semantics, pool)
    items = _items(call, constructor) if batch else None
    workers = worker_argument(pool, constructor)
    return replace(
        site, batch=batch, items=items, pool=pool, constructor=constructor, workers=workers
    )


def _project_pool_site(
    call: cst.Call,
    context: AnalysisContext,
    found: tuple[cst.Call | None, str | None] | None = None,
) -> PoolSite | None:
    """``pool.map(check, urls)`` / ``pool.add_task(check, url)`` on a thread pool class of
    the project (``ThreadPool(5)`` of ``threadpool.py``: see ``analysis.pool_classes``)."""
    semantics = context.semantics
    project = semantics.project
    func = call.func
    if project is None or not isinstance(func, cst.Attribute) or has_star_args(call):
        return None
    if not isinstance(func.value, (cst.Name, cst.Call)):
        return None
    pool, constructor = found if found is not None else pool_of(func.value, context)
    if constructor is None:  # a class of this module: ``pool = ThreadPool(5)``
        pool, constructor = _own_class_pool(func.value, context, project.module_name)
    shape = project.thread_pool(constructor) if constructor is not None else None
    method = func.attr.value
    if shape is None or method not in (*shape.single, *shape.batch):
        return None
    positional = positional_args(call)
    if not positional or any(arg.keyword is not None for arg in call.args):
        return None
    short = constructor.rsplit(".", 1)[-1] if constructor else "pool"
    site = _site(call, positional[0].value, "thread", f"{short}.{method}", semantics)
    batch = method in shape.batch or _in_loop(call, semantics, pool)
    items = positional[1].value if method in shape.batch and len(positional) > 1 else None
    workers = argument_passed(pool, shape.workers, shape.position) if pool is not None else None
    return replace(
        site, batch=batch, items=items, pool=pool, constructor=constructor, workers=workers
    )


def _own_class_pool(
    receiver: cst.BaseExpression, context: AnalysisContext, module: str
) -> tuple[cst.Call | None, str | None]:
    """(the call, its qualified class) for ``Pool(...)`` of a module-level class of this
    module, made right there or bound once to a name in view; else (None, None)."""
    value: cst.CSTNode | None = receiver
    index = module_index(context.module)
    semantics = context.semantics
    chain = [frame.node for frame in reversed(semantics.scopes.frames) if frame.kind != "class"]
    if isinstance(receiver, cst.Name):
        binding = index.lookup(chain, receiver.value)  # type: ignore[arg-type]
        value = binding.node if binding is not None and binding.kind == "assign" else None
    if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Name)):
        return None, None
    found = index.single(context.module, value.func.value)
    if found is None or found.kind != "class":
        return None, None
    return value, f"{module}.{value.func.value}"


def pool_of(
    receiver: cst.BaseExpression, context: AnalysisContext
) -> tuple[cst.Call | None, str | None]:
    """(constructor call when in view, qualified constructor) of a pool expression."""
    semantics = context.semantics
    if isinstance(receiver, cst.Call):
        return receiver, semantics.qualified_name(receiver.func)
    if isinstance(receiver, cst.Name):
        made_by_with = _with_binding(receiver.value, context)
        if made_by_with is not None:
            return made_by_with, semantics.qualified_name(made_by_with.func)
    constructor = semantics.type_of(receiver)
    if constructor is None or not isinstance(receiver, cst.Name):
        return None, constructor
    index = module_index(context.module)
    chain = [frame.node for frame in reversed(semantics.scopes.frames) if frame.kind != "class"]
    binding = index.lookup(chain, receiver.value)  # type: ignore[arg-type]
    value = binding.node if binding is not None and binding.kind == "assign" else None
    if isinstance(value, cst.Call) and semantics.qualified_name(value.func) == constructor:
        return value, constructor
    return None, constructor


def _with_binding(name: str, context: AnalysisContext) -> cst.Call | None:
    """The call of the innermost enclosing ``with Call(...) as name``, when ``name`` is
    bound only by ``with`` items and plain call assignments in this scope (so the ``with``
    is what it denotes, even where another ``with`` reuses the name for another pool)."""
    semantics = context.semantics
    for statement in reversed(semantics.statements):
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            return None
        if not isinstance(statement, cst.With):
            continue
        for item in statement.items:
            asname = item.asname.name if item.asname is not None else None
            if isinstance(asname, cst.Name) and asname.value == name:
                if not isinstance(item.item, cst.Call):
                    return None
                scope = semantics.scopes.current.node
                bindings = module_index(context.module).scope_bindings(scope).get(name, [])
                plain = all(
                    binding.kind == "assign" and isinstance(binding.node, cst.Call)
                    for binding in bindings
                )
                return item.item if plain else None
    return None


def enclosing_with(pool: cst.Call, semantics: Semantics) -> cst.With | None:
    """The ``with`` statement (around the pass's position) that creates ``pool``."""
    for statement in reversed(semantics.statements):
        if isinstance(statement, cst.With) and any(item.item is pool for item in statement.items):
            return statement
    return None


def pool_callables(site: PoolSite, semantics: Semantics) -> list[cst.BaseExpression] | None:
    """The callables of every hand-over to the site's pool, when the pool provably goes
    nowhere else (created in a ``with`` and only ``submit``/``map``-ed there, or used
    directly as ``Pool(...).map(...)``); None otherwise."""
    pool = site.pool
    func = site.call.func
    if pool is None or not isinstance(func, cst.Attribute):
        return None
    if func.value is pool:
        uses: list[cst.Call] | None = [site.call]
    else:
        block = enclosing_with(pool, semantics)
        if block is None or not isinstance(func.value, cst.Name):
            return None
        uses = pool_uses(block, func.value.value)
    if not uses:
        return None
    callables = []
    for use in uses:
        method = use.func.attr.value  # type: ignore[attr-defined]
        positional = positional_args(use)
        if len(positional) <= SUBMIT_METHODS[method]:
            return None
        callables.append(positional[SUBMIT_METHODS[method]].value)
    return callables


def pool_uses(block: cst.With, name: str) -> list[cst.Call] | None:
    """Every ``name.submit(...)``-style call in the ``with`` body, or None when ``name`` is
    used any other way (passed on, stored, used in a nested function)."""
    finder = _Uses(name)
    walk_visitor(block.body, finder)
    return None if finder.other else finder.calls


class _Uses(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.calls: list[cst.Call] = []
        self.other = False
        self._accounted: set[int] = set()
        self._nested = 0

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (
            not self._nested
            and isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == self.name
            and func.attr.value in SUBMIT_METHODS
        ):
            self.calls.append(node)
            self._accounted.add(id(func.value))

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name and id(node) not in self._accounted:
            self.other = True

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        # ``x.ex`` is an attribute named like the pool, not the pool: skip the ``attr`` name.
        walk_visitor(node.value, self)
        return False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            self._nested += 1
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if isinstance(original_node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            self._nested -= 1
        super().on_leave(original_node)


def _mode(constructor: str | None) -> Mode | None:
    if constructor in THREAD_POOLS:
        return "thread"
    if constructor in PROCESS_POOLS:
        return "process"
    return None


def worker_argument(pool: cst.Call | None, constructor: str | None) -> cst.Arg | None:
    """The argument of a pool constructor call that sets its worker count, if written."""
    if pool is None or constructor not in WORKER_PARAMETERS:
        return None
    keyword, position = WORKER_PARAMETERS[constructor]
    return argument_passed(pool, keyword, position)


def _site(
    call: cst.Call, target: cst.BaseExpression, mode: Mode, api: str, semantics: Semantics
) -> PoolSite:
    return PoolSite(
        call=call,
        target=target,
        mode=mode,
        api=api.rsplit(".", 1)[-1] if api.startswith(("concurrency_lint.", "parallel.")) else api,
        batch=_in_loop(call, semantics),
        items=None,
        pool=None,
        constructor=None,
        workers=None,
    )


def _first_positional_site(
    call: cst.Call, position: int, mode: Mode, api: str, semantics: Semantics
) -> PoolSite | None:
    positional = positional_args(call)
    if has_star_args(call) and len(positional) <= position:
        return None
    if len(positional) <= position:
        return None
    return _site(call, positional[position].value, mode, api, semantics)


def _keyword_site(
    call: cst.Call, constructor: str | None, api: str, mode: Mode, semantics: Semantics
) -> PoolSite | None:
    """``pool.imap(func=f, iterable=items)``: ``multiprocessing`` pools name the callable
    ``func`` (``concurrent.futures`` takes it by position only)."""
    if constructor not in KEYWORD_CALLABLE_POOLS or has_star_args(call):
        return None
    target = keyword_arg(call, "func")
    return _site(call, target.value, mode, api, semantics) if target is not None else None


def _items(call: cst.Call, constructor: str | None) -> cst.BaseExpression | None:
    """The iterable of a ``map``-style call (``iterable=`` for ``multiprocessing`` pools)."""
    if constructor in KEYWORD_CALLABLE_POOLS:
        found = argument_passed(call, "iterable", 1)
        return found.value if found is not None else None
    positional = positional_args(call)
    return positional[1].value if len(positional) > 1 else None


def _run_in_executor_site(call: cst.Call, context: AnalysisContext) -> PoolSite | None:
    positional = positional_args(call)
    if len(positional) < 2:
        return None
    executor = positional[0].value
    if is_none(executor):
        return _site(call, positional[1].value, "thread", "run_in_executor", context.semantics)
    pool, constructor = pool_of(executor, context)
    mode = _mode(constructor)
    if mode is None:
        return None
    site = _site(call, positional[1].value, mode, "run_in_executor", context.semantics)
    return replace(
        site, pool=pool, constructor=constructor, workers=worker_argument(pool, constructor)
    )


def _runtime_site(call: cst.Call, name: str, semantics: Semantics) -> PoolSite | None:
    executor = keyword_arg(call, "executor")
    if executor is not None and not is_none(executor.value):
        return None  # the executor decides; its kind is not known here
    if len(positional_args(call)) > 6 or has_star_args(call):
        return None  # ``mode`` / ``executor`` may be among the positionals
    mode_arg = keyword_arg(call, "mode")
    mode_text = string_value(mode_arg.value) if mode_arg is not None else "thread"
    if mode_text not in ("thread", "process"):
        return None
    site = _first_positional_site(call, 0, mode_text, name, semantics)  # type: ignore[arg-type]
    if site is None:
        return None
    short = name.rsplit(".", 1)[-1]
    position = 2 if short in ("run_parallel", "iter_parallel") else None
    items = positional_args(call)[1].value if len(positional_args(call)) > 1 else None
    return replace(
        site,
        batch=True,
        items=items,
        workers=argument_passed(call, "max_workers", position),
    )


def _in_loop(call: cst.Call, semantics: Semantics, pool: cst.Call | None = None) -> bool:
    """True when ``call`` runs once per item for one pool: in a loop or a comprehension of
    its function that does not also create the pool (``for``: ``with Pool() as ex: ...``
    makes a new pool per item, not a batch)."""
    for statement in reversed(semantics.statements):
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            break
        if isinstance(statement, cst.With) and any(item.item is pool for item in statement.items):
            break
        if isinstance(statement, (cst.For, cst.While)):
            return pool is None or not _contains(statement, pool)
    current = semantics.current_statement()
    if current is None:
        return False
    finder = _InComprehension(call)
    walk_visitor(current, finder)
    return finder.found


def _contains(tree: cst.CSTNode, node: cst.CSTNode) -> bool:
    finder = _Contains(node)
    walk_visitor(tree, finder)
    return finder.found


class _Contains(cst.CSTVisitor):
    def __init__(self, node: cst.CSTNode) -> None:
        super().__init__()
        self.node = node
        self.found = False

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.found = self.found or node is self.node
        return not self.found


class _InComprehension(cst.CSTVisitor):
    def __init__(self, call: cst.Call) -> None:
        super().__init__()
        self.call = call
        self.depth = 0
        self.found = False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if node is self.call:
            self.found = self.found or self.depth > 0
            return False
        node_type = type(node)  # exact types: LibCST's classes are final, isinstance is slow
        if node_type in _OWN_BLOCKS:
            return False
        if node_type in _COMPREHENSIONS:
            self.depth += 1
        return not self.found

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if type(original_node) in _COMPREHENSIONS:
            self.depth -= 1
