"""``--statistics``: findings counted per rule, in the shape of every output format."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from concurrency_lint.model import Finding
from concurrency_lint.report.github_format import escape_data, escape_property
from concurrency_lint.report.summary import FIX_MARK, applies_by_default, needs_unsafe_fixes


@dataclass(frozen=True)
class RuleCount:
    """How often one rule fired, and how many of those ``fix`` would fix."""

    code: str
    name: str
    count: int
    fixable: int  # by ``conclint fix --apply``
    unsafe_fixable: int  # only with ``--unsafe-fixes``


def count_by_rule(findings: tuple[Finding, ...]) -> list[RuleCount]:
    """One entry per code, most frequent first, then by code."""
    counts = Counter((finding.code, finding.name) for finding in findings)
    safe = Counter(finding.code for finding in findings if applies_by_default(finding))
    unsafe = Counter(finding.code for finding in findings if needs_unsafe_fixes(finding))
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        RuleCount(code, name, count, safe[code], unsafe[code]) for (code, name), count in ordered
    ]


def as_text(rows: list[RuleCount]) -> str:
    """``count  CODE  [*] name`` lines (``[*]`` when ``fix --apply`` fixes some)."""
    return "".join(
        f"{row.count:>6}  {row.code}  {FIX_MARK if row.fixable else '   '} {row.name}\n"
        for row in rows
    )


def as_data(rows: list[RuleCount]) -> list[dict[str, Any]]:
    return [
        {
            "code": row.code,
            "name": row.name,
            "count": row.count,
            "fixable": row.fixable,
            "unsafe_fixable": row.unsafe_fixable,
        }
        for row in rows
    ]


def as_markdown(rows: list[RuleCount]) -> str:
    lines = ["| Count | Code | Name | Fixable |", "| ---: | --- | --- | ---: |"]
    lines += [f"| {row.count} | {row.code} | {row.name} | {row.fixable} |" for row in rows]
    return "\n".join(lines) + "\n"


def as_github(rows: list[RuleCount]) -> str:
    """One ``::notice`` per rule: the counts show in the job's annotations."""
    return "".join(
        f"::notice title={escape_property(f'{row.code} {row.name}')}::"
        f"{escape_data(f'{row.count} findings, {row.fixable} fixable')}\n"
        for row in rows
    )


def as_table(rows: list[RuleCount], color: bool, width: int | None) -> str:
    from rich.table import Table
    from rich.text import Text

    from concurrency_lint.report.table_format import string_console

    console, buffer = string_console(color, width)
    table = Table()
    table.add_column("Count", justify="right")
    table.add_column("Code", style="red", no_wrap=True)
    table.add_column("Name")
    table.add_column("Fixable", justify="right")
    for row in rows:
        table.add_row(str(row.count), Text(row.code), Text(row.name), str(row.fixable))
    console.print(table)
    return buffer.getvalue()


def render(
    findings: tuple[Finding, ...], output_format: str, color: bool = False, width: int | None = None
) -> str:
    """The statistics in ``output_format`` (SARIF: see ``sarif_format`` instead)."""
    rows = count_by_rule(findings)
    if output_format == "json":
        return json.dumps(as_data(rows), indent=2) + "\n"
    if output_format == "markdown":
        return as_markdown(rows)
    if output_format == "github":
        return as_github(rows)
    if output_format == "table":
        return as_table(rows, color, width) if rows else ""
    return as_text(rows)
