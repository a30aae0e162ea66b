"""What the suppression rules (CL601, CL602) are given, and what they hand back.

They run once every other rule of a file has run: the engine passes them the file's
directives and which of them suppressed something, and turns their reports (and the
edits that remove an unused code) into findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from concurrency_lint.checking.suppressions import Directive
from concurrency_lint.knowledge.ruff_overlaps import OVERLAPS


@dataclass(frozen=True)
class SuppressionAudit:
    """What the suppression rules (CL601, CL602) read once every other rule has run."""

    text: str
    directives: dict[int, tuple[Directive, ...]]
    #: (line, token) pairs that suppressed a finding (see :class:`SuppressionLedger`).
    used: frozenset[tuple[int, str]]
    #: The codes checked in this file; a suppression of another code cannot be used.
    enabled: frozenset[str]
    #: Every conclint code.
    known: frozenset[str]


@dataclass(frozen=True)
class LineEdit:
    """Replace columns ``start`` to ``end`` (1-based, end exclusive) of a report's line."""

    description: str
    safe: bool
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class AuditReport:
    """A suppression rule's finding: where and what (the engine adds code and path)."""

    line: int
    column: int
    length: int
    message: str
    fix: LineEdit | None = None


def without_codes(line_text: str, directive: Directive, removed: set[str]) -> LineEdit | None:
    """The edit that takes ``removed`` out of a directive (None when it cannot be shown
    to leave the rest of the comment intact)."""
    kept = [code for code in directive.codes if code not in removed]
    start, end = directive.column, directive.end_column
    if kept:
        listed = ", ".join(kept)
        text = f"# noqa: {listed}" if directive.kind == "noqa" else f"# conclint: ignore[{listed}]"
        return LineEdit("", True, start, end, text)
    content = line_text.rstrip("\r\n")
    if content[end - 1 :].strip():
        return None  # text follows the directive: removing it would orphan that text
    before = content[: start - 1].rstrip()
    return LineEdit("", True, len(before) + 1, len(content) + 1, "")


def is_conclint_code(code: str) -> bool:
    """Whether a code is spelled like one of conclint's (``CL`` and digits)."""
    return code.startswith("CL") and code[2:].isdigit()


@cache
def every_overlapping_code() -> frozenset[str]:
    """The ruff / flake8-async codes that silence some conclint rule."""
    return frozenset(overlap.code for overlaps in OVERLAPS.values() for overlap in overlaps)
