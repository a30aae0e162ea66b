"""Options several commands share, declared once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])


def rule_selection_options(command: F) -> F:
    """``--select``, ``--ignore``, ``--extend-select`` and ``--config``."""
    decorators = (
        click.option("--select", help="Only these rule codes or prefixes (comma-separated)."),
        click.option("--ignore", help="Skip these rule codes or prefixes."),
        click.option("--extend-select", help="Add these rule codes to the selection."),
        click.option(
            "--config",
            "config_file",
            type=click.Path(path_type=Path),
            help="Configuration file to use.",
        ),
    )
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def engine_options(command: F) -> F:
    """``--no-cache``, ``--jobs`` and ``--force-exclude``."""
    decorators = (
        click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache."),
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
    )
    for decorator in reversed(decorators):
        command = decorator(command)
    return command
