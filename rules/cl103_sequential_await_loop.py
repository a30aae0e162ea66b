"""CL103 sequential-await-loop."""

from __future__ import annotations

import ast
from collections.abc import Sequence

import libcst as cst

from concurrency_lint.analysis.ast_screens import may_await_per_item
from concurrency_lint.analysis.loop_body import base_name, names_read, target_names
from concurrency_lint.analysis.names import dotted_name
from concurrency_lint.analysis.tree_walk import descendants, walk_visitor
from concurrency_lint.checking.rule import Invalid, NodeFix, Option, Rule
from concurrency_lint.config import Config
from concurrency_lint.fixes.async_edits import (
    GATHER_BOUNDED,
    GATHER_BOUNDED_CODE,
    gather_bounded_definition,
)
from concurrency_lint.fixes.name_liveness import read_after
from concurrency_lint.fixes.per_item_gather import per_item_rewrite
from concurrency_lint.knowledge.asyncio_calls import (
    CONCURRENT_AWAITS,
    ORDERED_AWAIT_METHODS,
    ORDERED_AWAIT_PREFIXES,
    ORDERED_CALLS,
    ORDERED_RECEIVER_NAMES,
    ORDERED_RECEIVER_TYPES,
    ORDERED_SIDE_EFFECTS,
    TIMEOUT_WRAPPERS,
)
from concurrency_lint.model import Safety


