"""The verdict on one snippet of Python, and its LibCST parse on a deep stack.

Shared by the rule pass and the inventory. A text invalid for the target version becomes
a ``CL001 syntax-error`` finding with the interpreter's message and position; valid text
that cannot be analysed within the budgets (size, line length, nesting) a ``CL002``.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from concurrency_lint.config import DEFAULT_MAX_FILE_SIZE
from concurrency_lint.model import SYNTAX_ERROR, UNREADABLE_FILE, Finding, Span
from concurrency_lint.sources.decoding import needs_strict_precheck
from concurrency_lint.sources.lazy_pattern import LazyPattern
from concurrency_lint.sources.syntax_check import (
    MAX_ANALYSABLE_DEPTH,
    RUNNING_PYTHON,
    SyntaxProblem,
    may_be_newer_syntax,
    nesting_depth,
    parse_python,
)

if TYPE_CHECKING:
    import libcst as cst

# Parsing and visiting recurse once per nesting level: give them a deep stack.
_PARSER_STACK_BYTES = 256 * 1024 * 1024
_RECURSION_LIMIT = 20_000
#: LibCST needs seconds and hundreds of megabytes per megabyte: more text than this
#: (after a large module is pruned to what rules look at) is reported, not parsed.
MAX_ANALYSED_CHARS = 1024 * 1024
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PARSER_POSITION = LazyPattern(r"^(?:parser error: )?error at (\d+):(\d+): ")


class SnippetOffset(NamedTuple):
    """Where a parsed snippet sits in its file (Markdown blocks)."""

    lines: int = 0
    columns: int = 0


#: A snippet that is the whole file.
NO_OFFSET = SnippetOffset()


def run_with_deep_stack(work: Callable[[], None]) -> None:
    """Run ``work`` on a thread with a deep stack (parsing recurses per nesting level)."""
    import threading  # only for a text that may nest deeply

    # The limit is the interpreter's, not the thread's: raised only while the deep stack
    # runs, so code on the calling thread's ordinary stack never recurses that deep.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _RECURSION_LIMIT))
    try:
        previous = threading.stack_size(_PARSER_STACK_BYTES)
        try:
            # A daemon: Ctrl-C during a long parse must not wait for it to finish.
            thread = threading.Thread(target=work, name="conclint-parse", daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)
        thread.join()
    finally:
        sys.setrecursionlimit(limit)


class SourceVerdict(NamedTuple):
    """Whether a text is analysed: the trees that say yes, or the finding that says no.

    One verdict per text, whichever rules are enabled or triggered: the interpreter's
    parser for the target version decides, LibCST only where the target is newer than the
    interpreter running the check.
    """

    tree: ast.Module | None = None  # the interpreter's tree
    module: cst.Module | None = None  # LibCST's module, when the verdict needed it
    finding: Finding | None = None  # why the text is not analysed (CL001 / CL002)


def judge_source(
    path: str,
    text: str,
    offset: SnippetOffset = NO_OFFSET,
    target: tuple[int, int] | None = None,
    max_size: int | None = None,
) -> SourceVerdict:
    """The verdict on one text: too large, not valid for ``target``, too deep, or valid."""
    if max_size is not None:
        too_large = size_finding(path, text, max_size, offset)
        if too_large is not None:
            return SourceVerdict(finding=too_large)
    parsed = parse_python(text, target)
    if not isinstance(parsed, SyntaxProblem):
        return SourceVerdict(tree=parsed)
    if not may_be_newer_syntax(parsed, target):
        return SourceVerdict(finding=problem_finding(parsed, path, offset))
    # Maybe syntax newer than this interpreter: LibCST may know it, if it can be given
    # the text safely (no tree to measure its nesting, so the text screen decides).
    if len(text) > MAX_ANALYSED_CHARS or needs_strict_precheck(text):
        running = ".".join(map(str, RUNNING_PYTHON))
        message = (
            f"not analysed: Python {running} cannot parse it ({parsed.message}, line "
            f"{parsed.line}), and it is too large or nested for the check of newer syntax"
        )
        return SourceVerdict(finding=engine_finding(UNREADABLE_FILE, message, path, offset))
    import libcst as cst  # here, not at the top: the screens use this module without it

    try:
        return SourceVerdict(module=cst.parse_module(text))
    except cst.ParserSyntaxError:
        return SourceVerdict(finding=problem_finding(parsed, path, offset))


def _analysis_budget_finding(
    path: str, text: str, offset: SnippetOffset, tree: ast.Module | None
) -> Finding | None:
    """CL002 for a valid text LibCST cannot parse within its budget: too long (after
    pruning) or nesting too deep (LibCST's cost grows with the cube of the depth)."""
    if len(text) > MAX_ANALYSED_CHARS:
        message = (
            f"file too large to analyse ({_megabytes(len(text))} of statements to analyse "
            f"> {_megabytes(MAX_ANALYSED_CHARS)})"
        )
        return engine_finding(UNREADABLE_FILE, message, path, offset)
    if needs_strict_precheck(text):
        parsed = parse_python(text) if tree is None else tree
        if isinstance(parsed, SyntaxProblem):  # pragma: no cover - judged valid before
            return problem_finding(parsed, path, offset)
        depth = nesting_depth(parsed)
        if depth > MAX_ANALYSABLE_DEPTH:
            message = f"nests {depth} levels deep, more than can be analysed"
            return engine_finding(
                UNREADABLE_FILE, f"{message} ({MAX_ANALYSABLE_DEPTH})", path, offset
            )
    return None


def size_finding(
    path: str, text: str, max_size: int, offset: SnippetOffset = NO_OFFSET
) -> Finding | None:
    """CL002 for a text over the size budget, or with a line no pruning can cut down to
    what LibCST parses in reasonable time; measured on the text alone, before any parse."""
    size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
    if size > max_size:
        message = (
            f"file too large to analyse ({_megabytes(size)} > {_megabytes(max_size)}, "
            "the `max-file-size` limit)"
        )
        return engine_finding(UNREADABLE_FILE, message, path, offset)
    if len(text) > MAX_ANALYSED_CHARS:
        longest = max(map(len, _LINE_BREAK.split(text)))
        if longest > MAX_ANALYSED_CHARS:
            message = (
                f"file too large to analyse (a line of {_megabytes(longest)} "
                f"> {_megabytes(MAX_ANALYSED_CHARS)})"
            )
            return engine_finding(UNREADABLE_FILE, message, path, offset)
    return None


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def parse_snippet(
    path: str,
    text: str,
    offset: SnippetOffset,
    judged: bool = False,
    target: tuple[int, int] | None = None,
    tree: ast.Module | None = None,
    max_size: int = DEFAULT_MAX_FILE_SIZE,
) -> cst.Module | Finding:
    """The parsed module, or a finding saying why the text is not analysed.

    ``judged`` says the caller already has the text's :func:`judge_source` verdict (and
    it was valid), ``tree`` the interpreter's tree of exactly ``text`` if it has one;
    otherwise the text is judged here first.
    """
    if not judged:
        verdict = judge_source(path, text, offset, target, max_size)
        if verdict.finding is not None:
            return verdict.finding
        if verdict.module is not None:
            return verdict.module
        tree = verdict.tree
    too_large = _analysis_budget_finding(path, text, offset, tree)
    if too_large is not None:
        return too_large
    import libcst as cst  # here, not at the top: the screens use this module without it

    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        # Valid Python (the interpreter parsed it) in a syntax LibCST does not know:
        # the file is not analysed, and that is no syntax error.
        message = exc.message.strip().splitlines()[0] if exc.message else "invalid syntax"
        located = _PARSER_POSITION.match(message)
        if located:
            message = message[located.end() :]
        return engine_finding(
            UNREADABLE_FILE,
            f"valid Python that the analysis cannot parse yet (LibCST: {message})",
            path,
            offset,
        )


def problem_finding(
    problem: SyntaxProblem, path: str, offset: SnippetOffset = NO_OFFSET
) -> Finding:
    return engine_finding(
        SYNTAX_ERROR, problem.message, path, offset, line=problem.line, column=problem.column
    )


def engine_finding(
    kind: tuple[str, str],
    message: str,
    path: str,
    offset: SnippetOffset = NO_OFFSET,
    line: int = 1,
    column: int = 1,
) -> Finding:
    line += offset.lines
    column += offset.columns if line > offset.lines else 0
    return Finding(kind[0], kind[1], message, path, Span(line, column, line, column))
