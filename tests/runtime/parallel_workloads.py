"""Module-level functions for process-mode tests (processes need importable callables)."""

from __future__ import annotations

import os
import time


def square(x: int) -> int:
    return x * x


def square_unless_three(x: int) -> int:
    if x == 3:
        raise ValueError(f"bad item {x}")
    return x * x


def pid_of(_: object) -> int:
    return os.getpid()


def sleep_for(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def record_then_fail_on(args: tuple[str, int, int]) -> int:
    """Append the item to a log file, then fail for the item equal to ``fail_at``."""
    log, item, fail_at = args
    with open(log, "a", encoding="ascii") as handle:
        handle.write(f"{item}\n")
    if item == fail_at:
        raise RuntimeError(f"failed at {item}")
    time.sleep(0.05)
    return item
