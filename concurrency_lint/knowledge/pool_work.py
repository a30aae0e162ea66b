"""What the callable a pool runs spends its time on, beyond the I/O and CPU tables.

Read only when a pool's callable is classified (CL301-CL304), where each entry is
evidence next to other work and never a finding alone:

- *quick file-system calls*: one system call on metadata (a stat, a symlink, a
  directory made) is file I/O, but too quick to decide a worker's kind: it neither
  makes the worker's work unknown nor outweighs the I/O it does besides, and the calls
  listed here are never the whole of a worker's work (alone they say nothing);
- *neutral calls*: printing, making a request object or a ``functools.partial``,
  reading the clock: no waiting and no computation of note.
"""

from __future__ import annotations

from concurrency_lint.knowledge.io_calls import QUICK_IO_CALLS

#: Single system calls on metadata: file I/O too quick to decide a worker's kind.
QUICK_FILE_CALLS = frozenset(
    {
        "os.path.exists",
        "os.path.isfile",
        "os.path.isdir",
        "os.path.islink",
        "os.path.lexists",
        "os.path.realpath",
        "os.access",
        "os.mkdir",
        "os.symlink",
        "os.chmod",
    }
)
#: ``pathlib.Path`` methods that make one system call on metadata (the I/O table's
#: quick ones, ``exists`` / ``mkdir`` / ``unlink`` ..., aside).
QUICK_PATH_METHODS = frozenset(
    {
        "symlink_to",
        "hardlink_to",
        "resolve",
        "is_dir",
        "is_file",
        "is_symlink",
        "lstat",
        "chmod",
        "rmdir",
        "readlink",
        "samefile",
        "absolute",
    }
)
#: The quick calls of the I/O table (``Path.exists``, ``os.makedirs`` ...): file I/O that
#: decides a worker's kind only when it does no other I/O.
QUICK_IO_LABELS = QUICK_IO_CALLS

#: Calls that neither wait nor compute: printing in colour, pretty-printing, building a
#: request object or a partial function (their calls are the work), reading the clock.
NEUTRAL_POOL_CALLS = frozenset(
    {
        "termcolor.cprint",
        "termcolor.colored",
        "pprint.pprint",
        "pprint.pformat",
        "functools.partial",
        "urllib.request.Request",
        "arrow.utcnow",
        "arrow.now",
        "logging.getLogger",
    }
)
