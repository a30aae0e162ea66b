"""Error handling around a use: try statements, locks around writes, as_completed loops."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from concurrency_lint.analysis.names import dotted_name
from concurrency_lint.analysis.tree_walk import walk_visitor
from concurrency_lint.inventory.model import Handling
from concurrency_lint.knowledge.mutating_methods import COLLECTION_MUTATORS

# Method calls that change the object they are called on.
_MUTATING_METHODS = COLLECTION_MUTATORS
_DEFINITIONS = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def try_guard(node: cst.Try | cst.TryStar) -> Handling | None:
    """What a try statement does for the code in its body."""
    if node.handlers:
        return Handling("try_except", ", ".join(caught(handler) for handler in node.handlers))
    if node.finalbody is not None:
        return Handling("try_finally")
    return None


def caught(handler: cst.ExceptHandler | cst.ExceptStarHandler) -> str:
    """What an ``except`` clause catches, as written (``bare except`` for none)."""
    if handler.type is None:
        return "bare except"
    if isinstance(handler.type, cst.Tuple):
        names = (dotted_name(element.value) or "..." for element in handler.type.elements)
        return ", ".join(names)
    return dotted_name(handler.type) or "..."


def writes_shared_state(body: cst.CSTNode) -> bool:
    """True when the block stores into an item or attribute, or calls a mutating method."""
    finder = _WriteFinder()
    walk_visitor(body, finder)
    return finder.found


class _WriteFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.found or isinstance(node, _DEFINITIONS):
            return False
        if isinstance(node, cst.Assign):
            self.found = any(_is_store(target.target) for target in node.targets)
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign)):
            self.found = isinstance(node, cst.AugAssign) or _is_store(node.target)
        elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            self.found = node.func.attr.value in _MUTATING_METHODS
        return not self.found


def _is_store(target: cst.BaseExpression) -> bool:
    if isinstance(target, (cst.Subscript, cst.Attribute)):
        return True
    if isinstance(target, (cst.Tuple, cst.List)):
        return any(_is_store(element.value) for element in target.elements)
    return False


def as_completed_handling(
    loop: cst.For, already_guarded: bool, lock_text: Callable[[cst.BaseExpression], str | None]
) -> tuple[Handling, ...]:
    """How a ``for f in as_completed(...)`` loop reads its results, and under what lock."""
    if not isinstance(loop.target, cst.Name):
        return ()
    reader = _ResultReader(loop.target.value, lock_text)
    walk_visitor(loop.body, reader)
    found = []
    if not reader.guarded and not reader.unguarded:
        found.append(Handling("result_not_read"))
    elif reader.unguarded and not already_guarded and not reader.checked:
        found.append(Handling("result_unguarded"))
    else:
        found.append(Handling("result_guarded"))
    if reader.locks:
        found.append(Handling("results_under_lock", reader.locks[0]))
    return tuple(found)


class _ResultReader(cst.CSTVisitor):
    """Finds ``f.result()`` / ``f.exception()`` / ``await f`` and whether a try guards them."""

    def __init__(self, name: str, lock_text: Callable[[cst.BaseExpression], str | None]) -> None:
        super().__init__()
        self.name = name
        self.lock_text = lock_text
        self.depth = 0  # try bodies with except clauses we are in
        self.guarded = 0
        self.unguarded = 0
        self.checked = False  # f.exception() is looked at
        self.locks: list[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, _DEFINITIONS):
            return False
        if isinstance(node, cst.With):
            for item in node.items:
                text = self.lock_text(item.item)
                if text is not None and writes_shared_state(node.body):
                    self.locks.append(text)
        self.checked = self.checked or self._method_call(node) == "exception"
        if self._reads(node):
            if self.depth:
                self.guarded += 1
            else:
                self.unguarded += 1
        return super().on_visit(node)

    def visit_Try_body(self, node: cst.Try) -> None:
        self.depth += bool(node.handlers)

    def leave_Try_body(self, node: cst.Try) -> None:
        self.depth -= bool(node.handlers)

    def _reads(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Await):
            return isinstance(node.expression, cst.Name) and node.expression.value == self.name
        return self._method_call(node) == "result"

    def _method_call(self, node: cst.CSTNode) -> str | None:
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and isinstance(node.func.value, cst.Name)
            and node.func.value.value == self.name
        ):
            return node.func.attr.value
        return None
