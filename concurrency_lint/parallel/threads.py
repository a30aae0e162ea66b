"""Reusable daemon threads.

Starting a thread costs a scheduling round trip (about a millisecond on small
virtual machines); a batch of 100 workers would pay it 100 times per call. Threads
that finish a task wait here for the next one instead, and exit after ``IDLE_S``
seconds without work. They are daemons, so they never delay interpreter exit.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from itertools import count
from queue import Empty, SimpleQueue

#: Seconds an idle thread waits for a new task before it exits.
IDLE_S = 10.0

_lock = threading.Lock()
_idle: list[SimpleQueue] = []  # inboxes of idle threads, most recently idle last
_names = count()


def spawn(task: Callable[[], object]) -> None:
    """Run ``task()`` on an idle thread, or on a new daemon thread if none is idle.

    ``task`` should handle its own exceptions: one that escapes ends the thread.
    """
    with _lock:
        inbox = _idle.pop() if _idle else None
    if inbox is None:
        inbox = SimpleQueue()
        name = f"parallel-worker-{next(_names)}"
        thread = threading.Thread(target=_serve, args=(inbox,), name=name, daemon=True)
        inbox.put(task)
        thread.start()
    else:
        inbox.put(task)


def idle_count() -> int:
    """Threads waiting for work right now."""
    return len(_idle)


def _serve(inbox: SimpleQueue) -> None:
    while True:
        try:
            task = inbox.get(timeout=IDLE_S)
        except Empty:
            with _lock:
                if inbox in _idle:
                    _idle.remove(inbox)
                    return
            task = inbox.get()  # taken off the idle list just now: its task is on the way
        task()  # a task that raises ends its thread (threading.excepthook reports it)
        del task
        with _lock:
            _idle.append(inbox)


def _forget_after_fork() -> None:
    global _lock
    _lock = threading.Lock()
    _idle.clear()  # those threads do not exist in the child


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)
