"""The ``conclint`` click group: every command, imported on first use."""

from __future__ import annotations

import importlib
from typing import Any

import click

import concurrency_lint
from concurrency_lint.cli import COMMANDS, INTERRUPTED


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attribute = COMMANDS[cmd_name]
        module = importlib.import_module(f"concurrency_lint.cli.{module_name}")
        command: click.Command = getattr(module, attribute)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("conclint: interrupted", err=True)
            raise click.exceptions.Exit(INTERRUPTED) from None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(concurrency_lint.__version__, prog_name="conclint")
def main() -> None:
    """conclint: find and fix Python concurrency anti-patterns."""
