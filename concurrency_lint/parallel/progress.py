"""Progress display for a batch: always on stderr, never on stdout.

rich is imported only when a bar is actually shown; without rich a plain one-line
counter is written to stderr instead.
"""

from __future__ import annotations

import sys
from time import monotonic
from typing import Any, TextIO

#: With ``progress=None`` a bar appears only once the batch has run this long.
SHOW_AFTER_S = 0.5


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed stream
        return False


class Progress:
    """A progress display that starts lazily and renders on ``sys.stderr``."""

    def __init__(self, desc: str, total: int | None, delay: float) -> None:
        self._desc = desc
        self._total = total
        self._since = monotonic() + delay
        self._bar: Any = None  # rich.progress.Progress once shown
        self._task: Any = None
        self._plain = False
        self._last_plain = 0.0
        self._completed = 0
        self._last = 0.0  # monotonic() of the last update that was rendered

    def update(self, completed: int) -> None:
        """Record ``completed`` finished items; shows the display once it is due."""
        self._completed = completed
        now = monotonic()
        if now - self._last < 0.05:
            return
        self._last = now
        if self._bar is None and not self._plain:
            if now < self._since:
                return
            self._show()
        if self._bar is not None:
            self._bar.update(self._task, completed=completed)
        else:
            self._write_plain(final=False)

    def close(self, completed: int | None = None) -> None:
        """Render the final count (``completed`` if given) and release the terminal."""
        if completed is not None:
            self._completed = completed
        if self._bar is None and not self._plain and monotonic() >= self._since:
            self._show()  # a forced display shows even for a batch that was over at once
        if self._bar is not None:
            self._bar.update(self._task, completed=self._completed)
            self._bar.stop()
            self._bar = None
        elif self._plain:
            self._write_plain(final=True)
            self._plain = False

    def _show(self) -> None:
        try:
            from rich.console import Console
            from rich.progress import Progress as RichProgress
        except ImportError:
            self._plain = True
            return
        console = Console(file=sys.stderr)
        self._bar = RichProgress(*RichProgress.get_default_columns(), console=console)
        self._task = self._bar.add_task(self._desc, total=self._total, completed=self._completed)
        self._bar.start()

    def _write_plain(self, final: bool) -> None:
        now = monotonic()
        if not final and now - self._last_plain < 0.2:
            return
        self._last_plain = now
        total = "?" if self._total is None else str(self._total)
        end = "\n" if final else ""
        sys.stderr.write(f"\r{self._desc}: {self._completed}/{total}{end}")
        sys.stderr.flush()


def progress_for(desc: str | None, total: int | None, progress: bool | None) -> Progress | None:
    """The display to use: ``progress=False`` never, ``True`` always, ``None`` when
    ``desc`` is given, stderr is a terminal and the batch outlasts ``SHOW_AFTER_S``."""
    if progress is False:
        return None
    if progress is None:
        if not desc or not _is_terminal(sys.stderr):
            return None
        return Progress(desc, total, SHOW_AFTER_S)
    return Progress(desc or "Working", total, 0.0)
