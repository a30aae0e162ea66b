"""``python -m concurrency_lint`` entry point.

``python -m`` puts the working folder first on ``sys.path``; in a checkout being scanned
that would import the checkout's own ``click/`` or ``libcst/`` instead of the installed
ones. That entry is dropped before anything else is imported: the linter runs no code of
the project it reads.
"""

import os
import sys


def _drop_working_folder_from_path() -> None:
    """Remove the entry ``python -m`` added for the working folder (or script folder)."""
    if getattr(sys.flags, "safe_path", False) or not sys.path:
        return  # -P / PYTHONSAFEPATH: nothing was added
    first = sys.path[0]
    try:
        here = os.path.realpath(os.getcwd())
    except OSError:
        here = None
    if first == "" or os.path.realpath(first) in (
        here,
        os.path.realpath(os.path.dirname(__file__)),
    ):
        del sys.path[0]


if __name__ == "__main__":
    _drop_working_folder_from_path()

from concurrency_lint.cli import run  # noqa: E402  (after the sys.path clean-up)

if __name__ == "__main__":
    run()
