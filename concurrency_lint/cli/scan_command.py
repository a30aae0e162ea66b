"""``conclint scan``: report findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from concurrency_lint.cli.options import (
    SCAN_EXIT_CODES,
    color_option,
    engine_options,
    exclusion_options,
    rule_selection_options,
)
from concurrency_lint.cli.scan_run import run_scan
from concurrency_lint.report import FORMATS

__all__ = ["scan_command"]


@click.command("scan", epilog=SCAN_EXIT_CODES)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text: each finding with its source line; concise: one line each.",
)
@click.option(
    "--output-file", "-o", type=click.Path(path_type=Path), help="Write the report to a file."
)
@rule_selection_options
@click.option(
    "--statistics", is_flag=True, help="Counts per rule instead of findings (in any format)."
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@engine_options
@exclusion_options
@click.option(
    "--include-markdown",
    is_flag=True,
    default=None,
    help="Also scan ```python blocks in .md files.",
)
@click.option("--stdin-filename", help="The file name to report for `-` (standard input).")
@click.option("--quiet", "-q", is_flag=True, help="Only findings: no summary, no progress.")
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(path_type=Path),
    help="Report only findings not in this baseline (written by `conclint baseline`).",
)
@click.option(
    "--add-noqa",
    is_flag=True,
    help="Write `# noqa: CODE` on every line with a finding instead of reporting them.",
)
@color_option
def scan_command(**options: Any) -> None:
    """Scan PATHS (files or folders; `-` for standard input) and report findings."""
    run_scan(**options)
