"""``scan --add-noqa``: write ``# noqa: CODE`` where each finding is reported.

The comment goes on the finding's first line when a comment can end that line, else on
the first line of its statement: the two lines the suppression logic reads. A line
that already has ``# noqa: X`` gets ``# noqa: X, CODE``. In Markdown, the comment goes
into the Python block the finding is in. Files keep their encoding, byte-order mark and
line endings, and are replaced atomically; a file whose syntax tree the edit would
change (only comments may change) is left alone.
"""

from __future__ import annotations

import ast
import re
import tokenize
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from concurrency_lint.fixes.apply.source_file import UnfixableFile, write_atomically
from concurrency_lint.model import ENGINE_CODES, Finding
from concurrency_lint.sources.decoding import UndecodableSource, decode_source
from concurrency_lint.sources.markdown import python_blocks
from concurrency_lint.sources.pruning import split_lines
from concurrency_lint.sources.statements import innermost_statements
from concurrency_lint.sources.syntax_check import parse_python

_NOQA_CODES = re.compile(r"#\s*noqa:\s*[A-Z]+[0-9]+(?:(?:\s*,\s*|\s+)[A-Z]+[0-9]+)*", re.I)
_BARE_NOQA = re.compile(r"#\s*noqa(?!:)", re.I)
_LINE_END = re.compile(r"[ \t\f]*(\r\n|\r|\n)?$")


