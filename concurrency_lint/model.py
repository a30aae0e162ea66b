"""Plain data shared by the scan, the fixes and the reports (stdlib only)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType
from typing import NamedTuple


class Safety(str, Enum):
    """How much a fix can be trusted to keep behaviour."""

    SAFE = "safe"
    UNSAFE = "unsafe"


class Span(NamedTuple):
    """A source range: 1-based lines and columns, end exclusive in columns."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int


class Edit(NamedTuple):
    """Replace the text covered by ``span`` with ``text``."""

    span: Span
    text: str


class Fix(NamedTuple):
    """A proposed change that resolves a finding."""

    description: str
    safety: Safety
    edits: tuple[Edit, ...]
    #: ``(module, name)`` pairs the fixed code needs (``from module import name``).
    imports: tuple[tuple[str, str], ...] = ()


class Finding(NamedTuple):
    """One problem at one place in one file."""

    code: str
    name: str
    message: str
    path: str
    span: Span
    fix: Fix | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.start_line, self.span.start_col, self.code)


class FileResult(NamedTuple):
    """Everything one file produced: its findings, sorted, and the other modules of the
    project they depend on (one record per module, as ``checking.project_summaries``
    writes and reads them: a cached result holds while those modules are unchanged)."""

    path: str
    findings: tuple[Finding, ...] = ()
    depends_on: tuple[str, ...] = ()


# Codes the engine itself reports, for files rather than code.
SYNTAX_ERROR = ("CL001", "syntax-error")
UNREADABLE_FILE = ("CL002", "unreadable-file")
INTERNAL_ERROR = ("CL003", "internal-error")
ENGINE_CODES = {code: name for code, name in (SYNTAX_ERROR, UNREADABLE_FILE, INTERNAL_ERROR)}


class RuleInfo(NamedTuple):
    """What reports say about a rule (from its class, without needing the class)."""

    code: str
    name: str
    message: str
    summary: str
    documentation: str
    default_enabled: bool
    fixable: bool


class ScanReport(NamedTuple):
    """The outcome of one scan, as every output format receives it."""

    findings: tuple[Finding, ...]
    files_scanned: int
    # Metadata for the codes that appear (and, for SARIF, every enabled rule).
    rules: tuple[RuleInfo, ...] = ()
    tool_version: str = ""
    #: path -> the file's text, for the files whose lines a format shows or fingerprints.
    sources: Mapping[str, str] = MappingProxyType({})
    #: The exit status the command ends with (None when not known, e.g. in tests).
    exit_code: int | None = None
    #: What the tool said about the run itself (warnings printed on standard error).
    notifications: tuple[str, ...] = ()
