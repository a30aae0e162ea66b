"""One file's inventory from its text: Python, or the Python blocks of a Markdown file."""

from __future__ import annotations

import ast

from concurrency_lint.analysis.tree_walk import walk_visitor
from concurrency_lint.inventory.collector import Collector
from concurrency_lint.inventory.model import FileInventory, Use
from concurrency_lint.inventory.prefilter import may_use_concurrency
from concurrency_lint.model import SYNTAX_ERROR, Finding
from concurrency_lint.sources.markdown import python_blocks
from concurrency_lint.sources.parsing import SnippetOffset, parse_snippet, run_with_deep_stack


def inventory_of_text(path: str, text: str, markdown: bool = False) -> FileInventory:
    """The uses in one file; a file that does not parse is a problem, never an exception."""
    if not markdown and not may_use_concurrency(text):
        return FileInventory(path)
    if not markdown:
        uses, problem = _snippet_uses(path, text, SnippetOffset())
        return FileInventory(path, uses, problem)
    found: list[Use] = []
    problems: list[str] = []  # blocks that do not parse: listed under "files not analysed"
    for block in python_blocks(text):
        offset = SnippetOffset(block.first_line - 1, block.indent)
        if may_use_concurrency(block.code):
            uses, problem = _snippet_uses(path, block.code, offset)
            found.extend(uses)
        else:
            problem = _syntax_problem(block.code, offset)
        if problem is not None:
            problems.append(problem)
    return FileInventory(path, tuple(found), "; ".join(problems) or None)


def _snippet_uses(
    path: str, text: str, offset: SnippetOffset
) -> tuple[tuple[Use, ...], str | None]:
    """Parse and walk on a thread with a deep stack (deeply nested code recurses)."""
    outcome: list[tuple[tuple[Use, ...], str | None]] = []
    run_with_deep_stack(lambda: outcome.append(_guarded_walk(path, text, offset)))
    return outcome[0] if outcome else ((), "internal error: the file could not be analysed")


def _guarded_walk(
    path: str, text: str, offset: SnippetOffset
) -> tuple[tuple[Use, ...], str | None]:
    try:
        return _walk(path, text, offset)
    except Exception as exc:  # a collector bug must not lose the other files
        return (), f"internal error: {type(exc).__name__}: {exc}"


def _walk(path: str, text: str, offset: SnippetOffset) -> tuple[tuple[Use, ...], str | None]:
    module = parse_snippet(path, text, offset)
    if isinstance(module, Finding):
        described = _syntax_problem(text, offset) if module.code == SYNTAX_ERROR[0] else None
        return (), described or f"line {module.span.start_line}: {module.message}"
    collector = Collector(module, offset.lines, offset.columns)
    try:
        walk_visitor(module, collector)
    except RecursionError:
        return (), "too deeply nested to analyse"
    return collector.uses(path), None


def _syntax_problem(text: str, offset: SnippetOffset) -> str | None:
    """The interpreter's own account of a syntax error, which locates it best."""
    try:
        ast.parse(text)
    except SyntaxError as exc:
        return f"line {(exc.lineno or 1) + offset.lines}: {exc.msg}"
    except (RecursionError, MemoryError, ValueError):
        return None
    return None
