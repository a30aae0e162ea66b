"""Parallel execution for I/O-bound batches, the runtime of ``conclint fix``.

Imports only the standard library (rich is loaded when a progress bar is shown, psutil
when a :class:`ResourceManager` is created, asyncio when :class:`ConcurrentExecutor` is
first used), so code rewritten to use it pays nothing for the linter's own
dependencies::

    from concurrency_lint.parallel import run_parallel

    for item, result, error in run_parallel(fetch, urls, timeout=30):
        ...
"""

from typing import TYPE_CHECKING, Any

from .capture import OUTPUT_LIMIT
from .outcome import Outcome
from .resources import ResourceManager
from .run import batch_filter, batch_map, run_parallel
from .streaming import iter_parallel
from .workers import optimal_workers

if TYPE_CHECKING:
    from .subprocess_executor import ConcurrentExecutor

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


def __getattr__(name: str) -> Any:
    if name == "ConcurrentExecutor":  # imported on first use: asyncio is slow to import
        from .subprocess_executor import ConcurrentExecutor

        return ConcurrentExecutor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
