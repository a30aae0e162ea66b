"""DATA: which calls are concurrency mechanisms, their section and their parameters.

Tables, not logic. A parameter spec is ``(name, position)``: the keyword, and its index
among the positional arguments (None when it is keyword-only).
"""

from __future__ import annotations

from dataclasses import dataclass

from concurrency_lint.inventory.model import Section

ParameterSpec = tuple[str, int | None]


@dataclass(frozen=True)
class Mechanism:
    section: Section
    name: str  # canonical qualified name shown in the report
    parameters: tuple[ParameterSpec, ...] = ()
    traits: tuple[str, ...] = ()


def _entry(
    section: Section, name: str, *parameters: ParameterSpec, traits: tuple[str, ...] = ()
) -> Mechanism:
    return Mechanism(section, name, parameters, traits)


MP, TH, CF, AIO, SYNC, QUEUE = (
    Section.MULTIPROCESSING,
    Section.THREADING,
    Section.FUTURES,
    Section.ASYNCIO,
    Section.SYNCHRONIZATION,
    Section.QUEUES,
)

_POOL = _entry(MP, "multiprocessing.Pool", ("processes", 0), ("maxtasksperchild", 3))
_THREAD_POOL = _entry(MP, "multiprocessing.pool.ThreadPool", ("processes", 0))
_MANAGER = _entry(MP, "multiprocessing.Manager")
_THREAD_EXECUTOR = _entry(
    CF, "concurrent.futures.ThreadPoolExecutor", ("max_workers", 0), ("thread_name_prefix", 1)
)
_PROCESS_EXECUTOR = _entry(
    CF,
    "concurrent.futures.ProcessPoolExecutor",
    ("max_workers", 0),
    ("mp_context", 1),
    ("max_tasks_per_child", None),
)


def _primitives(module: str, names: tuple[str, ...]) -> dict[str, Mechanism]:
    specs: dict[str, tuple[ParameterSpec, ...]] = {
        "Semaphore": (("value", 0),),
        "BoundedSemaphore": (("value", 0),),
        "Barrier": (("parties", 0), ("timeout", 2)),
    }
    return {
        f"{module}.{name}": Mechanism(SYNC, f"{module}.{name}", specs.get(name, ()))
        for name in names
    }


def _queues(module: str, names: tuple[str, ...]) -> dict[str, Mechanism]:
    traits = {
        "Queue": ("fifo",),
        "JoinableQueue": ("fifo",),
        "LifoQueue": ("lifo",),
        "PriorityQueue": ("priority",),
        "SimpleQueue": ("simple", "unbounded"),
    }
    return {
        f"{module}.{name}": Mechanism(
            QUEUE,
            f"{module}.{name}",
            () if name == "SimpleQueue" else (("maxsize", 0),),
            traits[name],
        )
        for name in names
    }


_LOCK_NAMES = ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Event", "Condition", "Barrier")

