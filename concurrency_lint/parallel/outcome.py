"""The result record of one item: what went in, what came out, what went wrong."""

from __future__ import annotations

import reprlib
from typing import Any, NamedTuple


class Outcome(NamedTuple):
    """One item's outcome, unpackable as ``item, result, error``.

    Exactly one of ``result`` / ``error`` is meaningful: ``error`` is ``None`` when the
    call succeeded (``result`` may itself be ``None``), else it holds the exception
    (a ``TimeoutError`` when the item outlived its per-item timeout).
    """

    item: Any
    result: Any
    error: BaseException | None

    @property
    def ok(self) -> bool:
        """True when the call returned without raising."""
        return self.error is None


def noted(error: BaseException, item: Any, index: int) -> BaseException:
    """Return ``error`` with a note naming the item it was raised for (Python 3.11+)."""
    if hasattr(error, "add_note"):
        error.add_note(f"raised for item #{index}: {reprlib.repr(item)}")
    return error
