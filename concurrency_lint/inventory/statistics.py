"""Figures computed over the whole inventory: parameter values and error-handling counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from concurrency_lint.inventory.model import Inventory, Section, Use, ValueKind

# Sections whose uses run work concurrently (the ones error handling is counted for).
WORK_SECTIONS = (Section.MULTIPROCESSING, Section.THREADING, Section.FUTURES, Section.ASYNCIO)
EXAMPLES = 3


@dataclass(frozen=True)
class ValueCount:
    written: str
    kind: ValueKind
    count: int


@dataclass(frozen=True)
class ParameterValues:
    name: str
    values: tuple[ValueCount, ...]  # most frequent first

    @property
    def count(self) -> int:
        return sum(value.count for value in self.values)


def parameter_values(inventory: Inventory) -> tuple[ParameterValues, ...]:
    """Each parameter seen, with its values as written and how often; most used first."""
    counts: Counter[tuple[str, str, ValueKind]] = Counter()
    for use in _unique(inventory.uses):
        for parameter in use.parameters:
            counts[(parameter.name, parameter.written, parameter.kind)] += 1
    names: dict[str, list[ValueCount]] = {}
    for (name, written, kind), count in counts.items():
        names.setdefault(name, []).append(ValueCount(written, kind, count))
    table = [
        ParameterValues(name, tuple(sorted(values, key=lambda v: (-v.count, v.written))))
        for name, values in names.items()
    ]
    return tuple(sorted(table, key=lambda row: (-row.count, row.name)))


def _unique(uses: tuple[Use, ...]) -> list[Use]:
    """One use per place (a lock with a timeout is listed in two sections)."""
    seen: set[tuple[str, int, int, str]] = set()
    kept = []
    for use in uses:
        if use.sort_key not in seen:
            seen.add(use.sort_key)
            kept.append(use)
    return kept


@dataclass(frozen=True)
class Tally:
    """``count`` of ``total`` things, with a few ``path:line`` examples."""

    count: int
    total: int
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Observations:
    in_try_except: Tally  # work uses inside try/except
    in_try_finally: Tally
    callable_try_except: Tally  # work uses whose callable (same file) has try/except
    as_completed_guarded: Tally  # as_completed loops reading results inside try/except
    as_completed_unguarded: Tally
    as_completed_unread: Tally
    gather_return_exceptions: Tally
    locks_protecting_results: Tally
    bounded_queues: Tally
    timed_waits: Tally  # get / put / acquire calls and locks with a timeout
    no_visible_handling: Tally  # work uses with no handling at all


def observations(inventory: Inventory) -> Observations:
    work = [use for use in inventory.uses if use.section in WORK_SECTIONS]
    loops = [use for use in work if use.mechanism.endswith("as_completed")]
    gathers = [use for use in work if use.mechanism == "asyncio.gather"]
    locks = [use for use in inventory.section(Section.SYNCHRONIZATION)]
    queues = [
        use
        for use in inventory.section(Section.QUEUES)
        if "bounded" in use.traits or "unbounded" in use.traits
    ]
    waits = [
        use
        for use in inventory.section(Section.QUEUES)
        if {"blocking_wait", "lock_timeout"} & set(use.traits)
    ]
    return Observations(
        in_try_except=_tally(work, lambda use: use.has_handling("try_except")),
        in_try_finally=_tally(work, lambda use: use.has_handling("try_finally")),
        callable_try_except=_tally(work, lambda use: use.has_handling("callable_try_except")),
        as_completed_guarded=_tally(loops, lambda use: use.has_handling("result_guarded")),
        as_completed_unguarded=_tally(loops, lambda use: use.has_handling("result_unguarded")),
        as_completed_unread=_tally(loops, lambda use: use.has_handling("result_not_read")),
        gather_return_exceptions=_tally(gathers, lambda use: use.has_handling("return_exceptions")),
        locks_protecting_results=_tally(locks, lambda use: "protects_shared_state" in use.traits),
        bounded_queues=_tally(queues, lambda use: "bounded" in use.traits),
        timed_waits=_tally(waits, lambda use: use.parameter("timeout") is not None),
        no_visible_handling=_tally(work, lambda use: not use.handling),
    )


def _tally(uses: list[Use], matches: object) -> Tally:
    chosen = [use for use in uses if matches(use)]  # type: ignore[operator]
    examples = tuple(f"{use.path}:{use.line}" for use in chosen[:EXAMPLES])
    return Tally(len(chosen), len(uses), examples)
