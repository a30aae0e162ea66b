"""Fix the Python blocks of a Markdown document, writing each back where it sits.

Each ``python`` block is fixed as a file of its own; its fixed lines go back in place of
the block's lines, each with the prefix the block's lines had (list-item indentation,
``>`` quote markers), and the rest of the document stays byte for byte. Interactive
session blocks (``>>>`` prompts) are left alone: their output lines are not code. A
block whose fixes would not compile is left alone by the fix loop, with the reason.
"""

from __future__ import annotations

from concurrency_lint.fixes.apply.line_length import DEFAULT_LINE_LENGTH
from concurrency_lint.fixes.apply.passes import MAX_PASSES, Checker, Refusal, TextFixes, fix_text
from concurrency_lint.model import Finding, Span
from concurrency_lint.sources.markdown import python_blocks


def fix_markdown(
    text: str,
    check: Checker,
    unsafe: bool,
    max_passes: int = MAX_PASSES,
    line_length: int = DEFAULT_LINE_LENGTH,
) -> TextFixes:
    """The document with the fixes of its Python blocks applied (``\\n`` line endings)."""
    lines = text.split("\n")
    applied: list[Finding] = []
    refused: list[Refusal] = []
    remaining: list[Finding] = []
    converged = True
    replacements: list[tuple[int, int, list[str]]] = []
    added_lines = 0  # by the blocks fixed so far: where this block's lines now are
    for block in python_blocks(text):
        code_lines = block.code.split("\n")[:-1]  # the code ends with a line break
        first = block.first_line - 1
        prefix = _common_prefix(lines[first : first + len(code_lines)], code_lines)
        now = block.first_line + added_lines
        if prefix is None:
            remaining.extend(_shifted(f, now, "") for f in check(block.code))
            continue
        outcome = fix_text(block.code, check, unsafe, max_passes, line_length - len(prefix))
        converged = converged and outcome.converged
        applied.extend(_shifted(f, block.first_line, prefix) for f in outcome.applied)
        refused.extend(Refusal(_shifted(r.finding, now, prefix), r.reason) for r in outcome.refused)
        remaining.extend(_shifted(f, now, prefix) for f in outcome.remaining)
        if outcome.changed:
            new_lines = [
                (prefix + line) if line else prefix.rstrip()
                for line in outcome.text.split("\n")[:-1]
            ]
            replacements.append((first, first + len(code_lines), new_lines))
            added_lines += len(new_lines) - len(code_lines)
    for start, end, new_lines in reversed(replacements):
        lines[start:end] = new_lines
    return TextFixes(
        text, "\n".join(lines), tuple(applied), tuple(refused), tuple(remaining), converged
    )


def _common_prefix(document_lines: list[str], code_lines: list[str]) -> str | None:
    """What precedes the code on each line of the block (one string for all of them);
    None when the lines differ in it or it holds session prompts."""
    if len(document_lines) < len(code_lines):
        return None
    prefixes = set()
    for document_line, code_line in zip(document_lines, code_lines, strict=True):
        if not code_line:
            continue  # a blank code line: its prefix may have lost trailing spaces
        if not document_line.endswith(code_line):
            return None
        prefixes.add(document_line[: len(document_line) - len(code_line)])
    if len(prefixes) > 1:
        return None
    prefix = prefixes.pop() if prefixes else ""
    if ">>>" in prefix or "..." in prefix:
        return None
    return prefix


def _shifted(finding: Finding, first_line: int, prefix: str) -> Finding:
    """The finding at its place in the document."""
    span = finding.span
    moved = Span(
        span.start_line + first_line - 1,
        span.start_col + len(prefix),
        span.end_line + first_line - 1,
        span.end_col + len(prefix),
    )
    return finding._replace(span=moved, fix=None)
