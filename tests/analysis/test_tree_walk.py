"""The fast read-only walk: same nodes as a LibCST visitor, layout left out, pruning."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.tree_walk import children, descendants

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
