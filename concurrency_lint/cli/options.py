"""Options several commands share, declared once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from concurrency_lint.cli.settings import patterns

__all__ = [
    "FIX_EXIT_CODES",
    "SCAN_EXIT_CODES",
    "color_option",
    "engine_options",
    "exclusion_options",
    "patterns",
    "rule_selection_options",
]

F = TypeVar("F", bound=Callable[..., object])

#: The exit statuses of ``scan`` (and, with its own meaning of 1, ``fix``), for ``--help``.
SCAN_EXIT_CODES = (
    "\b\nExit status:\n"
    "  0  no findings (or --exit-zero)\n"
    "  1  findings reported\n"
    "  2  usage or configuration error, or a rule crashed on a file (CL003)\n"
    "  130  interrupted (Ctrl-C)"
)
FIX_EXIT_CODES = (
    "\b\nExit status:\n"
    "  0  nothing left to fix and no findings\n"
    "  1  changes pending (without --apply) or findings left\n"
    "  2  usage or configuration error, a file could not be fixed, or a rule crashed\n"
    "  130  interrupted (Ctrl-C)"
)


def _apply(command: F, decorators: tuple[Callable[[F], F], ...]) -> F:
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def rule_selection_options(command: F) -> F:
    """``--select``, ``--ignore``, ``--extend-select`` (repeatable) and ``--config``."""
    return _apply(
        command,
        (
            click.option(
                "--select",
                multiple=True,
                help="Only these rule codes or prefixes (comma-separated; repeatable).",
            ),
            click.option(
                "--ignore", multiple=True, help="Skip these rule codes or prefixes (repeatable)."
            ),
            click.option(
                "--extend-select",
                multiple=True,
                help="Add these rule codes to the selection (repeatable).",
            ),
            click.option(
                "--config",
                "config_file",
                type=click.Path(path_type=Path),
                help="Configuration file to use.",
            ),
        ),
    )


def exclusion_options(command: F) -> F:
    """``--exclude`` (replaces the configured excludes) and ``--extend-exclude`` (adds)."""
    return _apply(
        command,
        (
            click.option(
                "--exclude",
                multiple=True,
                metavar="PATTERN",
                help="Globs to skip, replacing the configured and default excludes "
                "(comma-separated; repeatable).",
            ),
            click.option(
                "--extend-exclude",
                multiple=True,
                metavar="PATTERN",
                help="Globs to skip as well as the configured excludes (repeatable).",
            ),
        ),
    )


def color_option(command: F) -> F:
    """``--color auto|always|never``."""
    return click.option(
        "--color",
        type=click.Choice(["auto", "always", "never"]),
        default="auto",
        show_default=True,
        help="Colour in human formats; auto: on a terminal, unless NO_COLOR is set "
        "(FORCE_COLOR turns it on when piped).",
    )(command)


def engine_options(command: F) -> F:
    """``--no-cache``, ``--jobs`` and ``--force-exclude``."""
    return _apply(
        command,
        (
            click.option(
                "--no-cache", is_flag=True, help="Neither read nor write the result cache."
            ),
            click.option(
                "--jobs",
                "-j",
                type=click.IntRange(min=1),
                help="Worker processes (default: CPU count).",
            ),
            click.option(
                "--force-exclude",
                is_flag=True,
                help="Apply excludes to files named on the command line too.",
            ),
        ),
    )
