"""Shrink a very large module to the top-level statements rules could care about.

LibCST needs seconds per megabyte; generated modules (tables, bindings, fixtures) run to
many megabytes and almost none of their statements mention anything a rule looks at.
Such a module is cut down before LibCST sees it: every top-level statement that mentions
no trigger token and no imported name, imports nothing and defines nothing a kept
statement names becomes
one empty line. Columns of what is kept do not move, and :class:`PrunedModule` maps its
lines back to the real source.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass

from concurrency_lint.sources.lines import split_lines

#: Modules larger than this are pruned before the full parse.
PRUNE_ABOVE_CHARS = 512 * 1024

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class PrunedModule:
    """The cut-down source, and for each of its lines the line it came from."""

    text: str
    source_lines: tuple[int, ...]

    def original_line(self, line: int) -> int:
        """The source line of a 1-based line of :attr:`text`."""
        if 1 <= line <= len(self.source_lines):
            return self.source_lines[line - 1]
        return line - len(self.source_lines) + (self.source_lines[-1] if self.source_lines else 0)


def prune_module(text: str, tree: ast.Module, tokens: Iterable[str]) -> PrunedModule:
    """``text`` with each run of irrelevant top-level statements folded into a blank line."""
    lines = split_lines(text)
    groups = _line_groups(tree.body)  # statements sharing lines are kept or cut together
    segments = ["".join(lines[first - 1 : last]) for first, last, _members in groups]
    imported = _imported_names(
        statement
        for (_first, _last, members), segment in zip(groups, segments, strict=True)
        if "import" in segment
        for statement in members
    )
    keep = [
        any(isinstance(statement, (ast.Import, ast.ImportFrom)) for statement in members)
        or "import" in segment
        or any(token in segment for token in tokens)
        or not imported.isdisjoint(_WORD.findall(segment))
        for (_first, _last, members), segment in zip(groups, segments, strict=True)
    ]
    _keep_named_definitions(groups, segments, keep)
    blank = set()
    for (first, last, _members), kept in zip(groups, keep, strict=True):
        if not kept:
            blank.update(range(first, last + 1))
    kept_text: list[str] = []
    source_lines: list[int] = []
    in_removed_run = False
    for number, line in enumerate(lines, start=1):
        removed = number in blank
        if not (removed and in_removed_run):
            kept_text.append(_line_ending(line) if removed else line)
            source_lines.append(number)
        in_removed_run = removed
    return PrunedModule("".join(kept_text), tuple(source_lines))


def _line_groups(body: list[ast.stmt]) -> list[tuple[int, int, list[ast.stmt]]]:
    """Runs of top-level statements that share lines (``a = 1; import os``), with the
    lines each run spans: one entry per run, however many statements a line holds."""
    groups: list[tuple[int, int, list[ast.stmt]]] = []
    for statement in body:
        first, last = _line_span(statement)
        if groups and groups[-1][1] >= first:
            start, end, members = groups[-1]
            members.append(statement)
            groups[-1] = (start, max(end, last), members)
        else:
            groups.append((first, last, [statement]))
    return groups


def _imported_names(statements: Iterable[ast.stmt]) -> set[str]:
    """Names bound by imports anywhere in these statements (``sp`` in ``import subprocess
    as sp``); only statements whose text says ``import`` are given, so a module's huge
    data tables are never walked."""
    names = set()
    for node in (node for statement in statements for node in ast.walk(statement)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
    return names


def _line_span(statement: ast.stmt) -> tuple[int, int]:
    decorators = getattr(statement, "decorator_list", ())
    first = min([statement.lineno, *(decorator.lineno for decorator in decorators)])
    return first, statement.end_lineno or statement.lineno


def _keep_named_definitions(
    groups: list[tuple[int, int, list[ast.stmt]]], segments: list[str], keep: list[bool]
) -> None:
    """Keep functions and classes that kept statements mention (so callables resolve)."""
    definitions = {
        statement.name: index
        for index, (_first, _last, members) in enumerate(groups)
        for statement in members
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }
    pending = [index for index, kept in enumerate(keep) if kept]
    while pending:
        for word in set(_WORD.findall(segments[pending.pop()])):
            index = definitions.get(word)
            if index is not None and not keep[index]:
                keep[index] = True
                pending.append(index)


def _line_ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]
