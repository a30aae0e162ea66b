"""Fast read-only walks over LibCST trees.

``node.visit(visitor)`` rebuilds and revalidates every node it passes and calls a hook
for every field of every node, whitespace included. The analysis only reads the tree,
so it follows the fields directly, in the order LibCST's own traversal visits them
(source order), and leaves out whitespace, comments and punctuation unless asked.
"""

from __future__ import annotations

import ast
import dis
import functools
from collections.abc import Callable, Iterator

import libcst as cst

#: Fields that hold only whitespace, comments, brackets and punctuation: no names, no
#: expressions, no statements.
_LAYOUT_FIELDS = frozenset(
    {
        "lpar",
        "rpar",
        "lbracket",
        "rbracket",
        "lbrace",
        "rbrace",
        "comma",
        "semicolon",
        "colon",
        "equal",
        "dot",
        "relative",
        "operator",
        "leading_lines",
        "leading_whitespace",
        "lines_after_decorators",
        "header",
        "footer",
        "newline",
        "trailing_whitespace",
        "asynchronous",
        "first_colon",
        "second_colon",
    }
)

#: Node types that only carry layout: what the lean walks never enter.
LAYOUT_TYPES: frozenset[type[cst.CSTNode]] = frozenset(
    {
        cst.SimpleWhitespace,
        cst.ParenthesizedWhitespace,
        cst.Comment,
        cst.Newline,
        cst.EmptyLine,
        cst.TrailingWhitespace,
        cst.LeftParen,
        cst.RightParen,
        cst.LeftSquareBracket,
        cst.RightSquareBracket,
        cst.LeftCurlyBrace,
        cst.RightCurlyBrace,
        cst.Comma,
        cst.Semicolon,
        cst.Colon,
        cst.AssignEqual,
        cst.Dot,
        cst.Asynchronous,
        *(
            operator
            for base in (
                cst.BaseBinaryOp,
                cst.BaseBooleanOp,
                cst.BaseCompOp,
                cst.BaseUnaryOp,
                cst.BaseAugOp,
            )
            for operator in base.__subclasses__()
        ),
    }
)


class VisitOrderUnavailable(RuntimeError):
    """LibCST's traversal code could not be read, so its visiting order is unknown."""


