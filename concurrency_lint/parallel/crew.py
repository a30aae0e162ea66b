"""Daemon worker threads that run one function over input-numbered items.

Items are numbered 0, 1, 2, ... in input order and kept in a ring of ``capacity``
slots (for a whole batch the ring is the batch itself). Workers always claim the
lowest unclaimed number, so items start in input order, and each worker stores its
item's :class:`Outcome` in the item's slot. One lock guards all shared state and a
worker takes it once per item (store the outcome and claim the next number), which
keeps the per-item cost to a function call, a tuple and a lock round trip.

Threads come from :mod:`.threads` (reused daemon threads): an item that outlives its
timeout, or that is still running when the caller is interrupted, never keeps the
interpreter from exiting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from time import monotonic
from typing import Any

from .outcome import Outcome
from .threads import spawn

_new_outcome = tuple.__new__  # Outcome(...) without the Python-level __new__


class _Worker:
    """Book-keeping for one worker thread."""

    __slots__ = ("abandoned", "seq", "started")

    def __init__(self) -> None:
        self.seq = -1  # number of the item being run, -1 when idle
        self.started = 0.0  # monotonic() when that item started (only with a timeout)
        self.abandoned = False  # its item timed out; it retires when the call returns


class Crew:
    """Runs ``func`` on up to ``workers`` daemon threads over items fed in input order.

    Feed items with :meth:`feed` (or use :meth:`for_batch`), collect outcomes with
    :meth:`wait_all` or :meth:`pop`, and call :meth:`stop` when giving up: items not yet
    started are then never started. With ``timeout``, an item running longer gets a
    ``TimeoutError`` outcome, its thread is abandoned and a fresh one replaces it.
    With ``fail_fast``, the first error stops further claims (see ``first_failure``).
    """

    def __init__(
        self,
        func: Callable[[Any], Any],
        workers: int,
        capacity: int,
        timeout: float | None = None,
        fail_fast: bool = False,
        items: list[Any] | None = None,
    ) -> None:
        self._func = func
        self._max_workers = max(1, workers)
        self._cap = max(1, capacity)
        self._items: list[Any] = [None] * self._cap if items is None else items
        self._outcomes: list[Outcome | None] = [None] * (self._cap if items is None else len(items))
        self._timeout = timeout
        self._fail_fast = fail_fast
        self._lock = threading.Lock()
        self._has_work = threading.Condition(self._lock)
        self._ready = threading.Condition(self._lock)
        self.fed = 0  # items handed in so far
        self.finished = 0  # outcomes stored so far (timeouts included)
        self._next = 0  # lowest unclaimed item number
        self._busy = 0  # items claimed and not yet stored
        self._idle = 0  # workers waiting for items
        self._workers: list[_Worker] = []  # registered workers, started or not
        self._unstarted: list[_Worker] = []  # registered, thread not started yet
        self._closed = False  # no more items will be fed
        self.stopped = False  # no more items will be claimed
        self.first_failure: int | None = None  # lowest failed number (fail_fast only)
        self.fatal: BaseException | None = None  # a BaseException raised by func
        self._waiting = False  # a consumer sleeps on _ready
        self._awaited = -1  # the item number it waits for (-1: the whole batch)

    @classmethod
    def for_batch(
        cls,
        func: Callable[[Any], Any],
        items: list[Any],
        workers: int,
        timeout: float | None = None,
        fail_fast: bool = False,
    ) -> Crew:
        """Start a crew over a whole list; its outcome slots are the result list."""
        crew = cls(func, workers, len(items), timeout, fail_fast, items)
        crew.fed = len(items)
        crew._closed = True
        crew._start(crew._reserve(min(crew._max_workers, len(items))))
        return crew

    # -- producer side -------------------------------------------------------------

    def feed(self, items: list[Any]) -> None:
        """Queue more items; the caller keeps at most ``capacity`` unpopped items."""
        with self._lock:
            ring, cap, fed = self._items, self._cap, self.fed
            for item in items:
                ring[fed % cap] = item
                fed += 1
            self.fed = fed
            woken = min(self._idle, len(items))
            if woken:
                self._idle -= woken  # counted down here: a notified worker is not idle
                self._has_work.notify(woken)
            fresh = self._reserve(len(items) - woken)
        self._start(fresh)

    def close_input(self) -> None:
        """Declare that no more items will be fed."""
        with self._lock:
            self._closed = True
            self._idle = 0
            self._has_work.notify_all()
            self._ready.notify_all()

    def stop(self) -> None:
        """Start nothing more; running items finish in the background, unobserved."""
        with self._lock:
            self.stopped = True
            self._idle = 0
            self._has_work.notify_all()
            self._ready.notify_all()

    # -- consumer side -------------------------------------------------------------

    def wait_all(self, tick: Callable[[int], None] | None = None, poll: float = 0.5) -> list:
        """Wait until every item has an outcome (or the crew stopped) and return the slots.

        Slots of items that were never started hold ``None``.
        """
        self._wait(-1, self._batch_settled, tick, poll)
        return self._outcomes

    def pop(
        self, seq: int, tick: Callable[[int], None] | None = None, poll: float = 0.5
    ) -> Outcome | None:
        """Wait for item ``seq``'s outcome, free its slot and return it.

        Returns ``None`` when the item will never run (the crew stopped first) or a
        ``fatal`` exception ended the crew.
        """
        slot = seq % self._cap
        outcome = self._outcomes[slot]
        if outcome is not None:  # ready: no lock needed, no worker writes this slot again
            self._outcomes[slot] = self._items[slot] = None  # until the item seq + capacity
            return outcome

        def settled() -> bool:
            return (
                self._outcomes[slot] is not None
                or self.fatal is not None
                or (self.stopped and seq >= self._next)
            )

        self._wait(seq, settled, tick, poll)
        with self._lock:
            outcome = self._outcomes[slot]
            self._outcomes[slot] = None
            self._items[slot] = None
        return outcome

    def _batch_settled(self) -> bool:
        return self.fatal is not None or (
            self._busy == 0 and (self.stopped or self.finished == self.fed)
        )

    def _wait(
        self,
        seq: int,
        settled: Callable[[], bool],
        tick: Callable[[int], None] | None,
        poll: float,
    ) -> None:
        while True:
            with self._lock:
                fresh = self._expire() if self._timeout is not None else []
                if settled():
                    break
                if not fresh:
                    self._waiting, self._awaited = True, seq
                    try:
                        self._ready.wait(self._wake_after(poll))
                    finally:
                        self._waiting = False
                    if self._timeout is not None:
                        fresh = self._expire()
                    if settled():
                        break
            self._start(fresh)
            if tick is not None:
                tick(self.finished)
        self._start(fresh)

    def _wake_after(self, poll: float) -> float:
        if self._timeout is None:
            return poll
        starts = [w.started for w in self._workers if w.seq >= 0]
        if not starts:
            return poll
        return max(0.0, min(poll, min(starts) + self._timeout - monotonic()))

    def _expire(self) -> list[_Worker]:
        """Give overdue items a TimeoutError outcome; return replacement workers to start."""
        now = monotonic()
        timeout = self._timeout
        expired = [w for w in self._workers if w.seq >= 0 and now - w.started >= timeout]
        for worker in expired:
            seq, slot = worker.seq, worker.seq % self._cap
            error = TimeoutError(f"item did not finish within {timeout:g} s")
            self._outcomes[slot] = _new_outcome(Outcome, (self._items[slot], None, error))
            self._busy -= 1
            self.finished += 1
            worker.abandoned = True
            self._workers.remove(worker)
            if self._fail_fast:
                self._fail(seq)
        if not expired or self.stopped:
            return []
        unclaimed = self.fed - self._next
        return self._reserve(min(len(expired), unclaimed) if self._closed else len(expired))

    # -- worker side ---------------------------------------------------------------

    def _reserve(self, n: int) -> list[_Worker]:
        """Register up to ``n`` new workers (lock held); start them with :meth:`_start`."""
        n = min(n, self._max_workers - len(self._workers))
        fresh = [_Worker() for _ in range(max(0, n))]
        self._workers.extend(fresh)
        return fresh

    def _start(self, fresh: list[_Worker]) -> None:
        """Start reserved workers. Starting a thread waits for it to be scheduled, so the
        caller starts one and every new worker starts two more: a tree, whose depth,
        not the number of threads, sets how long it takes until all run."""
        if fresh:
            with self._lock:
                self._unstarted.extend(fresh)
            self._start_some(1)

    def _start_some(self, n: int) -> None:
        for _ in range(n):
            with self._lock:
                if not self._unstarted:
                    return
                worker = self._unstarted.pop()
                if self.stopped:  # nothing left to do: forget the rest
                    for idle in (worker, *self._unstarted):
                        self._workers.remove(idle)
                    self._unstarted.clear()
                    return
            spawn(partial(self._work, worker))

    def _claim(self, me: _Worker) -> int:
        """Claim the next item number, waiting for one while more may be fed (lock held)."""
        while not self.stopped:
            seq = self._next
            if seq < self.fed:
                self._next = seq + 1
                self._busy += 1
                me.seq = seq
                if self._timeout is not None:
                    me.started = monotonic()
                return seq
            if self._closed:
                break
            self._idle += 1
            self._has_work.wait()
        me.seq = -1
        return -1

    def _fail(self, seq: int) -> None:
        if self.first_failure is None or seq < self.first_failure:
            self.first_failure = seq
        self.stopped = True
        self._idle = 0
        self._has_work.notify_all()
        self._ready.notify_all()

    def _work(self, me: _Worker) -> None:
        func, items, outcomes, cap, lock = (
            self._func,
            self._items,
            self._outcomes,
            self._cap,
            self._lock,
        )
        fail_fast = self._fail_fast
        self._start_some(2)
        with lock:
            seq = self._claim(me)
            if seq < 0:
                self._workers.remove(me)
                return
            item = items[seq % cap]
        while True:
            try:
                outcome = _new_outcome(Outcome, (item, func(item), None))
            except Exception as exc:
                outcome = _new_outcome(Outcome, (item, None, exc))
            except BaseException as exc:
                with lock:
                    if me.abandoned:  # its item already timed out: nobody is listening
                        return
                    self._busy -= 1
                    self._workers.remove(me)
                    if self.fatal is None:
                        self.fatal = exc
                    self.stopped = True
                    self._idle = 0
                    self._has_work.notify_all()
                    self._ready.notify_all()
                return
            with lock:
                if me.abandoned:
                    return
                outcomes[seq % cap] = outcome
                me.seq = -1
                self._busy -= 1
                self.finished += 1
                if fail_fast and outcome[2] is not None:
                    self._fail(seq)
                done, seq = seq, -1
                if not self.stopped and self._next < self.fed:  # fast path: claim at once
                    seq = self._next
                    self._next = seq + 1
                    self._busy += 1
                    me.seq = seq
                    if self._timeout is not None:
                        me.started = monotonic()
                if self._waiting and (done == self._awaited or self._busy == 0):
                    self._ready.notify()
                if seq < 0:
                    seq = self._claim(me)
                if seq < 0:
                    self._workers.remove(me)
                    return
                item = items[seq % cap]
