"""The walks' field order, read from LibCST's bytecode, is the order its source gives."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis import tree_walk


def _node_types() -> list[type[cst.CSTNode]]:
    found: set[type[cst.CSTNode]] = set()
    pending = [cst.CSTNode]
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass not in found:
                found.add(subclass)
                pending.append(subclass)
    return sorted(
        (kind for kind in found if not getattr(kind, "__abstractmethods__", None)),
        key=lambda kind: kind.__qualname__,
    )


def test_every_node_type_reads_the_same_order_from_bytecode_and_source() -> None:
    checked = 0
    for node_type in _node_types():
        method = node_type._visit_and_replace_children
        from_source = tree_walk._source_visit_order(node_type, method)
        from_bytecode = tree_walk._bytecode_visit_order(method)
        if from_bytecode is not None:
            assert from_bytecode == from_source, node_type.__name__
            checked += 1
    assert checked > 100  # the fast reading applies to (nearly) every node type


def test_a_method_without_plain_visits_falls_back_to_the_source() -> None:
    def odd(self, visitor):  # no visit_* call at all
        return self

    assert tree_walk._bytecode_visit_order(odd) is None