@functools.cache
def visit_order(node_type: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields LibCST's own traversal visits for ``node_type``, in its order.

    Read from LibCST's ``_visit_and_replace_children`` (its code, not the scanned code),
    so the order always matches the installed LibCST: from its bytecode, in the order it
    runs, and from its source when the bytecode does not read plainly.
    """
    method = node_type._visit_and_replace_children
    order = _bytecode_visit_order(method)
    return order if order is not None else _source_visit_order(node_type, method)


def _bytecode_visit_order(method: Callable[..., object]) -> tuple[str, ...] | None:
    """The field names ``visit_*(self, "field", ...)`` calls pass, in the order they run;
    None unless every such call, and only one code object, names its field plainly."""
    code = getattr(method, "__code__", None)
    if code is None or any(hasattr(constant, "co_code") for constant in code.co_consts):
        return None
    instructions = list(dis.get_instructions(code))
    names = []
    for index, instruction in enumerate(instructions):
        if not (
            instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME")
            and isinstance(instruction.argval, str)
            and instruction.argval.startswith("visit_")
        ):
            continue
        following = instructions[index + 1 : index + 3]
        if (
            len(following) != 2
            or not following[0].opname.startswith("LOAD_FAST")
            or following[1].opname != "LOAD_CONST"
            or not isinstance(following[1].argval, str)
        ):
            return None
        names.append(following[1].argval)
    return tuple(dict.fromkeys(names)) if names else None


def _source_visit_order(
    node_type: type[cst.CSTNode], method: Callable[..., object]
) -> tuple[str, ...]:
    import inspect
    import textwrap

    try:
        source = textwrap.dedent(inspect.getsource(method))
    except (OSError, TypeError) as exc:
        raise VisitOrderUnavailable(f"no source for {node_type.__name__}") from exc
    visits = sorted(
        (call.lineno, call.col_offset, call.args[1].value)
        for call in ast.walk(ast.parse(source))
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id.startswith("visit_")
        and len(call.args) >= 2
        and isinstance(call.args[1], ast.Constant)
        and isinstance(call.args[1].value, str)
    )
    return tuple(dict.fromkeys(name for _line, _column, name in visits))


@functools.cache
def visit_orders_available() -> bool:
    """Whether LibCST's traversal code can be read here (it can, unless stripped)."""
    try:
        visit_order(cst.Module)
    except VisitOrderUnavailable:
        return False
    return True


@functools.cache
def _content_fields(node_type: type[cst.CSTNode]) -> tuple[str, ...]:
    return tuple(
        name
        for name in visit_order(node_type)
        if name not in _LAYOUT_FIELDS and not name.startswith("whitespace")
    )


# What a field's value is to the walks, by its type.
_NOT_A_NODE, _LAYOUT_NODE, _CONTENT_NODE = 1, 2, 3
_NODE_KIND: dict[type, int] = {}


def _kind(value_type: type) -> int:
    kind = _NODE_KIND.get(value_type)
    if kind is None:
        if not issubclass(value_type, cst.CSTNode):
            kind = _NOT_A_NODE
        else:
            kind = _LAYOUT_NODE if value_type in LAYOUT_TYPES else _CONTENT_NODE
        _NODE_KIND[value_type] = kind
    return kind


#: :func:`_content_fields` by node type, read without a call.
_FIELDS: dict[type, tuple[str, ...]] = {}


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The direct children of ``node`` that can hold names, expressions or statements
    (whitespace, comments and punctuation left out), in source order."""
    kind_of = _NODE_KIND.get
    node_type = type(node)
    fields = _FIELDS.get(node_type)
    if fields is None:
        fields = _FIELDS[node_type] = _content_fields(node_type)
    for name in fields:
        value = getattr(node, name)
        value_type = type(value)
        if value_type is tuple or value_type is list:
            for item in value:
                if (kind_of(type(item)) or _kind(type(item))) == _CONTENT_NODE:
                    yield item
        elif (kind_of(value_type) or _kind(value_type)) == _CONTENT_NODE:
            yield value


def descendants(
    root: cst.CSTNode, prune: tuple[type[cst.CSTNode], ...] = ()
) -> Iterator[cst.CSTNode]:
    """``root`` and every node below it; the children of a ``prune`` node below the root
    are not entered (the node itself is yielded). The order is not source order."""
    yield root
    stack = list(children(root))
    pop, push, fields_of, kind_of = stack.pop, stack.append, _FIELDS.get, _NODE_KIND.get
    while stack:
        node = pop()
        yield node
        if prune and isinstance(node, prune):
            continue
        node_type = type(node)
        fields = fields_of(node_type)
        if fields is None:
            fields = _FIELDS[node_type] = _content_fields(node_type)
        for name in fields:  # :func:`children`, inlined: pushed in source order
            value = getattr(node, name)
            value_type = type(value)
            if value_type is tuple or value_type is list:
                for item in value:
                    if (kind_of(type(item)) or _kind(type(item))) == _CONTENT_NODE:
                        push(item)
            elif (kind_of(value_type) or _kind(value_type)) == _CONTENT_NODE:
                push(value)


NodeHook = Callable[[cst.CSTNode], object]
AttributeHook = Callable[[cst.CSTNode, str], object]


def path_to(root: cst.CSTNode, target: cst.CSTNode) -> list[cst.CSTNode] | None:
    """The nodes from ``root`` down to ``target`` (both included), or None if absent."""
    if root is target:
        return [root]
    for child in children(root):
        found = path_to(child, target)
        if found is not None:
            return [root, *found]
    return None


def walk(
    root: cst.CSTNode,
    on_visit: NodeHook,
    on_leave: NodeHook | None = None,
    *,
    include_layout: bool = False,
    attribute_hooks: frozenset[tuple[str, str]] = frozenset(),
    on_visit_attribute: AttributeHook | None = None,
    on_leave_attribute: AttributeHook | None = None,
) -> None:
    """Call ``on_visit`` / ``on_leave`` on ``root`` and the nodes below it in LibCST's
    order; as with LibCST, the children of a node whose ``on_visit`` returns a false
    value are not entered (its ``on_leave`` is still called).

    Layout nodes (whitespace, comments, punctuation) are skipped unless
    ``include_layout``. The attribute hooks are called around the fields named in
    ``attribute_hooks`` as ``(node type name, field)`` pairs, as LibCST's
    ``visit_<Node>_<field>`` hooks are.
    """
    if not visit_orders_available():
        root.visit(
            _HookVisitor(on_visit, on_leave, include_layout, on_visit_attribute, on_leave_attribute)
        )
        return
    if not attribute_hooks:
        _plain_walk(root, on_visit, on_leave, include_layout)
        return
    wanted = _LAYOUT_NODE if include_layout else _CONTENT_NODE  # and any kind above it
    plans = _PLANS.get((include_layout, attribute_hooks))
    if plans is None:
        plans = _PLANS[(include_layout, attribute_hooks)] = {}
    kind_of = _NODE_KIND.get

    def plan(node_type: type[cst.CSTNode]) -> tuple[tuple[str, bool], ...]:
        fields = _walked_fields(node_type, include_layout)
        name = node_type.__name__
        made = tuple((field, (name, field) in attribute_hooks) for field in fields)
        plans[node_type] = made
        return made

    def visit(node: cst.CSTNode) -> None:
        if on_visit(node):
            node_type = type(node)
            fields = plans.get(node_type)
            for field, hooked in plan(node_type) if fields is None else fields:
                if hooked and on_visit_attribute is not None:
                    on_visit_attribute(node, field)
                value = getattr(node, field)
                value_type = type(value)
                if value_type is tuple or value_type is list:
                    for item in value:
                        if (kind_of(type(item)) or _kind(type(item))) >= wanted:
                            visit(item)
                elif (kind_of(value_type) or _kind(value_type)) >= wanted:
                    visit(value)
                if hooked and on_leave_attribute is not None:
                    on_leave_attribute(node, field)
        if on_leave is not None:
            on_leave(node)

    visit(root)


#: The walks' plans (field, hooked) by node type, for each (layout, attribute hooks) asked.
_PLANS: dict[tuple[bool, frozenset[tuple[str, str]]], dict[type, tuple[tuple[str, bool], ...]]] = {}
#: :func:`visit_order` by node type, read without a call (the layout walks' fields).
_ALL_FIELDS: dict[type, tuple[str, ...]] = {}


def _walked_fields(node_type: type[cst.CSTNode], include_layout: bool) -> tuple[str, ...]:
    """The fields a walk follows on ``node_type``, noted for the next walk."""
    if include_layout:
        fields = _ALL_FIELDS[node_type] = visit_order(node_type)
    else:
        fields = _FIELDS[node_type] = _content_fields(node_type)
    return fields


def _plain_walk(
    root: cst.CSTNode, on_visit: NodeHook, on_leave: NodeHook | None, include_layout: bool
) -> None:
    """:func:`walk` without attribute hooks: the same calls, with less to ask per field."""
    wanted = _LAYOUT_NODE if include_layout else _CONTENT_NODE  # and any kind above it
    fields_of = (_ALL_FIELDS if include_layout else _FIELDS).get
    kind_of = _NODE_KIND.get

    def visit(node: cst.CSTNode) -> None:
        if on_visit(node):
            node_type = type(node)
            fields = fields_of(node_type)
            if fields is None:
                fields = _walked_fields(node_type, include_layout)
            for field in fields:
                value = getattr(node, field)
                value_type = type(value)
                if value_type is tuple or value_type is list:
                    for item in value:
                        if (kind_of(type(item)) or _kind(type(item))) >= wanted:
                            visit(item)
                elif (kind_of(value_type) or _kind(value_type)) >= wanted:
                    visit(value)
        if on_leave is not None:
            on_leave(node)

    visit(root)


class _HookVisitor(cst.CSTVisitor):
    """:func:`walk` on LibCST's own traversal, for installs without LibCST's sources."""

    def __init__(
        self,
        on_visit: NodeHook,
        on_leave: NodeHook | None,
        include_layout: bool,
        on_visit_attribute: AttributeHook | None,
        on_leave_attribute: AttributeHook | None,
    ) -> None:
        super().__init__()
        self._on_visit, self._on_leave = on_visit, on_leave
        self._skipped = frozenset() if include_layout else LAYOUT_TYPES
        self._on_visit_attribute = on_visit_attribute
        self._on_leave_attribute = on_leave_attribute

    def on_visit(self, node: cst.CSTNode) -> bool:
        if type(node) in self._skipped:
            return False
        return bool(self._on_visit(node))

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if self._on_leave is not None and type(original_node) not in self._skipped:
            self._on_leave(original_node)

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if self._on_visit_attribute is not None and type(node) not in self._skipped:
            self._on_visit_attribute(node, attribute)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        if self._on_leave_attribute is not None and type(original_node) not in self._skipped:
            self._on_leave_attribute(original_node, attribute)


def walk_visitor(
    root: cst.CSTNode, visitor: cst.CSTVisitor, *, include_layout: bool = False
) -> None:
    """``root.visit(visitor)`` for a visitor that only reads: the same hooks in the same
    order, on :func:`walk`, without LibCST rebuilding the tree.

    Layout nodes are left out unless ``include_layout``: a visitor that looks at
    whitespace, comments or punctuation (``visit_Comment``, ``visit_For_whitespace_after_for``)
    must ask for them. The attribute hooks are the ``visit_<Node>_<field>`` methods the
    visitor's class defines; an ``on_visit_attribute`` override is called for those fields
    only.
    """
    walk(
        root,
        visitor.on_visit,
        visitor.on_leave,
        include_layout=include_layout,
        attribute_hooks=_attribute_hooks(type(visitor)),
        on_visit_attribute=visitor.on_visit_attribute,
        on_leave_attribute=visitor.on_leave_attribute,
    )


@functools.cache
def _attribute_hooks(visitor_type: type[cst.CSTVisitor]) -> frozenset[tuple[str, str]]:
    """The ``(node type, field)`` pairs a visitor class has its own
    ``visit_<Node>_<field>`` / ``leave_<Node>_<field>`` methods for."""
    found = set()
    for name in names_below(visitor_type, cst.CSTVisitor):
        kind, _, rest = name.partition("_")
        node_name, _, field = rest.partition("_")
        if (
            kind in ("visit", "leave")
            and field
            and getattr(visitor_type, name) is not getattr(cst.CSTVisitor, name, None)
        ):
            found.add((node_name, field))
    return frozenset(found)


def names_below(klass: type, base: type) -> list[str]:
    """The attribute names the classes of ``klass``'s MRO that are not ``base`` or one of
    its own bases define, sorted: where ``getattr(klass, name)`` can differ from
    ``getattr(base, name)``. ``dir`` would list LibCST's thousand visitor stubs too."""
    below = set(base.__mro__)
    return sorted({name for owner in klass.__mro__ if owner not in below for name in vars(owner)})