class SequentialAwaitLoop(Rule):
    """
    ## What it does
    Flags a `for` loop inside `async def` whose iterations each `await` a call that takes
    the loop variable (or a value computed from it in the same iteration) as an argument,
    when the iterations are independent: no `break`, `return` or `yield`, no value carried
    from one iteration to the next, no ordering-sensitive side effect (`print`, writing
    or sending to a stream, setting an attribute of an object from outside the loop),
    and every await in the body is such a call. Awaiting
    `asyncio.sleep`, locks, queues, events, stream reads and writes (methods or
    functions named `read*`, `write*`, `send*`, `recv*`, ...), already-created
    tasks or `gather` itself is not this; nor is calling the loop variable
    (`for hook in hooks: await hook()`) or a method of it: hooks and steps usually
    run in order on purpose. Nor are replies in one chat (`reply*`, `respond*`,
    `answer*`: pagination), registrations (`register*`, `subscribe*`, `install*`,
    `mount*`, `include*`, `add_handler`, `add_route`), enqueue-only helpers
    (`enqueue*`, `schedule*`), or operations on one database session, connection,
    cursor or transaction (an `AsyncSession`, asyncpg / aiosqlite connection, or a
    receiver named `db`, `conn`, `connection`, `cursor`, `tx`, ...): it runs one
    statement at a time, and using it concurrently raises.

    ## Why is this bad?
    Each iteration waits for the previous one although nothing connects them: fifty
    HTTP requests of 200 ms take ten seconds instead of a fraction of one. The event loop
    sits idle while it could have every request in flight.

    ## Example
    ```python
    async def fetch_all(client, urls):
        pages = []
        for url in urls:
            pages.append(await client.get(url))
        return pages
    ```

    ## Use instead
    ```python
    import asyncio

    async def fetch_all(client, urls):
        semaphore = asyncio.Semaphore(50)

        async def fetch(url):
            async with semaphore:
                return await client.get(url)

        return await asyncio.gather(*(fetch(url) for url in urls))
    ```

    ## Fix safety
    For the loops whose body is one awaited call -- `await f(x)`,
    `results.append(await f(x))`, or `y = await f(x)` then `results.append(y)`, with
    `results` a list (or set, `add`) made in the function -- the loop becomes one
    `await _gather_bounded(N, *(f(x) for x in xs))`, extending `results` in the items'
    order; `_gather_bounded` is a few lines of plain `asyncio` written after the module's
    imports (importing `asyncio` in its own body when the module does not). Unsafe: the awaits now overlap (at most `N` at once), and when one fails the
    others have started (the loop stopped at the first failure). No fix when the loop
    variable is used elsewhere in the function.

    A body of several statements moves into a local `async def` per item, run through
    `_gather_bounded(N, ..., return_exceptions=True)`; what the body adds to a list
    (`append`, `extend`), set (`add`, `update`) or dict (`d[k] = v`, `update`) made in the
    function goes to a collection of the item's own, and afterwards the items' collections
    are added to the function's one by one in input order, so it ends as the loop left it
    (`continue` becomes a `return` of them). The first failure in input order is raised
    after the items before it are added, as the loop raised it. Unsafe for the same
    reasons, and also: the items after a failing one have run, and log lines come in the
    order the items finish. No fix (the message says why) when the body writes to state
    the items share (an item or attribute of an outer object, a mutating method on it, a
    collection it also reads), binds a name read after the loop or carried from one item
    to the next, adds to a collection while the loop runs inside a `try` (its handler
    would miss the failing item's own additions), makes a lambda or generator reading the item's names, or uses `super()`,
    `locals()` and the like, which mean something else in a nested function.

    ## Configuration
    - `default-limit`: how many awaits the fix lets run at once (default 50).
    """

    CODE = "CL103"
    NAME = "sequential-await-loop"
    OPTIONS = {"default-limit": Option(50, "awaits the fix lets run at once")}
    MESSAGE = "independent awaits run one after another in a loop"
    TRIGGERS = ("await",)
    SCREENED = True
    VALID = (
        "import asyncio\n\nasync def tick(items):\n    for item in items:\n"
        "        await asyncio.sleep(1)\n",
        "async def drain(queue, items):\n    for item in items:\n        await queue.put(item)\n",
        "async def first(client, urls):\n    for url in urls:\n"
        "        if await client.get(url):\n            break\n",
        "async def chain(steps, state):\n    for step in steps:\n"
        "        state = await apply(step, state)\n",
    )
    INVALID = (
        Invalid(
            "async def fetch_all(client, urls):\n    pages = []\n    for url in urls:\n"
            "        pages.append(await client.get(url))\n    return pages\n"
        ),
        Invalid(
            "import asyncio\n\nasync def fetch_all(client, urls):\n    pages = []\n"
            "    for url in urls:\n        pages.append(await client.get(url))\n    return pages\n",
            "import asyncio\n\n" + GATHER_BOUNDED_CODE + "\nasync def fetch_all(client, urls):\n"
            "    pages = []\n"
            "    pages.extend(await _gather_bounded(50, *(client.get(url) for url in urls)))\n"
            "    return pages\n",
        ),
        Invalid(
            "import asyncio\n\nasync def sizes(client, urls):\n    found = {}\n"
            "    for url in urls:\n        page = await client.get(url)\n"
            "        if page:\n            found[url] = len(page)\n    return found\n",
            "import asyncio\n\n" + GATHER_BOUNDED_CODE + "\nasync def sizes(client, urls):\n"
            "    found = {}\n    async def _one_url(url):\n        _found = {}\n"
            "        page = await client.get(url)\n        if page:\n"
            "            _found[url] = len(page)\n        return _found\n\n"
            "    for _found in await _gather_bounded(50, *(_one_url(url) for url in urls),"
            " return_exceptions=True):\n        if isinstance(_found, BaseException):\n"
            "            raise _found\n        found.update(_found)\n    return found\n",
        ),
    )

    @classmethod
    def may_fire(cls, tree: ast.Module, config: Config) -> bool:
        return may_await_per_item(tree)

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is not None or not self.semantics.in_async_function():
            return
        if node.orelse is not None:
            return
        targets = set(target_names(node.target))
        scan = _LoopScan(targets, self.semantics.qualified_name, self.semantics.type_of)
        scan.statements(node.body.body)
        if scan.blocked or not scan.awaited:
            return
        label = dotted_name(scan.awaited[0].func) or "..."
        message = (
            f"each iteration awaits `{label}(...)` on its own item, one after another; "
            "the iterations are independent: run them concurrently with `asyncio.gather` "
            "or a `TaskGroup`, bounded by an `asyncio.Semaphore`"
        )
        fix = self._fix(node, targets)
        if isinstance(fix, str):
            self.report(node, f"{message} (no automatic fix: {fix})")
        else:
            self.report(node, message, fix=fix)

    def _per_item_fix(self, function: cst.FunctionDef, loop: cst.For) -> NodeFix | str:
        """A body of several statements: one ``async def`` per item, gathered, the additions
        to the function's lists, sets and dicts replayed in input order."""
        limit = self.options["default-limit"]
        rewrite = per_item_rewrite(function, loop, limit, self.semantics.qualified_name)
        if isinstance(rewrite, str):
            return rewrite
        definition = gather_bounded_definition(self.context.module, self.semantics)
        if definition is None:
            return (
                f"`{GATHER_BOUNDED}` cannot be defined (no import to follow, or the name is taken)"
            )
        replayed = ", ".join(f"`{name}`" for name in rewrite.collectors)
        title = (
            f"Run each item's body concurrently, at most {limit} at once, with `{GATHER_BOUNDED}`"
        )
        if replayed:
            title += f", adding to {replayed} in the items' order"
        return NodeFix(title, Safety.UNSAFE, (*definition, (loop, rewrite.statements)))

    def _fix(self, loop: cst.For, targets: set[str]) -> NodeFix | str:
        """``for x in xs: acc.append(await f(x))`` -> ``acc.extend(await _gather_bounded(N,
        *(f(x) for x in xs)))``; a bare ``await f(x)`` body likewise, without the ``extend``."""
        shape = _gather_shape(loop.body.body)
        function = self.semantics.enclosing_function()
        if function is None:
            return "the loop is not in a function"
        if shape is None:
            return self._per_item_fix(function, loop)
        bound = targets | _bound_in(loop.body.body)  # names the loop leaves behind
        if _used_outside(function, loop, bound):
            return "a name the loop binds is used outside it"
        call, collector, method = shape
        if collector is not None and (
            collector in targets
            or collector in {n.value for n in _names(call)}
            or not _made_here(function, collector, method)
        ):
            return f"`{collector}` is not only ever a new list or set of this function"
        definition = gather_bounded_definition(self.context.module, self.semantics)
        if definition is None:
            return (
                f"`{GATHER_BOUNDED}` cannot be defined (no import to follow, or the name is taken)"
            )
        limit = self.options["default-limit"]
        per_item = cst.GeneratorExp(call, cst.CompFor(target=loop.target, iter=loop.iter))
        gathered = cst.Await(
            cst.Call(
                cst.Name(GATHER_BOUNDED),
                args=[
                    cst.Arg(cst.Integer(str(limit))),
                    cst.Arg(per_item, star="*"),
                ],
            )
        )
        if collector is None:
            expression: cst.BaseExpression = gathered
        else:
            grow = "extend" if method == "append" else "update"
            expression = cst.Call(
                cst.Attribute(cst.Name(collector), cst.Name(grow)), args=[cst.Arg(gathered)]
            )
        statement = cst.SimpleStatementLine(
            body=[cst.Expr(expression)], trailing_whitespace=loop.body.header
        )
        return NodeFix(
            f"Await the items concurrently, at most {limit} at once, with `{GATHER_BOUNDED}`",
            Safety.UNSAFE,
            (*definition, (loop, statement)),
        )


