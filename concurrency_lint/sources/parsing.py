"""Parsing one snippet of Python with LibCST: on a deep stack, with clear syntax errors.

Shared by the rule pass and the inventory; a text that does not parse becomes a
``CL001 syntax-error`` finding with the interpreter's message and position.
"""

from __future__ import annotations

import ast
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from concurrency_lint.model import SYNTAX_ERROR, Finding, Span
from concurrency_lint.sources.decoding import needs_strict_precheck
from concurrency_lint.sources.syntax_check import (
    MAX_ANALYSABLE_DEPTH,
    SyntaxProblem,
    nesting_depth,
    parse_python,
)

if TYPE_CHECKING:
    import libcst as cst

# Parsing and visiting recurse once per nesting level: give them a deep stack.
_PARSER_STACK_BYTES = 256 * 1024 * 1024
_RECURSION_LIMIT = 20_000
_PARSER_POSITION = re.compile(r"^(?:parser error: )?error at (\d+):(\d+): ")


@dataclass(frozen=True)
class SnippetOffset:
    """Where a parsed snippet sits in its file (Markdown blocks)."""

    lines: int = 0
    columns: int = 0


def run_with_deep_stack(work: Callable[[], None]) -> None:
    """Run ``work`` on a thread with a deep stack (parsing recurses per nesting level)."""
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


def parse_snippet(
    path: str, text: str, offset: SnippetOffset, tree: ast.Module | None = None
) -> cst.Module | Finding:
    """The parsed module, or a CL001 finding saying why the text does not parse.

    ``tree`` is the interpreter's tree of ``text`` when the caller already has it.
    """
    import libcst as cst  # here, not at the top: the screens use this module without it

    if needs_strict_precheck(text):
        tree = parse_python(text) if tree is None else tree
        if isinstance(tree, SyntaxProblem):
            return problem_finding(tree, path, offset)
        depth = nesting_depth(tree)
        if depth > MAX_ANALYSABLE_DEPTH:
            message = f"nests {depth} levels deep, more than can be analysed"
            return engine_finding(SYNTAX_ERROR, f"{message} ({MAX_ANALYSABLE_DEPTH})", path, offset)
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        problem = parse_python(text)  # the interpreter's message and position are clearer
        if isinstance(problem, SyntaxProblem):
            return problem_finding(problem, path, offset)
        message = exc.message.strip().splitlines()[0] if exc.message else "invalid syntax"
        line, column = exc.raw_line, exc.raw_column + 1
        located = _PARSER_POSITION.match(message)
        if located:
            line, column = int(located.group(1)), int(located.group(2))
            message = message[located.end() :]
        return engine_finding(SYNTAX_ERROR, message, path, offset, line=line, column=column)


def problem_finding(
    problem: SyntaxProblem, path: str, offset: SnippetOffset = SnippetOffset()
) -> Finding:
    return engine_finding(
        SYNTAX_ERROR, problem.message, path, offset, line=problem.line, column=problem.column
    )


def engine_finding(
    kind: tuple[str, str],
    message: str,
    path: str,
    offset: SnippetOffset = SnippetOffset(),
    line: int = 1,
    column: int = 1,
) -> Finding:
    line += offset.lines
    column += offset.columns if line > offset.lines else 0
    return Finding(kind[0], kind[1], message, path, Span(line, column, line, column))
