"""A rich progress bar on stderr for long scans, only when stderr is a terminal."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

# Scans of fewer files finish before a bar would help.
MIN_FILES_FOR_BAR = 200


class ProgressDisplay:
    """Starts lazily on the first update; does nothing when disabled or piped."""

    def __init__(self, enabled: bool = True, description: str = "Scanning") -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.description = description
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> ProgressDisplay:
        return self

    def update(self, done: int, total: int) -> None:
        if not self.enabled or total < MIN_FILES_FOR_BAR:
            return
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self._progress = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.description, total=total)
        self._progress.update(self._task, completed=done, total=total)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
