"""The ``conclint`` command line: one module per command, all terminal I/O here.

Commands are imported only when invoked, so ``conclint scan`` on a warm cache never
imports what ``fix`` or ``inventory`` need (LibCST among them). The common scan command
lines do not import click either (:mod:`.quick_scan`); ``main``, the click group
(:mod:`.group`), is imported when first asked for.

Ctrl-C ends any command with exit status 130 (128 + SIGINT, as shells report it), never
with the status of findings; the scan has stopped its workers by then.
"""

from __future__ import annotations

import sys
from typing import Any

#: command name -> (module under concurrency_lint.cli, attribute holding the command)
COMMANDS: dict[str, tuple[str, str]] = {
    "scan": ("scan_command", "scan_command"),
    "fix": ("fix_command", "command"),
    "inventory": ("inventory_command", "command"),
    "rules": ("rules_command", "rules_command"),
    "rule": ("rules_command", "rule_command"),
    "server": ("server_command", "command"),
    "baseline": ("baseline_command", "command"),
}


#: The exit status after Ctrl-C.
INTERRUPTED = 130


def run() -> None:
    """The ``conclint`` command: a common scan command line directly, else click. The
    process ends as soon as the command is done (:mod:`.process_end`), except for the
    language server's."""
    if _command_name() == "server":
        _dispatch()
        return
    from concurrency_lint.cli.process_end import end_process

    try:
        _dispatch()
    except SystemExit as ending:
        end_process(ending.code)
    end_process(0)


def _dispatch() -> None:
    from concurrency_lint.cli.quick_scan import parse_scan, run_quick_scan

    values = parse_scan(sys.argv[1:])
    if values is not None:
        run_quick_scan(values)
        return
    from concurrency_lint.cli.group import main

    main()


def _command_name() -> str | None:
    """The first argument that is not an option: the command, as click will read it."""
    return next((argument for argument in sys.argv[1:] if not argument.startswith("-")), None)


def __getattr__(name: str) -> Any:
    """``main`` and ``LazyGroup`` (click) are imported when first asked for."""
    if name in ("main", "LazyGroup"):
        from concurrency_lint.cli import group

        return getattr(group, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
