"""Executors, pools and the runtime's helpers: what they are called and how they run work."""

from __future__ import annotations

from typing import NamedTuple

THREAD_POOLS = frozenset(
    {
        "concurrent.futures.ThreadPoolExecutor",
        "concurrent.futures.thread.ThreadPoolExecutor",
        "multiprocessing.pool.ThreadPool",
        "multiprocessing.dummy.Pool",
    }
)
PROCESS_POOLS = frozenset(
    {
        "concurrent.futures.ProcessPoolExecutor",
        "concurrent.futures.process.ProcessPoolExecutor",
        "multiprocessing.Pool",
        "multiprocessing.pool.Pool",
    }
)
EXECUTOR_CONSTRUCTORS = THREAD_POOLS | PROCESS_POOLS
#: Pools whose ``map`` / ``imap`` / ``apply_async`` ... also take the callable as ``func=``
#: and the items as ``iterable=`` (``multiprocessing``'s; ``concurrent.futures`` does not).
KEYWORD_CALLABLE_POOLS = frozenset(
    {
        "multiprocessing.Pool",
        "multiprocessing.pool.Pool",
        "multiprocessing.pool.ThreadPool",
        "multiprocessing.dummy.Pool",
    }
)

# Methods that hand a callable to a pool: name -> index of the callable among positionals.
SUBMIT_METHODS = {
    "submit": 0,
    "map": 0,
    "apply": 0,
    "apply_async": 0,
    "map_async": 0,
    "starmap": 0,
    "starmap_async": 0,
    "imap": 0,
    "imap_unordered": 0,
}

# Where the worker count is passed: keyword, and position among positionals.
WORKER_PARAMETERS = {
    "concurrent.futures.ThreadPoolExecutor": ("max_workers", 0),
    "concurrent.futures.thread.ThreadPoolExecutor": ("max_workers", 0),
    "concurrent.futures.ProcessPoolExecutor": ("max_workers", 0),
    "concurrent.futures.process.ProcessPoolExecutor": ("max_workers", 0),
    "multiprocessing.Pool": ("processes", 0),
    "multiprocessing.pool.Pool": ("processes", 0),
    "multiprocessing.pool.ThreadPool": ("processes", 0),
    "multiprocessing.dummy.Pool": ("processes", 0),
}

# The bundled runtime (and the seed's own ``parallel`` module it replaces).
RUNTIME_MODULES = ("concurrency_lint.parallel", "parallel")
RUNTIME_NAMES = frozenset({"run_parallel", "batch_map", "batch_filter", "iter_parallel"})
RUNTIME_FUNCTIONS = frozenset(
    f"{module}.{name}" for module in RUNTIME_MODULES for name in RUNTIME_NAMES
)


class PoolSwap(NamedTuple):
    """A drop-in replacement pool: its constructor, and the arguments both accept alike."""

    target: str
    positional: int  # leading positional arguments that mean the same in both
    keywords: frozenset[str]


_TO_PROCESSES = PoolSwap(
    "concurrent.futures.ProcessPoolExecutor",
    1,
    frozenset({"max_workers", "initializer", "initargs"}),
)
_TO_THREADS = PoolSwap(
    "concurrent.futures.ThreadPoolExecutor",
    1,
    frozenset({"max_workers", "initializer", "initargs"}),
)
_TO_THREAD_POOL = PoolSwap(
    "multiprocessing.pool.ThreadPool", 3, frozenset({"processes", "initializer", "initargs"})
)

#: Thread pool -> the process pool with the same API (CL301's fix).
THREAD_TO_PROCESS_POOL = {
    "concurrent.futures.ThreadPoolExecutor": _TO_PROCESSES,
    "concurrent.futures.thread.ThreadPoolExecutor": _TO_PROCESSES,
}
#: Process pool -> the thread pool with the same API (CL304's fix).
PROCESS_TO_THREAD_POOL = {
    "concurrent.futures.ProcessPoolExecutor": _TO_THREADS,
    "concurrent.futures.process.ProcessPoolExecutor": _TO_THREADS,
    "multiprocessing.Pool": _TO_THREAD_POOL,
    "multiprocessing.pool.Pool": _TO_THREAD_POOL,
}
