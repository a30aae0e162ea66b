"""How many workers a batch should get (seed 002's sizing table)."""

from __future__ import annotations

import os
import sys

#: Upper bound of the recommended range per kind of work. The lower bounds of the
#: ranges (network 50, file 20, subprocess 10) are what the linter's CL302 rule checks.
IO_CEILINGS: dict[str, int] = {"network": 100, "file": 50, "subprocess": 20}
KINDS = (*IO_CEILINGS, "cpu")


def usable_cpus() -> int:
    """CPUs this process may run on (affinity-aware where the platform says), at least 1."""
    process_cpu_count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if process_cpu_count is not None:
        return process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def optimal_workers(item_count: int | None, io_bound: bool = True, kind: str | None = None) -> int:
    """Return the worker count for ``item_count`` items of the given kind of work.

    Formula: ``max(1, min(ceiling, item_count))`` where ``ceiling`` is 100 for
    ``kind="network"``, 50 for ``"file"``, 20 for ``"subprocess"`` and the number of
    usable CPUs for ``"cpu"`` (``os.cpu_count()``, narrowed to the CPUs this process may
    run on). ``kind=None`` means ``"network"`` when ``io_bound`` else ``"cpu"``. An
    ``item_count`` of ``None`` (unknown length) gives the ceiling; zero or negative counts
    give 1. The result is never below 1 and, for ``item_count >= 1``, never above it.
    """
    if kind is None:
        kind = "network" if io_bound else "cpu"
    if kind == "cpu":
        ceiling = usable_cpus()
    elif kind in IO_CEILINGS:
        ceiling = IO_CEILINGS[kind]
    else:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    if item_count is None:
        return ceiling
    return max(1, min(ceiling, item_count))


MODES = ("thread", "process")


def resolve_workers(
    max_workers: int | None, item_count: int | None, mode: str, executor: object = None
) -> int:
    """The worker count a call uses: ``max_workers``; else the capacity of the given
    executor when it tells (``_max_workers`` of the stdlib pools); else
    :func:`optimal_workers` for the mode (network-sized threads, CPU-sized processes)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(map(repr, MODES))}, not {mode!r}")
    if max_workers is not None:
        if max_workers < 1:
            raise ValueError(f"max_workers must be at least 1, not {max_workers}")
        workers = max_workers
    else:
        capacity = getattr(executor, "_max_workers", None)
        if isinstance(capacity, int) and capacity > 0:
            return capacity
        workers = optimal_workers(item_count, io_bound=mode == "thread")
    if mode == "thread" and executor is None:
        workers = min(workers, descriptor_bound())
    return workers


#: Descriptors kept free for the rest of the program, and assumed per worker (a child
#: process holds three pipes; a file or a socket needs one).
SPARE_DESCRIPTORS = 16
DESCRIPTORS_PER_WORKER = 3


def descriptor_bound() -> int:
    """How many threads may each hold a few file descriptors without the process running
    out (``EMFILE``) where the sequential loop did not: the open-file limit minus what is
    open now, divided among the workers. Unbounded where the platform does not tell."""
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return sys.maxsize
    if soft == resource.RLIM_INFINITY or soft <= 0:
        return sys.maxsize
    folder = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
    try:
        open_now = len(os.listdir(folder))
    except OSError:
        return sys.maxsize
    return max(1, (soft - open_now - SPARE_DESCRIPTORS) // DESCRIPTORS_PER_WORKER)
