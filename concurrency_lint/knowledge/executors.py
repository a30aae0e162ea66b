"""Executors, pools and the runtime's helpers: what they are called and how they run work."""

from __future__ import annotations

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
RUNTIME_FUNCTIONS = frozenset(
    f"{module}.{name}"
    for module in RUNTIME_MODULES
    for name in ("run_parallel", "batch_map", "batch_filter", "iter_parallel")
)
