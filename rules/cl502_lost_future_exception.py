"""CL502 lost-future-exception."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.calls import (
    has_star_args,
    has_star_kwargs,
    keyword_arg,
    positional_args,
)
from concurrency_lint.analysis.local_names import ScopeIndex, Use
from concurrency_lint.analysis.pools import PoolResolver
from concurrency_lint.analysis.tree_walk import descendants
from concurrency_lint.checking.rule import FileContext, Invalid, NodeFix, Rule
from concurrency_lint.fixes.module_level import free_name
from concurrency_lint.knowledge.executors import (
    EXECUTOR_CONSTRUCTORS,
    PROCESS_POOLS,
    THREAD_POOLS,
)
from concurrency_lint.knowledge.lifecycle import (
    ASYNC_RESULT_FACTORIES,
    CONTEXT_FACTORIES,
    FUTURE_FACTORIES,
)
from concurrency_lint.model import Safety

#: Methods that only put a future into a collection: they do not look at it.
_COLLECTING = frozenset({"append", "extend", "add", "insert", "update", "setdefault"})
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp)
#: Comprehensions that run when they stand alone as a statement (a generator does not).
_EAGER_COMPREHENSIONS = (cst.ListComp, cst.SetComp)
#: ``concurrent.futures`` executors: ``shutdown()`` waits; the others are ``multiprocessing``
#: pools, where ``join()`` does.
_FUTURES_EXECUTORS = frozenset(
    name for name in THREAD_POOLS | PROCESS_POOLS if name.startswith("concurrent.futures.")
)
#: Where ``error_callback`` stands among the positionals of each ``*_async`` method.
_ERROR_CALLBACK_POSITION = 4
#: The callback a dropped ``submit()`` gets when nothing waits for the pool: a failure
#: raised in a done-callback is logged by ``concurrent.futures`` with its traceback.
_DONE_CALLBACK = "lambda future: future.cancelled() or future.result()"
_ERROR_CALLBACK = "lambda error: print_exception(type(error), error, error.__traceback__)"


class LostFutureException(Rule):
    """
    ## What it does
    Flags `executor.submit(...)` on a provable `ThreadPoolExecutor` / `ProcessPoolExecutor`
    (or `Pool.apply_async` / `map_async` / `starmap_async` with no `error_callback`) whose
    result is dropped: the call stands alone as a statement (or as the element of a list
    or set comprehension that does), or it is bound to a name (directly, in a
    comprehension, or appended to a list) that the function never reads again. An
    `error_callback` passed by position (the fifth positional) or possibly inside
    `*args` / `**kwargs` counts as handling the failure.

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
    waits for its futures in that order.

    Outside a `with` block, a dropped future is read the same way right after the
    statement that waits for the pool: `pool.join()` of a `multiprocessing` pool, or
    `executor.shutdown()` that waits and cancels nothing (`wait=True`, no
    `cancel_futures=True`), in the block that holds the submitting statement or one
    around it. The pool must be a local name that nothing rebinds from the submission to
    the wait, and that the function never `terminate()`s: a terminated pool never sets
    its results, and reading them would hang.

    Where nothing waits (a pool kept on `self`, a `shutdown(wait=False)`, a
    `terminate()`), each failure is reported when it happens instead: a dropped
    `submit(...)` gets `.add_done_callback(lambda future: future.cancelled() or
    future.result())` (`concurrent.futures` logs an exception raised in a done-callback,
    with its traceback, on the `concurrent.futures` logger; a cancelled future is left
    alone), an `apply_async` / `map_async` / `starmap_async` an `error_callback` that
    prints the traceback with `traceback.print_exception` (imported when the module does
    not bind that name otherwise). Neither changes what the program computes when the
    callable succeeds; both are unsafe since a failure now shows on stderr. No fix for
    futures kept in a name that is never read outside a `with` block, for futures in a
    dict or an indexed slot, nor where `type` or `print_exception` is bound to something
    else in the module.
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
            if _has_error_callback(node):
                return
        elif method not in FUTURE_FACTORIES:
            return
        constructor = self.pools.constructor(func.value)
        if constructor not in EXECUTOR_CONSTRUCTORS:
            return
        fate = self._fate(node)
        read = "get" if method in ASYNC_RESULT_FACTORIES else "result"
        if fate == "dropped":
            self.report(
                node,
                f"the result of `{method}()` is dropped: an exception raised by the callable "
                "is never seen; keep the future and call `result()`",
                fix=self._fix(node, None, read, constructor),
            )
        elif fate is not None:
            self.report(
                node,
                f"futures from `{method}()` are kept in `{fate}` but never waited on or "
                "checked: an exception raised by the callable is never seen",
                fix=self._fix(node, fate, read, constructor),
            )

    def _fix(
        self, call: cst.Call, holder: str | None, read: str, constructor: str | None
    ) -> NodeFix | None:
        """Read the futures where the program waits for the pool anyway (the end of its
        ``with`` block, or a later ``join()`` / ``shutdown()``); where nothing waits,
        report each failure when it happens."""
        return (
            self._read_at_block_end(call, holder, read)
            or (self._read_after_wait(call, read, constructor) if holder is None else None)
            or self._report_when_done(call, holder, read)
        )

    def _read_at_block_end(self, call: cst.Call, holder: str | None, read: str) -> NodeFix | None:
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
            collected = _collected(current, call)
            if collected is None:
                return None
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

    def _read_after_wait(
        self, call: cst.Call, read: str, constructor: str | None
    ) -> NodeFix | None:
        """Collect a dropped future in ``futures`` and read them all right after the
        statement that waits for the pool: ``pool.join()`` for a ``multiprocessing`` pool,
        ``executor.shutdown()`` (waiting, cancelling nothing) for an executor.

        The pool is a local name, not rebound from the submitting statement to the wait,
        and never ``terminate()``-d in the function (whose results would never be set)."""
        receiver = call.func.value  # type: ignore[attr-defined]
        function = self.semantics.enclosing_function()
        if not isinstance(receiver, cst.Name) or function is None:
            return None
        name = receiver.value
        if _terminates(function, name) or any(
            free_name(function, (wanted,)) is None for wanted in ("future", "futures")
        ):
            return None
        current = self.semantics.current_statement()
        collected = _collected(current, call)
        if collected is None:
            return None
        statements = self.semantics.statements
        inner = next(
            (i + 1 for i, statement in enumerate(statements) if statement is function),
            len(statements),
        )
        for depth in range(len(statements) - 1, inner - 1, -1):
            top = statements[depth]
            block = _suite_holding(statements[depth - 1], top)
            if block is None:
                return None
            later = block[next(i for i, s in enumerate(block) if s is top) + 1 :]
            for position, statement in enumerate(later):
                if _waits_for(statement, name, constructor):
                    between = [top, *later[: position + 1]]
                    if any(self.semantics.binds(node, name) for node in between):
                        return None
                    return self._collect_and_read(top, current, collected, statement, read)
        return None

    def _collect_and_read(
        self,
        top: cst.CSTNode,
        current: cst.CSTNode,
        collected: cst.SimpleStatementLine,
        wait: cst.CSTNode,
        read: str,
    ) -> NodeFix:
        new_top = top.deep_replace(current, collected) if top is not current else collected
        reader = cst.parse_statement(f"for future in futures:\n    future.{read}()\n")
        return NodeFix(
            f"Read every future's `{read}()` after the pool is waited for",
            Safety.UNSAFE,
            (
                (
                    top,
                    cst.FlattenSentinel(
                        [
                            cst.parse_statement("futures = []\n"),
                            new_top.with_changes(leading_lines=()),  # type: ignore[union-attr]
                        ]
                    ),
                ),
                (wait, cst.FlattenSentinel([wait.with_changes(leading_lines=()), reader])),  # type: ignore[union-attr]
            ),
        )

    def _report_when_done(self, call: cst.Call, holder: str | None, read: str) -> NodeFix | None:
        """Where nothing waits for the pool: ``submit(...)`` dropped gets a done-callback
        that reads its result (``concurrent.futures`` logs what a callback raises, with the
        traceback), ``apply_async(...)`` an ``error_callback`` that prints the traceback."""
        if read == "result":
            if holder is not None:
                return None
            reported = cst.parse_expression(f"CALL.add_done_callback({_DONE_CALLBACK})")
            assert isinstance(reported, cst.Call) and isinstance(reported.func, cst.Attribute)
            new_call = reported.with_changes(func=reported.func.with_changes(value=call))
            return NodeFix(
                "Read the future's `result()` in a done-callback, which logs its exception",
                Safety.UNSAFE,
                ((call, new_call),),
            )
        imports: tuple[tuple[str, str], ...] = ()
        if self.semantics.imports.qualify(cst.Name("print_exception")) != (
            "traceback.print_exception"
        ):
            if free_name(self.context.module, ("print_exception",)) is None:
                return None
            imports = (("traceback", "print_exception"),)
        if self._shadowed("type"):
            return None
        args = list(call.args)
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        callback = cst.Arg(
            cst.parse_expression(_ERROR_CALLBACK),
            keyword=cst.Name("error_callback"),
            equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""),
                whitespace_after=cst.SimpleWhitespace(""),
            ),
        )
        return NodeFix(
            "Pass an `error_callback` that prints the callable's exception",
            Safety.UNSAFE,
            ((call, call.with_changes(args=[*args, callback])),),
            imports,
        )

    def _shadowed(self, builtin: str) -> bool:
        """Whether the module or any function in it binds the builtin's name."""
        module = self.context.module
        scopes = [
            module,
            *(node for node in descendants(module) if isinstance(node, cst.FunctionDef)),
        ]
        return any(self.semantics.binds(scope, builtin) for scope in scopes)

    def _fate(self, call: cst.Call) -> str | None:
        """'dropped', the name holding the future when nothing reads it, or None."""
        statement = self.semantics.current_statement()
        if not isinstance(statement, cst.SimpleStatementLine):
            return None
        for small in statement.body:
            if isinstance(small, cst.Expr):
                if small.value is call or _dropped_comprehension(small.value, call):
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


