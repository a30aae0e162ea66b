"""The inventory as a Markdown document, in the structure of the user's own report."""

from __future__ import annotations

from concurrency_lint.inventory.cells import Cells
from concurrency_lint.inventory.model import Inventory, Section
from concurrency_lint.inventory.statistics import observations, parameter_values


def render(inventory: Inventory, lang: str = "en") -> str:
    cells = Cells(lang)
    lines = [
        f"# {cells.word('title')}",
        "",
        cells.word("summary", files=inventory.files_scanned, uses=len(inventory.uses)),
    ]
    number = 0
    for number, section in enumerate(Section, start=1):
        lines += ["", f"## {number}. {cells.word(f'section.{section.value}')}", ""]
        uses = inventory.section(section)
        if uses:
            rows = [cells.row(use) for use in uses]
            for row in rows:
                row[0] = f"`{row[0]}`"
            lines += _table(cells.headers(section), rows)
        else:
            lines.append(cells.word("empty"))
    parameters = parameter_values(inventory)
    lines += ["", f"## {number + 1}. {cells.word('section.parameters')}", ""]
    if parameters:
        headers = [cells.word(f"column.{key}") for key in ("parameter", "description", "values")]
        lines += _table(headers, [cells.parameter_row(row) for row in parameters])
    else:
        lines.append(cells.word("empty"))
    lines += ["", f"## {number + 2}. {cells.word('section.observations')}", ""]
    lines += [
        f"{index}. {text}"
        for index, text in enumerate(cells.observations(observations(inventory)), start=1)
    ]
    problems = inventory.problems
    if problems:
        lines += ["", f"## {cells.word('section.problems')}", ""]
        headers = [cells.word("column.file"), cells.word("column.reason")]
        lines += _table(headers, [[f"`{file.path}`", file.problem or ""] for file in problems])
    return "\n".join(lines) + "\n"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("-" * (len(header) + 2) for header in headers) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(_cell(cell) for cell in row) + " |")
    return lines


def _cell(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    return escaped or " "
