"""CL203 await-without-timeout."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.async_context import (
    ResourceIndex,
    ResourceKind,
    bounded_by_callers,
    is_timeout_scope,
    resource_index,
)
from concurrency_lint.analysis.calls import argument_passed, is_none, positional_args
from concurrency_lint.analysis.names import dotted_name
from concurrency_lint.checking.rule import Invalid, NodeFix, Option, Rule
from concurrency_lint.fixes.async_edits import asyncio_function
from concurrency_lint.knowledge.asyncio_calls import (
    OPEN_CONNECTION,
    PROCESS_WAITS,
    STREAM_READS,
    TIMEOUT_WRAPPERS,
)
from concurrency_lint.model import Safety

#: After these, the process has exited or is about to: a later ``wait()`` returns at once.
_STOPS = frozenset({"kill", "terminate", "send_signal", "communicate", "wait"})
_PIPES = frozenset({"stdout", "stderr"})


class AwaitWithoutTimeout(Rule):
    """
    ## What it does
    Flags awaits that wait on a peer with no deadline: `await proc.wait()` and
    `await proc.communicate()` on a process provably started by
    `asyncio.create_subprocess_exec/shell`, awaited stream reads (`read`, `readline`,
    `readexactly`, `readuntil`) on a reader from `asyncio.open_connection`, a parameter
    annotated `asyncio.StreamReader` or a process's `stdout` / `stderr`, and
    `await asyncio.open_connection(...)` itself — when the await is not wrapped in
    `asyncio.wait_for` (with a timeout other than `None`) and not inside
    `asyncio.timeout()` / `timeout_at()`,
    `async_timeout.timeout()`, `anyio` / `trio` `fail_after` / `move_on_after` /
    `fail_at` / `move_on_at` or a `CancelScope(deadline=...)` in the same function, and
    the function is not one that every call in the module wraps in `asyncio.wait_for`.
    `await proc.wait()` after the same process was killed or terminated, or was already
    waited for (`communicate()` or `wait()`, which return only once it has exited), is
    not flagged, nor are later reads of that process's pipes; a kill or wait in an `if`
    branch that ends in `return` / `raise` does not count for the code after the `if`.

    ## Why is this bad?
    A child that never exits, a peer that stops sending, a host that drops SYN packets:
    the await never returns and the task hangs for good, holding whatever it holds
    (a semaphore slot, a connection, a lock). Seed 001's executor hangs exactly like
    this and names `asyncio.wait_for` as the remedy.

    ## Example
    ```python
    import asyncio

    async def run(cmd):
        proc = await asyncio.create_subprocess_exec(*cmd)
        return await proc.wait()
    ```

    ## Use instead
    ```python
    import asyncio

    async def run(cmd):
        proc = await asyncio.create_subprocess_exec(*cmd)
        return await asyncio.wait_for(proc.wait(), timeout=300)
    ```

    ## Fix safety
    The awaited call is wrapped in `asyncio.wait_for(..., timeout=N)` (`asyncio` as the
    module spells it, or `from asyncio import wait_for` added). Unsafe: after `N` seconds
    the wait is cancelled and `TimeoutError` is raised where the task used to wait on;
    what to do then (kill the child, close the connection, retry) is still the caller's
    decision, so review each one.

    ## Configuration
    - `default-timeout`: seconds the fix writes (default 300).
    """

    CODE = "CL203"
    NAME = "await-without-timeout"
    MESSAGE = "awaited wait on a process or stream has no timeout and can hang forever"
    OPTIONS = {"default-timeout": Option(300, "seconds the fix gives the wait")}
    TRIGGERS = ("create_subprocess", "open_connection", "open_unix_connection", "StreamReader")
    VALID = (
        "import asyncio\n\nasync def run(cmd):\n"
        "    proc = await asyncio.create_subprocess_exec(*cmd)\n"
        "    return await asyncio.wait_for(proc.wait(), timeout=60)\n",
        "import asyncio\n\nasync def run(cmd):\n"
        "    proc = await asyncio.create_subprocess_exec(*cmd)\n"
        "    async with asyncio.timeout(60):\n        return await proc.communicate()\n",
        "async def run(proc):\n    return await proc.wait()\n",
    )
    INVALID = (
        Invalid(
            "import asyncio\n\nasync def run(cmd):\n"
            "    proc = await asyncio.create_subprocess_exec(*cmd)\n"
            "    return await proc.wait()\n",
            "import asyncio\n\nasync def run(cmd):\n"
            "    proc = await asyncio.create_subprocess_exec(*cmd)\n"
            "    return await asyncio.wait_for(proc.wait(), timeout=300)\n",
        ),
        Invalid(
            "import asyncio\n\nasync def ping(host):\n"
            "    reader, writer = await asyncio.open_connection(host, 80)\n"
            "    return await reader.readline()\n"
        ),
    )

    def __init__(self, context) -> None:
        super().__init__(context)
        self._index: ResourceIndex | None = None
        self._bounded_names: frozenset[str] | None = None
        # one frame per function: [timeout scopes open, receivers killed so far]
        self._frames: list[tuple[list[int], set[str]]] = [([0], set())]
        self._branches: list[set[str]] = []  # stopped receivers on entering each open ``if``

    # ---- frames: timeout scopes and stopped processes of the current function ----------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self._bounded_names is None:
            self._bounded_names = bounded_by_callers(self.context.module)
        bounded = 1 if node.name.value in self._bounded_names else 0
        self._frames.append(([bounded], set()))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._frames.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._frames.append(([0], set()))

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._frames.pop()

    def visit_With(self, node: cst.With) -> None:
        if any(is_timeout_scope(item, self.semantics.qualified_name) for item in node.items):
            self._frames[-1][0][0] += 1

    def leave_With(self, original_node: cst.With) -> None:
        if any(
            is_timeout_scope(item, self.semantics.qualified_name) for item in original_node.items
        ):
            self._frames[-1][0][0] -= 1

    # A branch that ends in ``return`` / ``raise`` stops nothing for the code after the ``if``.
    def visit_If(self, node: cst.If) -> None:
        self._branches.append(set(self._frames[-1][1]))

    def leave_If_body(self, node: cst.If) -> None:
        before = self._branches[-1]
        if _never_falls_through(node.body):
            self._restore(before)
        self._branches[-1] = set(self._frames[-1][1])  # what the ``else`` starts from

    def leave_If(self, original_node: cst.If) -> None:
        after_body = self._branches.pop()
        orelse = original_node.orelse
        if isinstance(orelse, cst.Else) and _never_falls_through(orelse.body):
            self._restore(after_body)

    def _restore(self, stopped: set[str]) -> None:
        current = self._frames[-1][1]
        current.clear()
        current.update(stopped)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in _STOPS:
            receiver = dotted_name(func.value)
            if receiver is not None:
                self._frames[-1][1].add(receiver)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        rebound = dotted_name(node.target)
        if rebound is not None:
            self._frames[-1][1].discard(rebound)  # a new process under the old name

    # ---- the check ---------------------------------------------------------------------

    def visit_Await(self, node: cst.Await) -> None:
        call = _unbounded_wrapped(node.expression, self.semantics.call_name)
        if not isinstance(call, cst.Call) or self._frames[-1][0][0] > 0:
            return
        if self.semantics.call_name(call) in OPEN_CONNECTION:
            self._report(call, "`open_connection`", "the connection attempt")
            return
        func = call.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        if method in PROCESS_WAITS and self._kind(func.value) == "process":
            if dotted_name(func.value) in self._frames[-1][1]:
                return  # killed or already waited for: the wait returns promptly
            self._report(call, f"`Process.{method}()`", "the child process")
        elif method in STREAM_READS and self._kind(func.value) == "reader":
            owner = func.value.value if isinstance(func.value, cst.Attribute) else None
            if owner is not None and dotted_name(owner) in self._frames[-1][1]:
                return  # the pipe of a process that has exited: EOF comes at once
            self._report(call, f"`StreamReader.{method}()`", "the peer")

    def _report(self, call: cst.Call, label: str, what: str) -> None:
        self.report(
            call,
            f"await {label} has no timeout: if {what} never answers the task hangs; "
            "wrap it in `asyncio.wait_for(..., timeout)` or `async with asyncio.timeout(...)`",
            fix=self._fix(call),
        )

    def _fix(self, call: cst.Call) -> NodeFix:
        """``await x`` -> ``await asyncio.wait_for(x, timeout=N)``."""
        wait_for, imports = asyncio_function(self.semantics, "wait_for")
        seconds = self.options["default-timeout"]
        wrapped = cst.Call(
            wait_for,
            args=[
                cst.Arg(call, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                cst.Arg(
                    cst.Integer(str(seconds))
                    if isinstance(seconds, int)
                    else cst.Float(repr(seconds)),
                    keyword=cst.Name("timeout"),
                    equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
                ),
            ],
        )
        return NodeFix(
            f"Wrap the wait in `asyncio.wait_for(..., timeout={seconds})`",
            Safety.UNSAFE,
            ((call, wrapped),),
            imports,
        )

    def _kind(self, receiver: cst.BaseExpression) -> ResourceKind | None:
        index = self._resource_index()
        if isinstance(receiver, cst.Name):
            return index.kind_in_function(self.semantics.enclosing_function(), receiver.value)
        if isinstance(receiver, cst.Attribute) and receiver.attr.value in _PIPES:
            return "reader" if self._kind(receiver.value) == "process" else None
        dotted = dotted_name(receiver)
        if dotted is not None and dotted.startswith("self.") and dotted.count(".") == 1:
            owner = self.semantics.scopes.class_frames
            node = owner[-1].node if owner else None
            return index.kind_in_class(node if isinstance(node, cst.ClassDef) else None, dotted)
        return None

    def _resource_index(self) -> ResourceIndex:
        if self._index is None:
            self._index = resource_index(self.context.module)
        return self._index


def _never_falls_through(block: cst.BaseSuite) -> bool:
    """The block's last statement is a ``return``, ``raise``, ``continue`` or ``break``."""
    if not isinstance(block, cst.IndentedBlock) or not block.body:
        return False
    last = block.body[-1]
    return isinstance(last, cst.SimpleStatementLine) and isinstance(
        last.body[-1], (cst.Return, cst.Raise, cst.Continue, cst.Break)
    )


def _unbounded_wrapped(expression: cst.BaseExpression, call_name) -> cst.BaseExpression:
    """``wait_for(x, None)`` / ``wait_for(x, timeout=None)`` waits like ``x`` itself."""
    if not isinstance(expression, cst.Call) or call_name(expression) not in TIMEOUT_WRAPPERS:
        return expression
    timeout = argument_passed(expression, "timeout", 1)
    given = positional_args(expression)
    if timeout is not None and is_none(timeout.value) and given:
        return given[0].value
    return expression
