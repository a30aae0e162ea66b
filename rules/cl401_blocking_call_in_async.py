"""CL401 blocking-call-in-async."""

from __future__ import annotations

import ast

import libcst as cst

from concurrency_lint.analysis.ast_screens import may_block_in_async
from concurrency_lint.analysis.calls import argument_passed
from concurrency_lint.analysis.io_detection import io_kind_of_call
from concurrency_lint.analysis.tree_walk import path_to
from concurrency_lint.checking.rule import Invalid, NodeFix, Rule
from concurrency_lint.config import Config
from concurrency_lint.fixes.async_edits import asyncio_function, awaitable_in_place, awaited
from concurrency_lint.fixes.with_offload import offload_reason_or_plan, offload_statements
from concurrency_lint.knowledge.asyncio_calls import (
    BLOCKING_CALLS,
    BLOCKING_CLIENT_METHODS,
    BLOCKING_FILE_CALLS,
    BLOCKING_PATH_METHODS,
    NOT_BLOCKING_AT_CALL,
    NUMERIC_LOOKUPS,
    REPLACEMENT_BY_KIND,
    URLLIB3_POOL_TYPES,
    URLLIB3_QUICK_METHODS,
)
from concurrency_lint.knowledge.io_calls import PATH_CONSTRUCTORS, IoKind, io_method_kind, io_table
from concurrency_lint.model import Safety


