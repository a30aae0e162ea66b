"""The size and modification time of files, taken once per scan.

During a scan the project model asks for the status of the same modules again and again
(every file of a package depends on its neighbours): within one scan a file's status is
taken once (or given by the scan, which took it for the cache). Outside a scan, every
question takes it afresh, so a long-lived process (the language server) sees changes.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

Stamp = tuple[int, int]  # (size, mtime_ns), or (-1, -1) when the file cannot be stat'ed

_scan: dict[str, Stamp] | None = None


def stamp(path: str) -> Stamp:
    """The file's (size, mtime_ns): once per scan during a scan, else afresh."""
    if _scan is None:
        return _stat(path)
    found = _scan.get(path)
    if found is None:
        found = _scan[path] = _stat(path)
    return found


def stamp_text(found: Stamp) -> str:
    """A stamp as a dependency record keeps it: ``size:mtime_ns``."""
    return f"{found[0]}:{found[1]}"


def scan_epoch() -> object:
    """The current scan (an object that stays the same while it lasts, and no file's
    status is taken again), or None outside a scan."""
    return _scan


def note(path: str, status: os.stat_result) -> None:
    """Keep a status the scan took anyway (the path as the project model names it)."""
    if _scan is not None:
        _scan.setdefault(os.path.abspath(path), (status.st_size, status.st_mtime_ns))


def begin_scan() -> None:
    """From now on, a file's status is taken once (a worker process of a scan)."""
    global _scan
    _scan = {}


@contextlib.contextmanager
def one_scan() -> Iterator[None]:
    """Within the block, a file's status is taken once."""
    global _scan
    outer = _scan
    _scan = {}
    try:
        yield
    finally:
        _scan = outer


def _stat(path: str) -> Stamp:
    try:
        status = os.stat(path)
    except OSError:
        return (-1, -1)
    return (status.st_size, status.st_mtime_ns)
