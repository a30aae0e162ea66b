"""Whether a file's text can import any of some qualified names, read from the text.

A rule that recognises calls only by their qualified name (``subprocess.run``) can fire
only in a file whose imports reach that name: ``import subprocess`` (or ``import
subprocess as sp``), or ``from subprocess import run``. This check is a regular
expression over the text: it may say yes where there is no such import (the words in a
comment, a string, a longer name), never no where there is one, backslash continuations
and spaces around dots included.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

_GAP = r"(?:[ \t\f]|\\\r?\n)"  # blanks inside a statement, line continuations included


def may_import_any(text: str, names: Iterable[str]) -> bool:
    """Whether ``text`` may import a module or name that reaches one of ``names``."""
    return _pattern(frozenset(names)).search(text) is not None


@functools.lru_cache(maxsize=64)
def _pattern(names: frozenset[str]) -> re.Pattern[str]:
    roots = sorted({name.partition(".")[0] for name in names})
    parents = sorted(
        {
            ".".join(parts[:length])
            for parts in (name.split(".") for name in names)
            for length in range(1, len(parts))
        }
    )
    # ``import a.b`` binds ``a``, ``import a.b as c`` binds ``a.b``: either way the
    # statement names the root after ``import`` (possibly after other modules).
    plain = rf"\bimport{_GAP}+(?:[^\n]|\\\r?\n)*?\b(?:{'|'.join(map(re.escape, roots))})\b"
    if not parents:
        return re.compile(plain)
    dot = rf"{_GAP}*\.{_GAP}*"
    modules = "|".join(dot.join(map(re.escape, parent.split("."))) for parent in parents)
    # ``from a.b import c`` reaches ``a.b.c`` and what lies below it.
    from_import = rf"\bfrom{_GAP}+(?:{modules}){_GAP}+import\b"
    return re.compile(f"{plain}|{from_import}")
