"""The inventory as rich tables, one per section, rendered to a string."""

from __future__ import annotations

from concurrency_lint.inventory.cells import Cells
from concurrency_lint.inventory.model import Inventory, Section
from concurrency_lint.inventory.statistics import observations, parameter_values
from concurrency_lint.report.table_format import string_console


def render(
    inventory: Inventory, lang: str = "en", color: bool = False, width: int | None = None
) -> str:
    from rich.table import Table
    from rich.text import Text

    console, buffer = string_console(color, width)
    cells = Cells(lang)

    def table(title: str, headers: list[str], rows: list[list[str]]) -> None:
        grid = Table(title=title, title_justify="left", show_lines=False)
        for header in headers:
            grid.add_column(header, overflow="fold")
        for row in rows:
            grid.add_row(*(Text(cell) for cell in row))  # never read as rich markup
        console.print(grid)

    console.print(Text(cells.word("title"), style="bold"))
    console.print(
        Text(cells.word("summary", files=inventory.files_scanned, uses=len(inventory.uses)))
    )
    number = 0
    for number, section in enumerate(Section, start=1):
        title = f"{number}. {cells.word(f'section.{section.value}')}"
        uses = inventory.section(section)
        if uses:
            table(title, cells.headers(section), [cells.row(use) for use in uses])
    parameters = parameter_values(inventory)
    if parameters:
        headers = [cells.word(f"column.{key}") for key in ("parameter", "description", "values")]
        table(
            f"{number + 1}. {cells.word('section.parameters')}",
            headers,
            [cells.parameter_row(row) for row in parameters],
        )
    console.print(Text(f"{number + 2}. {cells.word('section.observations')}", style="bold"))
    for index, text in enumerate(cells.observations(observations(inventory)), start=1):
        console.print(Text(f"  {index}. {text}"))
    if inventory.problems:
        table(
            cells.word("section.problems"),
            [cells.word("column.file"), cells.word("column.reason")],
            [[file.path, file.problem or ""] for file in inventory.problems],
        )
    return buffer.getvalue()