def _gather_shape(
    body: Sequence[cst.BaseStatement],
) -> tuple[cst.Call, str | None, str | None] | None:
    """(awaited call, collector name, ``append``/``add``) for the loop bodies the fix knows:
    ``await f(x)``, ``acc.append(await f(x))`` and ``y = await f(x)`` then ``acc.append(y)``."""
    smalls = [s for line in body if isinstance(line, cst.SimpleStatementLine) for s in line.body]
    if len(smalls) != sum(
        len(line.body) for line in body if isinstance(line, cst.SimpleStatementLine)
    ):
        return None
    if len(body) != len([line for line in body if isinstance(line, cst.SimpleStatementLine)]):
        return None
    if len(smalls) == 1:
        value = smalls[0].value if isinstance(smalls[0], cst.Expr) else None
        if isinstance(value, cst.Await) and isinstance(value.expression, cst.Call):
            return value.expression, None, None
        collected = _collected(value)
        if collected is not None and isinstance(collected[2], cst.Await):
            awaited = collected[2].expression
            if isinstance(awaited, cst.Call):
                return awaited, collected[0], collected[1]
        return None
    if len(smalls) == 2 and isinstance(smalls[0], cst.Assign) and isinstance(smalls[1], cst.Expr):
        assign = smalls[0]
        collected = _collected(smalls[1].value)
        if (
            len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)
            and isinstance(assign.value, cst.Await)
            and isinstance(assign.value.expression, cst.Call)
            and collected is not None
            and isinstance(collected[2], cst.Name)
            and collected[2].value == assign.targets[0].target.value
        ):
            return assign.value.expression, collected[0], collected[1]
    return None


def _collected(value: cst.BaseExpression | None) -> tuple[str, str, cst.BaseExpression] | None:
    """(collector, method, argument) for ``name.append(arg)`` / ``name.add(arg)``."""
    if (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Attribute)
        and isinstance(value.func.value, cst.Name)
        and value.func.attr.value in ("append", "add")
        and len(value.args) == 1
        and value.args[0].keyword is None
        and not value.args[0].star
    ):
        return value.func.value.value, value.func.attr.value, value.args[0].value
    return None


