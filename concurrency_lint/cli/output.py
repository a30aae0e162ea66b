"""Where command output goes: standard output (coloured on a terminal) or a file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from concurrency_lint.cli.settings import fail


def stdout_wants_color() -> bool:
    """Colour for a terminal, never for pipes or files; ``NO_COLOR`` turns it off."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def emit(text: str, output_file: Path | None) -> None:
    """Print ``text``, or write it to ``output_file`` (an error there exits 2)."""
    if output_file is None:
        click.echo(text, nl=False)
        return
    try:
        output_file.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"--output-file {output_file}: {exc.strerror or exc}")
