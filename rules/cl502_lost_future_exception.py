"""CL502 lost-future-exception."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.calls import has_star_kwargs, keyword_arg
from concurrency_lint.analysis.local_names import ScopeIndex, Use
from concurrency_lint.analysis.pools import PoolResolver
from concurrency_lint.checking.rule import FileContext, Invalid, NodeFix, Rule
from concurrency_lint.fixes.module_level import free_name
from concurrency_lint.knowledge.executors import EXECUTOR_CONSTRUCTORS
from concurrency_lint.knowledge.lifecycle import (
    ASYNC_RESULT_FACTORIES,
    CONTEXT_FACTORIES,
    FUTURE_FACTORIES,
)
from concurrency_lint.model import Safety

#: Methods that only put a future into a collection: they do not look at it.
_COLLECTING = frozenset({"append", "extend", "add", "insert", "update", "setdefault"})
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp)


class LostFutureException(Rule):
    """
    ## What it does
    Flags `executor.submit(...)` on a provable `ThreadPoolExecutor` / `ProcessPoolExecutor`
    (or `Pool.apply_async` / `map_async` / `starmap_async` with no `error_callback`) whose
    result is dropped: the call stands alone as a statement, or it is bound to a name
    (directly, in a comprehension, or appended to a list) that the function never reads
    again.

    Any read of the futures counts as checking them: `result()`, `exception()`,
    `add_done_callback()`, `wait()`, `as_completed()`, iterating, returning or storing
    them, passing them to any call.

    ## Why is this bad?
    An executor never raises the callable's exception by itself: it is stored in the
    future and only re-raised by `result()`. Drop the future and the failure vanishes; the
    work silently did not happen. Seed 001's executor reports every failure instead of
    losing it.

    ## Example
    ```python
    from concurrent.futures import ThreadPoolExecutor

    def upload_all(files):
        with ThreadPoolExecutor(8) as pool:
            for path in files:
                pool.submit(upload, path)
    ```

    ## Use instead
    ```python
    from concurrent.futures import ThreadPoolExecutor, as_completed

    def upload_all(files):
        with ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(upload, path) for path in files]
            for future in as_completed(futures):
                future.result()
    ```

    ## Fix safety
    Inside the pool's `with` block, where the block's end waits for the work anyway, the
    futures are read right after the statement that made them: a dropped future is
    collected in a new list (`futures.append(...)`), and `for future in futures:
    future.result()` (or `.get()` for a `multiprocessing` result) follows; a name that
    already holds a future, a list or a set of them is read the same way. Unsafe: the
    callable's exception now propagates, the first one in submission order, and the block
    waits for its futures in that order. No fix outside a `with` block of the pool, nor
    for futures kept in a dict or an indexed slot.
    """

    CODE = "CL502"
    NAME = "lost-future-exception"
    MESSAGE = "the future is dropped: the callable's exception is never seen"
    TRIGGERS = ("submit", "_async")
    NEEDS_IMPORT_OF = EXECUTOR_CONSTRUCTORS | CONTEXT_FACTORIES
    VALID = (
        "from concurrent.futures import ThreadPoolExecutor\n"
        "with ThreadPoolExecutor() as pool:\n"
        "    future = pool.submit(print, 1)\n"
        "    future.result()\n",
        "from concurrent.futures import ThreadPoolExecutor, wait\n"
        "def f(items):\n"
        "    with ThreadPoolExecutor() as pool:\n"
        "        futures = [pool.submit(print, item) for item in items]\n"
        "        wait(futures)\n"
        "        return [future.exception() for future in futures]\n",
        "def f(client):\n    client.submit(print, 1)\n",
    )
    INVALID = (
        Invalid(
            "from concurrent.futures import ThreadPoolExecutor\n"
            "with ThreadPoolExecutor() as pool:\n"
            "    pool.submit(print, 1)\n"
        ),
        Invalid(
            "from concurrent.futures import ThreadPoolExecutor\n"
            "def f(items):\n"
            "    futures = []\n"
            "    with ThreadPoolExecutor() as pool:\n"
            "        for item in items:\n"
            "            futures.append(pool.submit(print, item))\n",
            "from concurrent.futures import ThreadPoolExecutor\n"
            "def f(items):\n"
            "    futures = []\n"
            "    with ThreadPoolExecutor() as pool:\n"
            "        for item in items:\n"
            "            futures.append(pool.submit(print, item))\n"
            "        for future in futures:\n"
            "            future.result()\n",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.index = ScopeIndex()
        self.pools = PoolResolver(self.semantics, context.module, self.index)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        if method in ASYNC_RESULT_FACTORIES:
            if has_star_kwargs(node) or keyword_arg(node, "error_callback") is not None:
                return
        elif method not in FUTURE_FACTORIES:
            return
        if self.pools.constructor(func.value) not in EXECUTOR_CONSTRUCTORS:
            return
        fate = self._fate(node)
        read = "get" if method in ASYNC_RESULT_FACTORIES else "result"
        if fate == "dropped":
            self.report(
                node,
                f"the result of `{method}()` is dropped: an exception raised by the callable "
                "is never seen; keep the future and call `result()`",
                fix=self._fix(node, None, read),
            )
        elif fate is not None:
            self.report(
                node,
                f"futures from `{method}()` are kept in `{fate}` but never waited on or "
                "checked: an exception raised by the callable is never seen",
                fix=self._fix(node, fate, read),
            )

    def _fix(self, call: cst.Call, holder: str | None, read: str) -> NodeFix | None:
        """Read every future at the end of the pool's ``with`` block, where it would wait anyway.

        A dropped future is collected in a new list ``futures``; a name that holds one
        future (or a list of them) is read as it is.
        """
        receiver = call.func.value  # type: ignore[attr-defined]
        statements = self.semantics.statements
        function = self.semantics.enclosing_function()
        block = next(
            (s for s in reversed(statements) if isinstance(s, cst.With) and _binds(s, receiver)),
            None,
        )
        if block is None or function is None or not isinstance(block.body, cst.IndentedBlock):
            return None
        position = statements.index(block)
        if position + 1 >= len(statements):
            return None
        top = statements[position + 1]
        if top not in block.body.body:
            return None
        wanted = ("future",) if holder is not None else ("future", "futures")
        if any(free_name(function, (name,)) is None for name in wanted):
            return None
        current = self.semantics.current_statement()
        if holder is None:
            assert isinstance(current, cst.SimpleStatementLine)
            collected = current.with_changes(
                body=[
                    cst.Expr(
                        cst.parse_expression("futures.append(CALL)").with_changes(
                            args=[cst.Arg(call)]
                        )
                    )
                ]
            )
            new_top = top.deep_replace(current, collected) if top is not current else collected
            before = [cst.parse_statement("futures = []\n")]
            reader = "for future in futures:\n    future.{read}()\n"
        else:
            new_top = top
            before = []
            shape = _holding_shape(current, call)
            if shape is None:
                return None
            reader = (
                f"{holder}.{{read}}()\n"
                if shape == "single"
                else f"for future in {holder}:\n    future.{{read}}()\n"
            )
        after = cst.parse_statement(reader.format(read=read))
        new_top = new_top.with_changes(leading_lines=())  # type: ignore[union-attr]
        return NodeFix(
            f"Read every future's `{read}()` at the end of the `with` block",
            Safety.UNSAFE,
            ((top, cst.FlattenSentinel([*before, new_top, after])),),
        )

    def _fate(self, call: cst.Call) -> str | None:
        """'dropped', the name holding the future when nothing reads it, or None."""
        statement = self.semantics.current_statement()
        if not isinstance(statement, cst.SimpleStatementLine):
            return None
        for small in statement.body:
            if isinstance(small, cst.Expr):
                if small.value is call:
                    return "dropped"
                holder = _collector_of(small.value, call)
            elif isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is not None:
                holder = _holder(small, call)
            else:
                holder = None
            if holder is not None:
                return holder if self._unread(holder) else None
        return None

    def _unread(self, name: str) -> bool:
        names = self.pools.scope_names()
        if name in names.declared_global or not names.binds(name):
            return False
        return all(_only_collects(use) for use in names.uses.get(name, []))


def _holding_shape(statement: cst.CSTNode | None, call: cst.Call) -> str | None:
    """'single' for ``name = submit(...)``, 'many' for a list or set of futures, else None
    (a dict or an indexed slot: reading it needs more than a loop)."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return None
    for small in statement.body:
        if isinstance(small, (cst.Assign, cst.AnnAssign)):
            targets = (
                [t.target for t in small.targets]
                if isinstance(small, cst.Assign)
                else [small.target]
            )
            if not all(isinstance(target, cst.Name) for target in targets):
                return None
            if small.value is call:
                return "single"
            return (
                "many" if isinstance(small.value, (cst.ListComp, cst.SetComp, cst.List)) else None
            )
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            func = small.value.func
            method = func.attr.value if isinstance(func, cst.Attribute) else None
            return "many" if method in ("append", "add", "insert", "extend") else None
    return None