def _made_here(function: cst.FunctionDef, name: str, method: str | None) -> bool:
    """``name`` is bound in the function, and only to a new list (``append``) or set
    (``add``): the collections whose ``extend`` / ``update`` the fix calls."""
    kinds = (cst.List, cst.ListComp) if method == "append" else (cst.Set, cst.SetComp)
    constructor = "list" if method == "append" else "set"
    bound = []
    for node in descendants(function):
        if isinstance(node, cst.Assign):
            for target in node.targets:
                if isinstance(target.target, cst.Name) and target.target.value == name:
                    bound.append(node.value)
        elif (
            isinstance(node, (cst.AnnAssign, cst.AugAssign))
            and isinstance(node.target, cst.Name)
            and node.target.value == name
        ):
            bound.append(node.value)
    return bool(bound) and all(
        isinstance(value, kinds)
        or (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Name)
            and value.func.value == constructor
        )
        for value in bound
    )


def _names(node: cst.CSTNode) -> list[cst.Name]:
    return [n for n in descendants(node) if isinstance(n, cst.Name)]


_COMPREHENSION_NODES = (cst.GeneratorExp, cst.ListComp, cst.SetComp, cst.DictComp)


def _comprehension_targets(node: cst.CSTNode) -> set[str]:
    found: set[str] = set()
    clause = getattr(node, "for_in", None)
    while clause is not None:
        found.update(target_names(clause.target))
        clause = clause.inner_for_in
    return found


def _used_outside(function: cst.FunctionDef, loop: cst.For, names: set[str]) -> bool:
    """Whether code of the function outside the loop may read any of ``names`` before
    binding them again (after the fix the loop no longer binds them); another loop or a
    comprehension binding a name first reads its own binding, a closure always counts."""
    return bool(read_after(function, loop, names))


class _LoopScan:
    """Walk a loop body in order: per-item awaits, carried values, blockers."""

    def __init__(self, targets: set[str], qualify, type_of) -> None:
        self.qualify = qualify
        self.type_of = type_of
        self.tainted = set(targets)  # names holding this iteration's item or values from it
        self.bound: set[str] = set(targets)  # names surely bound so far in this iteration
        self.written: set[str] = set()  # names any statement of the body binds
        self.awaited: list[cst.Call] = []
        self.blocked = False

    def statements(self, body: Sequence[cst.CSTNode]) -> None:
        self.written = _bound_in(body)
        for statement in body:
            self._statement(statement)

    def _statement(self, node: cst.CSTNode) -> None:
        if self.blocked:
            return
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                self._small(small)
        elif isinstance(node, (cst.If, cst.Try, cst.TryStar)):
            if isinstance(node, cst.If):
                self._expression(node.test)
            for block in _blocks(node):
                for statement in block:
                    self._statement(statement)
        elif isinstance(node, cst.With):
            if node.asynchronous is not None and not all(
                isinstance(item.item, cst.Call) for item in node.items
            ):
                self.blocked = True  # ``async with lock:`` orders the iterations
                return
            for item in node.items:
                self._expression(item.item, awaited_item=node.asynchronous is not None)
                if item.asname is not None:
                    self._bind(item.asname.name, item.item)
            for statement in node.body.body:
                self._statement(statement)
        else:  # nested loops, definitions, while: leave the loop to its own judgement
            self.blocked = True

    def _small(self, node: cst.BaseSmallStatement) -> None:
        if isinstance(node, (cst.Break, cst.Return, cst.Global, cst.Nonlocal, cst.Raise)):
            self.blocked = True
        elif isinstance(node, cst.Assign):
            self._expression(node.value)
            for target in node.targets:
                if _outer_attribute(target.target, self.tainted | self.bound):
                    self.blocked = True  # ``self.ip = ...``: state shared by iterations
                self._bind(target.target, node.value)
        elif isinstance(node, cst.AnnAssign):
            if node.value is not None:
                self._expression(node.value)
                self._bind(node.target, node.value)
        elif isinstance(node, cst.AugAssign):
            # a counter or accumulator: fine unless an await reads it (carried, checked there)
            self._expression(node.value)
        else:
            self._expression(node)

    def _bind(self, target: cst.BaseExpression, value: cst.CSTNode) -> None:
        names = target_names(target)
        if names_read(value) & self.tainted:
            self.tainted.update(names)
        self.bound.update(names)

    def _expression(self, node: cst.CSTNode, awaited_item: bool = False) -> None:
        if self.blocked:
            return
        finder = _Awaits()
        walk_visitor(node, finder)
        if finder.yields or finder.walrus:
            self.blocked = True
            return
        for call in finder.calls:
            if self._ordered_side_effect(call):
                self.blocked = True
                return
        awaited = list(finder.awaited)
        if awaited_item and isinstance(node, cst.Call):
            awaited.append(node)
        for expression in awaited:
            if not self._independent(expression):
                self.blocked = True
                return
            assert isinstance(expression, cst.Call)
            self.awaited.append(expression)

    def _independent(self, expression: cst.BaseExpression) -> bool:
        """An awaited call on this iteration's item that is not ordered by nature."""
        if not isinstance(expression, cst.Call):
            return False  # ``await task``: already running concurrently
        name = self.qualify(expression.func)
        given = expression.args
        if name in TIMEOUT_WRAPPERS and given and isinstance(given[0].value, cst.Call):
            return self._independent(given[0].value)
        if name in ORDERED_CALLS or name in CONCURRENT_AWAITS:
            return False
        if isinstance(expression.func, cst.Name) and expression.func.value == GATHER_BOUNDED:
            return False  # this rule's own fix: already concurrent
        func = expression.func
        last = (dotted_name(func) or "").rsplit(".", 1)[-1]
        if last in ORDERED_AWAIT_METHODS or last.startswith(ORDERED_AWAIT_PREFIXES):
            return False
        if names_read(func) & self.tainted:
            return False  # calling the item or a method of it: hooks, steps
        if isinstance(func, cst.Attribute) and self._ordered_receiver(func.value):
            return False  # one database session or connection: one statement at a time
        reads = set().union(*(names_read(arg.value) for arg in expression.args))
        carried = (reads & self.written) - self.bound
        return bool(reads & self.tainted) and not carried

    def _ordered_receiver(self, receiver: cst.BaseExpression) -> bool:
        if self.type_of(receiver) in ORDERED_RECEIVER_TYPES:
            return True
        dotted = dotted_name(receiver)
        last = dotted.rsplit(".", 1)[-1].lower() if dotted else ""
        return last in ORDERED_RECEIVER_NAMES

    def _ordered_side_effect(self, call: cst.Call) -> bool:
        if self.qualify(call.func) in ORDERED_SIDE_EFFECTS:
            return True
        func = call.func
        return isinstance(func, cst.Attribute) and func.attr.value.startswith(
            ("write", "send", "print")
        )


