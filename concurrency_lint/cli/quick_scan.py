"""The common ``conclint scan`` command lines, parsed without click.

Importing click costs a one-file scan a sixth of its time. A command line this module
reads with certainty (``scan``, then the scan's own options spelled out, their values
valid, and paths) runs the scan directly, with the values click would have passed.
Anything else -- help, ``--version``, another command, an unknown, misspelt or
abbreviated option, a missing or invalid value, a value that looks like an option, a
path click would refuse, ``--``, shell completion, Windows -- returns None and goes to
click, so every message and exit status of click stays its own.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from concurrency_lint.report import FORMATS

#: Long option -> (parameter, kind). Kinds: flag, str, many (repeatable str), path,
#: jobs (an integer >= 1), format and color (one of the choices).
_LONG: dict[str, tuple[str, str]] = {
    "--format": ("output_format", "format"),
    "--output-file": ("output_file", "path"),
    "--select": ("select", "many"),
    "--ignore": ("ignore", "many"),
    "--extend-select": ("extend_select", "many"),
    "--config": ("config_file", "path"),
    "--statistics": ("statistics", "flag"),
    "--exit-zero": ("exit_zero", "flag"),
    "--no-cache": ("no_cache", "flag"),
    "--jobs": ("jobs", "jobs"),
    "--force-exclude": ("force_exclude", "flag"),
    "--exclude": ("exclude", "many"),
    "--extend-exclude": ("extend_exclude", "many"),
    "--include-markdown": ("include_markdown", "flag"),
    "--stdin-filename": ("stdin_filename", "str"),
    "--quiet": ("quiet", "flag"),
    "--baseline": ("baseline_file", "path"),
    "--add-noqa": ("add_noqa", "flag"),
    "--color": ("color", "color"),
}
_SHORT = {"o": "--output-file", "j": "--jobs", "q": "--quiet"}
_CHOICES = {"format": FORMATS, "color": ("auto", "always", "never")}
_INTERRUPTED = 130


def defaults() -> dict[str, Any]:
    """What click passes the scan for options not given."""
    values: dict[str, Any] = {"paths": ()}
    for name, kind in _LONG.values():
        values[name] = () if kind == "many" else False if kind == "flag" else None
    values.update(output_format="text", color="auto", include_markdown=None)
    return values


def parse_scan(args: Sequence[str]) -> dict[str, Any] | None:
    """The scan's parameters for ``args`` (``sys.argv[1:]``), or None when click must
    read them."""
    if not args or args[0] != "scan" or os.name == "nt" or _completing():
        return None
    values = defaults()
    paths: list[str] = []
    pending = list(args[1:])
    pending.reverse()
    while pending:
        arg = pending.pop()
        if arg == "-" or not arg.startswith("-"):
            paths.append(arg)
        elif arg.startswith("--"):
            name, equals, attached = arg.partition("=")
            if name not in _LONG:
                return None
            parameter, kind = _LONG[name]
            if kind == "flag":
                if equals:
                    return None
                values[parameter] = True
                continue
            value = attached if equals else _next_value(pending)
            if value is None or not _store(values, parameter, kind, value):
                return None
        elif not _short_cluster(arg[1:], pending, values):
            return None
    if not all(_path_click_accepts(path) for path in paths):
        return None
    values["paths"] = tuple(Path(path) for path in paths)
    return values


def _short_cluster(letters: str, pending: list[str], values: dict[str, Any]) -> bool:
    """``-q``, ``-j4``, ``-o FILE``, ``-qj 4``: as click reads a group of short options."""
    for index, letter in enumerate(letters):
        if letter not in _SHORT:
            return False
        parameter, kind = _LONG[_SHORT[letter]]
        if kind == "flag":
            values[parameter] = True
            continue
        rest = letters[index + 1 :]
        value = rest if rest else _next_value(pending)
        return value is not None and _store(values, parameter, kind, value)
    return True


def _next_value(pending: list[str]) -> str | None:
    """The next argument as an option's value; None (click decides) when there is none
    or when it looks like an option itself."""
    if not pending or (pending[-1].startswith("-") and pending[-1] != "-"):
        return None
    return pending.pop()


def _store(values: dict[str, Any], parameter: str, kind: str, value: str) -> bool:
    """Keep a valid value as click converts it; False when click must judge it."""
    if kind == "many":
        values[parameter] = (*values[parameter], value)
    elif kind == "str":
        values[parameter] = value
    elif kind == "path":
        if not _path_click_accepts(value):
            return False
        values[parameter] = Path(value)
    elif kind == "jobs":
        if not (value.isascii() and value.isdigit()) or int(value) < 1:
            return False
        values[parameter] = int(value)
    elif value in _CHOICES[kind]:
        values[parameter] = value
    else:
        return False
    return True


def _path_click_accepts(value: str) -> bool:
    """``click.Path()`` refuses a path that exists but cannot be read."""
    try:
        os.stat(value)
    except OSError:
        return True  # a path that does not exist is passed on as it is
    except ValueError:
        return False  # an embedded NUL: click decides
    return os.access(value, os.R_OK)


def _completing() -> bool:
    """Whether a shell asks for completions (``_CONCLINT_COMPLETE`` and the like)."""
    return any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ)


def run_quick_scan(values: dict[str, Any]) -> None:
    """Run the scan as the click group would, ending the process as it does: Ctrl-C
    exits 130, end of input "Aborted!" with 1, a closed pipe 1 without a traceback."""
    from concurrency_lint.cli.echo import echo

    try:
        from concurrency_lint.cli.scan_run import run_scan

        run_scan(**values)
    except KeyboardInterrupt:
        echo("conclint: interrupted", err=True)
        sys.exit(_INTERRUPTED)
    except EOFError:
        echo("", err=True)
        echo("Aborted!", err=True)
        sys.exit(1)
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        from click import utils

        wrapper = getattr(utils, "_PacifyFlushWrapper", None) or utils.PacifyFlushWrapper
        sys.stdout = wrapper(sys.stdout)
        sys.stderr = wrapper(sys.stderr)
        sys.exit(1)