# Qualified name of a call -> the mechanism it creates or uses.
CALLS: dict[str, Mechanism] = {
    # 1. multiprocessing
    "multiprocessing.Pool": _POOL,
    "multiprocessing.pool.Pool": _POOL,
    "multiprocessing.pool.ThreadPool": _THREAD_POOL,
    "multiprocessing.dummy.Pool": _THREAD_POOL,
    "multiprocessing.Process": _entry(MP, "multiprocessing.Process", ("daemon", None)),
    "multiprocessing.Manager": _MANAGER,
    "multiprocessing.managers.SyncManager": _MANAGER,
    "multiprocessing.cpu_count": _entry(MP, "multiprocessing.cpu_count"),
    "multiprocessing.get_context": _entry(MP, "multiprocessing.get_context", ("method", 0)),
    "multiprocessing.set_start_method": _entry(
        MP, "multiprocessing.set_start_method", ("method", 0)
    ),
    # 2. threading
    "threading.Thread": _entry(TH, "threading.Thread", ("daemon", None)),
    "threading.Timer": _entry(TH, "threading.Timer", ("interval", 0)),
    # 3. concurrent.futures
    "concurrent.futures.ThreadPoolExecutor": _THREAD_EXECUTOR,
    "concurrent.futures.thread.ThreadPoolExecutor": _THREAD_EXECUTOR,
    "concurrent.futures.ProcessPoolExecutor": _PROCESS_EXECUTOR,
    "concurrent.futures.process.ProcessPoolExecutor": _PROCESS_EXECUTOR,
    "concurrent.futures.as_completed": _entry(
        CF, "concurrent.futures.as_completed", ("timeout", 1)
    ),
    "concurrent.futures.wait": _entry(
        CF, "concurrent.futures.wait", ("timeout", 1), ("return_when", 2)
    ),
    # 4. asyncio
    "asyncio.run": _entry(AIO, "asyncio.run", ("debug", None)),
    "asyncio.gather": _entry(AIO, "asyncio.gather", ("return_exceptions", None)),
    "asyncio.create_task": _entry(AIO, "asyncio.create_task"),
    "asyncio.ensure_future": _entry(AIO, "asyncio.ensure_future"),
    "asyncio.TaskGroup": _entry(AIO, "asyncio.TaskGroup"),
    "asyncio.to_thread": _entry(AIO, "asyncio.to_thread"),
    "asyncio.wait_for": _entry(AIO, "asyncio.wait_for", ("timeout", 1)),
    "asyncio.wait": _entry(AIO, "asyncio.wait", ("timeout", None), ("return_when", None)),
    "asyncio.as_completed": _entry(AIO, "asyncio.as_completed", ("timeout", None)),
    "asyncio.timeout": _entry(AIO, "asyncio.timeout", ("delay", 0)),
    "asyncio.create_subprocess_exec": _entry(AIO, "asyncio.create_subprocess_exec"),
    "asyncio.create_subprocess_shell": _entry(AIO, "asyncio.create_subprocess_shell"),
    # The asyncio concurrency bound is listed with asyncio (section 4), not section 5.
    "asyncio.Semaphore": _entry(AIO, "asyncio.Semaphore", ("value", 0)),
    "asyncio.BoundedSemaphore": _entry(AIO, "asyncio.BoundedSemaphore", ("value", 0)),
    # 5. synchronisation
    **_primitives("threading", _LOCK_NAMES),
    **_primitives("multiprocessing", _LOCK_NAMES),
    **_primitives("asyncio", ("Lock", "Event", "Condition", "Barrier")),
    "filelock.FileLock": _entry(SYNC, "filelock.FileLock", ("timeout", 1)),
    "filelock.SoftFileLock": _entry(SYNC, "filelock.SoftFileLock", ("timeout", 1)),
    # 6. queues
    **_queues("queue", ("Queue", "LifoQueue", "PriorityQueue", "SimpleQueue")),
    **_queues("multiprocessing", ("Queue", "JoinableQueue", "SimpleQueue")),
    **_queues("asyncio", ("Queue", "LifoQueue", "PriorityQueue")),
}

# Calls that only count as a use on their own, not as another use's argument.
ARGUMENT_ONLY = frozenset({"multiprocessing.cpu_count"})

# Classes whose subclasses are threads or processes.
WORKER_BASES = {
    "threading.Thread": CALLS["threading.Thread"],
    "multiprocessing.Process": CALLS["multiprocessing.Process"],
}

_POOL_METHODS = {
    name: (("chunksize", 2),)
    for name in ("map", "imap", "imap_unordered", "starmap", "map_async", "starmap_async")
} | {"apply": (), "apply_async": ()}
_EXECUTOR_METHODS: dict[str, tuple[ParameterSpec, ...]] = {
    "submit": (),
    "map": (("timeout", None), ("chunksize", None)),
}


def _methods(
    owner: Mechanism, methods: dict[str, tuple[ParameterSpec, ...]]
) -> dict[str, Mechanism]:
    return {
        name: Mechanism(owner.section, f"{owner.name}.{name}", specs, ("pool_method",))
        for name, specs in methods.items()
    }


