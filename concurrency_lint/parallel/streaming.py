"""Stream a function over a (possibly endless) iterable: bounded in flight, in order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from itertools import islice
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
from .progress import Progress, progress_for
from .workers import resolve_workers

#: Items in flight per worker when ``window`` is not given.
WINDOW_PER_WORKER = 4
#: Smallest default window: fewer hand-offs between consumer and workers for tiny items.
MIN_WINDOW = 64


def iter_parallel(
    func: Callable[[Any], Any],
    iterable: Iterable[Any],
    max_workers: int | None = None,
    desc: str | None = None,
    fail_fast: bool = False,
    timeout: float | None = None,
    mode: str = "thread",
    executor: Executor | None = None,
    progress: bool | None = None,
    window: int | None = None,
) -> Iterator[Outcome]:
    """Yield ``func(item)``'s Outcome for every item, in input order, as they are ready.

    The iterable is read lazily, from the consuming thread, and at most ``window`` items
    (default ``max(4 * max_workers, 64)``; in process mode, chunks of items) are in flight, so
    memory stays flat however long the input. Closing the generator (``break``,
    ``close()``, garbage collection) starts nothing more; items already running finish
    in the background. The other arguments mean what they mean for
    :func:`run_parallel`; with ``fail_fast`` the outcomes before the earliest failure
    are yielded, then its error is raised.
    """
    try:
        total: int | None = len(iterable)  # type: ignore[arg-type]
    except TypeError:
        total = None
    workers = resolve_workers(max_workers, total, mode, executor)
    if (executor is None and mode == "process") or (
        executor is not None and is_process_pool(executor)
    ):
        check_picklable(func)  # raise now, not from the first item
    if window is None:
        window = max(WINDOW_PER_WORKER * workers, MIN_WINDOW)
    return _stream(
        func, iterable, workers, window, total, desc, fail_fast, timeout, mode, executor, progress
    )


def _stream(
    func: Callable[[Any], Any],
    iterable: Iterable[Any],
    workers: int,
    window: int,
    total: int | None,
    desc: str | None,
    fail_fast: bool,
    timeout: float | None,
    mode: str,
    executor: Executor | None,
    progress: bool | None,
) -> Iterator[Outcome]:
    display = progress_for(desc, total, progress)
    try:
        if executor is None and mode == "thread":
            yield from _stream_on_threads(
                func, iterable, workers, window, fail_fast, timeout, display
            )
        else:
            yield from _stream_on_executor(
                func, iterable, workers, window, total, fail_fast, timeout, mode, executor, display
            )
    finally:
        if display is not None:
            display.close()


def _stream_on_threads(
    func: Callable[[Any], Any],
    iterable: Iterable[Any],
    workers: int,
    window: int,
    fail_fast: bool,
    timeout: float | None,
    display: Progress | None,
) -> Iterator[Outcome]:
    crew = Crew(func, workers, max(window, workers), timeout, fail_fast)
    capacity = max(window, workers)
    tick = display.update if display is not None else None
    poll = 0.1 if tick is not None else 0.5
    items = iter(iterable)
    exhausted = False
    input_error: Exception | None = None
    seq = 0
    refill_at = max(1, capacity // 2)  # refill in batches, once half the window is free
    try:
        while True:
            room = capacity - (crew.fed - seq)
            if not exhausted and not crew.stopped and (room >= refill_at or crew.fed == seq):
                batch: list[Any] = []
                try:
                    batch.extend(islice(items, room))
                except Exception as error:  # raised after the outcomes of earlier items
                    input_error = error
                if batch:
                    crew.feed(batch)
                if len(batch) < room:
                    exhausted = True
                    crew.close_input()
            if seq == crew.fed:
                if input_error is not None:
                    raise input_error
                break
            outcome = crew.pop(seq, tick, poll)
            if outcome is None:  # stopped before this item started
                break
            if fail_fast and outcome.error is not None:
                raise noted(outcome.error, outcome.item, seq)
            seq += 1
            if tick is not None:
                tick(crew.finished)
            yield outcome
        if crew.fatal is not None:
            raise crew.fatal
    finally:
        crew.stop()


def _stream_on_executor(
    func: Callable[[Any], Any],
    iterable: Iterable[Any],
    workers: int,
    window: int,
    total: int | None,
    fail_fast: bool,
    timeout: float | None,
    mode: str,
    executor: Executor | None,
    display: Progress | None,
) -> Iterator[Outcome]:
    own = new_process_pool(workers) if executor is None else None
    pool = executor if own is None else own
    chunksize = 1
    if timeout is None and (mode == "process" or is_process_pool(pool)):
        chunksize = process_chunksize(total, workers)
    run = ExecutorRun(
        pool,
        func,
        iterable,
        window=workers if timeout is not None else max(1, window // chunksize, 2 * workers),
        chunksize=chunksize,
        timeout=timeout,
        fail_fast=fail_fast,
        tick=display.update if display is not None else None,
        cancel_abandoned=own is None,
    )
    finished = False
    try:
        yield from run
        finished = True
    except Exception:
        finished = True
        raise
    finally:
        if own is not None:
            shutdown_own_pool(own, run.stuck, interrupted=not finished)
