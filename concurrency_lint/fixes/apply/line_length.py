"""Split the lines a fix wrote that are longer than the project's line length.

A long line that holds a call (or a ``from ... import``) written on that one line is
rebuilt with LibCST in black's style: the arguments one per line, indented one level
deeper than the line, with a trailing comma, the closing bracket on a line of its own.
Comprehensions are split like black does (element, then each clause on its own line).
The split repeats while a line it produced is still too long and can be split. Lines
the fix did not write are never touched, nor lines with a directive comment (``noqa``,
``type:``, ``pragma``...) that a split would move, and a split that would not compile is
dropped.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

DEFAULT_LINE_LENGTH = 100
_INDENT = "    "
# Each round splits one level of nesting of every long line; this bounds the work.
_MAX_ROUNDS = 20


def written_lines(before: str, after: str) -> set[int]:
    """1-based numbers of the lines of ``after`` that are not lines of ``before``."""
    matcher = difflib.SequenceMatcher(None, before.split("\n"), after.split("\n"), autojunk=False)
    lines: set[int] = set()
    for tag, _, _, start, end in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            lines.update(range(start + 1, end + 1))
    return lines


def wrap_long_lines(
    before: str, after: str, line_length: int, compiles: Callable[[str], bool]
) -> str:
    """``after`` with the too-long lines it does not share with ``before`` split."""
    text = after
    for _ in range(_MAX_ROUNDS):
        new_text = _split_long_lines(before, text, line_length, compiles)
        if new_text is None:
            return text
        text = new_text
    return text


def _split_long_lines(
    before: str, text: str, line_length: int, compiles: Callable[[str], bool]
) -> str | None:
    """The text with the outermost splittable node of each long written line split (all
    at once when that compiles, else the first that does); None: nothing left to split."""
    lines = text.split("\n")
    long_lines = [
        number
        for number in sorted(written_lines(before, text))
        if len(lines[number - 1]) > line_length
    ]
    if not long_lines:
        return None
    try:
        wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    except (cst.ParserSyntaxError, RecursionError):
        return None
    finder = _SplittableOnLine(set(long_lines))
    wrapper.visit(finder)
    splits: list[dict[int, cst.CSTNode]] = []
    for number in long_lines:
        if _has_directive(lines[number - 1]):
            continue  # splitting would move the comment off the line it speaks of
        indent = _leading_space(lines[number - 1])
        for node in finder.found.get(number, ()):
            split = _split(node, indent)
            if split is not None:
                splits.append({id(node): split})
                break
    if not splits:
        return None
    together = {key: value for split in splits for key, value in split.items()}
    attempts = [together] + (splits if len(splits) > 1 else [])
    for replacements in attempts:
        new_text = wrapper.module.visit(_Replacer(replacements)).code
        if compiles(new_text):
            return new_text
    return None


class _Replacer(cst.CSTTransformer):
    """Replace nodes (by identity) with their split form."""

    def __init__(self, replacements: dict[int, cst.CSTNode]) -> None:
        super().__init__()
        self.replacements = replacements

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        return self.replacements.get(id(original_node), updated_node)


#: Comments that act on their own line (a split would move them to the statement's end).
_LINE_DIRECTIVES = ("noqa", "type:", "pragma", "conclint", "pylint:", "fmt:")


def _has_directive(line: str) -> bool:
    hash_at = line.find("#")
    return hash_at >= 0 and any(word in line[hash_at:].lower() for word in _LINE_DIRECTIVES)


def _leading_space(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


class _SplittableOnLine(cst.CSTVisitor):
    """Calls and parenthesisable imports written on one line, outermost first, by line."""

    METADATA_DEPENDENCIES = (PositionProvider, ParentNodeProvider)

    def __init__(self, lines: set[int]) -> None:
        super().__init__()
        self.lines = lines
        self.found: dict[int, list[cst.CSTNode]] = {}
        self._in_string = 0

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._in_string += 1  # a line break inside an f-string is not valid before 3.12

    def leave_FormattedString(self, original_node: cst.FormattedString) -> None:
        self._in_string -= 1

    def visit_Call(self, node: cst.Call) -> None:
        if node.args and self._in_string == 0:
            self._note(node)

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._note(node)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._note(node)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._note(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not isinstance(node.names, cst.ImportStar) and node.names:
            self._note(node)

    def _note(self, node: cst.CSTNode) -> None:
        if self._in_string:
            return
        position = self.get_metadata(PositionProvider, node)
        if position.start.line == position.end.line and position.start.line in self.lines:
            self.found.setdefault(position.start.line, []).append(node)


def _newline(indent: str) -> cst.ParenthesizedWhitespace:
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(),
        empty_lines=(),
        indent=False,
        last_line=cst.SimpleWhitespace(indent),
    )


def _split(node: cst.CSTNode, indent: str) -> cst.CSTNode | None:
    inner = indent + _INDENT
    if isinstance(node, cst.Call):
        if any(_bare_generator(arg) for arg in node.args):
            return None  # ``f(x for x in y,)`` is not Python
        args = [
            arg.with_changes(
                comma=cst.Comma(
                    whitespace_before=cst.SimpleWhitespace(""),
                    whitespace_after=_newline(indent if index == len(node.args) - 1 else inner),
                ),
                whitespace_after_arg=cst.SimpleWhitespace(""),
            )
            for index, arg in enumerate(node.args)
        ]
        return node.with_changes(args=args, whitespace_before_args=_newline(inner))
    if isinstance(node, (cst.ListComp, cst.SetComp, cst.DictComp)):
        # black: the element, then each ``for`` and ``if`` clause on a line of its own.
        brackets = (
            ("lbracket", "rbracket") if isinstance(node, cst.ListComp) else ("lbrace", "rbrace")
        )
        opening, closing = getattr(node, brackets[0]), getattr(node, brackets[1])
        return node.with_changes(
            for_in=_clauses_on_lines(node.for_in, inner),
            **{
                brackets[0]: opening.with_changes(whitespace_after=_newline(inner)),
                brackets[1]: closing.with_changes(whitespace_before=_newline(indent)),
            },
        )
    if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
        names = [
            alias.with_changes(
                comma=cst.Comma(
                    whitespace_before=cst.SimpleWhitespace(""),
                    whitespace_after=_newline(indent if index == len(node.names) - 1 else inner),
                )
            )
            for index, alias in enumerate(node.names)
        ]
        return node.with_changes(
            names=names,
            lpar=cst.LeftParen(whitespace_after=_newline(inner)),
            rpar=cst.RightParen(),
        )
    return None


def _clauses_on_lines(clause: cst.CompFor, indent: str) -> cst.CompFor:
    inner = clause.inner_for_in
    return clause.with_changes(
        whitespace_before=_newline(indent),
        ifs=[
            condition.with_changes(whitespace_before=_newline(indent)) for condition in clause.ifs
        ],
        inner_for_in=_clauses_on_lines(inner, indent) if inner is not None else None,
    )


def _bare_generator(arg: cst.Arg) -> bool:
    return isinstance(arg.value, cst.GeneratorExp) and not arg.value.lpar
