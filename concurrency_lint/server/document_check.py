"""What the server knows of one open document: the text it checked and what it found."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from concurrency_lint.fixes.apply import TextFixes
from concurrency_lint.model import Finding
from concurrency_lint.server.positions import LineIndex

#: Text -> the findings of the document's configuration on it.
TextCheck = Callable[[str], Sequence[Finding]]


@dataclass
class DocumentCheck:
    """One check of one version of a document."""

    uri: str
    version: int | None
    text: str
    findings: tuple[Finding, ...]
    #: Checks another text of this document with the same configuration (for fixes).
    check: TextCheck
    index: LineIndex
    #: Why nothing was checked (an invalid configuration), for the user.
    problem: str | None = None
    #: Fix outcomes computed so far, by finding (None: every safe fix).
    fixes: dict[Finding | None, TextFixes] = field(default_factory=dict)
