"""``# noqa``, ``# conclint: ignore[...]`` and ``# conclint: ignore-file`` comments.

Only real comments count: text that looks like a suppression inside a string does not
suppress anything. A suppression names codes (``# noqa: CL201``) or none (``# noqa``,
``# conclint: ignore``: every code). A code of ruff or flake8-async that overlaps a
conclint rule (``# noqa: ASYNC230``, see :mod:`concurrency_lint.knowledge.ruff_overlaps`)
silences that rule's finding on the line too. :class:`SuppressionLedger` answers
"is this finding suppressed?" and remembers which codes were used, so unused ones can be
reported.
"""

from __future__ import annotations

import bisect
import re
from functools import cache
from typing import NamedTuple

from concurrency_lint.knowledge.ruff_overlaps import OVERLAPS
from concurrency_lint.sources.lazy_pattern import LazyPattern
from concurrency_lint.sources.lines import split_lines

_NOQA = LazyPattern(
    r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:(?:\s*,\s*|\s+)[A-Z]+[0-9]+)*))?", re.I
)
_IGNORE = LazyPattern(r"#\s*conclint:\s*ignore(?:\[(?P<codes>[^\]]*)\])?(?!-)", re.I)
_IGNORE_FILE = LazyPattern(r"#\s*conclint:\s*ignore-file\b", re.I)
_CODE_SPLIT = LazyPattern(r"[\s,]+")

#: A suppression token that means "every code".
EVERY_CODE = "*"


class Directive(NamedTuple):
    """One suppression comment: ``# noqa[: codes]`` or ``# conclint: ignore[[codes]]``."""

    line: int  # 1-based
    column: int  # 1-based column of the ``#``
    kind: str  # "noqa" or "ignore"
    codes: tuple[str, ...]  # upper-case; empty: every code
    end_column: int = 0  # 1-based column just after the directive's text
    #: Written as if it listed codes (a colon after noqa, ``ignore[]``, an unclosed
    #: ``ignore[CL201``) but lists none that can be read: it silences every code.
    malformed: bool = False

    @property
    def spelling(self) -> str:
        """How the directive reads, for messages."""
        if self.kind == "noqa":
            return "# noqa" + (": " + ", ".join(self.codes) if self.codes else "")
        return "# conclint: ignore" + (f"[{', '.join(self.codes)}]" if self.codes else "")

    def token_for(self, code: str) -> str | None:
        """The token of this directive that suppresses ``code`` (None: it does not)."""
        if not self.codes:
            return EVERY_CODE
        if code in self.codes:
            return code
        for listed in self.codes:
            if listed in overlapping_codes(code):
                return listed
        return None


class MisplacedIgnoreFile(NamedTuple):
    """A ``# conclint: ignore-file`` comment where it cannot take effect."""

    line: int
    column: int


@cache
def overlapping_codes(code: str) -> frozenset[str]:
    """The ruff / flake8-async codes whose suppression also silences ``code``."""
    return frozenset(overlap.code for overlap in OVERLAPS.get(code, ()))


def _directives_in(comment: str, line: int, column: int) -> list[Directive]:
    found = []
    for pattern, kind in ((_NOQA, "noqa"), (_IGNORE, "ignore")):
        for match in pattern.finditer(comment):
            listed = match.group("codes") or ""
            codes = tuple(code.upper() for code in _CODE_SPLIT.split(listed.strip()) if code)
            after = comment[match.end() :].lstrip()
            malformed = not codes and (
                (kind == "noqa" and after.startswith(":"))
                or (kind == "ignore" and (match.group("codes") is not None or after[:1] == "["))
            )
            found.append(
                Directive(
                    line,
                    column + match.start() + 1,
                    kind,
                    codes,
                    column + match.end() + 1,
                    malformed,
                )
            )
    return sorted(found, key=lambda directive: directive.column)


def _could_hold_directive(line: str) -> bool:
    lowered = line.lower()
    return "#" in line and ("noqa" in lowered or "conclint" in lowered)


#: Comments and string literals (their prefixes do not change where they end), matched
#: in one pass: a ``#`` inside a string is no comment. Simpler than the tokenizer and
#: eight times faster on 3.11; an f-string nesting its own quote (3.12) may hide a
#: comment after it on the same line.
_LEXEME = LazyPattern(
    r"""
    (?P<comment>\#[^\r\n]*)
    | (?: \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        | '\''(?:[^'\\]|\\.|'(?!''))*'\''
        | "(?:[^"\\\r\n]|\\.)*"
        | '(?:[^'\\\r\n]|\\.)*'
      )
    """,
    re.X | re.S,
)


