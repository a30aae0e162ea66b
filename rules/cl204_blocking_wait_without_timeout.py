"""CL204 blocking-wait-without-timeout."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.calls import (
    argument_passed,
    has_star_args,
    has_star_kwargs,
    keyword_arg,
)
from concurrency_lint.analysis.local_names import ScopeIndex
from concurrency_lint.analysis.names import dotted_name
from concurrency_lint.analysis.pools import PoolResolver
from concurrency_lint.analysis.settled_pools import settled_before
from concurrency_lint.checking.rule import FileContext, Invalid, NodeFix, Option, Rule
from concurrency_lint.fixes.edits import with_argument_value
from concurrency_lint.knowledge.executors import EXECUTOR_CONSTRUCTORS
from concurrency_lint.knowledge.lifecycle import (
    BARRIERS,
    FILE_LOCK_WAIT,
    FILE_LOCKS,
    POOL_PRODUCTS,
    TYPE_LABELS,
    WAITS,
    Wait,
)
from concurrency_lint.model import Safety


def _expiry(receiver: str, method: str) -> str:
    """How the wait ends when its timeout expires: it raises, returns False, or returns
    with the thread or process still alive."""
    if method == "join":
        return "leaves-alive"
    if method in ("get", "result") or receiver in BARRIERS:
        return "raises"
    return "returns"


class BlockingWaitWithoutTimeout(Rule):
    """
    ## What it does
    Flags waits that can block forever because no timeout is given (or `timeout=None`):
    `Thread.join()` / `Process.join()`, `Queue.get()`, `Future.result()`,
    `AsyncResult.get()`, `Event.wait()` / `Condition.wait()` / `Barrier.wait()`,
    `Lock.acquire()` / `Semaphore.acquire()`, and `filelock.FileLock(...)` built without a
    timeout. The receiver must provably be of that type: built by the constructor in the
    same scope (a parameter rebound before a loop included, when the loop does not
    rebind it), on `self`, in the class body (`Owner.lock`, `self.lock`) or once in an
    enclosing function (a nested function or generator reading it), a parameter of a
    nested function that every caller in the enclosing function passes one (direct calls
    and `Thread(target=f, args=(...))`), a parameter of a module-level function or of a
    class's `__init__` that every call of it in its module passes one when no other
    module of the project names it (`Worker(self.tasks)`), what calling a parameter makes
    when every such call passes a class of the module derived from one
    (`process_tasks(DownloadWorker)`), a class of the module derived from it (nested
    classes too, and `super()` inside one) or a library's class known to derive from it
    and keep `join` (invoke's `ExceptionHandlingThread`), a `get_context(...)` context's
    `Queue()` or lock,
    a future returned by a pool's `submit()` / `apply_async()` or by
    `asyncio.run_coroutine_threadsafe()`; or an item of a list whose every element is one
    (`for t in threads: t.join()`, the threads appended in the function or in callbacks
    nested in it, when nothing else uses the list there).

    Non-blocking forms are not flagged (`get(block=False)`, `acquire(False)`,
    `FileLock(path, blocking=False)`), nor calls passing `**kwargs`. Off by default: many
    programs rightly wait for as long as it takes.

    ## Why is this bad?
    When the thread, child, producer or lock holder on the other side dies or deadlocks,
    the waiter hangs with it and nothing reports why. A timeout turns the hang into an
    error (or a retry) the program can log and act on.

    ## Example
    ```python
    import queue
    jobs = queue.Queue()

    def next_job():
        return jobs.get()
    ```

    ## Use instead
    ```python
    import queue
    jobs = queue.Queue()

    def next_job():
        return jobs.get(timeout=30)  # raises queue.Empty after 30 s
    ```

    ## Fix safety
    The fix passes `timeout=N` and makes every expiry an exception, so that a wait never
    silently returns early: `get()` and `result()` raise on their own (`queue.Empty`,
    `TimeoutError`, `multiprocessing.TimeoutError`), as do `Barrier.wait()` and
    `FileLock` (`filelock.Timeout`); a `join()` written as a statement is followed by
    `if t.is_alive(): raise TimeoutError(...)`, and a `wait()` or `acquire()` written as a
    statement becomes `if not x.wait(timeout=N): raise TimeoutError(...)`. Where such a
    `join()`, `wait()` or `acquire()` is not a statement of its own (its result is used)
    there is no fix. Unsafe: a wait that used to last longer than `N` seconds now raises.

    ## Configuration
    - `default-timeout`: seconds the fix writes (default 300).
    """

    CODE = "CL204"
    NAME = "blocking-wait-without-timeout"
    MESSAGE = "blocking wait without a timeout can hang forever"
    # The receiver's constructor must be named in the file for its type to be provable.
    TRIGGERS = (
        "Thread",
        "Timer",
        "Process",
        "Queue",
        "Event",
        "Condition",
        "Barrier",
        "Lock",
        "allocate_lock",
        "Semaphore",
        "Future",
        "submit",
        "_async",
        "run_coroutine_threadsafe",
    )
    DEFAULT_ENABLED = False
    OPTIONS = {"default-timeout": Option(300, "seconds the fix gives the wait")}
    VALID = (
        "import threading\nt = threading.Thread(target=print)\nt.start()\nt.join(timeout=5)\n",
        "import queue\nq = queue.Queue()\nq.get(block=False)\n",
        "import queue\nq = queue.Queue()\nq.get(True, 5)\n",
        "def f(thread):\n    thread.join()\n",
        "from filelock import FileLock\nlock = FileLock('x.lock', timeout=10)\n",
    )
    INVALID = (
        Invalid(
            "import threading\nt = threading.Thread(target=print)\nt.start()\nt.join()\n",
            "import threading\nt = threading.Thread(target=print)\nt.start()\n"
            "t.join(timeout=300)\nif t.is_alive():\n"
            "    raise TimeoutError('t.join() still waiting after 300 s')\n",
        ),
        Invalid(
            "import queue\nq = queue.Queue()\nq.get()\n",
            "import queue\nq = queue.Queue()\nq.get(timeout=300)\n",
        ),
        Invalid("from filelock import FileLock\nwith FileLock('x.lock'):\n    pass\n"),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.pools = PoolResolver(self.semantics, context.module, ScopeIndex())

    def visit_Call(self, node: cst.Call) -> None:
        name = self.semantics.call_name(node)
        if name in FILE_LOCKS:
            if self._waits_forever(node, FILE_LOCK_WAIT):
                label = name.rsplit(".", 1)[-1]
                self.report(
                    node,
                    f"`{label}` without a timeout waits forever for the lock; "
                    "pass `timeout=` and handle `filelock.Timeout`",
                    fix=self._fix(node, FILE_LOCK_WAIT, "raises"),
                )
            return
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        receiver = self._type_of(func.value)
        if receiver is None:
            return
        for types, waits in WAITS:
            if receiver in types and method in waits:
                if self._waits_forever(node, waits[method]) and not self._settled(node, receiver):
                    short = TYPE_LABELS.get(receiver, receiver.rsplit(".", 1)[-1])
                    label = f"{short}.{method}()"
                    self.report(
                        node,
                        f"`{label}` without a timeout can block forever; pass `timeout=` "
                        "and handle the expiry",
                        fix=self._fix(node, waits[method], _expiry(receiver, method)),
                    )
                return

    def _fix(self, call: cst.Call, wait: Wait, expiry: str) -> NodeFix | None:
        """``timeout=N``, and an exception where the expiry would pass unnoticed."""
        seconds = self.options["default-timeout"]
        number = cst.Integer(str(seconds)) if isinstance(seconds, int) else cst.Float(repr(seconds))
        given = argument_passed(call, wait.timeout.keyword, wait.timeout.position)
        timed = with_argument_value(call, given, wait.timeout.keyword, number)
        description = f"Wait at most {seconds} s"
        if expiry == "raises":
            return NodeFix(description, Safety.UNSAFE, ((call, timed),))
        statement = self.semantics.current_statement()
        receiver = call.func.value if isinstance(call.func, cst.Attribute) else None
        if (
            receiver is None
            or dotted_name(receiver) is None
            or not isinstance(statement, cst.SimpleStatementLine)
            or len(statement.body) != 1
            or not isinstance(statement.body[0], cst.Expr)
            or statement.body[0].value is not call
        ):
            return None
        module = self.context.module
        who = f"{module.code_for_node(receiver)}.{call.func.attr.value}()"  # type: ignore[union-attr]
        message = repr(f"{who} still waiting after {seconds} s")
        if expiry == "leaves-alive":
            check = cst.parse_statement(
                f"if {module.code_for_node(receiver)}.is_alive():\n    raise TimeoutError({message})\n"
            )
            first = statement.with_changes(body=[cst.Expr(timed)])
            replacement: cst.CSTNode | cst.FlattenSentinel = cst.FlattenSentinel([first, check])
        else:
            check = cst.parse_statement(f"if not WAIT:\n    raise TimeoutError({message})\n")
            assert isinstance(check, cst.If)
            replacement = check.with_changes(
                test=cst.UnaryOperation(cst.Not(), timed),
                body=check.body.with_changes(header=statement.trailing_whitespace),
            )
        return NodeFix(
            f"{description} and raise `TimeoutError` after",
            Safety.UNSAFE,
            ((statement, replacement),),
        )

    def _settled(self, call: cst.Call, receiver: str) -> bool:
        """A future or pool result read after its pool finished all its work."""
        if receiver not in POOL_PRODUCTS.values():
            return False
        function = self.semantics.enclosing_function()
        scope = function if function is not None else self.context.module
        return settled_before(
            scope, call, lambda node: self.pools.constructor(node) in EXECUTOR_CONSTRUCTORS
        )

    def _type_of(self, node: cst.BaseExpression) -> str | None:
        made = self.pools.made_by_pool(node)
        if made is not None:
            return made
        if isinstance(node, cst.Call):
            return self.pools.constructor_of_call(node) or self.semantics.type_of(node)
        return self.semantics.type_of(node) or self.pools.constructor(node)

    @staticmethod
    def _waits_forever(call: cst.Call, wait: Wait) -> bool:
        timeout = wait.timeout
        if has_star_kwargs(call) or has_star_args(call):
            return False
        if wait.blocking is not None:
            keyword, position = wait.blocking
            flag = argument_passed(call, keyword, position)
            if flag is not None and not (
                isinstance(flag.value, cst.Name) and flag.value.value == "True"
            ):
                return False
        given = keyword_arg(call, timeout.keyword) or argument_passed(
            call, timeout.keyword, timeout.position
        )
        if given is None:
            return True
        code = cst.Module([]).code_for_node(given.value).strip()
        return code in wait.no_timeout
