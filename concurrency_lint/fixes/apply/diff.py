"""Unified diffs of fixed files (plain text; colouring is the command line's business)."""

from __future__ import annotations

import difflib

NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(display: str, before: str, after: str) -> str:
    """``git diff``-style text turning ``before`` into ``after`` (empty when equal)."""
    if before == after:
        return ""
    lines = difflib.unified_diff(
        _lines(before), _lines(after), fromfile=f"a/{display}", tofile=f"b/{display}"
    )
    return "".join(lines)


def _lines(text: str) -> list[str]:
    """Lines as the source has them: split at line feeds only (a form feed is no line break)."""
    lines = [line + "\n" for line in text.split("\n")]
    if lines[-1] == "\n":
        lines.pop()
    else:
        lines[-1] += NO_NEWLINE
    return lines
