"""Where the reported nodes are: their positions, without generating the whole module.

LibCST's PositionProvider records every node's position while it generates the module's
code, which costs more than the parse on a big module. Here only the statements that
hold a reported node are generated (the statement of a function's or a class's body
that holds it, not the whole definition), each starting on the line the interpreter's
parse gives it, and only the nodes inside the reported ones record a position. A statement's generated code is compared
with the source at that line: any doubt (no interpreter tree, a statement the two parses
count differently, code that does not match) falls back to generating the whole module,
so the positions are always the ones the whole module's code generation gives.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider
from libcst.metadata.position_provider import NEWLINE_RE

from concurrency_lint.analysis.tree_walk import children, descendants
from concurrency_lint.sources.lines import line_starts

#: The interpreter's statement types a LibCST compound statement can stand for.
_COMPOUND_KINDS: dict[type[cst.CSTNode], tuple[type[ast.stmt], ...]] = {
    cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef),
    cst.ClassDef: (ast.ClassDef,),
    cst.If: (ast.If,),
    cst.For: (ast.For, ast.AsyncFor),
    cst.While: (ast.While,),
    cst.With: (ast.With, ast.AsyncWith),
    cst.Try: (ast.Try,),
}


def positions_of(
    module: cst.Module, needed: set[cst.CSTNode], text: str, tree: ast.Module | None
) -> Mapping[cst.CSTNode, CodeRange]:
    """The positions of ``needed`` and of the nodes under them (``tree`` is the
    interpreter's parse of ``text``, the source of ``module``, when known)."""
    if tree is not None and needed:
        try:
            found = _statement_positions(module, needed, text, tree)
        except (AttributeError, KeyError, IndexError):  # a LibCST whose code generation changed
            found = None
        if found is not None:
            return found
    return _whole_module_positions(module, needed)


def _statement_positions(
    module: cst.Module, needed: set[cst.CSTNode], text: str, tree: ast.Module
) -> dict[cst.CSTNode, CodeRange] | None:
    """The positions from the statements holding ``needed`` alone, or None when in doubt."""
    roots: list[tuple[cst.BaseStatement, ast.stmt, tuple[str, ...]]] = []
    if needed & {module} or not _find_roots(module.body, tree.body, needed, (), module, roots):
        return None
    starts = line_starts(text)
    positions: dict[cst.CSTNode, CodeRange] = {}
    for statement, interpreted, indents in roots:
        state = _PositionsOf(module, needed, indents, root=statement)
        statement._codegen(state)
        own = state.root_start
        if own is None:
            return None
        first_line = interpreted.lineno - own.line + 1  # the line its code starts on
        if own.column != interpreted.col_offset or not 1 <= first_line < len(starts):
            return None
        code = "".join(state.tokens)
        begin = starts[first_line]
        if not text.startswith(code, begin) and not _ends_module(text, begin, code):
            return None
        for node, where in state.positions.items():
            if node not in positions:  # the first place a node is generated, as in the module
                positions[node] = _shifted(where, first_line - 1)
    if not needed.issubset(positions):
        return None
    return positions


def _find_roots(
    body: tuple[cst.BaseStatement, ...] | list[cst.BaseStatement],
    interpreted: list[ast.stmt],
    needed: set[cst.CSTNode],
    indents: tuple[str, ...],
    module: cst.Module,
    roots: list[tuple[cst.BaseStatement, ast.stmt, tuple[str, ...]]],
) -> bool:
    """Add the statements of ``body`` that hold needed nodes (a class or function whose
    body alone holds them is entered instead); False when the two parses do not line up."""
    index = 0
    for statement in body:
        if index >= len(interpreted):
            return False
        counterpart = interpreted[index]
        if isinstance(statement, cst.SimpleStatementLine):
            index += len(statement.body)
        else:
            kinds = _COMPOUND_KINDS.get(type(statement), ())
            if kinds and not isinstance(counterpart, kinds):
                return False
            index += 1
        if isinstance(statement, (cst.ClassDef, cst.FunctionDef)):
            if statement.name.value != getattr(counterpart, "name", None):
                return False
            block = statement.body
            if isinstance(block, cst.IndentedBlock) and _only_body_needed(statement, needed):
                inner = (*indents, module.default_indent if block.indent is None else block.indent)
                if not _find_roots(block.body, counterpart.body, needed, inner, module, roots):
                    return False
                continue
        if any(node in needed for node in descendants(statement)):
            roots.append((statement, counterpart, indents))
    return index == len(interpreted)


def _only_body_needed(statement: cst.ClassDef | cst.FunctionDef, needed: set[cst.CSTNode]) -> bool:
    """Whether the needed nodes under a class or function are all statements of its body
    (or under them): then those statements are generated alone, not the whole definition."""
    block = statement.body
    return (
        statement not in needed
        and block not in needed
        and not any(
            node in needed
            for child in children(statement)
            if child is not block
            for node in descendants(child)
        )
    )


def _ends_module(text: str, begin: int, code: str) -> bool:
    """Whether ``code`` is the module's last statement with the final line break the
    module lacks (LibCST drops it when generating the whole module)."""
    return any(code == text[begin:] + ending for ending in ("\n", "\r\n", "\r"))


def _shifted(where: CodeRange, lines: int) -> CodeRange:
    start, end = where.start, where.end
    return CodeRange(
        CodePosition(start.line + lines, start.column), CodePosition(end.line + lines, end.column)
    )


def _whole_module_positions(
    module: cst.Module, needed: set[cst.CSTNode]
) -> Mapping[cst.CSTNode, CodeRange]:
    """The positions of ``needed`` and of the nodes under them, from the whole module.

    LibCST's PositionProvider records every node's position while it generates the
    module's code, which costs more than the parse on a big module. The same code
    generation here records only inside the needed nodes, and counts lines and columns
    only when it records: the same positions, for a fraction of the cost.
    """
    state = _PositionsOf(module, needed)
    try:
        module._codegen(state)
    except (AttributeError, KeyError):  # a LibCST whose code generation changed
        return _all_positions(module)
    if not needed.issubset(state.positions):
        return _all_positions(module)
    return state.positions


class _PositionsOf(CodegenState):
    """Code generation that records positions inside chosen nodes only, as LibCST's
    ``PositionProvidingCodegenState`` records them everywhere."""

    def __init__(
        self,
        module: cst.Module,
        wanted: set[cst.CSTNode],
        indents: tuple[str, ...] = (),
        root: cst.CSTNode | None = None,
    ) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.indent_tokens.extend(indents)  # the blocks a statement generated alone sits in
        self.positions: dict[cst.CSTNode, CodeRange] = {}
        self._wanted = wanted
        self._root = root  # a statement generated alone: where it starts is recorded
        self.root_start: CodePosition | None = None
        self._inside = 0  # how many wanted nodes the current node is under (itself included)
        self._stack: list[CodePosition] = []
        self._counted = 0  # tokens already counted into the line and column
        self._line = 1
        self._column = 0

    def _here(self) -> CodePosition:
        tokens = self.tokens
        for token in tokens[self._counted :] if self._counted < len(tokens) else ():
            if "\n" in token or "\r" in token:
                segments = NEWLINE_RE.split(token)
                self._line += len(segments) - 1
                self._column = len(segments[-1])
            else:
                self._column += len(token)
        self._counted = len(tokens)
        return CodePosition(self._line, self._column)

    def before_codegen(self, node: cst.CSTNode) -> None:
        if self._inside or node in self._wanted:
            self._inside += 1
            self._stack.append(self._here())

    def after_codegen(self, node: cst.CSTNode) -> None:
        if self._inside:
            start = self._stack.pop()
            if node not in self.positions:  # a syntactic position is already recorded
                self.positions[node] = CodeRange(start, self._here())
            self._inside -= 1

    def pop_trailing_newline(self) -> None:
        self._here()  # count what was generated before a token goes
        super().pop_trailing_newline()
        self._counted = min(self._counted, len(self.tokens))

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        if not self._inside:
            if node is self._root:
                self.root_start = self._here()
            yield
            return
        start = self._here()
        if node is self._root:
            self.root_start = start
        try:
            yield
        finally:
            end = self._here()
            start = self.positions[start_node].start if start_node is not None else start
            end = self.positions[end_node].end if end_node is not None else end
            self.positions[node] = CodeRange(start, end)


def _all_positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """Every node's position: one code generation of the module, without the walk of the
    whole tree that ``MetadataWrapper.resolve`` adds for batchable providers (none here)."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    try:
        return PositionProvider()._gen(wrapper)
    except AttributeError:  # a LibCST without this hook: the public way
        return wrapper.resolve(PositionProvider)
