"""Running items on any ``concurrent.futures.Executor``, outcomes in input order.

Used for process mode and for a caller's own executor (a process pool, a
dask.distributed ``client.get_executor()``, ...). Items go out in chunks (one call per
chunk, exceptions caught per item inside it) and at most ``window`` chunks are
submitted at a time, so an endless input streams with flat memory.
"""

from __future__ import annotations

import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError, Executor, Future, wait
from itertools import islice
from math import ceil
from time import monotonic
from typing import TYPE_CHECKING, Any

from .main_guard import UnguardedMainScript, main_script_unguarded, unguarded_message
from .outcome import Outcome, noted

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

#: Largest number of items sent to a process in one call.
MAX_CHUNK = 1024


def new_process_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool (multiprocessing is imported only now, not with this library).

    Processes start with "forkserver" where they would otherwise be forked: forking a
    process that has threads (this library keeps idle worker threads) can deadlock
    the child. As with "spawn", the function must be importable, and a script needs an
    ``if __name__ == "__main__":`` guard, since each child imports it again. A script
    without one is forked instead when it runs no other thread (nothing is re-run); else
    :class:`UnguardedMainScript` is raised before any process starts. Pass
    ``executor=ProcessPoolExecutor(...)`` to choose otherwise.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = multiprocessing.get_start_method(allow_none=True)  # None: not fixed yet
    if method is None:
        default_is_fork = sys.platform != "darwin" and sys.version_info < (3, 14)
        method = "fork" if os.name == "posix" and default_is_fork else "other"
    context = None
    if main_script_unguarded():
        forkable = "fork" in multiprocessing.get_all_start_methods()
        if not forkable or threading.active_count() > 1:
            raise UnguardedMainScript(unguarded_message())
        context = multiprocessing.get_context("fork")
    elif method == "fork" and "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def is_process_pool(executor: Executor) -> bool:
    """True for a ``concurrent.futures.ProcessPoolExecutor`` (without importing it)."""
    module = sys.modules.get("concurrent.futures.process")
    return module is not None and isinstance(executor, module.ProcessPoolExecutor)


def process_chunksize(item_count: int | None, workers: int) -> int:
    """Items per call for process pools: about four calls per worker, 1..MAX_CHUNK."""
    if not item_count:
        return 1
    return max(1, min(MAX_CHUNK, ceil(item_count / (4 * workers))))


def run_chunk(
    func: Callable[[Any], Any], chunk: list[Any], stop_on_error: bool, tag: object
) -> list[tuple[Any, BaseException | None]]:
    """Run ``func`` over ``chunk`` inside the executor, one ``(result, error)`` per item.

    ``tag`` makes each call unique, so executors that cache by argument (dask's
    ``pure=True`` default) still run every chunk.
    """
    pairs: list[tuple[Any, BaseException | None]] = []
    for item in chunk:
        try:
            pairs.append((func(item), None))
        except Exception as exc:
            pairs.append((None, exc))
            if stop_on_error:
                break
    return pairs


