"""Plain data shared by the scan, the fixes and the reports (stdlib only)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum


class Safety(str, Enum):
    """How much a fix can be trusted to keep behaviour."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A source range: 1-based lines and columns, end exclusive in columns."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text covered by ``span`` with ``text``."""

    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A proposed change that resolves a finding."""

    description: str
    safety: Safety
    edits: tuple[Edit, ...]
    #: ``(module, name)`` pairs the fixed code needs (``from module import name``).
    imports: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
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


@dataclass(frozen=True, slots=True)
class FileResult:
    """Everything one file produced: its findings, sorted, and the other modules of the
    project they depend on (one record per module, as ``checking.project_summaries``
    writes and reads them: a cached result holds while those modules are unchanged)."""

    path: str
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    depends_on: tuple[str, ...] = field(default_factory=tuple)


# Codes the engine itself reports, for files rather than code.
SYNTAX_ERROR = ("CL001", "syntax-error")
UNREADABLE_FILE = ("CL002", "unreadable-file")
INTERNAL_ERROR = ("CL003", "internal-error")
ENGINE_CODES = {code: name for code, name in (SYNTAX_ERROR, UNREADABLE_FILE, INTERNAL_ERROR)}


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What reports say about a rule (from its class, without needing the class)."""

    code: str
    name: str
    message: str
    summary: str
    documentation: str
    default_enabled: bool
    fixable: bool


@dataclass(frozen=True)
class ScanReport:
    """The outcome of one scan, as every output format receives it."""

    findings: tuple[Finding, ...]
    files_scanned: int
    # Metadata for the codes that appear (and, for SARIF, every enabled rule).
    rules: tuple[RuleInfo, ...] = ()
    tool_version: str = ""
    #: path -> the file's text, for the files whose lines a format shows or fingerprints.
    sources: Mapping[str, str] = field(default_factory=dict)
    #: The exit status the command ends with (None when not known, e.g. in tests).
    exit_code: int | None = None
    #: What the tool said about the run itself (warnings printed on standard error).
    notifications: tuple[str, ...] = ()
