"""Run a function over a batch of items in parallel: outcomes in input order."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from typing import Any

from .crew import Crew
from .executors import (
    ExecutorRun,
    is_process_pool,
    new_process_pool,
    process_chunksize,
    shutdown_own_pool,
)
from .main_guard import check_picklable
from .outcome import Outcome, noted
from .progress import progress_for
from .workers import resolve_workers


def run_parallel(
    func: Callable[[Any], Any],
    items: Iterable[Any],
    max_workers: int | None = None,
    desc: str | None = None,
    fail_fast: bool = False,
    timeout: float | None = None,
    mode: str = "thread",
    executor: Executor | None = None,
    progress: bool | None = None,
) -> list[Outcome]:
    """Call ``func(item)`` for every item in parallel; return one Outcome per item, in
    input order (``for item, result, error in run_parallel(...)``).

    - An ``Exception`` from ``func`` is captured in its item's outcome. ``KeyboardInterrupt``
      and other ``BaseException``\\ s stop items that have not started and propagate.
    - ``fail_fast=True``: on the first error nothing more is started, items that have
      not started are dropped, running ones are waited for, and the error of the
      earliest failed item (in input order) is raised.
    - ``timeout``: seconds per item. An item still running then gets a ``TimeoutError``
      outcome and the call returns without waiting for it (in thread mode its thread
      is abandoned and keeps running in the background; it cannot hold up exit). On
      an executor the clock starts when the item is submitted, and only
      ``max_workers`` items are submitted at a time so that submitting means starting;
      a process pool created here is terminated if an item in it is stuck.
    - ``max_workers=None`` uses :func:`optimal_workers` (network-sized for threads,
      the CPU count for processes).
    - ``mode="process"`` runs on a new process pool (``func`` and items must pickle;
      processes start with "forkserver" where they would be forked), sending many
      small items in chunks. A ``func`` that does not pickle (a lambda, a nested
      function) raises ``pickle.PicklingError`` before anything starts. Children import
      the main script again: one without an ``if __name__ == "__main__":`` guard is
      forked instead (its top level runs once) when it runs no other thread, else
      ``UnguardedMainScript`` (a ``RuntimeError``) is raised before anything starts. ``executor`` runs on any
      ``concurrent.futures.Executor`` instead; it is left running.
    - ``desc`` names a progress bar shown on stderr when stderr is a terminal and the
      batch lasts; ``progress=False`` hides it, ``progress=True`` always shows it.
    """
    items = items if isinstance(items, list) else list(items)
    workers = resolve_workers(max_workers, len(items), mode, executor)
    if not items:
        return []
    display = progress_for(desc, len(items), progress)
    tick = display.update if display is not None else None
    outcomes: list[Outcome] = []
    try:
        if executor is None and mode == "thread":
            outcomes = _run_on_threads(func, items, workers, fail_fast, timeout, tick)
        else:
            outcomes = _run_on_executor(
                func, items, workers, fail_fast, timeout, mode, executor, tick
            )
        return outcomes
    finally:
        if display is not None:
            display.close(len(outcomes) or None)


def _run_on_threads(
    func: Callable[[Any], Any],
    items: list[Any],
    workers: int,
    fail_fast: bool,
    timeout: float | None,
    tick: Callable[[int], None] | None,
) -> list[Outcome]:
    crew = Crew.for_batch(func, items, workers, timeout, fail_fast)
    try:
        outcomes = crew.wait_all(tick, poll=0.1 if tick is not None else 0.5)
    except BaseException:
        crew.stop()
        raise
    if crew.fatal is not None:
        raise crew.fatal
    if crew.first_failure is not None:
        failed = outcomes[crew.first_failure]
        raise noted(failed.error, failed.item, crew.first_failure)
    return outcomes


def _run_on_executor(
    func: Callable[[Any], Any],
    items: list[Any],
    workers: int,
    fail_fast: bool,
    timeout: float | None,
    mode: str,
    executor: Executor | None,
    tick: Callable[[int], None] | None,
) -> list[Outcome]:
    if (executor is None and mode == "process") or (
        executor is not None and is_process_pool(executor)
    ):
        check_picklable(func)  # raise now, not once per item from the pool
    own = new_process_pool(workers) if executor is None else None
    pool = executor if own is None else own
    chunksize = 1
    if timeout is None and (mode == "process" or is_process_pool(pool)):
        chunksize = process_chunksize(len(items), workers)
    run = ExecutorRun(
        pool,
        func,
        items,
        window=workers if timeout is not None else 2 * workers,
        chunksize=chunksize,
        timeout=timeout,
        fail_fast=fail_fast,
        tick=tick,
        cancel_abandoned=own is None,
    )
    finished = False  # False: interrupted by a BaseException, don't wait for the pool
    try:
        outcomes = list(run)
        finished = True
        return outcomes
    except Exception:
        finished = True
        raise
    finally:
        if own is not None:
            shutdown_own_pool(own, run.stuck, interrupted=not finished)


def batch_map(func: Callable[[Any], Any], items: Iterable[Any], **kwargs: Any) -> list[Any]:
    """The results of the items whose call succeeded, in input order (failures dropped).

    Takes :func:`run_parallel`'s keyword arguments.
    """
    return [result for _, result, error in run_parallel(func, items, **kwargs) if error is None]


def batch_filter(predicate: Callable[[Any], Any], items: Iterable[Any], **kwargs: Any) -> list[Any]:
    """The items whose predicate returned a truthy value, in input order.

    Items whose predicate raised are left out. Takes :func:`run_parallel`'s keyword
    arguments.
    """
    outcomes = run_parallel(predicate, items, **kwargs)
    return [item for item, result, error in outcomes if error is None and result]
