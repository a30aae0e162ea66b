"""A baseline: the findings a project accepts for now, so a scan reports only new ones.

An entry names a finding without its line number: the file's path (relative to the
folder holding the baseline), the code, a digest of the normalised text of the
statement the finding is on, and its occurrence among the findings of that code on
statements with the same text. Moving lines, editing other lines, re-indenting or
re-wrapping the statement and adding comments keep an entry matching; editing the
statement itself makes it a new finding.

The engine's own findings (CL001 syntax-error, CL002 unreadable-file, CL003
internal-error) are never recorded nor hidden: a file that cannot be checked is
always said so.
"""

from __future__ import annotations

import ast
import io
import json
import os
import tempfile
import tokenize
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from concurrency_lint.model import ENGINE_CODES, FileResult, Finding
from concurrency_lint.sources.digests import digest
from concurrency_lint.sources.pruning import split_lines
from concurrency_lint.sources.statements import innermost_statements
from concurrency_lint.sources.syntax_check import parse_python

BASELINE_NAME = "conclint-baseline.json"
_CLOSERS = frozenset({")", "]", "}"})
FORMAT_VERSION = 1
_SKIPPED_TOKENS = frozenset(
    {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
)

#: Reads a finding's file as text (None when it cannot be read).
TextReader = Callable[[str], "str | None"]


class BaselineError(Exception):
    """A baseline file that cannot be used: missing, unreadable or not a baseline."""


@dataclass(frozen=True, order=True)
class BaselineEntry:
    """One accepted finding, named so that it survives unrelated edits."""

    path: str
    code: str
    fingerprint: str
    occurrence: int
    #: Where and what it was when recorded: shown to people, never matched.
    line: int = field(default=0, compare=False)
    message: str = field(default="", compare=False)

    @property
    def key(self) -> tuple[str, str, str, int]:
        return (self.path, self.code, self.fingerprint, self.occurrence)


@dataclass(frozen=True)
class BaselineOutcome:
    """A scan's results with the baseline's findings taken out."""

    results: tuple[FileResult, ...]
    hidden: int
    #: Entries of scanned (or vanished) files that matched no finding: fixed or changed.
    stale: tuple[BaselineEntry, ...]


def entries_for(
    findings: Iterable[Finding], base: Path, read_text: TextReader
) -> list[BaselineEntry]:
    """The baseline entries of these findings, paths relative to ``base``."""
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.code not in ENGINE_CODES:
            by_file[finding.path].append(finding)
    entries = []
    for path, found in by_file.items():
        entries.extend(_file_entries(path, _in_order(found), base, read_text))
    return sorted(entries)


def _file_entries(
    path: str, findings: list[Finding], base: Path, read_text: TextReader
) -> list[BaselineEntry]:
    """One file's entries, in the order of ``findings`` (sorted by position)."""
    statements = _StatementTexts(read_text(path) or "", findings)
    relative = relative_path(path, base)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    entries = []
    for finding in findings:
        digest = _digest(statements.text_at(finding))
        occurrence = seen[(finding.code, digest)]
        seen[(finding.code, digest)] += 1
        entries.append(
            BaselineEntry(
                relative, finding.code, digest, occurrence, finding.span.start_line, finding.message
            )
        )
    return entries


def relative_path(path: str, base: Path) -> str:
    """``path`` relative to ``base`` in ``/`` form (absolute when outside it)."""
    absolute = Path(os.path.abspath(path))
    try:
        return Path(os.path.relpath(absolute, os.path.abspath(base))).as_posix()
    except ValueError:  # another drive
        return absolute.as_posix()


def write_baseline(target: Path, entries: Iterable[BaselineEntry]) -> None:
    """Write the baseline file atomically (sorted, one entry per line-group: diffable)."""
    document = {
        "version": FORMAT_VERSION,
        "tool": "conclint",
        "entries": [
            {
                "path": entry.path,
                "code": entry.code,
                "fingerprint": entry.fingerprint,
                "occurrence": entry.occurrence,
                "line": entry.line,
                "message": entry.message,
            }
            for entry in sorted(entries)
        ],
    }
    data = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


def refreshed(
    entries: Iterable[BaselineEntry],
    previous: Iterable[BaselineEntry],
    scanned: Iterable[str],
    base: Path,
) -> list[BaselineEntry]:
    """New entries, plus the previous entries of files this run did not scan (and that
    still exist): recording some paths keeps what was accepted elsewhere."""
    scanned_paths = {relative_path(path, base) for path in scanned}
    kept = [
        entry
        for entry in previous
        if entry.path not in scanned_paths and (base / entry.path).exists()
    ]
    return sorted([*entries, *kept])


def load_baseline(source: Path) -> tuple[BaselineEntry, ...]:
    """Read a baseline file; anything but a valid one raises :class:`BaselineError`."""
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(
            f"baseline {source}: no such file (create it with `conclint baseline`)"
        ) from None
    except OSError as exc:
        raise BaselineError(f"baseline {source}: cannot read: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"baseline {source}: not a JSON file: {exc}") from exc
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
        raise BaselineError(
            f"baseline {source}: not a conclint baseline of format version {FORMAT_VERSION}"
        )
    entries = document.get("entries")
    if not isinstance(entries, list):
        raise BaselineError(f"baseline {source}: `entries` must be a list")
    loaded = []
    for index, raw in enumerate(entries):
        try:
            loaded.append(
                BaselineEntry(
                    str(raw["path"]),
                    str(raw["code"]),
                    str(raw["fingerprint"]),
                    int(raw["occurrence"]),
                    int(raw.get("line", 0)),
                    str(raw.get("message", "")),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BaselineError(f"baseline {source}: entry {index} is malformed ({exc})") from exc
    return tuple(loaded)


def apply_baseline(
    results: Iterable[FileResult],
    entries: Iterable[BaselineEntry],
    base: Path,
    read_text: TextReader,
) -> BaselineOutcome:
    """Take the baseline's findings out of ``results``; list the entries nothing matched."""
    results = tuple(results)
    accepted = {entry.key: entry for entry in entries}
    matched: set[tuple[str, str, str, int]] = set()
    kept_results = []
    hidden = 0
    paths = {entry.path for entry in accepted.values()}
    for result in results:
        if not result.findings or relative_path(result.path, base) not in paths:
            kept_results.append(result)  # nothing of this file was accepted
            continue
        ordered = _in_order(f for f in result.findings if f.code not in ENGINE_CODES)
        current = {
            id(finding): entry
            for finding, entry in zip(
                ordered, _file_entries(result.path, ordered, base, read_text), strict=True
            )
        }
        kept = []
        for finding in result.findings:
            entry = current.get(id(finding))
            key = entry.key if entry is not None else None
            if key is not None and key in accepted:
                matched.add(key)
                hidden += 1
            else:
                kept.append(finding)
        kept_results.append(result._replace(findings=tuple(kept)))
    scanned = {relative_path(result.path, base) for result in results}
    stale = sorted(
        (
            entry
            for key, entry in accepted.items()
            if key not in matched and (entry.path in scanned or not (base / entry.path).exists())
        ),
        key=lambda entry: (entry.path, entry.line, entry.code),
    )
    return BaselineOutcome(tuple(kept_results), hidden, tuple(stale))


def _in_order(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: f.sort_key)


def _digest(text: str) -> str:
    return digest(text.encode("utf-8", "surrogatepass"), size=10)


class _StatementTexts:
    """The normalised text of the statement each finding of one file is on."""

    def __init__(self, text: str, findings: list[Finding]) -> None:
        self._lines = split_lines(text)
        tree = parse_python(text) if findings else None
        self._statements = (
            innermost_statements(tree, (f.span.start_line for f in findings))
            if isinstance(tree, ast.Module)
            else {}
        )

    def text_at(self, finding: Finding) -> str:
        statement = self._statements.get(finding.span.start_line)
        if statement is None:
            first, last = finding.span.start_line, finding.span.end_line
            return normalised("".join(self._lines[first - 1 : last]))
        return normalised(self._header(statement))

    def _header(self, statement: ast.stmt) -> str:
        """A simple statement's text; a compound statement's text up to its body."""
        body = getattr(statement, "body", None)
        if isinstance(statement, ast.Match) and statement.cases:
            body = [statement.cases[0].pattern]  # ``match subject:`` is the header
        end_line, end_col = statement.end_lineno or statement.lineno, statement.end_col_offset
        if isinstance(body, list) and body and hasattr(body[0], "lineno"):
            end_line, end_col = body[0].lineno, body[0].col_offset
        return _segment(self._lines, statement.lineno, statement.col_offset, end_line, end_col)


def _segment(lines: list[str], line: int, col: int, end_line: int, end_col: int | None) -> str:
    """Source between two positions (columns are UTF-8 byte offsets, as ``ast`` gives)."""
    chosen = [text.encode("utf-8", "surrogatepass") for text in lines[line - 1 : end_line]]
    if not chosen:
        return ""
    if len(chosen) == 1:
        chosen[0] = chosen[0][col:end_col]
    else:
        chosen[0] = chosen[0][col:]
        if end_col is not None:
            chosen[-1] = chosen[-1][:end_col]
    return b"".join(chosen).decode("utf-8", "replace")


def normalised(text: str) -> str:
    """The code's tokens joined by single spaces: layout, comments and trailing commas
    (``f(a,)`` is ``f(a)``) do not count."""
    try:
        tokens = [
            token.string
            for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type not in _SKIPPED_TOKENS
        ]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return " ".join(text.split())
    kept = [
        token
        for index, token in enumerate(tokens)
        if not (token == "," and index + 1 < len(tokens) and tokens[index + 1] in _CLOSERS)
    ]
    return " ".join(kept)
