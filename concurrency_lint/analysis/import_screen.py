"""Whether a file's text can import any of some qualified names, read from the text.

A rule that recognises calls only by their qualified name (``subprocess.run``) can fire
only in a file whose imports reach that name: ``import subprocess`` (or ``import
subprocess as sp``), or ``from subprocess import run``. This check reads the lines that
hold the word ``import``: it may say yes where there is no such import (the words in a
comment, a string, a longer name), never no where there is one, line continuations and
spaces around dots included. It takes time linear in the text, whatever the text holds.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

_BLANK = r"[ \t\f]"
_IMPORT_LINE = re.compile(r"^.*\bimport\b.*$", re.MULTILINE)
_IMPORT_WORD = re.compile(r"\bimport\b")


class _Patterns(NamedTuple):
    root_after_import: re.Pattern[str]  # ``import a.b`` names the root ``a``
    from_import: re.Pattern[str] | None  # ``from a.b import c`` reaches ``a.b.c``


def may_import_any(text: str, names: Iterable[str]) -> bool:
    """Whether ``text`` may import a module or name that reaches one of ``names``."""
    if "import" not in text:
        return False
    patterns = _patterns(frozenset(names))
    for statement, after_import in _import_lines(text):
        # Any root after the first ``import`` of the line: one linear search per line.
        if patterns.root_after_import.search(statement, after_import):
            return True
        if patterns.from_import is not None and patterns.from_import.search(statement):
            return True
    return False


@functools.lru_cache(maxsize=2)
def _import_lines(text: str) -> tuple[tuple[str, int], ...]:
    """The lines of ``text`` holding the word ``import``, continued lines joined, each
    with where its first ``import`` ends: found once per file, for every rule asking."""
    # Join continued lines, whatever the line endings (\r\n, \n or a lone \r).
    logical = text.replace("\\\r\n", " ").replace("\\\n", " ").replace("\\\r", " ")
    found = []
    for line in _IMPORT_LINE.finditer(logical):
        statement = line.group()
        first = _IMPORT_WORD.search(statement)
        if first is not None:
            found.append((statement, first.end()))
    return tuple(found)


@functools.lru_cache(maxsize=64)
def _patterns(names: frozenset[str]) -> _Patterns:
    roots = sorted({name.partition(".")[0] for name in names})
    parents = sorted(
        {
            ".".join(parts[:length])
            for parts in (name.split(".") for name in names)
            for length in range(1, len(parts))
        }
    )
    root_after_import = re.compile(rf"\b(?:{'|'.join(map(re.escape, roots))})\b")
    if not parents:
        return _Patterns(root_after_import, None)
    dot = rf"{_BLANK}*\.{_BLANK}*"
    modules = "|".join(dot.join(map(re.escape, parent.split("."))) for parent in parents)
    from_import = re.compile(rf"\bfrom{_BLANK}+(?:{modules}){_BLANK}+import\b")
    return _Patterns(root_after_import, from_import)