class ExecutorRun:
    """Iterate ``func`` over ``items`` on ``executor``, yielding Outcomes in input order.

    ``timeout`` is per item, counted from submission (``chunksize`` must then be 1 and
    ``window`` should not exceed the executor's capacity, so that submission means
    start). Calls that timed out but could not be cancelled stay in ``stuck``; they
    occupy workers, so the submission window shrinks by their number.

    ``cancel_abandoned=False`` leaves calls that will not be waited for (timed out,
    or pending when iteration stops) uncancelled, for a pool whose processes are
    terminated instead: on Python < 3.12 a cancelled call in a pool that breaks
    makes the pool's manager thread fail with ``InvalidStateError``.
    """

    def __init__(
        self,
        executor: Executor,
        func: Callable[[Any], Any],
        items: Iterable[Any],
        *,
        window: int,
        chunksize: int = 1,
        timeout: float | None = None,
        fail_fast: bool = False,
        tick: Callable[[int], None] | None = None,
        cancel_abandoned: bool = True,
    ) -> None:
        if timeout is not None and chunksize != 1:
            raise ValueError("a per-item timeout needs chunksize=1")
        self._executor = executor
        self._func = func
        self._items = items
        self._window = max(1, window)
        self._chunksize = max(1, chunksize)
        self._timeout = timeout
        self._fail_fast = fail_fast
        self._tick = tick
        self._cancel_abandoned = cancel_abandoned
        self._token = os.urandom(8).hex()
        self._failed_at: int | None = None  # first submitted index of a failed chunk
        self._lock = threading.Lock()
        self.stuck: list[Future] = []

    def __iter__(self) -> Iterator[Outcome]:
        pending: deque[tuple[int, list[Any], Future, float]] = deque()
        items = iter(self._items)
        submitted = yielded = 0
        exhausted = False
        input_error: Exception | None = None
        poll = 0.05 if self._fail_fast else 0.5
        try:
            while True:
                if not exhausted and self._failed_at is None:
                    self.stuck = [f for f in self.stuck if not f.done()]
                    room = max(1, self._window - len(self.stuck)) - len(pending)
                    for _ in range(room):
                        chunk: list[Any] = []
                        try:
                            chunk.extend(islice(items, self._chunksize))
                        except Exception as error:  # raised once earlier items are out
                            input_error = error
                        if chunk:
                            pending.append(
                                (submitted, chunk, self._submit(submitted, chunk), monotonic())
                            )
                            submitted += len(chunk)
                        if len(chunk) < self._chunksize:
                            exhausted = True
                            break
                if self._failed_at is not None:
                    self._cancel_after(self._failed_at, pending)
                if not pending:
                    if input_error is not None:
                        raise input_error
                    return
                start, chunk, future, submitted_at = pending[0]
                deadline = None if self._timeout is None else submitted_at + self._timeout
                while not future.done():
                    wait_s = poll if deadline is None else min(poll, deadline - monotonic())
                    if wait_s <= 0:
                        break
                    wait((future,), wait_s)
                    if self._failed_at is not None:
                        self._cancel_after(self._failed_at, pending)
                pending.popleft()
                for item, (result, error) in zip(chunk, self._pairs(chunk, future), strict=True):
                    if error is not None and self._fail_fast:
                        self._cancel_after(start, pending)
                        self._settle(pending)
                        raise noted(error, item, yielded)
                    yielded += 1
                    yield Outcome(item, result, error)
                if self._tick is not None:
                    self._tick(yielded)
        finally:
            if self._cancel_abandoned:
                for entry in pending:
                    entry[2].cancel()

    def _submit(self, start: int, chunk: list[Any]) -> Future:
        future = self._executor.submit(
            run_chunk, self._func, chunk, self._fail_fast, (self._token, start)
        )
        if self._fail_fast:
            future.add_done_callback(lambda f: self._note_failure(start, f))
        return future

    def _note_failure(self, start: int, future: Future) -> None:
        if future.cancelled():
            return
        error = future.exception()
        if error is None and all(e is None for _, e in future.result()):
            return
        with self._lock:
            if self._failed_at is None or start < self._failed_at:
                self._failed_at = start

    @staticmethod
    def _cancel_after(start: int, pending: deque) -> None:
        """Cancel the calls after ``start`` that have not begun."""
        for first, _, future, _ in pending:
            if first > start:
                future.cancel()

    def _settle(self, pending: deque) -> None:
        """Wait for calls that are still running (until their own deadlines)."""
        for _, _, future, submitted_at in pending:
            if self._timeout is None:
                wait((future,))
            else:
                wait((future,), max(0.0, submitted_at + self._timeout - monotonic()))

    def _pairs(self, chunk: list[Any], future: Future) -> list[tuple[Any, BaseException | None]]:
        size = len(chunk)
        if not future.done():  # out of time
            if not (self._cancel_abandoned and future.cancel()):
                self.stuck.append(future)
            error = TimeoutError(f"item did not finish within {self._timeout:g} s")
            return [(None, error)] * size
        if future.cancelled():
            return [(None, CancelledError("the call was cancelled"))] * size
        error = future.exception()
        if error is not None:
            if not isinstance(error, Exception):
                raise error  # KeyboardInterrupt, SystemExit, ... from the worker
            return [(None, error)] * size
        pairs = future.result()
        if len(pairs) < size:  # a fail-fast chunk stopped at its first error
            pairs = pairs + [(None, CancelledError("not run after an earlier error"))] * (
                size - len(pairs)
            )
        return pairs


def shutdown_own_pool(pool: ProcessPoolExecutor, stuck: list[Future], interrupted: bool) -> None:
    """Shut down a pool this library created.

    Its processes are terminated when calls are stuck in it (timed out) or when the
    caller was interrupted (KeyboardInterrupt, generator closed early): nobody will
    read those results, and waiting for them would hold up the caller or its exit.
    """
    if interrupted or any(not f.done() for f in stuck):
        terminate = getattr(pool, "terminate_workers", None)  # Python 3.14+
        if terminate is not None:
            terminate()
        else:
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
        pool.shutdown(wait=False)  # pending calls fail with BrokenProcessPool
    else:
        pool.shutdown(wait=True, cancel_futures=True)
