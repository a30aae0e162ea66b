"""The source text of a replacement node, written where the node it replaces stood."""

from __future__ import annotations

import libcst as cst
from libcst._nodes.internal import CodegenState


def block_indent(lines: list[str], line: int) -> str:
    """The indentation of the block whose statement starts on 1-based ``line``."""
    if not 0 < line <= len(lines):
        return ""
    text = lines[line - 1]
    leading = text[: len(text) - len(text.lstrip(" \t\x0c"))]
    return leading.rsplit("\x0c", 1)[-1]  # a form feed resets the indentation


def node_code(
    module: cst.Module, node: cst.CSTNode | cst.FlattenSentinel[cst.BaseStatement], indent: str
) -> str:
    """``node``'s code inside a block indented by ``indent``.

    ``Module.code_for_node`` writes a node as if at the top level, so continuation lines
    of a multi-line expression (inside brackets) or the body of a compound statement
    would lose the block's indentation. A statement's position leaves out its own
    indentation and the lines before it, so neither is written again; a
    ``FlattenSentinel`` writes several statements where one stood.
    """
    if isinstance(node, cst.FlattenSentinel):
        first, *rest = node.nodes
        return node_code(module, first, indent) + "".join(
            _codegen(module, statement, indent) for statement in rest
        )
    if isinstance(node, cst.BaseSuite):
        return module.code_for_node(node)
    if isinstance(node, cst.BaseStatement) and node.leading_lines:
        node = node.with_changes(leading_lines=())
    code = _codegen(module, node, indent)
    # A statement is written from its first token to the end of its last line.
    return code.removeprefix(indent) if isinstance(node, cst.BaseStatement) else code


def _codegen(module: cst.Module, node: cst.CSTNode, indent: str) -> str:
    state = CodegenState(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        indent_tokens=[indent] if indent else [],
    )
    node._codegen(state)
    return "".join(state.tokens)
