"""Worker processes that check one file at a time, each within a time and memory budget.

- Workers start once per run and take one job at a time; each result streams back as
  soon as it is ready, so progress counts files, and the biggest files go first.
- A worker that takes longer than the time budget on one file is killed; one that dies
  (out of its memory budget, a crash in native code) costs only its current file, which
  becomes a finding that says so. A new worker takes its place and the run goes on.
- Workers die with the process that started them, however it ends (Ctrl-C, SIGTERM,
  SIGKILL): on Linux the kernel kills them (``PR_SET_PDEATHSIG``); elsewhere a watchdog
  thread in each worker notices that its parent is gone. They ignore Ctrl-C themselves:
  the parent decides, and stops them all at once.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import faulthandler
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")

#: Builds a worker's function (once per worker process); must be picklable.
WorkerFactory = Callable[[], Callable[[Any], Any]]

_PR_SET_PDEATHSIG = 1
_WATCHDOG_SECONDS = 0.5


@dataclass(frozen=True)
class Budget:
    """What one file may cost: wall-clock seconds, and megabytes of memory (address
    space) beyond what an idle worker holds."""

    seconds: float = 60.0
    memory_mb: int = 4096


@dataclass(frozen=True)
class Failure:
    """Why a job has no result: it ran out of its budget, or its worker died."""

    reason: str


def process_context() -> multiprocessing.context.BaseContext:
    """Fork when it is safe (no other threads) for fast start-up, else spawn."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class WorkerPool(Generic[Job, Result]):
    """``workers`` processes running the function ``factory`` builds, within ``budget``."""

    def __init__(self, workers: int, factory: WorkerFactory, budget: Budget) -> None:
        self._count = max(1, workers)
        self._factory = factory
        self._budget = budget
        self._context = process_context()
        self._workers: list[_Worker] = []

    def run(self, jobs: Sequence[Job]) -> Iterator[tuple[Job, Result | Failure]]:
        """Each job with its result (or its failure), in the order they finish."""
        waiting = list(reversed(jobs))  # pop() takes them in the order given
        try:
            for _ in range(min(self._count, len(jobs))):
                self._workers.append(self._start())
            while any(worker.job is not None for worker in self._workers) or waiting:
                for index, worker in enumerate(self._workers):
                    if worker.job is None and waiting:
                        self._give(index, waiting.pop())
                yield from self._collect()
        finally:
            self.close()

    def close(self) -> None:
        """Stop every worker now (they hold nothing that needs saving)."""
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.kill()
        for worker in workers:
            worker.process.join(1)
            worker.connection.close()

    # ---- internals -------------------------------------------------------------------------

    def _start(self) -> _Worker:
        parent_side, child_side = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main,
            args=(child_side, self._factory, self._budget.memory_mb, os.getpid()),
            name="conclint-worker",
            daemon=True,
        )
        process.start()
        child_side.close()
        return _Worker(process, parent_side)

    def _collect(self) -> Iterator[tuple[Any, Any]]:
        """Wait for results, expiries or deaths; yield what they settle."""
        busy = [worker for worker in self._workers if worker.job is not None]
        now = time.monotonic()
        timeout = max(0.0, min(worker.deadline for worker in busy) - now)
        ready = set(wait([worker.connection for worker in busy], timeout))
        for worker in busy:
            if worker.connection in ready:
                try:
                    result = worker.connection.recv()
                except (EOFError, OSError):
                    yield worker.job, Failure(self._death_reason(worker))
                    self._replace(worker)
                    continue
                job, worker.job = worker.job, None
                yield job, result
                if isinstance(result, Failure):  # out of memory: its heap is suspect
                    self._replace(worker)
            elif time.monotonic() >= worker.deadline:
                seconds = self._budget.seconds
                yield worker.job, Failure(f"took longer than its time budget ({seconds:g} s)")
                self._replace(worker)

    def _give(self, index: int, job: Any) -> None:
        """Hand ``job`` to worker ``index``; a worker that died idle is replaced first."""
        try:
            self._workers[index].give(job, self._budget.seconds)
        except (BrokenPipeError, ConnectionResetError, EOFError):
            self._replace(self._workers[index])
            self._workers[index].give(job, self._budget.seconds)

    def _death_reason(self, worker: _Worker) -> str:
        worker.process.join(1)
        code = worker.process.exitcode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            how = f"was killed by {name}"
        else:
            how = f"exited with status {code}"
        return (
            f"the checker process {how} on this file "
            f"(its memory budget is {self._budget.memory_mb} MB)"
        )

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        worker.process.join(1)
        worker.connection.close()
        index = self._workers.index(worker)
        self._workers[index] = self._start()

    def __enter__(self) -> WorkerPool[Job, Result]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _Worker:
    """The parent's view of one worker process and the job it is on."""

    def __init__(self, process: multiprocessing.process.BaseProcess, connection: Connection):
        self.process = process
        self.connection = connection
        self.job: Any = None
        self.deadline = float("inf")

    def give(self, job: Any, seconds: float) -> None:
        """Send ``job``; it must be done within ``seconds`` from now."""
        self.job = job
        self.connection.send(job)
        self.deadline = time.monotonic() + seconds

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()


# ---- in the worker process ------------------------------------------------------------------


def _worker_main(
    connection: Connection, factory: WorkerFactory, memory_mb: int, parent_pid: int
) -> None:
    """A worker's life: tie it to its parent, bound its memory, then answer jobs."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    faulthandler.disable()  # a crash here is the parent's finding, not a dump on stderr
    die_with_parent(parent_pid)
    work = factory()
    limit_memory(memory_mb)
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        try:
            result = work(job)
        except MemoryError:
            result = Failure(f"ran out of its memory budget ({memory_mb} MB)")
        connection.send(result)
        if isinstance(result, Failure):
            return


def die_with_parent(parent_pid: int) -> None:
    """Make this process end when ``parent_pid`` does (by the kernel where it can)."""
    if os.getppid() != parent_pid:  # the parent died before we got here
        os._exit(1)
    if _set_parent_death_signal(signal.SIGKILL):
        if os.getppid() != parent_pid:  # it died between the two checks
            os._exit(1)
        return
    thread = threading.Thread(
        target=_watch_parent, args=(parent_pid,), name="conclint-watchdog", daemon=True
    )
    thread.start()


def _set_parent_death_signal(signum: int) -> bool:
    """``prctl(PR_SET_PDEATHSIG, signum)`` on Linux; False where it is not available."""
    if os.uname().sysname != "Linux":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(_WATCHDOG_SECONDS)
    os._exit(1)


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space at what it holds now plus ``memory_mb``."""
    try:
        import resource
    except ImportError:  # not on this platform: the time budget still holds
        return
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            held = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        held = 0
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = held + memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft == resource.RLIM_INFINITY or wanted < soft:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
