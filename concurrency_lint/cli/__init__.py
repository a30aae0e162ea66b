"""The ``conclint`` command line: one module per command, all terminal I/O here.

Commands are imported only when invoked, so ``conclint scan`` on a warm cache never
imports what ``fix`` or ``inventory`` need (LibCST among them).

Ctrl-C ends any command with exit status 130 (128 + SIGINT, as shells report it), never
with the status of findings; the scan has stopped its workers by then.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

import concurrency_lint

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