class BlockingCallInAsync(Rule):
    """
    ## What it does
    Flags calls that block the thread directly inside an `async def`: `time.sleep`,
    blocking subprocess calls (`subprocess.run/call/check_call/check_output/Popen/
    getoutput`, `os.system`, `os.popen`, `os.spawn*`, `os.posix_spawn*`, `os.wait*`),
    sync HTTP (`requests`, `httpx.get`, sessions and clients provably built by
    `requests.Session()` / `httpx.Client()` / `urllib3` pools or parameters annotated
    with those types, `urlopen`; on a `urllib3` pool every method but the pool's own
    bookkeeping, `clear`, `close`, `connection_from_*` and `is_same_host`), `open()` /
    `io.open` / `codecs.open` / `os.fdopen`, `pathlib.Path` reads and writes, and `input()`.
    The message names the async replacement. `socket.getaddrinfo` with numeric-only
    `flags` (`AI_NUMERICHOST`) does no DNS query and is not flagged.

    Code inside a nested sync `def` or `lambda` is not flagged (it runs wherever it is
    called, typically `asyncio.to_thread` or `run_in_executor`); code after such a
    nested function in the same `async def` is checked again.

    ## Why is this bad?
    An event loop runs every task on one thread. A blocking call stops all of them: a
    `time.sleep(1)` in one request handler freezes every other connection for a second,
    a sync HTTP call without a timeout can freeze the whole service for good.

    ## Example
    ```python
    import time

    async def poll(job):
        while not job.done():
            time.sleep(1)
    ```

    ## Use instead
    ```python
    import asyncio

    async def poll(job):
        while not job.done():
            await asyncio.sleep(1)
    ```

    ## Fix safety
    The call moves to a worker thread: `subprocess.run(cmd)` becomes
    `await asyncio.to_thread(subprocess.run, cmd)` (arguments evaluated as before, the
    result the same), and `time.sleep(x)` becomes `await asyncio.sleep(x)`. `asyncio` is
    used as the module spells it, or `from asyncio import to_thread` is added. Unsafe:
    other tasks now run while the call waits, so shared state may interleave
    differently, and thread-local state (a `threading.local`, the signal handlers a
    call installs) is that of the worker thread.

    A blocking call that is a `with` item (`with open(path) as fh:`) blocks for the whole
    block: the block moves, unchanged, into a local sync function run by
    `await asyncio.to_thread(...)`. The names it binds that the function reads later are
    returned and bound again; names it reads before binding them (`n += 1`) are handed in
    when they are surely bound (a parameter, or assigned before it); a block that
    returns does so only where nothing of the function runs after it (`return await
    ...`). No fix (and the message says why) when the block awaits, yields, leaves an
    outer loop, declares `global` / `nonlocal`, deletes, uses `super()` / `locals()`,
    binds a returned name on some paths only, sits in a `try` that could see a failing
    block's names, or has a context manager not known to let exceptions through.
    No fix where an `await` cannot stand (a lambda, a nested `def`, a comprehension, a
    default value) nor for `open(path).read()`, whose read would still block.

    ## Differences from flake8-async
    CL401 flags every call ASYNC210, ASYNC212, ASYNC220, ASYNC221, ASYNC222, ASYNC230
    and ASYNC251 flag, except (the agreement test reads this list):
    - `unresolved-name`: a call spelled `open` or `urlopen` that does not resolve to the
      builtin or to `urllib.request` (a local function of that name, an unknown
      `request.urlopen`) is not flagged; flake8-async matches the bare spelling.
    - `pool-bookkeeping`: on a `urllib3` pool, `clear`, `close`, `connection_from_*` and
      `is_same_host` only touch the pool's own state and are not flagged; flake8-async
      flags every method of a pool.
    - `rebound-name`: a receiver is judged by the binding that reaches the call; once
      an annotated client name is bound again to something else, its calls are not
      flagged, where flake8-async keeps the annotation.
    CL401 also flags what flake8-async leaves alone (its eval files, measured by
    `benchmarks/flake8_async_eval.py`): an alias of a client class (`from httpx import
    Client`), and an `open()` / `os.fdopen()` passed to `trio.wrap_file(...)` or awaited
    directly, where the open itself still runs on the event loop.
    """

    CODE = "CL401"
    NAME = "blocking-call-in-async"
    MESSAGE = "blocking call inside `async def` stops the event loop"
    TRIGGERS = ("async def",)
    SCREENED = True
    VALID = (
        "import time\n\ndef wait():\n    time.sleep(1)\n",
        "import asyncio\n\nasync def wait():\n    await asyncio.sleep(1)\n",
        "import asyncio, time\n\nasync def wait():\n    await asyncio.to_thread(time.sleep, 1)\n",
        "async def read(path):\n    def load():\n        with open(path) as f:\n"
        "            return f.read()\n    return await asyncio.to_thread(load)\n",
    )
    INVALID = (
        Invalid(
            "import asyncio\nimport time\n\nasync def wait():\n    time.sleep(1)\n",
            "import asyncio\nimport time\n\nasync def wait():\n    await asyncio.sleep(1)\n",
        ),
        Invalid("import time\n\nasync def wait():\n    x = time.sleep(1)\n"),
        Invalid(
            "import asyncio\nimport subprocess\n\nasync def push():\n"
            "    subprocess.run(['git', 'push'])\n",
            "import asyncio\nimport subprocess\n\nasync def push():\n"
            "    await asyncio.to_thread(subprocess.run, ['git', 'push'])\n",
        ),
        Invalid(
            "import asyncio\nimport requests\n\nasync def get(url):\n"
            "    return requests.get(url, timeout=5).json()\n",
            "import asyncio\nimport requests\n\nasync def get(url):\n"
            "    return (await asyncio.to_thread(requests.get, url, timeout=5)).json()\n",
        ),
        Invalid(
            "import asyncio\n\nasync def read(path):\n    with open(path) as f:\n"
            "        return f.read()\n",
            "import asyncio\n\nasync def read(path):\n    def _blocking_io():\n"
            "        with open(path) as f:\n            return f.read()\n\n"
            "    return await asyncio.to_thread(_blocking_io)\n",
        ),
        Invalid(
            "import asyncio\n\nasync def count(path):\n    n = 0\n    with open(path) as f:\n"
            "        for line in f:\n            n += 1\n    return n\n",
            "import asyncio\n\nasync def count(path):\n    n = 0\n    def _blocking_io(n):\n"
            "        with open(path) as f:\n            for line in f:\n                n += 1\n"
            "        return n\n\n    n = await asyncio.to_thread(_blocking_io, n)\n    return n\n",
        ),
    )

    @classmethod
    def may_fire(cls, tree: ast.Module, config: Config) -> bool:
        return may_block_in_async(tree, config.extra_io_calls)

    def __init__(self, context) -> None:
        super().__init__(context)
        self._table = io_table(context.config.extra_io_calls)

    def visit_Call(self, node: cst.Call) -> None:
        if not self.semantics.in_async_function():
            return
        found = self._blocking(node)
        if found is not None:
            label, replacement = found
            message = f"`{label}` blocks the event loop inside `async def`; use {replacement}"
            fix = self._fix(node, label)
            if isinstance(fix, str):
                self.report(node, f"{message} (no automatic fix: {fix})")
            else:
                self.report(node, message, fix=fix)

    def _fix(self, call: cst.Call, label: str) -> NodeFix | str:
        """``await asyncio.to_thread(func, *args)`` in place of the blocking call.

        ``time.sleep(x)`` becomes ``await asyncio.sleep(x)`` instead. No fix inside a
        lambda, nested ``def``, comprehension or ``with`` item, nor for a file opened
        and read in one expression (the read would still block).
        """
        statement = self.semantics.current_statement()
        if statement is None:
            return "the call is not inside a statement"
        if isinstance(statement, cst.With) and any(path_to(item, call) for item in statement.items):
            return self._offload(statement, label)
        parenthesised = awaitable_in_place(statement, call)
        if parenthesised is None:
            return (
                "an `await` cannot stand where the call is (a lambda, nested `def`,"
                " comprehension, decorator or default value)"
            )
        if label == "time.sleep":
            sleep, imports = asyncio_function(self.semantics, "sleep")
            replacement = awaited(call.with_changes(func=sleep), parenthesised)
            return NodeFix(
                "Await `asyncio.sleep` instead", Safety.UNSAFE, ((call, replacement),), imports
            )
        if label in BLOCKING_FILE_CALLS and parenthesised:
            return "the file is opened and used in one expression, whose use would still block"
        to_thread, imports = asyncio_function(self.semantics, "to_thread")
        moved = cst.Call(to_thread, args=[cst.Arg(call.func), *call.args])
        return NodeFix(
            f"Run `{label}` in a worker thread with `asyncio.to_thread`",
            Safety.UNSAFE,
            ((call, awaited(moved, parenthesised)),),
            imports,
        )

    def _offload(self, statement: cst.With, label: str) -> NodeFix | str:
        """The whole ``with`` block in a local sync function run by ``asyncio.to_thread``
        (the call is one of its items: the block blocks, not the call alone)."""
        function = self.semantics.enclosing_function()
        if function is None or function.asynchronous is None:
            return "the `with` is not directly in the `async def`"
        non_suppressing = all(
            isinstance(item.item, cst.Call) and self._blocking(item.item) is not None
            for item in statement.items
        )
        plan = offload_reason_or_plan(statement, function, non_suppressing)
        if isinstance(plan, str):
            return plan
        to_thread, imports = asyncio_function(self.semantics, "to_thread")
        return NodeFix(
            f"Run the `with {label}(...)` block in a worker thread with `asyncio.to_thread`"
            f" ({plan.worker.name.value}); unsafe: other tasks run while it waits, and it"
            " sees the worker thread's thread-local state",
            Safety.UNSAFE,
            ((statement, offload_statements(plan, to_thread)),),
            imports,
        )

    def _blocking(self, call: cst.Call) -> tuple[str, str] | None:
        """(label, replacement) when the call blocks the thread, else None."""
        name = self.semantics.call_name(call)
        if name in BLOCKING_CALLS:
            return _short(name), BLOCKING_CALLS[name]
        if name in NOT_BLOCKING_AT_CALL or _numeric_lookup(call, name):
            return None
        io_call = io_kind_of_call(call, self.semantics, self._table)
        if io_call is not None:
            if io_call.kind != "file" or self._is_file_access(call, io_call.label):
                return self._path_label(call, _short(io_call.label)), REPLACEMENT_BY_KIND[
                    io_call.kind
                ]
            return None
        receiver_type = self._receiver_type(call)
        method = _client_method(call, receiver_type)
        if method is not None:
            return method, REPLACEMENT_BY_KIND["network"]
        kind = _method_kind(call, receiver_type)
        if kind is not None and (kind != "file" or self._is_file_access(call, "")):
            assert isinstance(call.func, cst.Attribute) and receiver_type is not None
            label = f"{receiver_type.rsplit('.', 1)[-1]}.{call.func.attr.value}"
            return self._path_label(call, label), REPLACEMENT_BY_KIND[kind]
        return None

    def _path_label(self, call: cst.Call, label: str) -> str:
        """``Path.open`` where ruff's ASYNC240 sees the path too (built by ``Path(...)``
        or annotated), ``pathlib.Path.open`` where only a join, a derivation or a list
        item shows it: such a finding is never left to ruff."""
        if not label.startswith("Path.") or not isinstance(call.func, cst.Attribute):
            return label
        receiver = call.func.value
        if isinstance(receiver, cst.Call):
            built = self.semantics.qualified_name(receiver.func) in PATH_CONSTRUCTORS
        elif isinstance(receiver, cst.Name):
            value = self.semantics.single_value(receiver.value)
            built = (
                isinstance(value, cst.Call)
                and self.semantics.qualified_name(value.func) in PATH_CONSTRUCTORS
            ) or self._annotated_type(receiver) in PATH_CONSTRUCTORS
        else:
            built = False
        return label if built else f"pathlib.{label}"

    def _is_file_access(self, call: cst.Call, label: str) -> bool:
        if label in BLOCKING_FILE_CALLS:
            return True
        method = call.func.attr.value if isinstance(call.func, cst.Attribute) else None
        return method in BLOCKING_PATH_METHODS and self._receiver_type(call) in PATH_CONSTRUCTORS

    def _receiver_type(self, call: cst.Call) -> str | None:
        if not isinstance(call.func, cst.Attribute):
            return None
        receiver = call.func.value
        if isinstance(receiver, cst.Call):
            return self.semantics.qualified_name(receiver.func) or self.semantics.type_of(receiver)
        return self.semantics.type_of(receiver) or self._annotated_type(receiver)

    def _annotated_type(self, receiver: cst.BaseExpression) -> str | None:
        """The annotation of a parameter of the enclosing function (``client: httpx.Client``)."""
        function = self.semantics.enclosing_function()
        if function is None or not isinstance(receiver, cst.Name):
            return None
        params = function.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.name.value == receiver.value and param.annotation is not None:
                return self.semantics.qualified_name(param.annotation.annotation)
        return None


def _client_method(call: cst.Call, receiver_type: str | None) -> str | None:
    if receiver_type is None or not isinstance(call.func, cst.Attribute):
        return None
    method = call.func.attr.value
    blocks = any(
        receiver_type in classes and method in methods
        for classes, methods in BLOCKING_CLIENT_METHODS.items()
    ) or (receiver_type in URLLIB3_POOL_TYPES and method not in URLLIB3_QUICK_METHODS)
    return f"{receiver_type.rsplit('.', 1)[-1]}.{method}" if blocks else None


def _method_kind(call: cst.Call, receiver_type: str | None) -> IoKind | None:
    if not isinstance(call.func, cst.Attribute):
        return None
    return io_method_kind(receiver_type, call.func.attr.value)


def _numeric_lookup(call: cst.Call, name: str | None) -> bool:
    """``getaddrinfo(..., flags=AI_NUMERICHOST)``: no DNS query, nothing to wait for."""
    if name not in NUMERIC_LOOKUPS:
        return False
    flags = argument_passed(call, "flags", NUMERIC_LOOKUPS[name])
    return flags is not None and "NUMERIC" in cst.Module([]).code_for_node(flags.value)


def _short(label: str) -> str:
    return label.removeprefix("builtins.")