def _has_error_callback(call: cst.Call) -> bool:
    """Whether an ``*_async`` call may pass ``error_callback`` (by keyword, by position, or
    hidden in ``*args`` / ``**kwargs``)."""
    return (
        has_star_args(call)
        or has_star_kwargs(call)
        or keyword_arg(call, "error_callback") is not None
        or len(positional_args(call)) > _ERROR_CALLBACK_POSITION
    )


def _dropped_comprehension(expression: cst.BaseExpression, call: cst.Call) -> bool:
    """``[pool.submit(f, x) for x in xs]`` standing alone: the list is thrown away."""
    return isinstance(expression, _EAGER_COMPREHENSIONS) and expression.elt is call


def _collected(statement: cst.CSTNode | None, call: cst.Call) -> cst.SimpleStatementLine | None:
    """The statement that drops ``call``'s future, rewritten to keep it in ``futures``:
    ``futures.append(<call>)``, or ``futures.extend(<comprehension>)``."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if not isinstance(small, cst.Expr):
        return None
    if small.value is call:
        method = "append"
    elif _dropped_comprehension(small.value, call):
        method = "extend"
    else:
        return None
    kept = cst.parse_expression(f"futures.{method}(VALUE)")
    assert isinstance(kept, cst.Call)
    return statement.with_changes(body=[cst.Expr(kept.with_changes(args=[cst.Arg(small.value)]))])


def _waits_for(statement: cst.CSTNode, name: str, constructor: str | None) -> bool:
    """``name.join()`` for a ``multiprocessing`` pool, ``name.shutdown()`` that waits and
    cancels nothing for a ``concurrent.futures`` executor, as a statement of its own."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    if not (isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)):
        return False
    wait = small.value
    func = wait.func
    if not (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Name)
        and func.value.value == name
    ):
        return False
    if constructor in _FUTURES_EXECUTORS:
        if func.attr.value != "shutdown" or has_star_args(wait) or has_star_kwargs(wait):
            return False
        positional = positional_args(wait)
        waits = keyword_arg(wait, "wait") or (positional[0] if positional else None)
        cancels = keyword_arg(wait, "cancel_futures") or (
            positional[1] if len(positional) > 1 else None
        )
        return (waits is None or _is_true(waits.value)) and (
            cancels is None or _is_false(cancels.value)
        )
    return func.attr.value == "join" and not wait.args


def _is_true(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "True"


def _is_false(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "False"


def _terminates(function: cst.FunctionDef, name: str) -> bool:
    """Whether the function calls ``name.terminate()`` anywhere: results left unset."""
    return any(
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "terminate"
        and isinstance(node.func.value, cst.Name)
        and node.func.value.value == name
        for node in descendants(function)
    )


def _suite_holding(parent: cst.CSTNode, statement: cst.CSTNode) -> list[cst.CSTNode] | None:
    """The statements of the suite of ``parent`` (body, ``else``, handler, ``finally``)
    that holds ``statement``."""
    suites = [getattr(parent, "body", None)]
    orelse = getattr(parent, "orelse", None)
    suites.append(orelse.body if isinstance(orelse, cst.Else) else None)
    suites.extend(handler.body for handler in getattr(parent, "handlers", ()))
    finalbody = getattr(parent, "finalbody", None)
    suites.append(finalbody.body if isinstance(finalbody, cst.Finally) else None)
    for suite in suites:
        if isinstance(suite, cst.IndentedBlock) and any(item is statement for item in suite.body):
            return list(suite.body)
    return None
