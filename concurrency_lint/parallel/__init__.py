"""Parallel execution for I/O-bound batches, the runtime of ``conclint fix``.

Imports only the standard library (rich is loaded when a progress bar is shown, psutil
when a :class:`ResourceManager` is created), so code rewritten to use it pays nothing
for the linter's own dependencies::

    from concurrency_lint.parallel import run_parallel

    for item, result, error in run_parallel(fetch, urls, timeout=30):
        ...
"""

from .capture import OUTPUT_LIMIT
from .outcome import Outcome
from .resources import ResourceManager
from .run import batch_filter, batch_map, run_parallel
from .streaming import iter_parallel
from .subprocess_executor import ConcurrentExecutor
from .workers import optimal_workers

__all__ = [
    "OUTPUT_LIMIT",
    "ConcurrentExecutor",
    "Outcome",
    "ResourceManager",
    "batch_filter",
    "batch_map",
    "iter_parallel",
    "optimal_workers",
    "run_parallel",
]