@dataclass
class NoqaOutcome:
    """What ``--add-noqa`` did: comments added per file, and what it had to skip."""

    added: dict[str, int] = field(default_factory=dict)
    skipped: list[tuple[Finding, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.added.values())


def add_noqa(findings: Iterable[Finding]) -> NoqaOutcome:
    """Add the comments for these findings to their files."""
    outcome = NoqaOutcome()
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.code in ENGINE_CODES:
            outcome.skipped.append((finding, "file-level findings cannot be suppressed"))
        else:
            by_file[finding.path].append(finding)
    for path, found in sorted(by_file.items()):
        _add_to_file(Path(path), found, outcome)
    return outcome


def _add_to_file(path: Path, findings: list[Finding], outcome: NoqaOutcome) -> None:
    try:
        data = path.read_bytes()
        source = decode_source(data)
    except (OSError, UndecodableSource) as exc:
        outcome.skipped.extend((finding, f"cannot read the file: {exc}") for finding in findings)
        return
    markdown = path.suffix.lower() in (".md", ".markdown")
    new_text, added, skipped = with_noqa(source.text, findings, markdown)
    outcome.skipped.extend(skipped)
    if not added:
        return
    try:
        write_atomically(path, new_text.encode(source.encoding), data)
    except (OSError, UnfixableFile, UnicodeEncodeError) as exc:
        reason = f"cannot write the file: {exc}"
        outcome.skipped.extend((finding, reason) for finding in findings)
        return
    outcome.added[str(path)] = added


def with_noqa(
    text: str, findings: list[Finding], markdown: bool = False
) -> tuple[str, int, list[tuple[Finding, str]]]:
    """The text with the comments added, how many lines changed, and what was skipped."""
    lines = split_lines(text)
    wanted: dict[int, set[str]] = defaultdict(set)
    existing: dict[int, str | None] = {}  # file line -> the comment already on it
    skipped: list[tuple[Finding, str]] = []
    for code, first_line, found in _snippets(text, findings, markdown, skipped):
        layout = _Layout(code)
        if layout.comments is None:
            skipped.extend((finding, "the code cannot be tokenized") for finding in found)
            continue
        snippet_lines = {finding: finding.span.start_line - first_line + 1 for finding in found}
        layout.prepare(
            line for line in snippet_lines.values() if not layout.can_end_in_comment(line)
        )
        for finding, snippet_line in snippet_lines.items():
            line = layout.line_for(snippet_line)
            if line is None:
                skipped.append((finding, "no line of its statement can end in a comment"))
                continue
            file_line = line + first_line - 1
            wanted[file_line].add(finding.code)
            comment = layout.comments.get(line)
            existing[file_line] = comment[1] if comment else None
    changed = 0
    for line, codes in wanted.items():
        edited = _with_codes(lines[line - 1], existing[line], sorted(codes))
        if edited != lines[line - 1]:
            lines[line - 1] = edited
            changed += 1
    new_text = "".join(lines)
    if changed and not _same_programs(text, new_text, markdown):
        return text, 0, [(finding, "the comment would change the code") for finding in findings]
    return new_text, changed, skipped


def _snippets(
    text: str, findings: list[Finding], markdown: bool, skipped: list[tuple[Finding, str]]
) -> Iterator[tuple[str, int, list[Finding]]]:
    """(code, its first line in the file, its findings): the file, or each Markdown block."""
    if not markdown:
        yield text, 1, findings
        return
    blocks = python_blocks(text)
    by_block: dict[int, list[Finding]] = defaultdict(list)
    for finding in findings:
        line = finding.span.start_line
        index = next(
            (
                index
                for index, block in enumerate(blocks)
                if block.first_line <= line < block.first_line + len(split_lines(block.code))
            ),
            None,
        )
        if index is None:
            skipped.append((finding, "not inside a Python block"))
        else:
            by_block[index].append(finding)
    for index, found in sorted(by_block.items()):
        yield blocks[index].code, blocks[index].first_line, found


def _same_programs(before: str, after: str, markdown: bool) -> bool:
    if not markdown:
        return _same_program(before, after)
    old, new = python_blocks(before), python_blocks(after)
    return len(old) == len(new) and all(
        _same_program(first.code, second.code) for first, second in zip(old, new, strict=True)
    )


def _same_program(before: str, after: str) -> bool:
    """Whether both texts have the same syntax tree (a comment is not part of it), or
    neither parses."""
    old, new = parse_python(before), parse_python(after)
    if not isinstance(old, ast.Module):
        return not isinstance(new, ast.Module)
    return isinstance(new, ast.Module) and ast.dump(old) == ast.dump(new)


def _with_codes(line: str, comment: str | None, codes: list[str]) -> str:
    """One line with ``codes`` added to its ``# noqa: ...`` (or a new one)."""
    ending = _LINE_END.search(line)
    assert ending is not None
    content, newline = line[: ending.start()], ending.group(1) or ""
    column = content.rfind(comment) if comment else -1
    if comment is not None and column >= 0:
        if _BARE_NOQA.search(comment):
            return line  # a bare noqa comment already silences everything
        existing = _NOQA_CODES.search(comment)
        if existing is not None:
            present = {
                code.upper() for code in re.findall(r"[A-Z]+[0-9]+", existing.group(0), re.I)
            }
            missing = [code for code in codes if code not in present]
            if not missing:
                return line
            merged = (
                comment[: existing.end()] + ", " + ", ".join(missing) + comment[existing.end() :]
            )
            return content[:column] + merged.rstrip() + newline
    return content + "  # noqa: " + ", ".join(codes) + newline


class _Layout:
    """Which lines can end in a comment, their comments, and each line's statement."""

    def __init__(self, text: str) -> None:
        self._text = text
        self.comments: dict[int, tuple[int, str]] | None = {}
        self._open_ends: set[int] = set()
        readline = iter(split_lines(text)).__next__
        try:
            for token in tokenize.generate_tokens(readline):
                if token.type == tokenize.COMMENT:
                    self.comments[token.start[0]] = (token.start[1], token.string)
                elif token.type in (tokenize.NL, tokenize.NEWLINE):
                    self._open_ends.add(token.start[0])
        except (tokenize.TokenError, SyntaxError, IndentationError):
            self.comments = None
        self._statements: dict[int, ast.stmt] = {}

    def line_for(self, line: int) -> int | None:
        """The line to write on for a finding starting on ``line``, if any can take it."""
        if self.can_end_in_comment(line):
            return line
        first = self._statement_start(line)
        if first is not None and self.can_end_in_comment(first):
            return first
        return None

    def prepare(self, lines: Iterable[int]) -> None:
        """Find the statements of these lines (one pass over the tree for all of them)."""
        tree = parse_python(self._text)
        self._statements = innermost_statements(tree, lines) if isinstance(tree, ast.Module) else {}

    def can_end_in_comment(self, line: int) -> bool:
        return line in self._open_ends or (self.comments is not None and line in self.comments)

    def _statement_start(self, line: int) -> int | None:
        statement = self._statements.get(line)
        return statement.lineno if statement is not None else None
