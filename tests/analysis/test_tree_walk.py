"""The fast read-only walks: same nodes, same order as LibCST's traversal, layout left
out, pruning, attribute hooks."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst as cst
import pytest

from concurrency_lint.analysis import tree_walk
from concurrency_lint.analysis.tree_walk import (
    LAYOUT_TYPES,
    _attribute_hooks,
    children,
    descendants,
    names_below,
    visit_order,
    walk,
    walk_visitor,
)

CODE = "def f(a, b=g(1)):\n    return [x.y for x in a] + h(b, key=lambda k: k)\n"


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: list[str] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node.value)


def test_every_name_a_visitor_sees_is_walked() -> None:
    module = cst.parse_module(CODE)
    visitor = _Names()
    module.visit(visitor)
    walked = [node.value for node in descendants(module) if isinstance(node, cst.Name)]
    assert sorted(walked) == sorted(visitor.names)


def test_layout_is_not_walked() -> None:
    call = cst.parse_expression("f( a ,b )")
    assert [type(child) for child in children(call)] == [cst.Name, cst.Arg, cst.Arg]


def test_pruned_nodes_are_yielded_but_not_entered() -> None:
    module = cst.parse_module(CODE)
    walked = list(descendants(module, prune=(cst.Lambda,)))
    assert any(isinstance(node, cst.Lambda) for node in walked)
    assert "k" not in {node.value for node in walked if isinstance(node, cst.Name)}


# ---- walk: LibCST's order, without rebuilding the tree ------------------------------------

VARIED = """\
import os, sys as system
from a.b import (c as d, e)
from . import f

@decorator(1)
@other
class C(Base, metaclass=Meta):
    x: int = 1

    async def m(self, /, a, *args, b=2, **kw) -> "C":
        async with open(a) as h, ctx():
            async for item in h:
                await item
        return [y async for y in aiter(a) if y]

try:
    value = {k: v for k, v in items() if k}[1:2:3]
except (ValueError, TypeError) as exc:
    raise RuntimeError(f"{exc!r:>{width}}") from exc
else:
    result = (lambda q=1: q)(value) if value else None
finally:
    del value
try:
    pass
except* OSError:
    pass

match command:
    case {"go": [x, *rest]} if x > 0:
        print(x, *rest, sep="-")
    case Point(x=0) | None:
        pass

type Alias[T] = list[T]
while (n := next(it, None)) is not None:
    total += n; total -= 1
