"""The ``conclint`` command line: one module per command, all terminal I/O here."""

from __future__ import annotations

import click

import concurrency_lint
from concurrency_lint.cli.rules_command import rule_command, rules_command
from concurrency_lint.cli.scan_command import scan_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(concurrency_lint.__version__, prog_name="conclint")
def main() -> None:
    """conclint: find and fix Python concurrency anti-patterns."""


main.add_command(scan_command)
main.add_command(rules_command)
main.add_command(rule_command)

for _optional in ("fix_command", "inventory_command"):
    try:
        _module = __import__(f"concurrency_lint.cli.{_optional}", fromlist=["command"])
    except ModuleNotFoundError as _exc:  # that command is not part of this build yet
        if _exc.name != f"concurrency_lint.cli.{_optional}":
            raise
    else:
        main.add_command(_module.command)
