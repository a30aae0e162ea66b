"""The inventory's data: uses of concurrency mechanisms, their configuration and handling."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Section(str, Enum):
    """The report's sections, in order; the values are the JSON section ids."""

    MULTIPROCESSING = "multiprocessing"
    THREADING = "threading"
    FUTURES = "concurrent_futures"
    ASYNCIO = "asyncio"
    SYNCHRONIZATION = "synchronization"
    QUEUES = "queues"


class ValueKind(str, Enum):
    """How a parameter's value, as written, is interpreted."""

    LITERAL = "literal"  # 4, True, "spawn", None
    CONSTANT = "constant"  # a module's constant: asyncio.FIRST_COMPLETED
    CPU_COUNT = "cpu_count"  # cpu_count(), os.cpu_count()
    CPU_DERIVED = "cpu_derived"  # os.cpu_count() or 1, min(32, cpu_count() + 4)
    CONFIGURABLE = "configurable"  # a name or attribute: args.max_workers, self.size
    COMPUTED = "computed"  # any other expression


@dataclass(frozen=True, slots=True)
class Parameter:
    """One configuration parameter of a use, as written and as interpreted."""

    name: str
    written: str  # the value's source text: ``cpu_count()``, ``args.max_workers``
    kind: ValueKind
    value: int | float | str | bool | None = None  # the literal's value (LITERAL only)
    after_construction: bool = False  # ``t.daemon = True`` rather than ``daemon=True``


@dataclass(frozen=True, slots=True)
class Handling:
    """One piece of error handling (or its absence) observed around a use."""

    kind: str  # one of HANDLING_KINDS
    detail: str = ""  # caught exception names, the lock's name, ...


# Error-handling kinds, in the order they are listed.
HANDLING_KINDS = (
    "try_except",  # inside the body of a try with except clauses (detail: what is caught)
    "try_finally",  # inside the body of a try with only a finally clause
    # the callable the use runs (a thread's target, a pool's function, asyncio.run's
    # coroutine), defined in the same file, has try/except inside (detail: name and what)
    "callable_try_except",
    "context_manager",  # the object is used by a ``with`` statement (closed on exit)
    "under_lock",  # inside ``with <lock>:`` (detail: the lock as written)
    "return_exceptions",  # gather(..., return_exceptions=True): errors become results
    "result_guarded",  # as_completed: every result() / await inside try/except
    "result_unguarded",  # as_completed: a result() / await outside any try/except
    "result_not_read",  # as_completed: results never read in the loop
    "results_under_lock",  # as_completed: the loop stores results under a lock
)


@dataclass(frozen=True, slots=True)
class Use:
    """One use of a concurrency mechanism at one place in one file."""

    section: Section
    path: str
    line: int
    column: int
    mechanism: str  # qualified name: ``multiprocessing.Pool``, ``asyncio`` (imported only)
    parameters: tuple[Parameter, ...] = ()
    handling: tuple[Handling, ...] = ()
    traits: tuple[str, ...] = ()  # one of TRAITS each
    detail: str = ""  # the subclass's name for ``subclass`` uses

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.mechanism)

    def parameter(self, name: str) -> Parameter | None:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        return None

    def has_handling(self, kind: str) -> bool:
        return any(item.kind == kind for item in self.handling)


# What a use is or how it is used (sections 5 and 6 describe uses by these).
TRAITS = (
    "imported_only",  # asyncio imported and never referenced
    "subclass",  # a class deriving from Thread / Process
    "pool_method",  # a method called on a pool or executor
    "fifo",
    "lifo",
    "priority",
    "simple",
    "bounded",
    "unbounded",
    "blocking_wait",  # get / put / acquire with a timeout or non-blocking
    "protects_shared_state",  # a ``with lock:`` body that writes shared data
    "with_block",  # used as ``with lock:``
    "acquire_release",  # explicit acquire() / release()
    "signalling",  # wait() / set() / notify() calls
    "lock_timeout",  # a lock created or acquired with a timeout
    "not_used_here",  # created, never used in this file
    "never_shut_down",  # a multiprocessing manager with no with block or shutdown() here
)


@dataclass(frozen=True, slots=True)
class FileInventory:
    """The uses found in one file, or why the file could not be read."""

    path: str
    uses: tuple[Use, ...] = ()
    problem: str | None = None  # "line 3: invalid syntax", "cannot decode as utf-8 ..."


@dataclass(frozen=True)
class Inventory:
    """Every file's uses, sorted by path, line and column."""

    files: tuple[FileInventory, ...]
    files_scanned: int

    @property
    def uses(self) -> tuple[Use, ...]:
        return tuple(use for file in self.files for use in file.uses)

    @property
    def problems(self) -> tuple[FileInventory, ...]:
        return tuple(file for file in self.files if file.problem is not None)

    def section(self, section: Section) -> tuple[Use, ...]:
        return tuple(use for use in self.uses if use.section is section)
