"""End the ``conclint`` process as soon as its command is done, without a teardown.

When a command returns, the process still holds all it built: LibCST trees, summaries,
rule instances, imported modules. A normal interpreter exit frees each of those objects
one by one and clears every module; after one large file that is a quarter of the run,
spent on memory the operating system takes back at once anyway. So the entry point
flushes the output and ends the process with :func:`os._exit`, as ``sys.exit`` would
have ended it (the same status, a message printed the same way).

Only the entry point does this, where the process ends anyway: a caller that imports a
command (click's test runner, the tests) gets ``SystemExit`` as usual. A command that
runs until it is told to stop (the language server) ends the ordinary way. Nothing is
left unwritten: the commands write their files with ``with`` blocks and close their
worker processes before they return, and ``atexit`` handlers are run first.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from typing import NoReturn

#: The status of a process whose output could not be written (a closed pipe).
UNWRITABLE_OUTPUT = 1


def end_process(code: object) -> NoReturn:
    """End the process with the status ``sys.exit(code)`` gives, without a teardown."""
    status = _status(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a closed pipe, a closed stream
            status = status or UNWRITABLE_OUTPUT
    os._exit(status)


def _status(code: object) -> int:
    """What the interpreter makes of ``SystemExit(code)``: None is 0, an int itself, any
    other value is printed to standard error and gives 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    with contextlib.suppress(OSError, ValueError):
        print(code, file=sys.stderr)
    return 1
