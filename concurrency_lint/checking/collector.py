"""The cyclic garbage collector, tuned for checking many files.

A check makes hundreds of thousands of short-lived, acyclic objects (the interpreter's
and LibCST's trees): reference counting frees them, yet every 700 allocations the
collector walks the young objects, and every few of those walks the old ones, which a
scan keeps many of (imported modules, summaries). Raising the first threshold and
freezing what exists when checking starts (it stays alive anyway) saves most of those
walks -- a tenth to a quarter of a cold check of a large tree -- for a few MB more.
Cycles are still collected, later.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

#: Allocations between two collections of the youngest generation (the default is 700).
YOUNG_THRESHOLD = 100_000


def tune_for_checking() -> None:
    """For a process that lives to check files (a scan's worker): from now on."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


@contextlib.contextmanager
def tuned_for_checking() -> Iterator[None]:
    """Within the block, as :func:`tune_for_checking`; the collector as it was after."""
    before = gc.get_threshold()
    tune_for_checking()
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
