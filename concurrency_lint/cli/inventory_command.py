"""``conclint inventory``: list every concurrency mechanism a codebase uses."""

from __future__ import annotations

from pathlib import Path

import click

from concurrency_lint.cli.options import color_option, exclusion_options
from concurrency_lint.cli.output import emit, output_width, wants_color
from concurrency_lint.cli.settings import check_paths, command_settings
from concurrency_lint.inventory import Inventory, InventoryOptions, build_inventory
from concurrency_lint.inventory.labels import LANGUAGES

FORMATS = ("table", "markdown", "json")


@click.command("inventory")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format", "output_format", type=click.Choice(FORMATS), default="table", show_default=True
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="Language of the markdown and table reports.",
)
@click.option(
    "--output-file", "-o", type=click.Path(path_type=Path), help="Write the report to a file."
)
@click.option("--no-markdown", is_flag=True, help="Skip ```python blocks in .md files.")
@click.option(
    "--config", "config_file", type=click.Path(path_type=Path), help="Configuration file to use."
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: CPU count)."
)
@exclusion_options
@color_option
def command(
    paths: tuple[Path, ...],
    output_format: str,
    lang: str,
    output_file: Path | None,
    no_markdown: bool,
    config_file: Path | None,
    no_cache: bool,
    jobs: int | None,
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    color: str,
) -> None:
    """Inventory the concurrency mechanisms used in PATHS (files or folders)."""
    targets = check_paths(paths or (Path("."),))
    config = command_settings(targets, config_file, exclude=exclude, extend_exclude=extend_exclude)
    options = InventoryOptions(
        jobs=jobs or config.jobs, use_cache=not no_cache, include_markdown=not no_markdown
    )
    inventory = build_inventory(targets, config, options)
    if inventory.files_scanned == 0:
        where = ", ".join(str(path) for path in targets)
        click.echo(f"conclint: no Python files found under {where}", err=True)
    use_color = output_format == "table" and wants_color(color, to_file=output_file is not None)
    emit(_render(inventory, output_format, lang, use_color), output_file, use_color)


def _render(inventory: Inventory, output_format: str, lang: str, color: bool) -> str:
    if output_format == "json":
        from concurrency_lint.inventory import json_format

        return json_format.render(inventory)
    if output_format == "markdown":
        from concurrency_lint.inventory import markdown_format

        return markdown_format.render(inventory, lang)
    from concurrency_lint.inventory import table_format

    return table_format.render(inventory, lang, color=color, width=output_width())
