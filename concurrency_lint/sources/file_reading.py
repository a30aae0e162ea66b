"""Reading a source file's bytes without ever blocking on, or draining, a special file.

A FIFO named ``x.py`` blocks a plain ``open`` forever; ``/dev/zero`` reads until memory
runs out. Only regular files are read: the type is checked before opening (without side
effects), and again on the open descriptor (the path may have been swapped meanwhile),
which is opened non-blocking so that even a FIFO slipped in between cannot hang the scan.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_OPEN_FLAGS |= getattr(os, "O_BINARY", 0)

_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


class UnreadablePath(Exception):
    """The path cannot be read as a source file; the message says why (CL002)."""


def describe_os_error(exc: OSError) -> str:
    """``cannot read: <reason>`` (the reason without the file name, which findings carry)."""
    return f"cannot read: {exc.strerror or exc}"


def special_file_problem(mode: int) -> str | None:
    """Why a file of this ``st_mode`` is not read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    return f"not a regular file ({kind}): skipped without reading it"


def read_regular_file(path: Path | str) -> bytes:
    """The bytes of a regular file; raises :class:`UnreadablePath` for anything else."""
    try:
        problem = special_file_problem(os.stat(path).st_mode)
        if problem is not None:
            raise UnreadablePath(problem)
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise UnreadablePath(describe_os_error(exc)) from exc
    try:
        with os.fdopen(descriptor, "rb") as handle:
            problem = special_file_problem(os.fstat(handle.fileno()).st_mode)
            if problem is not None:
                raise UnreadablePath(problem)
            return handle.read()
    except OSError as exc:
        raise UnreadablePath(describe_os_error(exc)) from exc
