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
from concurrency_lint.analysis.pools import PoolResolver
from concurrency_lint.checking.rule import FileContext, Invalid, Rule
from concurrency_lint.knowledge.lifecycle import (
    FILE_LOCK_WAIT,
    FILE_LOCKS,
    TYPE_LABELS,
    WAITS,
    Wait,
)


class BlockingWaitWithoutTimeout(Rule):
    """
    ## What it does
    Flags waits that can block forever because no timeout is given (or `timeout=None`):
    `Thread.join()` / `Process.join()`, `Queue.get()`, `Future.result()`,
    `AsyncResult.get()`, `Event.wait()` / `Condition.wait()` / `Barrier.wait()`,
    `Lock.acquire()` / `Semaphore.acquire()`, and `filelock.FileLock(...)` built without a
    timeout. The receiver must provably be of that type: built by the constructor in the
    same scope or on `self`, or a future returned by a pool's `submit()` / `apply_async()`.

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
    No fix is offered: each of these reports the expiry differently (`join()` returns with
    the thread still alive, `wait()` returns False, `get()` raises `queue.Empty`), so the
    caller must be changed to handle it.
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
    )
    DEFAULT_ENABLED = False
    VALID = (
        "import threading\nt = threading.Thread(target=print)\nt.start()\nt.join(timeout=5)\n",
        "import queue\nq = queue.Queue()\nq.get(block=False)\n",
        "import queue\nq = queue.Queue()\nq.get(True, 5)\n",
        "def f(thread):\n    thread.join()\n",
        "from filelock import FileLock\nlock = FileLock('x.lock', timeout=10)\n",
    )
    INVALID = (
        Invalid("import threading\nt = threading.Thread(target=print)\nt.start()\nt.join()\n"),
        Invalid("import queue\nq = queue.Queue()\nq.get()\n"),
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
                if self._waits_forever(node, waits[method]):
                    short = TYPE_LABELS.get(receiver, receiver.rsplit(".", 1)[-1])
                    label = f"{short}.{method}()"
                    self.report(
                        node,
                        f"`{label}` without a timeout can block forever; pass `timeout=` "
                        "and handle the expiry",
                    )
                return

    def _type_of(self, node: cst.BaseExpression) -> str | None:
        made = self.pools.made_by_pool(node)
        if made is not None:
            return made
        if isinstance(node, cst.Call):
            return self.pools.constructor_of_call(node) or self.semantics.call_name(node)
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
