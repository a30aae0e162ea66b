"""Lifecycles of concurrency objects: how they wait, how they are locked and closed.

Tables, not logic. Names are qualified names as :class:`~concurrency_lint.analysis.Semantics`
resolves them. Used by CL204 (waits without timeout), CL501 (executors never shut down),
CL502 (futures never checked), CL503 (callables a process pool must pickle) and CL504
(locks acquired without a ``finally`` release).
"""

from __future__ import annotations

from typing import NamedTuple

from concurrency_lint.knowledge.executors import EXECUTOR_CONSTRUCTORS, RUNTIME_FUNCTIONS
from concurrency_lint.knowledge.timeouts import TimeoutParam


class Wait(NamedTuple):
    """A method that blocks until something happens, and how it is told not to.

    ``timeout`` is where a timeout goes; ``blocking`` (keyword, position) is the flag that
    makes the call return at once when false (``Queue.get(False)``, ``Lock.acquire(False)``).
    ``no_timeout`` lists the literal timeout values that still mean "wait forever".
    """

    timeout: TimeoutParam
    blocking: tuple[str, int] | None = None
    no_timeout: tuple[str, ...] = ("None",)


THREADS = frozenset(
    {
        "threading.Thread",
        "threading.Timer",
        "multiprocessing.Process",
        "multiprocessing.context.Process",
        "multiprocessing.context.SpawnProcess",
        "multiprocessing.context.ForkProcess",
        "multiprocessing.context.ForkServerProcess",
    }
)
QUEUES = frozenset(
    {
        "queue.Queue",
        "queue.LifoQueue",
        "queue.PriorityQueue",
        "queue.SimpleQueue",
        "multiprocessing.Queue",
        "multiprocessing.JoinableQueue",
        "multiprocessing.SimpleQueue",
    }
)
FUTURES = frozenset({"concurrent.futures.Future", "concurrent.futures._base.Future"})
ASYNC_RESULTS = frozenset({"multiprocessing.pool.AsyncResult", "multiprocessing.pool.ApplyResult"})
EVENTS = frozenset({"threading.Event", "multiprocessing.Event"})
CONDITIONS = frozenset({"threading.Condition", "multiprocessing.Condition"})
BARRIERS = frozenset({"threading.Barrier", "multiprocessing.Barrier"})
THREADING_LOCKS = frozenset(
    {
        "threading.Lock",
        "threading.RLock",
        "threading.Semaphore",
        "threading.BoundedSemaphore",
        "threading.Condition",
        "_thread.allocate_lock",
        "_thread.RLock",
    }
)
PROCESS_LOCKS = frozenset(
    {
        "multiprocessing.Lock",
        "multiprocessing.RLock",
        "multiprocessing.Semaphore",
        "multiprocessing.BoundedSemaphore",
        "multiprocessing.Condition",
    }
)
ASYNC_LOCKS = frozenset(
    {
        "asyncio.Lock",
        "asyncio.Semaphore",
        "asyncio.BoundedSemaphore",
        "asyncio.Condition",
        "anyio.Lock",
        "anyio.Semaphore",
        "trio.Lock",
    }
)
#: How a message names a type whose constructor's name says little.
TYPE_LABELS = {"_thread.allocate_lock": "Lock", "_thread.RLock": "RLock"}
#: Objects with ``acquire()`` / ``release()`` that also work as ``with`` / ``async with``.
LOCK_CONSTRUCTORS = THREADING_LOCKS | PROCESS_LOCKS | ASYNC_LOCKS

#: ``filelock`` locks: the timeout is given to the constructor (default -1: wait forever).
FILE_LOCKS = frozenset(
    {
        "filelock.FileLock",
        "filelock.SoftFileLock",
        "filelock.UnixFileLock",
        "filelock.WindowsFileLock",
    }
)
FILE_LOCK_WAIT = Wait(TimeoutParam("timeout", 1), ("blocking", 5), ("None", "-1", "- 1"))

