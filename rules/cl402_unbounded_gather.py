"""CL402 unbounded-gather."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.callables import resolve_callable
from concurrency_lint.analysis.fan_out import FanOut, fan_outs, is_runtime_sized
from concurrency_lint.analysis.names import dotted_name
from concurrency_lint.analysis.tree_walk import walk_visitor
from concurrency_lint.checking.rule import Invalid, NodeFix, Option, Rule
from concurrency_lint.fixes.async_edits import (
    GATHER_BOUNDED,
    GATHER_BOUNDED_CODE,
    gather_bounded_definition,
)
from concurrency_lint.knowledge.asyncio_calls import (
    CONCURRENCY_BOUNDS,
    CREATE_SUBPROCESS,
    GATHER,
    OPEN_CONNECTION,
)
from concurrency_lint.model import Safety

#: Library coroutines that start a process or a connection per call: unbounded on their own.
_UNBOUNDED_LIBRARY_CALLS = CREATE_SUBPROCESS | OPEN_CONNECTION
_BOUND_WORDS = ("semaphore", "limiter", "limit", "sem")


class UnboundedGather(Rule):
    """
    ## What it does
    Flags `asyncio.gather(*X)` where `X` is built from a runtime-sized iterable — a
    comprehension, `map(f, items)`, or a list filled by `append` in a loop — and the
    coroutine made per item is a function of this module (or
    `asyncio.create_subprocess_exec/shell`, `asyncio.open_connection`) that takes no
    concurrency bound: no `async with <semaphore or lock>`, no `acquire()`, no
    `asyncio.Semaphore` / `anyio.CapacityLimiter` in it or in the function calling
    `gather`. Literal collections, `range()` of constants (integer literals,
    `UPPER_CASE` names, names bound once to an integer) and names bound to those are
    fixed-size and not flagged;
    per-item calls whose definition is not in the module are unknown and not flagged.

    ## Why is this bad?
    `gather` starts every coroutine at once. Ten thousand URLs open ten thousand
    sockets, ten thousand files run into the descriptor limit, ten thousand child
    processes exhaust memory: the failure grows with the input, which is the case tests
    rarely cover.

    ## Example
    ```python
    import asyncio

    async def fetch(session, url):
        async with session.get(url) as response:
            return await response.read()

    async def fetch_all(session, urls):
        return await asyncio.gather(*[fetch(session, url) for url in urls])
    ```

    ## Use instead
    ```python
    import asyncio

    async def fetch(session, semaphore, url):
        async with semaphore:
            async with session.get(url) as response:
                return await response.read()

    async def fetch_all(session, urls):
        semaphore = asyncio.Semaphore(50)
        return await asyncio.gather(*[fetch(session, semaphore, url) for url in urls])
    ```
    (or `ConcurrentExecutor(max_concurrent=...)` from `concurrency_lint.parallel`).

    ## Fix safety
    When the iterable makes the coroutines itself (a comprehension calling the coroutine
    function, or `map`), `asyncio.gather(*X)` becomes `_gather_bounded(N, *X)`, a
    function of a few lines written after the module's imports (plain `asyncio`, no new
    dependency): each awaitable waits on an `asyncio.Semaphore(N)` before it runs, and
    results, their order, `return_exceptions` and cancellation are those of `gather`.
    Unsafe: coroutines that wait on each other (one sets an event another awaits) can
    deadlock once more than `N` of them wait, and the right `N` depends on what each one
    uses up (sockets, descriptors, processes, a remote rate limit). No fix for tasks
    created before the gather (they already run); in a module that does not
    `import asyncio` the helper imports it in its own body.

    ## Configuration
    - `default-limit`: the bound the fix writes (default 50, seed 002's floor for
      network I/O).
    """

    CODE = "CL402"
    NAME = "unbounded-gather"
    MESSAGE = "`asyncio.gather(*...)` over a runtime-sized iterable with no concurrency bound"
    TRIGGERS = ("gather",)
    NEEDS_IMPORT_OF = GATHER
    OPTIONS = {"default-limit": Option(50, "coroutines the fix lets run at once")}
    VALID = (
        "import asyncio\n\nasync def one(x):\n    return x\n\n"
        "async def main():\n    await asyncio.gather(*[one(x) for x in (1, 2, 3)])\n",
        "import asyncio\n\nsem = asyncio.Semaphore(10)\n\nasync def one(x):\n"
        "    async with sem:\n        return x\n\n"
        "async def main(items):\n    await asyncio.gather(*[one(x) for x in items])\n",
        "import asyncio\n\nasync def main(client, items):\n"
        "    await asyncio.gather(*[client.get(x) for x in items])\n",
    )
    INVALID = (
        Invalid(
            "import asyncio\n\nasync def one(x):\n    return x\n\n"
            "async def main(items):\n    await asyncio.gather(*[one(x) for x in items])\n",
            "import asyncio\n\n" + GATHER_BOUNDED_CODE + "\nasync def one(x):\n    return x\n\n"
            "async def main(items):\n    await _gather_bounded(50, *[one(x) for x in items])\n",
        ),
        Invalid(
            "import asyncio\n\nasync def one(x):\n    return x\n\n"
            "async def main(items):\n    tasks = []\n    for x in items:\n"
            "        tasks.append(asyncio.create_task(one(x)))\n"
            "    await asyncio.gather(*tasks)\n"
        ),
    )

    def __init__(self, context) -> None:
        super().__init__(context)
        self._bounds: dict[cst.FunctionDef, bool] = {}

    def visit_Call(self, node: cst.Call) -> None:
        if self.semantics.call_name(node) not in GATHER:
            return
        for arg in node.args:
            if arg.star != "*":
                continue
            sources = fan_outs(arg.value, self.semantics)
            unbounded = self._unbounded_function(sources)
            if unbounded is not None:
                message = (
                    f"`asyncio.gather(*...)` starts one `{unbounded}` per item of a "
                    "runtime-sized iterable at once; bound it with an `asyncio.Semaphore` "
                    "(`async with semaphore:` in the coroutine) or use "
                    "`ConcurrentExecutor(max_concurrent=...)`"
                )
                fix = self._fix(node, sources)
                if isinstance(fix, str):
                    self.report(node, f"{message} (no automatic fix: {fix})")
                else:
                    self.report(node, message, fix=fix)
                return

    def _fix(self, gather: cst.Call, sources: list[FanOut]) -> NodeFix | str:
        """``asyncio.gather(*X)`` -> ``_gather_bounded(N, *X)``, the helper after the imports."""
        if not all(_makes_coroutines(source) for source in sources):
            return (
                "the iterable does not make the coroutines itself (tasks made earlier already"
                " run; a semaphore cannot hold them back)"
            )
        definition = gather_bounded_definition(self.context.module, self.semantics)
        if definition is None:
            return (
                f"`{GATHER_BOUNDED}` cannot be defined (no import to follow, or the name is taken)"
            )
        changes: list[tuple[cst.CSTNode, cst.CSTNode | cst.FlattenSentinel | str]] = [*definition]
        limit = cst.Arg(
            cst.Integer(str(self.options["default-limit"])),
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
        )
        bounded = gather.with_changes(func=cst.Name(GATHER_BOUNDED), args=[limit, *gather.args])
        changes.append((gather, bounded))
        return NodeFix(
            f"Run at most {self.options['default-limit']} at once with `{GATHER_BOUNDED}`",
            Safety.UNSAFE,
            tuple(changes),
        )

    def _unbounded_function(self, sources: list[FanOut]) -> str | None:
        """The per-item function's name when every source is unbounded, else None."""
        if not sources or self._caller_bounds():
            return None
        label = None
        for source in sources:
            if source.function is None or not is_runtime_sized(source.iterable, self.semantics):
                return None
            label = self._unbounded_label(source.function)
            if label is None:
                return None
        return label

    def _unbounded_label(self, function: cst.BaseExpression) -> str | None:
        name = self.semantics.qualified_name(function)
        if name in _UNBOUNDED_LIBRARY_CALLS:
            return name
        definition = resolve_callable(function, self.context)
        if not isinstance(definition, cst.FunctionDef) or definition.asynchronous is None:
            return None
        if self._takes_bound(definition):
            return None
        return dotted_name(function) or definition.name.value

    def _caller_bounds(self) -> bool:
        caller = self.semantics.enclosing_function()
        return caller is not None and self._takes_bound(caller)

    def _takes_bound(self, function: cst.FunctionDef) -> bool:
        """``_takes_bound`` once per function of the file (callers gather many times)."""
        found = self._bounds.get(function)
        if found is None:
            found = self._bounds[function] = _takes_bound(function, self.semantics.qualified_name)
        return found