global g  # a comment
with a as (b, c): yield_ = not b
"""


def _libcst_events(module: cst.Module, include_layout: bool) -> list[tuple[str, str]]:
    events: list[tuple[str, str]] = []

    class Recorder(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if not include_layout and type(node) in LAYOUT_TYPES:
                return False
            events.append(("enter", type(node).__name__))
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            if include_layout or type(original_node) not in LAYOUT_TYPES:
                events.append(("leave", type(original_node).__name__))

    module.visit(Recorder())
    return events


def _walk_events(module: cst.Module, include_layout: bool) -> list[tuple[str, str]]:
    events: list[tuple[str, str]] = []
    walk(
        module,
        lambda node: events.append(("enter", type(node).__name__)) or True,
        lambda node: events.append(("leave", type(node).__name__)),
        include_layout=include_layout,
    )
    return events


def _modules() -> list[cst.Module]:
    modules = [cst.parse_module(VARIED)]
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    sources = sorted((Path(__file__).parents[2] / "fixtures").rglob("*.py"))
    sources += [stdlib / "argparse.py", stdlib / "asyncio" / "tasks.py", stdlib / "ftplib.py"]
    for path in sources:
        try:
            modules.append(cst.parse_module(path.read_bytes()))
        except (cst.ParserSyntaxError, UnicodeDecodeError):  # the bad-input fixtures
            continue
    return modules


@pytest.mark.parametrize("include_layout", [False, True])
def test_walk_meets_the_nodes_libcst_meets_in_the_same_order(include_layout: bool) -> None:
    modules = _modules()
    assert len(modules) > 40
    for module in modules:
        expected = _libcst_events(module, include_layout)
        assert _walk_events(module, include_layout) == expected
        assert len(expected) > 10


def test_without_layout_no_whitespace_comment_or_punctuation_is_met() -> None:
    module = cst.parse_module(VARIED)
    met = {name for _event, name in _walk_events(module, include_layout=False)}
    assert met.isdisjoint(kind.__name__ for kind in LAYOUT_TYPES)
    assert {"Comment", "Comma", "SimpleWhitespace"} <= {
        name for _event, name in _walk_events(module, include_layout=True)
    }


def test_children_come_in_source_order() -> None:
    function = cst.parse_statement("@d\ndef f(a) -> r:\n    pass\n")
    assert [type(child) for child in children(function)] == [
        cst.Decorator,
        cst.Name,
        cst.Parameters,
        cst.Annotation,
        cst.IndentedBlock,
    ]


def test_a_false_visit_skips_the_children_but_not_the_leave() -> None:
    module = cst.parse_module("f(g(1))\nh()\n")
    entered: list[str] = []
    left: list[str] = []

    def enter(node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Call):
            entered.append(cst.Module([]).code_for_node(node.func))
            return False
        return True

    walk(module, enter, lambda node: left.append(type(node).__name__))
    assert entered == ["f", "h"]
    assert left.count("Call") == 2
    assert "Integer" not in left


def test_attribute_hooks_wrap_the_named_field_only() -> None:
    module = cst.parse_module("try:\n    a()\nexcept E:\n    b()\n")
    events: list[str] = []

    def enter(node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Call):
            events.append(cst.Module([]).code_for_node(node.func))
        return True

    walk(
        module,
        enter,
        attribute_hooks=frozenset({("Try", "body")}),
        on_visit_attribute=lambda node, field: events.append(f"enter {field}"),
        on_leave_attribute=lambda node, field: events.append(f"leave {field}"),
    )
    assert events == ["enter body", "a", "leave body", "b"]


def test_without_libcst_sources_the_walk_uses_libcst_traversal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = cst.parse_module(VARIED)
    expected = _walk_events(module, include_layout=False)
    monkeypatch.setattr(tree_walk, "visit_orders_available", lambda: False)
    assert _walk_events(module, include_layout=False) == expected
    assert _walk_events(module, include_layout=True) == _libcst_events(module, True)


def test_the_visit_order_is_read_from_libcst() -> None:
    assert visit_order(cst.IfExp).index("body") < visit_order(cst.IfExp).index("test")
    assert visit_order(cst.FunctionDef)[:2] == ("leading_lines", "decorators")


class _Recording(cst.CSTVisitor):
    """Records its hooks: node visits, a pruning visit and attribute hooks."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[str] = []

    def visit_Call(self, node: cst.Call) -> bool:
        self.events.append(f"call {cst.Module([]).code_for_node(node.func)}")
        return not isinstance(node.func, cst.Name) or node.func.value != "print"

    def leave_Name(self, original_node: cst.Name) -> None:
        self.events.append(f"name {original_node.value}")

    def visit_Try_body(self, node: cst.Try) -> None:
        self.events.append("try body")

    def leave_Try_body(self, node: cst.Try) -> None:
        self.events.append("try body done")


def test_a_reading_visitor_sees_on_the_walk_what_libcst_shows_it() -> None:
    module = cst.parse_module(VARIED + "print(hidden(1))\ntry:\n    a(b)\nexcept E:\n    c()\n")
    by_libcst, by_walk = _Recording(), _Recording()
    module.visit(by_libcst)
    walk_visitor(module, by_walk)
    assert by_walk.events == by_libcst.events
    assert "try body" in by_walk.events and "call print" in by_walk.events
    assert "call hidden" not in by_walk.events


class _Inherited(_Recording):
    """Adds one hook and inherits the others."""

    def visit_If_test(self, node: cst.If) -> None:
        self.events.append("if test")


def test_hooks_are_read_from_the_visitor_classes_below_libcst() -> None:
    """What ``dir`` would find (an inherited hook included), read from the classes between
    the visitor and LibCST's own, without LibCST's stubs."""
    names = names_below(_Inherited, cst.CSTVisitor)
    assert {"visit_If_test", "visit_Try_body", "leave_Name", "visit_Call"} <= set(names)
    assert "visit_Module" not in names and names == sorted(names)
    assert _attribute_hooks(_Inherited) == {("If", "test"), ("Try", "body")}