#: receiver constructors -> blocking methods -> how they take a timeout.
WAITS: tuple[tuple[frozenset[str], dict[str, Wait]], ...] = (
    (THREADS, {"join": Wait(TimeoutParam("timeout", 0))}),
    (QUEUES, {"get": Wait(TimeoutParam("timeout", 1), ("block", 0))}),
    (FUTURES, {"result": Wait(TimeoutParam("timeout", 0))}),
    (ASYNC_RESULTS, {"get": Wait(TimeoutParam("timeout", 0))}),
    (EVENTS | CONDITIONS | BARRIERS, {"wait": Wait(TimeoutParam("timeout", 0))}),
    (
        THREADING_LOCKS - {"threading.Condition"},
        {"acquire": Wait(TimeoutParam("timeout", 1), ("blocking", 0), ("None", "-1", "- 1"))},
    ),
    (
        PROCESS_LOCKS - {"multiprocessing.Condition"},
        {"acquire": Wait(TimeoutParam("timeout", 1), ("block", 0))},
    ),
)

#: ``executor.submit(...)`` returns a ``concurrent.futures.Future``.
FUTURE_FACTORIES = frozenset({"submit"})
#: ``Pool.apply_async`` and friends return an ``AsyncResult``; failures reach only
#: ``get()`` or an ``error_callback``.
ASYNC_RESULT_FACTORIES = frozenset({"apply_async", "map_async", "starmap_async"})
#: What a pool method returns, as the type its waits are looked up under.
POOL_PRODUCTS = {
    **{method: "concurrent.futures.Future" for method in FUTURE_FACTORIES},
    **{method: "multiprocessing.pool.AsyncResult" for method in ASYNC_RESULT_FACTORIES},
}

#: Methods that end an executor's or pool's life (or hand it to someone who will).
CLOSE_METHODS = frozenset({"shutdown", "close", "terminate", "__exit__"})

#: ``multiprocessing`` managers: a server process each, until ``shutdown()`` or ``with``
#: ends it. ``Manager()`` starts it at once; a ``SyncManager()`` once ``start()`` is called.
MANAGER_CONSTRUCTORS = frozenset(
    {"multiprocessing.Manager", "multiprocessing.managers.SyncManager"}
)
STARTED_BY_CALL = frozenset({"multiprocessing.managers.SyncManager"})

#: ``multiprocessing.get_context(method)`` -> a context with ``Pool`` / ``Process``.
CONTEXT_FACTORIES = frozenset(
    {"multiprocessing.get_context", "multiprocessing.context.get_context"}
)
#: ``ctx.Queue()`` of a ``get_context(...)`` context -> the ``multiprocessing`` type it makes.
CONTEXT_PRODUCTS = {
    name: f"multiprocessing.{name}"
    for name in (
        "Queue",
        "JoinableQueue",
        "SimpleQueue",
        "Event",
        "Lock",
        "RLock",
        "Semaphore",
        "BoundedSemaphore",
        "Condition",
        "Barrier",
    )
}
SET_START_METHOD = frozenset(
    {"multiprocessing.set_start_method", "multiprocessing.context.set_start_method"}
)
#: Start methods that pickle a ``Process`` target (``fork`` copies it instead).
PICKLING_START_METHODS = frozenset({"spawn", "forkserver"})
PROCESS_CONSTRUCTORS = frozenset({"multiprocessing.Process", "multiprocessing.context.Process"})
#: Methods of a process pool that pickle the callable they are given (first positional).
PROCESS_POOL_METHODS = frozenset(
    {
        "submit",
        "map",
        "apply",
        "apply_async",
        "map_async",
        "starmap",
        "starmap_async",
        "imap",
        "imap_unordered",
    }
)
#: Wrappers whose first argument is the callable that gets pickled.
CALLABLE_WRAPPERS = frozenset({"functools.partial"})

#: Every qualified name a pool rule starts from (constructors, start-method calls,
#: the runtime's helpers, threads): a file that cannot import one has no pool site.
POOL_ENTRY_POINTS = (
    EXECUTOR_CONSTRUCTORS
    | RUNTIME_FUNCTIONS
    | PROCESS_CONSTRUCTORS
    | CONTEXT_FACTORIES
    | SET_START_METHOD
    | {"threading.Thread", "asyncio.to_thread"}
)
