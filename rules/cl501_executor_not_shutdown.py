"""CL501 executor-not-shutdown."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.lifetimes import leaks
from concurrency_lint.analysis.local_names import ScopeIndex
from concurrency_lint.analysis.loop_body import base_name, names_read, target_names
from concurrency_lint.analysis.pools import PoolResolver
from concurrency_lint.analysis.tree_walk import descendants, path_to, walk_visitor
from concurrency_lint.checking.rule import FileContext, Invalid, NodeFix, Rule
from concurrency_lint.fixes.module_level import free_name
from concurrency_lint.knowledge.executors import EXECUTOR_CONSTRUCTORS
from concurrency_lint.knowledge.lifecycle import (
    CLOSE_METHODS,
    MANAGER_CONSTRUCTORS,
    POOL_ENTRY_POINTS,
    STARTED_BY_CALL,
)
from concurrency_lint.model import Safety

_ESCAPES = ("other", "captured")


class ExecutorNotShutdown(Rule):
    """
    ## What it does
    Flags a `ThreadPoolExecutor`, `ProcessPoolExecutor` or `multiprocessing.Pool` (also
    `ThreadPool` and a context's `ctx.Pool()`) created inside a function and not used as a
    context manager, when the function neither shuts it down (`shutdown()`, `close()`,
    `terminate()`, `with pool:`) on every ordinary path nor hands it out.

    An executor that is returned, yielded, stored on `self`, another object or in a
    container, passed to any call, declared `global` or used by a nested function is
    handed out: its owner decides when it ends, and it is not flagged. Neither are
    executors created at module or class level (long-lived by design). An executor created
    and used in one expression (`ThreadPoolExecutor().map(...)`) is flagged.

    A `multiprocessing.Manager()` (or a `SyncManager` once its `start()` is called) is
    flagged the same way: each runs a server process until `shutdown()` or the end of its
    `with` block. A manager whose proxy (`shared = manager.dict()`) is returned, yielded or
    stored is handed out with it (the proxy keeps the manager alive) and not flagged; nor
    is a `SyncManager()` never started.

    ## Why is this bad?
    Each call leaves worker threads or processes behind until the garbage collector finds
    the executor (never, on some interpreters, or only at exit): a process pool keeps its
    children and their memory, a `multiprocessing.Pool` warns `ResourceWarning` and is
    terminated mid-task, and pending work is silently dropped. Seed 001 cleans its executor
    up in a `finally`; a `with` block does it on every path, exceptions included.

    ## Example
    ```python
    from concurrent.futures import ThreadPoolExecutor

    def fetch_all(urls):
        pool = ThreadPoolExecutor(max_workers=8)
        return list(pool.map(fetch, urls))
    ```

    ## Use instead
    ```python
    from concurrent.futures import ThreadPoolExecutor

    def fetch_all(urls):
        with ThreadPoolExecutor(max_workers=8) as pool:
            return list(pool.map(fetch, urls))
    ```

    ## Fix safety
    An executor bound to a name in the function's own body and never shut down: the rest
    of the function moves into `with ThreadPoolExecutor(...) as pool:` (a
    `concurrent.futures` executor), or into `try:` ... `finally: pool.close(); pool.join()`
    (a `multiprocessing` pool, whose `with` would terminate pending work). An executor
    made for one call (`ThreadPoolExecutor().map(...)`) gets a `with` block around that
    statement. Unsafe: the function now waits at its end for the work still pending
    (before, it went on and the interpreter waited at exit), and the executor is evaluated
    before the rest of its statement. An executor made inside a block (a loop body, an
    `if` branch) and used only in the rest of that block gets the same treatment there:
    the block's remaining statements move into the `with` (in a loop, each turn shuts its
    executor down). A `Manager()` gets the `with` block (its exit calls `shutdown()`);
    unsafe likewise: the server process now ends with the function, so a proxy still used
    by a process started there and not joined fails. No fix (the message says why) where it
    is shut down on some paths already, or made inside a block and used after it, nor for a
    `SyncManager` started by `start()` (before that it has no `shutdown()`).

    Paths are the ordinary flow (branches, loops, early `return`s); an exception between
    creation and `shutdown()` is not counted, since a `finally` or `with` is the remedy
    for that and the message says so.
    """

    CODE = "CL501"
    NAME = "executor-not-shutdown"
    MESSAGE = "executor created here is never shut down"
    TRIGGERS = ("Pool", "Manager")
    NEEDS_IMPORT_OF = POOL_ENTRY_POINTS | MANAGER_CONSTRUCTORS
    VALID = (
        "from concurrent.futures import ThreadPoolExecutor\n"
        "def f(items):\n"
        "    with ThreadPoolExecutor() as pool:\n"
        "        return list(pool.map(str, items))\n",
        "from concurrent.futures import ThreadPoolExecutor\n"
        "def f(items):\n"
        "    pool = ThreadPoolExecutor()\n"
        "    try:\n"
        "        return list(pool.map(str, items))\n"
        "    finally:\n"
        "        pool.shutdown()\n",
        "from concurrent.futures import ThreadPoolExecutor\n"
        "class Service:\n"
        "    def __init__(self):\n"
        "        self.pool = ThreadPoolExecutor()\n",
        "from concurrent.futures import ThreadPoolExecutor\n"
        "def make_pool():\n"
        "    pool = ThreadPoolExecutor(4)\n"
        "    return pool\n",
    )
    INVALID = (
        Invalid(
            "from concurrent.futures import ThreadPoolExecutor\n"
            "def f(items):\n"
            "    pool = ThreadPoolExecutor()\n"
            "    return list(pool.map(str, items))\n",
            "from concurrent.futures import ThreadPoolExecutor\n"
            "def f(items):\n"
            "    with ThreadPoolExecutor() as pool:\n"
            "        return list(pool.map(str, items))\n",
        ),
        Invalid(
            "from concurrent.futures import ThreadPoolExecutor\n"
            "def f(batches):\n"
            "    out = []\n"
            "    for batch in batches:\n"
            "        pool = ThreadPoolExecutor()\n"
            "        out.extend(pool.map(str, batch))\n"
            "    return out\n",
            "from concurrent.futures import ThreadPoolExecutor\n"
            "def f(batches):\n"
            "    out = []\n"
            "    for batch in batches:\n"
            "        with ThreadPoolExecutor() as pool:\n"
            "            out.extend(pool.map(str, batch))\n"
            "    return out\n",
        ),
        Invalid(
            "import multiprocessing\n"
            "def f(items):\n"
            "    pool = multiprocessing.Pool(4)\n"
            "    if not items:\n"
            "        return []\n"
            "    result = pool.map(str, items)\n"
            "    pool.close()\n"
            "    return result\n"
        ),
        Invalid(
            "import multiprocessing\n"
            "def f(items):\n"
            "    manager = multiprocessing.Manager()\n"
            "    shared = manager.list(items)\n"
            "    return len(shared)\n",
            "import multiprocessing\n"
            "def f(items):\n"
            "    with multiprocessing.Manager() as manager:\n"
            "        shared = manager.list(items)\n"
            "        return len(shared)\n",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.index = ScopeIndex()
        self.pools = PoolResolver(self.semantics, context.module, self.index)
        self.verdicts: dict[tuple[int, str], str | None] = {}

    def visit_Call(self, node: cst.Call) -> None:
        function = self.semantics.enclosing_function()
        if function is None:
            return
        manager = self.semantics.call_name(node)
        if manager not in MANAGER_CONSTRUCTORS:
            manager = None
            if self.pools.constructor_of_call(node) not in EXECUTOR_CONSTRUCTORS:
                return
        name = self._assigned_name(node)
        if name is None:
            return
        key = (id(function), name)
        if key not in self.verdicts:
            self.verdicts[key] = (
                self._verdict(function, name)
                if manager is None
                else self._manager_verdict(function, name, manager)
            )
        if self.verdicts[key] is not None:
            closed = any(
                _closes(use.kind, use.attribute)
                for use in self.index.of(function).uses.get(name, [])
            )
            verdict = self.verdicts[key]
            if closed:
                fix: NodeFix | str = (
                    f"`{name}` is shut down on some paths already; which others need it is "
                    "the author's choice"
                )
            elif manager in STARTED_BY_CALL:
                fix = (
                    "a `SyncManager` has `shutdown()` only once `start()` ran: where the "
                    "`try` begins is the author's choice"
                )
            else:
                fix = self._block_fix(function, node, name)
            if isinstance(fix, str):
                self.report(node, f"{verdict} (no automatic fix: {fix})")
            else:
                self.report(node, verdict, fix=fix)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        value = node.value
        if (
            isinstance(value, cst.Call)
            and node.attr.value not in CLOSE_METHODS
            and self.semantics.enclosing_function() is not None
            and self.pools.constructor_of_call(value) in EXECUTOR_CONSTRUCTORS
        ):
            self.report(
                value,
                f"executor created for one `.{node.attr.value}()` call is never shut down; "
                "use it in a `with` block",
                fix=self._one_call_fix(value),
            )

    def _block_fix(self, function: cst.FunctionDef, call: cst.Call, name: str) -> NodeFix | str:
        """The rest of the function body in a ``with`` block (or ``try`` / ``finally``)."""
        statement = self.semantics.current_statement()
        path = path_to(function.body, statement) if statement is not None else None
        body = path[-2] if path is not None and len(path) > 1 else None
        if not isinstance(body, cst.IndentedBlock):
            return "the executor is not made by a statement of its own"
        rest = list(body.body[body.body.index(statement) + 1 :])
        if body is not function.body and _used_elsewhere(function, name, [statement, *rest]):
            # Made in a block (a loop, ``if``, ``try``): the ``with`` ends with the block,
            # so nothing after it may use the executor.
            return f"`{name}` is made inside a block and used after it"
        if not rest:
            return "nothing after the statement that makes it could go in the `with` block"
        if len(statement.body) != 1:  # type: ignore[union-attr]
            return "the statement that makes the executor does more on the same line"
        block = cst.IndentedBlock(body=rest, header=statement.trailing_whitespace)  # type: ignore[union-attr]
        if (
            _is_futures(self.pools.constructor_of_call(call))
            or self.semantics.call_name(call) in MANAGER_CONSTRUCTORS
        ):
            new: cst.BaseStatement = cst.With(
                items=[cst.WithItem(call, asname=cst.AsName(cst.Name(name)))], body=block
            )
            changes = [(statement, new)]
            how = "a `with` block"
        else:
            closing = cst.parse_module(f"{name}.close()\n{name}.join()\n").body
            new = cst.Try(
                body=cst.IndentedBlock(body=rest),
                finalbody=cst.Finally(body=cst.IndentedBlock(body=closing)),
            )
            changes = [(rest[0], new)]
            rest = rest[1:]
            how = "`try` / `finally: close(); join()`"
        changes += [(following, "") for following in rest]
        return NodeFix(f"Shut `{name}` down with {how}", Safety.UNSAFE, tuple(changes))

    def _one_call_fix(self, call: cst.Call) -> NodeFix | None:
        """``with Executor(...) as executor:`` around the one statement that uses it."""
        statement = self.semantics.current_statement()
        function = self.semantics.enclosing_function()
        if (
            not isinstance(statement, cst.SimpleStatementLine)
            or function is None
            or not _is_futures(self.pools.constructor_of_call(call))
        ):
            return None
        name = free_name(function, ("executor", "pool", "_executor"))
        if name is None:
            return None
        inner = statement.deep_replace(call, cst.Name(name)).with_changes(leading_lines=())
        new = cst.With(
            items=[cst.WithItem(call, asname=cst.AsName(cst.Name(name)))],
            body=cst.IndentedBlock(body=[inner]),
        )
        return NodeFix("Use the executor in a `with` block", Safety.UNSAFE, ((statement, new),))

    def _assigned_name(self, call: cst.Call) -> str | None:
        """``pool`` for ``pool = ThreadPoolExecutor()`` (a plain name target), else None."""
        statement = self.semantics.current_statement()
        if not isinstance(statement, cst.SimpleStatementLine):
            return None
        for small in statement.body:
            target = _plain_target(small, call)
            if target is not None:
                return target
        return None

    def _verdict(self, function: cst.FunctionDef, name: str) -> str | None:
        names = self.index.of(function)
        if name in names.declared_global:
            return None
        uses = names.uses.get(name, [])
        if any(use.kind in _ESCAPES for use in uses):
            return None
        closing = [use.node for use in uses if _closes(use.kind, use.attribute)]
        creations = self._creations(function, name)
        if leaks(function, creations, closing, [use.node for use in uses]):
            if not closing:
                return (
                    f"executor `{name}` is never shut down; use it in a `with` block "
                    "or call `shutdown()` / `close()` in a `finally`"
                )
            return (
                f"executor `{name}` is not shut down on every path; use it in a `with` "
                "block or move `shutdown()` / `close()` into a `finally`"
            )
        return None

    def _manager_verdict(self, function: cst.FunctionDef, name: str, manager: str) -> str | None:
        """A manager started here whose server process no ordinary path ends, when neither
        it nor a proxy it made (``manager.dict()``) leaves the function."""
        uses = self.index.of(function).uses.get(name, [])
        if manager in STARTED_BY_CALL and not any(
            use.kind == "call" and use.attribute == "start" for use in uses
        ):
            return None  # never started: no server process
        if _proxy_escapes(function, name):
            return None  # the proxy keeps the manager alive for whoever holds it
        verdict = self._verdict(function, name)
        if verdict is None:
            return None
        return verdict.replace("executor", "manager", 1).replace(
            "`shutdown()` / `close()`", "`shutdown()`"
        )

    def _creations(self, function: cst.FunctionDef, name: str) -> list[cst.BaseSmallStatement]:
        """The statements of ``function`` that bind ``name`` to a new executor."""
        found = []
        for small in _small_statements(function):
            value = _assigned_value(small, name)
            if isinstance(value, cst.Call) and (
                self.pools.constructor_of_call(value) in EXECUTOR_CONSTRUCTORS
                or self.semantics.call_name(value) in MANAGER_CONSTRUCTORS
            ):
                found.append(small)
        return found


def _proxy_escapes(function: cst.FunctionDef, name: str) -> bool:
    """Whether a value made from ``name`` (``d = manager.dict()``, and values made from
    those) is returned, yielded, stored on an object or declared global."""
    derived = {name}
    assigns = [node for node in descendants(function.body) if isinstance(node, cst.Assign)]
    grown = True
    while grown:
        grown = False
        for assign in assigns:
            if names_read(assign.value) & derived:
                for target in assign.targets:
                    if not isinstance(target.target, (cst.Name, cst.Tuple, cst.List)):
                        if base_name(target.target) in derived:
                            continue  # ``shared[key] = ...``: into the proxy itself
                        return True  # ``self.shared = manager.dict()``
                    new = set(target_names(target.target)) - derived
                    if new:
                        derived |= new
                        grown = True
    for node in descendants(function.body):
        if isinstance(node, (cst.Return, cst.Yield)) and node.value is not None:
            value = node.value
            parts = (
                [element.value for element in value.elements]
                if isinstance(value, (cst.Tuple, cst.List))
                else [value]
            )
            for part in parts:
                if isinstance(part, cst.Name) and part.value in derived - {name}:
                    return True  # the proxy itself, not a copy (``dict(shared)``)
        elif isinstance(node, cst.Global) and any(n.name.value in derived for n in node.names):
            return True
    return False


def _used_elsewhere(function: cst.FunctionDef, name: str, kept: list[cst.CSTNode]) -> bool:
    """Whether ``name`` is mentioned in ``function`` outside the ``kept`` statements."""
    inside = sum(1 for statement in kept for node in descendants(statement) if _is_name(node, name))
    return sum(1 for node in descendants(function.body) if _is_name(node, name)) > inside


def _is_name(node: cst.CSTNode, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def _is_futures(constructor: str | None) -> bool:
    """A ``concurrent.futures`` executor: its ``with`` waits for pending work."""
    return constructor is not None and constructor.startswith("concurrent.futures.")


def _closes(kind: str, attribute: str | None) -> bool:
    return kind == "with" or (kind in ("call", "attr") and attribute in CLOSE_METHODS)


def _plain_target(small: cst.BaseSmallStatement, call: cst.Call) -> str | None:
    if isinstance(small, cst.Assign) and small.value is call and len(small.targets) == 1:
        target = small.targets[0].target
        return target.value if isinstance(target, cst.Name) else None
    if isinstance(small, cst.AnnAssign) and small.value is call:
        return small.target.value if isinstance(small.target, cst.Name) else None
    return None


def _assigned_value(small: cst.BaseSmallStatement, name: str) -> cst.BaseExpression | None:
    if isinstance(small, cst.Assign):
        if any(isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets):
            return small.value
    elif (
        isinstance(small, cst.AnnAssign)
        and isinstance(small.target, cst.Name)
        and small.target.value == name
    ):
        return small.value
    return None


def _small_statements(function: cst.FunctionDef) -> list[cst.BaseSmallStatement]:
    collector = _SmallStatements()
    walk_visitor(function.body, collector)
    return collector.found


class _SmallStatements(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[cst.BaseSmallStatement] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.Assign, cst.AnnAssign)):
            self.found.append(node)
        return not isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.BaseExpression))
