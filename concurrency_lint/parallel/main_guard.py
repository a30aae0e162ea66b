"""Process children and the main script: what must hold before a process pool starts.

With the "spawn" and "forkserver" start methods every child imports the main script
again (as ``__mp_main__``) to find the functions it is sent. A script without an
``if __name__ == "__main__":`` guard therefore runs its top level again in each child:
its output is repeated, and the pool it creates there fails while the child is still
starting (``BrokenProcessPool`` in the parent). "fork" copies the parent instead and
re-runs nothing, but forking a process that runs other threads can deadlock the child.
"""

from __future__ import annotations

import ast
import pickle
import sys
from collections.abc import Callable
from typing import Any


class UnguardedMainScript(RuntimeError):
    """The main script has no ``__main__`` guard and only a re-importing start method is safe."""


def check_picklable(func: Callable[[Any], Any]) -> None:
    """Raise ``pickle.PicklingError`` at once when ``func`` cannot be sent to a process
    (a lambda, a nested function, a bound method of an unpicklable object)."""
    try:
        pickle.dumps(func)
    except Exception as exc:
        raise pickle.PicklingError(
            f'mode="process" sends the function to other processes, but {func!r} cannot '
            f"be pickled ({exc}); pass a function defined at the top level of a module"
        ) from exc


def main_script_unguarded() -> bool:
    """Whether the running main module is a script file whose top level has no
    ``if __name__ == "__main__":`` block (an interactive session or ``-m`` module with a
    spec is not re-run from its path)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or path is None or getattr(main, "__spec__", None) is not None:
        return False
    try:
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError):
        return False
    return not any(_is_main_guard(statement) for statement in tree.body)


def unguarded_message() -> str:
    return (
        'the main script has no `if __name__ == "__main__":` guard, so every process child '
        "would run its top level again; put the script's work under that guard (or pass "
        "`executor=` a pool of your own)"
    )


def _is_main_guard(statement: ast.stmt) -> bool:
    if not isinstance(statement, ast.If) or not isinstance(statement.test, ast.Compare):
        return False
    test = statement.test
    if len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    names = [side.id for side in sides if isinstance(side, ast.Name)]
    strings = [side.value for side in sides if isinstance(side, ast.Constant)]
    return names == ["__name__"] and strings == ["__main__"]