def _makes_coroutines(source: FanOut) -> bool:
    """Each item is a fresh coroutine (``f(x)`` or ``map(f, ...)``), not a running task."""
    element = source.element
    return element is None or (isinstance(element, cst.Call) and element.func is source.function)


def _takes_bound(function: cst.FunctionDef, qualify) -> bool:
    """True when the function holds a semaphore, lock or limiter somewhere in its body."""
    finder = _BoundFinder(qualify)
    walk_visitor(function, finder)
    return finder.found


class _BoundFinder(cst.CSTVisitor):
    def __init__(self, qualify) -> None:
        self.qualify = qualify
        self.found = False

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is None:
            return
        for item in node.items:
            held = item.item
            if isinstance(held, cst.Call):
                held = held.func if _names_bound(held.func) else None
            if isinstance(held, (cst.Name, cst.Attribute)):
                self.found = True

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        acquires = isinstance(func, cst.Attribute) and func.attr.value == "acquire"
        if acquires or self.qualify(func) in CONCURRENCY_BOUNDS:
            self.found = True

    def visit_Param(self, node: cst.Param) -> None:
        if any(word in node.name.value.lower() for word in _BOUND_WORDS):
            self.found = True


def _names_bound(func: cst.BaseExpression) -> bool:
    name = (dotted_name(func) or "").rsplit(".", 1)[-1].lower()
    return any(word in name for word in _BOUND_WORDS)
