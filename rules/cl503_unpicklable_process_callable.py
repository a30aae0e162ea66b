"""CL503 unpicklable-process-callable."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.calls import argument_passed, keyword_arg, string_value
from concurrency_lint.analysis.local_names import ScopeIndex
from concurrency_lint.analysis.pools import PoolResolver
from concurrency_lint.analysis.semantics import Semantics
from concurrency_lint.analysis.tree_walk import walk_visitor
from concurrency_lint.checking.rule import FileContext, Invalid, Rule
from concurrency_lint.knowledge.executors import PROCESS_POOLS, RUNTIME_FUNCTIONS
from concurrency_lint.knowledge.lifecycle import (
    CALLABLE_WRAPPERS,
    PICKLING_START_METHODS,
    POOL_ENTRY_POINTS,
    PROCESS_CONSTRUCTORS,
    PROCESS_POOL_METHODS,
    SET_START_METHOD,
)


class UnpicklableProcessCallable(Rule):
    """
    ## What it does
    Flags a lambda, a function defined inside another function, or a method of a class
    defined inside a function, when it is sent to another process: to
    `ProcessPoolExecutor.submit` / `map`, to `multiprocessing.Pool.map`, `apply_async`,
    `starmap`, `imap`... (a context's `ctx.Pool()` too), to `run_parallel` / `batch_map` /
    `iter_parallel` with `mode="process"`, or as `multiprocessing.Process(target=...)` when
    the start method is provably `spawn` or `forkserver` (`set_start_method(...)` in the
    module, or a `get_context("spawn")` context). `functools.partial(...)` of one of these
    is flagged too.

    ## Why is this bad?
    A process pool pickles the callable to send it to a worker, and pickle stores
    functions by their importable name: a lambda or a nested function has none, so the
    call fails at run time with `PicklingError` / `AttributeError: Can't pickle local
    object` (in `ProcessPoolExecutor`, only when the result is asked for). With the fork
    start method a `Process` target is inherited rather than pickled, which is why only
    `spawn` and `forkserver` are flagged for it.

    ## Example
    ```python
    from concurrent.futures import ProcessPoolExecutor

    def sizes(paths):
        def size(path):
            return len(open(path, "rb").read())
        with ProcessPoolExecutor() as pool:
            return list(pool.map(size, paths))
    ```

    ## Use instead
    ```python
    from concurrent.futures import ProcessPoolExecutor

    def size(path):
        return len(open(path, "rb").read())

    def sizes(paths):
        with ProcessPoolExecutor() as pool:
            return list(pool.map(size, paths))
    ```

    ## Fix safety
    No fix is offered: moving a function to module level changes what it can see (the
    enclosing function's variables it closes over must become parameters).
    """

    CODE = "CL503"
    NAME = "unpicklable-process-callable"
    MESSAGE = "callable sent to another process cannot be pickled"
    TRIGGERS = ("Pool", "Process", '"process"', "'process'")
    NEEDS_IMPORT_OF = POOL_ENTRY_POINTS
    VALID = (
        "from concurrent.futures import ProcessPoolExecutor\n"
        "def work(x):\n"
        "    return x\n"
        "with ProcessPoolExecutor() as pool:\n"
        "    pool.map(work, range(3))\n",
        "from concurrent.futures import ThreadPoolExecutor\n"
        "with ThreadPoolExecutor() as pool:\n"
        "    pool.map(lambda x: x, range(3))\n",
        "import multiprocessing\n"
        "def main():\n"
        "    def child():\n"
        "        pass\n"
        "    multiprocessing.Process(target=child).start()\n",
    )
    INVALID = (
        Invalid(
            "from concurrent.futures import ProcessPoolExecutor\n"
            "with ProcessPoolExecutor() as pool:\n"
            "    pool.map(lambda x: x * 2, range(3))\n"
        ),
        Invalid(
            "import multiprocessing\n"
            "def main():\n"
            "    def child():\n"
            "        pass\n"
            "    ctx = multiprocessing.get_context('spawn')\n"
            "    ctx.Process(target=child).start()\n"
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.index = ScopeIndex()
        self.pools = PoolResolver(self.semantics, context.module, self.index)
        self._module_start_method: str | None = None
        self._looked_up = False

    def visit_Call(self, node: cst.Call) -> None:
        found = self._sent_callable(node)
        if found is None:
            return
        target, where = found
        reason = self._unpicklable(target)
        if reason is not None:
            self.report(
                target,
                f"{reason} sent to {where} cannot be pickled; "
                "pass a function defined at module level",
            )

    # ---- where a callable is sent to another process ------------------------------------

    def _sent_callable(self, call: cst.Call) -> tuple[cst.BaseExpression, str] | None:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in PROCESS_POOL_METHODS:
            if self.pools.constructor(func.value) in PROCESS_POOLS:
                arg = argument_passed(call, "fn", 0) or keyword_arg(call, "func")
                return (arg.value, f"a process pool's `{func.attr.value}()`") if arg else None
            return None
        name = self.semantics.call_name(call)
        if name in RUNTIME_FUNCTIONS:
            mode = keyword_arg(call, "mode")
            if mode is None or string_value(mode.value) != "process":
                return None
            arg = argument_passed(call, "func", 0) or keyword_arg(call, "predicate")
            return (arg.value, f'`{name.rsplit(".", 1)[-1]}(mode="process")`') if arg else None
        if self.pools.constructor_of_call(call) in PROCESS_CONSTRUCTORS:
            method = self.pools.start_method_of_process(call) or self._start_method()
            if method not in PICKLING_START_METHODS:
                return None
            arg = argument_passed(call, "target", 1)
            return (arg.value, f"a `{method}` process") if arg else None
        return None

    def _start_method(self) -> str | None:
        """The literal start method the module sets with ``set_start_method``, if any."""
        if not self._looked_up:
            finder = _StartMethodFinder(self.semantics)
            walk_visitor(self.context.module, finder)
            self._module_start_method = finder.method
            self._looked_up = True
        return self._module_start_method

    # ---- what cannot be pickled ----------------------------------------------------------

    def _unpicklable(self, node: cst.BaseExpression) -> str | None:
        if isinstance(node, cst.Lambda):
            return "a lambda"
        if isinstance(node, cst.Call) and self.semantics.call_name(node) in CALLABLE_WRAPPERS:
            first = argument_passed(node, "func", 0)
            return self._unpicklable(first.value) if first is not None else None
        if isinstance(node, cst.Name):
            return self._unpicklable_name(node.value)
        if isinstance(node, cst.Attribute) and self._is_local_class_object(node.value):
            return f"method `{node.attr.value}` of a class defined inside a function"
        return None

    def _unpicklable_name(self, name: str) -> str | None:
        for function in self._enclosing_functions():
            names = self.index.of(function)
            if name in names.functions:
                return f"nested function `{name}`"
            if name in names.classes:
                return f"class `{name}` defined inside a function"
            if names.binds(name):
                value = names.value_of(name)
                return f"lambda `{name}`" if isinstance(value, cst.Lambda) else None
        module = self.index.of(self.context.module)
        if isinstance(module.value_of(name), cst.Lambda) and name not in module.functions:
            return f"lambda `{name}`"
        return None

    def _is_local_class_object(self, node: cst.BaseExpression) -> bool:
        """``Local``, ``Local()``, a name bound once to ``Local(...)``, or ``self`` in it."""
        if isinstance(node, cst.Call):
            node = node.func
        if not isinstance(node, cst.Name):
            return False
        if node.value == "self":
            return self._in_local_class()
        for function in self._enclosing_functions():
            names = self.index.of(function)
            if node.value in names.classes:
                return True
            if names.binds(node.value):
                value = names.value_of(node.value)
                return (
                    isinstance(value, cst.Call)
                    and isinstance(value.func, cst.Name)
                    and value.func.value in names.classes
                )
        return False

    def _enclosing_functions(self) -> list[cst.FunctionDef]:
        frames = self.semantics.scopes.frames
        return [
            frame.node
            for frame in reversed(frames)
            if frame.kind == "function" and isinstance(frame.node, cst.FunctionDef)
        ]

    def _in_local_class(self) -> bool:
        """True inside a method of a class whose definition sits in a function."""
        kinds = [frame.kind for frame in self.semantics.scopes.frames]
        if "class" not in kinds:
            return False
        innermost_class = len(kinds) - 1 - kinds[::-1].index("class")
        return "function" in kinds[:innermost_class]


class _StartMethodFinder(cst.CSTVisitor):
    def __init__(self, semantics: Semantics) -> None:
        super().__init__()
        self.semantics = semantics
        self.method: str | None = None

    def visit_Call(self, node: cst.Call) -> None:
        if self.semantics.call_name(node) in SET_START_METHOD:
            given = argument_passed(node, "method", 0)
            value = string_value(given.value) if given is not None else None
            if value is not None:
                self.method = value