def _outer_attribute(target: cst.BaseExpression, local: set[str]) -> bool:
    """``obj.attr = ...`` on an object that is not this iteration's own."""
    return isinstance(target, cst.Attribute) and base_name(target) not in local


def _blocks(node: cst.CSTNode) -> list[Sequence[cst.CSTNode]]:
    """The statement lists of an ``if`` / ``try`` (else and finally included)."""
    blocks: list[Sequence[cst.CSTNode]] = [node.body.body]  # type: ignore[attr-defined]
    if isinstance(node, cst.If):
        orelse = node.orelse
        if isinstance(orelse, cst.If):
            blocks.append([orelse])
        elif orelse is not None:
            blocks.append(orelse.body.body)
    elif isinstance(node, (cst.Try, cst.TryStar)):
        blocks.extend(handler.body.body for handler in node.handlers)
        for extra in (node.orelse, node.finalbody):
            if extra is not None:
                blocks.append(extra.body.body)
    return blocks


def _bound_in(body: Sequence[cst.CSTNode]) -> set[str]:
    """Names bound anywhere in a body (assignments, ``with ... as``, ``except ... as``)."""
    names: set[str] = set()
    for statement in body:
        for node in descendants(statement):
            if isinstance(node, _BINDERS):
                names.update(target_names(node.target))
            elif isinstance(node, cst.AsName):
                names.update(target_names(node.name))
    return names


_BINDERS = (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.NamedExpr)


class _Awaits(cst.CSTVisitor):
    """Awaited expressions, plain calls, ``yield`` and ``:=`` in one expression."""

    def __init__(self) -> None:
        self.awaited: list[cst.BaseExpression] = []
        self.calls: list[cst.Call] = []
        self.yields = False
        self.walrus = False

    def visit_Await(self, node: cst.Await) -> None:
        self.awaited.append(node.expression)

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_Yield(self, node: cst.Yield) -> None:
        self.yields = True

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.walrus = True

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False