_WAITS = {"get": (("block", 0), ("timeout", 1)), "put": (("block", 1), ("timeout", 2))}
_ACQUIRE = {"acquire": (("blocking", 0), ("timeout", 1))}


def _waits(owner: str, specs: dict[str, tuple[ParameterSpec, ...]]) -> dict[str, Mechanism]:
    return {
        name: Mechanism(QUEUE, f"{owner}.{name}", spec, ("blocking_wait",))
        for name, spec in specs.items()
    }


# Canonical constructor name -> method name -> the use it is.
METHODS: dict[str, dict[str, Mechanism]] = {
    _POOL.name: _methods(_POOL, _POOL_METHODS),
    _THREAD_POOL.name: _methods(_THREAD_POOL, _POOL_METHODS),
    _THREAD_EXECUTOR.name: _methods(_THREAD_EXECUTOR, _EXECUTOR_METHODS),
    _PROCESS_EXECUTOR.name: _methods(_PROCESS_EXECUTOR, _EXECUTOR_METHODS),
    "asyncio.TaskGroup": {"create_task": _entry(AIO, "asyncio.TaskGroup.create_task")},
    # A start-method context and a manager build the module's own objects.
    "multiprocessing.get_context": {
        name: mechanism
        for name in (
            "Pool",
            "Process",
            "Manager",
            "Queue",
            "JoinableQueue",
            "SimpleQueue",
            *_LOCK_NAMES,
        )
        for mechanism in (CALLS[f"multiprocessing.{name}"],)
    },
    _MANAGER.name: {
        **{
            name: Mechanism(MP, f"multiprocessing.Manager.{name}")
            for name in ("dict", "list", "Namespace", "Value", "Array")
        },
        **{
            name: Mechanism(
                mechanism.section,
                f"multiprocessing.Manager.{name}",
                mechanism.parameters,
                mechanism.traits,
            )
            for name in ("Queue", "JoinableQueue", *_LOCK_NAMES)
            for mechanism in (CALLS[f"multiprocessing.{name}"],)
        },
    },
    **{
        name: _waits(name, _WAITS)
        for name in CALLS
        if CALLS[name].section is QUEUE and not name.startswith("asyncio.")
    },
    **{
        f"{module}.{name}": _waits(f"{module}.{name}", _ACQUIRE)
        for module in ("threading", "multiprocessing")
        for name in ("Lock", "RLock", "Semaphore", "BoundedSemaphore")
    },
    **{
        name: _waits(name, {"acquire": (("timeout", 0),)})
        for name in ("filelock.FileLock", "filelock.SoftFileLock")
    },
}

# Any ``<loop>.run_in_executor(...)`` in a module that imports asyncio.
RUN_IN_EXECUTOR = _entry(AIO, "asyncio.loop.run_in_executor")

# Wait calls are listed only when they bound the wait (timeout or non-blocking).
WAIT_BOUNDS = frozenset({"timeout", "block", "blocking"})

AS_COMPLETED = frozenset({"concurrent.futures.as_completed", "asyncio.as_completed"})

LOCKS = frozenset(
    name for name, mechanism in CALLS.items() if mechanism.section is SYNC
) | frozenset(f"multiprocessing.Manager.{name}" for name in _LOCK_NAMES)

CPU_COUNT_CALLS = frozenset(
    {"os.cpu_count", "multiprocessing.cpu_count", "os.process_cpu_count", "psutil.cpu_count"}
)

# Modules a file must import before any mechanism can be named in it.
MODULES = ("threading", "multiprocessing", "concurrent", "asyncio", "queue", "filelock")


def canonical(name: str | None) -> str | None:
    """The canonical mechanism name of a constructor's qualified name."""
    if name is None:
        return None
    mechanism = CALLS.get(name)
    return mechanism.name if mechanism is not None else name