def _binds(block: cst.With, receiver: cst.BaseExpression) -> bool:
    """``with Executor(...) as receiver:``."""
    return isinstance(receiver, cst.Name) and any(
        item.asname is not None
        and isinstance(item.asname.name, cst.Name)
        and item.asname.name.value == receiver.value
        for item in block.items
    )


def _only_collects(use: Use) -> bool:
    return use.kind == "store-into" or (use.kind == "call" and use.attribute in _COLLECTING)


def _collector_of(expression: cst.BaseExpression, call: cst.Call) -> str | None:
    """``futures`` for ``futures.append(<call>)``."""
    if (
        isinstance(expression, cst.Call)
        and isinstance(expression.func, cst.Attribute)
        and isinstance(expression.func.value, cst.Name)
        and expression.func.attr.value in _COLLECTING
        and any(arg.value is call for arg in expression.args)
    ):
        return expression.func.value.value
    return None


def _holder(statement: cst.Assign | cst.AnnAssign, call: cst.Call) -> str | None:
    """The name an assignment stores the future (or a comprehension of them) in."""
    value = statement.value
    holds = (
        value is call
        or (isinstance(value, _COMPREHENSIONS) and value.elt is call)
        or (isinstance(value, cst.DictComp) and (value.key is call or value.value is call))
    )
    if not holds:
        return None
    if isinstance(statement, cst.AnnAssign):
        targets = [statement.target]
    else:
        targets = [target.target for target in statement.targets]
    if len(targets) == 1 and isinstance(targets[0], cst.Name):
        return targets[0].value
    if len(targets) == 1 and isinstance(targets[0], cst.Subscript):
        container = targets[0].value
        return container.value if isinstance(container, cst.Name) else None
    return None