def may_hold_directives(text: str) -> bool:
    """A cheap first look: whether ``noqa`` or ``conclint`` occurs at all."""
    lowered = text.lower()
    return "noqa" in lowered or "conclint" in lowered


def comments(text: str) -> dict[int, tuple[int, str]]:
    """Line -> (0-based column, text) of each comment that may hold a directive."""
    if not may_hold_directives(text):
        return {}
    starts = [0]
    for line in split_lines(text):
        starts.append(starts[-1] + len(line))
    found: dict[int, tuple[int, str]] = {}
    for match in _LEXEME.finditer(text):
        comment = match.group("comment")
        if comment is not None and _could_hold_directive(comment):
            line = bisect.bisect_right(starts, match.start())
            found[line] = (match.start() - starts[line - 1], comment)
    return found


def directives(text: str) -> dict[int, tuple[Directive, ...]]:
    """Every suppression directive of a snippet, by 1-based line."""
    by_line: dict[int, tuple[Directive, ...]] = {}
    for number, (column, comment) in comments(text).items():
        listed = _directives_in(comment, number, column)
        if listed:
            by_line[number] = tuple(listed)
    return by_line


class SuppressionLedger:
    """The directives of one snippet, and which of their codes suppressed something."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._by_line: dict[int, tuple[Directive, ...]] | None = None
        #: (line, token) pairs that suppressed a finding; token ``*`` for a bare directive.
        self.used: set[tuple[int, str]] = set()

    @property
    def by_line(self) -> dict[int, tuple[Directive, ...]]:
        if self._by_line is None:
            self._by_line = directives(self._text)
        return self._by_line

    def suppresses(
        self, code: str, line_numbers: tuple[int, ...], explicit_only: bool = False
    ) -> bool:
        """Whether a directive on one of the lines silences ``code``; records the use.

        ``explicit_only``: only a directive naming ``code`` counts (a bare ``# noqa``
        cannot hide the report that it is itself unused).
        """
        if not self.by_line:
            return False
        for number in line_numbers:
            for directive in self.by_line.get(number, ()):
                token = directive.token_for(code)
                if token is not None and not (explicit_only and token == EVERY_CODE):
                    self.used.add((number, token))
                    return True
        return False


def ignores_whole_file(text: str) -> bool:
    """``# conclint: ignore-file`` in the leading comments, or right after the docstring."""
    if "ignore-file" not in text:
        return False
    return _leading_ignore_file(text) is not None


def _leading_ignore_file(text: str) -> int | None:
    """The line of an effective ``ignore-file`` comment, or None."""
    import tokenize  # only for a text that names ``ignore-file``

    seen_docstring = False
    readline = iter(split_lines(text)).__next__
    try:
        for token in tokenize.generate_tokens(readline):
            kind = token.type
            if kind == tokenize.COMMENT:
                if _IGNORE_FILE.search(token.string):
                    return token.start[0]
            elif kind in (tokenize.NL, tokenize.NEWLINE, tokenize.ENCODING):
                continue
            elif kind == tokenize.STRING and not seen_docstring:
                seen_docstring = True
            elif kind in (tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT):
                return None
            else:
                return None
    except (tokenize.TokenError, SyntaxError, StopIteration, IndentationError):
        return _leading_ignore_file_by_lines(text)
    return None


def _leading_ignore_file_by_lines(text: str) -> int | None:
    """The same question for text that does not tokenize: comment lines before code."""
    for number, line in enumerate(split_lines(text), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            return None
        if _IGNORE_FILE.search(stripped):
            return number
    return None


def misplaced_ignore_file(text: str) -> list[MisplacedIgnoreFile]:
    """``# conclint: ignore-file`` comments that come too late to take effect."""
    if "ignore-file" not in text:
        return []
    found = comments(text)
    if not found:
        return []
    effective = _leading_ignore_file(text)
    return [
        MisplacedIgnoreFile(number, column + match.start() + 1)
        for number, (column, comment) in sorted(found.items())
        if number != effective
        for match in [_IGNORE_FILE.search(comment)]
        if match
    ]
