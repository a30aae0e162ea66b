"""A one-line progress display on stderr, for a person at a terminal.

It appears as soon as the scan starts (its clock starts then, before discovery), counts
files one by one as each finishes, redraws at most ten times a second, and ends with a
line saying how many files took how long. It draws plain text on the calling thread: no
library to import and no thread of its own (worker processes are forked from a process
with one thread). Nothing is drawn when disabled or when stderr is not a terminal.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

_REDRAW_SECONDS = 0.1
_BAR_WIDTH = 24


class ProgressDisplay:
    """``with ProgressDisplay() as progress: scan(..., progress.update)``."""

    def __init__(
        self,
        enabled: bool = True,
        description: str = "Scanning",
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.description = description
        self._clock = clock
        self._started = 0.0
        self._drawn_at = float("-inf")
        self._done = 0
        self._total: int | None = None
        self._width = 0

    def __enter__(self) -> ProgressDisplay:
        self._started = self._clock()
        if self.enabled:
            self._draw()
        return self

    def update(self, done: int, total: int) -> None:
        """``done`` of ``total`` files are finished."""
        self._done, self._total = done, total
        if not self.enabled:
            return
        now = self._clock()
        if now - self._drawn_at >= _REDRAW_SECONDS or done == total:
            self._draw(now)

    def elapsed(self) -> float:
        return self._clock() - self._started

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.enabled:
            return
        self._clear()
        if exc_type is None:
            files = self._total if self._total is not None else self._done
            noun = "file" if files == 1 else "files"
            self.stream.write(f"Checked {files} {noun} in {_seconds(self.elapsed())}\n")
        self.stream.flush()

    # ---- drawing -----------------------------------------------------------------------

    def _draw(self, now: float | None = None) -> None:
        now = self._clock() if now is None else now
        self._drawn_at = now
        elapsed = _seconds(now - self._started)
        if self._total is None:
            line = f"{self.description}... {elapsed}"
        else:
            filled = _BAR_WIDTH * self._done // self._total if self._total else _BAR_WIDTH
            bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
            line = f"{self.description} [{bar}] {self._done}/{self._total} files {elapsed}"
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)

    def _clear(self) -> None:
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self._width = 0


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value >= 10 else f"{value:.2f} s"
