"""CL504 acquire-without-release."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.calls import keyword_arg, positional_args
from concurrency_lint.analysis.lifetimes import contains_any
from concurrency_lint.analysis.names import dotted_name
from concurrency_lint.analysis.tree_walk import walk_visitor
from concurrency_lint.checking.rule import Invalid, NodeFix, Rule
from concurrency_lint.model import Safety


class AcquireWithoutRelease(Rule):
    """
    ## What it does
    Flags `lock.acquire()` (or `await lock.acquire()`) used as a statement, when a later
    statement of the same block is `lock.release()`, with code in between, and no `try`
    right after the acquire (or around it) releases the lock in its `finally`.

    Not flagged, because `with` would not do there: a function that acquires and leaves
    the release to someone else (an `__enter__`, an `acquire_lock()` helper, a nested
    function or callback), a release only in some branch, a re-acquire after an earlier
    release (`Condition.wait` style), a second acquire before the release (reentrancy,
    counting semaphores), a branch that releases another lock and returns with this one
    held (hand-over-hand locking), and a conditional acquire (`if lock.acquire(timeout=5):`,
    `acquire(blocking=False)`). Nor is `lock.acquire()` directly followed by
    `lock.release()`: it waits for the lock to be free and holds it across nothing.

    ## Why is this bad?
    Any exception (or an early `return`) between `acquire()` and `release()` leaves the lock
    held for good, and every other thread that needs it deadlocks. `with lock:` releases
    on every path and says the same in one line.

    ## Example
    ```python
    import threading
    lock = threading.Lock()

    def add(registry, key, value):
        lock.acquire()
        registry[key] = value
        lock.release()
    ```

    ## Use instead
    ```python
    import threading
    lock = threading.Lock()

    def add(registry, key, value):
        with lock:
            registry[key] = value
    ```

    ## Fix safety
    `acquire()`, the statements up to `release()`, and `release()` become a `with lock:`
    block (`async with` for an awaited acquire), comments kept. Unsafe: code in between
    that returns or raises used to leave the lock held and now releases it, the lock
    expression is evaluated once instead of twice, and the lock must support `with` (every
    `threading`, `multiprocessing` and `asyncio` lock does; an object of unknown type may
    not). A `release()` on another path that only precedes leaving the region (other
    `release()` calls, then `continue` / `break` of a loop around it, `return` or
    `raise`) is dropped: leaving the `with` block releases the lock the same way, and
    nested `with` blocks release in the same order. No fix (the message says why) for
    any other early release.
    """

    CODE = "CL504"
    NAME = "acquire-without-release"
    MESSAGE = "lock acquired without a `finally` release"
    TRIGGERS = ("acquire",)
    VALID = (
        "def f(lock, items):\n"
        "    lock.acquire()\n"
        "    try:\n"
        "        items.pop()\n"
        "    finally:\n"
        "        lock.release()\n",
        "def f(lock, items):\n    with lock:\n        items.pop()\n",
        "class Guard:\n    def __enter__(self):\n        self.lock.acquire()\n",
        "def f(lock, items):\n"
        "    if lock.acquire(timeout=1):\n"
        "        items.pop()\n"
        "        lock.release()\n",
    )
    INVALID = (
        Invalid(
            "def f(lock, items):\n    lock.acquire()\n    items.pop()\n    lock.release()\n",
            "def f(lock, items):\n    with lock:\n        items.pop()\n",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "acquire"):
            return
        function = self.semantics.enclosing_function()
        receiver = dotted_name(func.value)
        if function is None or receiver is None or not _blocks(node):
            return
        statement = self.semantics.current_statement()
        if not isinstance(statement, cst.SimpleStatementLine) or not _is_statement_call(
            statement, node
        ):
            return
        chain = self.semantics.statements
        inside = chain[chain.index(function) + 1 : -1] if function in chain else []
        earlier, later = _siblings(inside[-1] if inside else function, statement)
        release = next(
            (i for i, following in enumerate(later) if _is_release_line(following, receiver)), None
        )
        if release is None:
            return  # released conditionally, elsewhere or by someone else: `with` would not do
        if release == 0:
            return  # acquire then release at once: waits for the lock, holds it for nothing
        if _held_before(earlier, receiver) or any(
            _calls(following, receiver, "acquire") for following in later[:release]
        ):
            return  # acquired twice before a release: reentrancy or counting, not a region
        if any(_hands_off(following, receiver) for following in later[:release]):
            return  # returns holding it after releasing another lock: a deliberate hand-off
        if _released_in_finally(statement, inside, later[0], receiver):
            return
        awaited = _is_awaited(statement)
        keyword = "async with" if awaited else "with"
        message = (
            f"`{receiver}.acquire()` is not paired with `{receiver}.release()` in a "
            f"`finally`: an exception or early return leaves it held; use `{keyword} "
            f"{receiver}:`"
        )
        region = later[: release + 1]
        if any(_calls(following, receiver, "release") for following in later[:release]):
            # A branch releases early: fine for ``with`` when it then leaves the region
            # (``continue``, ``break``, ``return``, ``raise``), which releases the same.
            kept = _without_early_releases(later[:release], receiver)
            if kept is None:
                reason = (
                    "the lock is also released on another path before the last `release()`,"
                    " which does not leave the region right after"
                )
                self.report(node, f"{message} (no automatic fix: {reason})")
                return
            region = [*kept, later[release]]
        fix = _with_fix(statement, func.value, region, awaited, replaced=later[: release + 1])
        if fix is None:
            reason = "the `acquire()` shares its line, or the region is not whole statements"
            self.report(node, f"{message} (no automatic fix: {reason})")
        else:
            self.report(node, message, fix=fix)


def _is_awaited(statement: cst.SimpleStatementLine) -> bool:
    expression = statement.body[0]
    return isinstance(expression, cst.Expr) and isinstance(expression.value, cst.Await)


def _without_early_releases(
    statements: list[cst.CSTNode], receiver: str
) -> list[cst.CSTNode] | None:
    """The region without the ``receiver.release()`` lines that only precede leaving it
    (other releases, then ``continue`` / ``break`` of a loop around the region, ``return``
    or ``raise``): leaving a ``with`` block releases the lock the same way. None when a
    release is anything else."""
    dropper = _EarlyReleaseDropper(receiver)
    kept = [statement.visit(dropper) for statement in statements]  # type: ignore[union-attr]
    if dropper.refused or any(isinstance(s, cst.RemovalSentinel) for s in kept):
        return None
    return kept  # type: ignore[return-value]


class _EarlyReleaseDropper(cst.CSTTransformer):
    def __init__(self, receiver: str) -> None:
        super().__init__()
        self.receiver = receiver
        self.loops = 0  # loops inside the region around the current node
        self.refused = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_For(self, node: cst.For) -> None:
        self.loops += 1

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        self.loops -= 1
        return updated_node

    def visit_While(self, node: cst.While) -> None:
        self.loops += 1

    def leave_While(self, original_node: cst.While, updated_node: cst.While) -> cst.While:
        self.loops -= 1
        return updated_node

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body = list(updated_node.body)
        releases = [i for i, line in enumerate(body) if _is_release_line(line, self.receiver)]
        if not releases:
            return updated_node
        last = body[-1]
        leaves = (
            isinstance(last, cst.SimpleStatementLine)
            and len(last.body) == 1
            and (
                isinstance(last.body[0], (cst.Return, cst.Raise))
                or (isinstance(last.body[0], (cst.Continue, cst.Break)) and self.loops == 0)
            )
        )
        tail = body[releases[0] : -1]
        only_releases = all(
            isinstance(line, cst.SimpleStatementLine)
            and len(line.body) == 1
            and isinstance(line.body[0], cst.Expr)
            and isinstance(line.body[0].value, cst.Call)
            and isinstance(line.body[0].value.func, cst.Attribute)
            and line.body[0].value.func.attr.value == "release"
            for line in tail
        )
        if not leaves or not only_releases or len(releases) != 1:
            self.refused = True
            return updated_node
        del body[releases[0]]
        return updated_node.with_changes(body=body)


def _with_fix(
    statement: cst.SimpleStatementLine,
    lock: cst.BaseExpression,
    region: list[cst.CSTNode],
    awaited: bool,
    replaced: list[cst.CSTNode] | None = None,
) -> NodeFix | None:
    """``acquire(); body; release()`` -> ``with lock: body`` (``async with`` when awaited);
    ``replaced``: the original statements ``region`` stands for (when it dropped lines)."""
    body = region[:-1]
    if len(statement.body) != 1 or not all(isinstance(s, cst.BaseStatement) for s in region):
        return None
    block = cst.With(
        items=[cst.WithItem(lock)],
        body=cst.IndentedBlock(body=body, header=statement.trailing_whitespace),  # type: ignore[arg-type]
        asynchronous=cst.Asynchronous() if awaited else None,
    )
    changes: list[tuple[cst.CSTNode, cst.CSTNode | str]] = [(statement, block)]
    changes += [(following, "") for following in (replaced or region)]
    return NodeFix("Hold the lock in a `with` block", Safety.UNSAFE, tuple(changes))


def _released_in_finally(
    statement: cst.SimpleStatementLine,
    inside: list[cst.CSTNode],
    following: cst.CSTNode,
    receiver: str,
) -> bool:
    """A ``try`` right after the acquire, or one around it, releases in its ``finally``."""
    if isinstance(following, (cst.Try, cst.TryStar)) and _finally_releases(following, receiver):
        return True
    return any(
        isinstance(outer, (cst.Try, cst.TryStar))
        and _finally_releases(outer, receiver)
        and contains_any(outer.body, {id(statement)})
        for outer in inside
    )


def _blocks(call: cst.Call) -> bool:
    """True for a plain blocking ``acquire()`` (no timeout, not ``blocking=False``)."""
    if keyword_arg(call, "timeout") is not None:
        return False
    positional = positional_args(call)
    if len(positional) > 1 or any(arg.star for arg in call.args):
        return False
    flag = positional[0] if positional else None
    for name in ("blocking", "block"):
        flag = keyword_arg(call, name) or flag
    if flag is None:
        return not call.args
    return isinstance(flag.value, cst.Name) and flag.value.value == "True"


def _is_statement_call(statement: cst.SimpleStatementLine, call: cst.Call) -> bool:
    for small in statement.body:
        if isinstance(small, cst.Expr):
            value = small.value.expression if isinstance(small.value, cst.Await) else small.value
            if value is call:
                return True
    return False


def _finally_releases(node: cst.Try | cst.TryStar, receiver: str) -> bool:
    return node.finalbody is not None and _calls(node.finalbody, receiver, "release")


def _is_release_line(node: cst.CSTNode, receiver: str) -> bool:
    """A statement line that is ``receiver.release()`` (unconditionally)."""
    return isinstance(node, cst.SimpleStatementLine) and any(
        isinstance(small, cst.Expr) and _calls(small, receiver, "release") for small in node.body
    )


def _hands_off(node: cst.CSTNode, receiver: str) -> bool:
    """A block in ``node`` that releases another lock and returns (hand-over-hand locking)."""
    finder = _HandOffFinder(receiver)
    walk_visitor(node, finder)
    return finder.found


class _HandOffFinder(cst.CSTVisitor):
    def __init__(self, receiver: str) -> None:
        super().__init__()
        self.receiver = receiver
        self.found = False

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        lines = [line for line in node.body if isinstance(line, cst.SimpleStatementLine)]
        returns = any(isinstance(small, cst.Return) for line in lines for small in line.body)
        others = {
            dotted_name(small.value.func.value)
            for line in lines
            for small in line.body
            if isinstance(small, cst.Expr)
            and isinstance(small.value, cst.Call)
            and isinstance(small.value.func, cst.Attribute)
            and small.value.func.attr.value == "release"
        }
        if returns and others - {self.receiver, None}:
            self.found = True


def _calls(node: cst.CSTNode, receiver: str, method: str) -> bool:
    """True when ``receiver.method(...)`` is called in ``node`` (nested functions aside)."""
    finder = _MethodCallFinder(receiver, method)
    walk_visitor(node, finder)
    return finder.found


class _MethodCallFinder(cst.CSTVisitor):
    def __init__(self, receiver: str, method: str) -> None:
        super().__init__()
        self.receiver = receiver
        self.method = method
        self.found = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a nested function releases later, from elsewhere

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Call(self, node: cst.Call) -> bool:
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == self.method
            and dotted_name(func.value) == self.receiver
        ):
            self.found = True
        return not self.found


def _siblings(
    parent: cst.CSTNode, statement: cst.BaseStatement
) -> tuple[list[cst.CSTNode], list[cst.CSTNode]]:
    """The statements before and after ``statement`` in the block of ``parent`` holding it."""
    for block in _blocks_of(parent):
        for position, candidate in enumerate(block):
            if candidate is statement:
                return list(block[:position]), list(block[position + 1 :])
    return [], []


def _held_before(earlier: list[cst.CSTNode], receiver: str) -> bool:
    """More acquires than releases earlier in the block: the lock is already held."""
    held = 0
    for statement in earlier:
        held += _calls(statement, receiver, "acquire") - _calls(statement, receiver, "release")
    return held > 0


def _blocks_of(node: cst.CSTNode) -> list[list[cst.BaseStatement]]:
    """The statement lists a compound statement (or function) directly owns."""
    found: list[list[cst.BaseStatement]] = []
    pending = list(node.children)
    while pending:
        child = pending.pop()
        if isinstance(child, cst.IndentedBlock):
            found.append(list(child.body))
        elif not isinstance(child, (cst.BaseStatement, cst.BaseExpression)):
            pending.extend(child.children)
    return found
