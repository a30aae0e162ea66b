"""Move a blocking ``with`` block of an ``async def`` into a worker thread (the CL401 fix).

A blocking call that is a ``with`` item (``with open(path) as fh:``) cannot be awaited in
place: the whole block blocks. It moves, unchanged, into a local sync function that
``asyncio.to_thread`` runs; the names the block binds and the rest of the function reads
are returned and bound again::

    with open(path) as fh:                  def _blocking_io():
        data = fh.read()            ->          with open(path) as fh:
    use(data)                                       data = fh.read()
                                                return data

                                            data = await asyncio.to_thread(_blocking_io)
                                            use(data)

The block runs exactly as before, in another thread, when nothing in it depends on being
in the coroutine: no ``await``, ``yield`` or ``return``, no ``break`` / ``continue`` of an
outer loop, no ``global`` / ``nonlocal`` / ``del``, no zero-argument ``super()`` or
``locals()``, no name read before the block binds it, every returned name bound on every
path, no ``try`` of the function that could see a half-run block. Otherwise the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

import libcst as cst

from concurrency_lint.analysis.loop_body import names_read, names_used, target_names
from concurrency_lint.analysis.tree_walk import children, path_to
from concurrency_lint.fixes.name_liveness import BindingOrder, bound_names, read_after

#: Names whose meaning changes inside a nested function (or that expose its locals).
_SCOPE_SENSITIVE = frozenset({"super", "__class__", "locals", "vars", "exec", "eval", "dir"})

#: Nodes whose bodies run in a scope (or at a time) of their own.
_OWN_SCOPE = (cst.FunctionDef, cst.Lambda, cst.ClassDef)

#: The worker's name (numbered when taken).
WORKER_NAME = "_blocking_io"


@dataclass(frozen=True)
class Offload:
    """The block moved into ``worker`` and the names its call binds again."""

    worker: cst.FunctionDef
    returned: tuple[str, ...]
    passed: tuple[str, ...] = ()  # read before the block binds them: handed in
    returns: bool = False  # the block returns the function's value


def offload_reason_or_plan(
    statement: cst.With,
    function: cst.FunctionDef,
    non_suppressing: bool,
) -> Offload | str:
    """The offload of ``statement`` (a ``with`` of ``function``), or why it would change
    what the code does. ``non_suppressing``: every item's context manager is known to let
    exceptions through (a file, a response, a process), so a name bound in the body is
    bound whenever the block completes."""
    if statement.asynchronous is not None:
        return "the blocking call is an `async with` item"
    reason = _forbidden(statement)
    if reason is not None:
        return reason
    returns = any(isinstance(node, cst.Return) for node, _loops in _walk_same_scope(statement))
    if returns and not _in_tail_position(function, statement):
        return "the `with` block returns, and code of the function may run after it"
    bound = bound_names(statement)
    declared = _declared(function)
    if bound & declared:
        return f"`{sorted(bound & declared)[0]}` is global or nonlocal in the function"
    checker = BindingOrder(bound)
    checker.with_statement(statement, set())
    passed = tuple(sorted(checker.early_reads))
    unbound = [name for name in passed if not _bound_before(function, statement, name)]
    if unbound:
        return f"`{unbound[0]}` is read in the `with` block before it binds it, and may be unbound"
    checker = BindingOrder(bound)
    surely = checker.with_statement(statement, set(passed))
    assert not checker.early_reads
    # After a block in tail position only closures made earlier can read what it binds.
    if returns:
        returned = tuple(sorted(bound & _names_outside(function, statement, closures_only=True)))
    else:  # what the rest of the function may read before binding it again
        returned = tuple(sorted(read_after(function, statement, bound)))
    if returned and not non_suppressing:
        return "a context manager of the `with` may swallow an exception and skip the block"
    if returns and returned:
        return f"the `with` block returns, and `{returned[0]}`, which it binds, is read elsewhere"
    unsure = [name for name in returned if name not in surely]
    if unsure:
        return f"`{unsure[0]}` is bound on some paths of the `with` block only and read after it"
    if returned and _caught_and_read(function, statement, set(returned)):
        return "a `try` around the `with` block could read what a failing block had bound"
    taken = _all_names(function)
    name, number = WORKER_NAME, 2
    while name in taken:
        name, number = f"{WORKER_NAME}_{number}", number + 1
    body: list[cst.BaseStatement] = [statement.with_changes(leading_lines=[])]
    if returned:
        value = (
            cst.Name(returned[0])
            if len(returned) == 1
            else cst.Tuple([cst.Element(cst.Name(n)) for n in returned], lpar=[], rpar=[])
        )
        body.append(cst.SimpleStatementLine([cst.Return(value)]))
    worker = cst.FunctionDef(
        name=cst.Name(name),
        params=cst.Parameters([cst.Param(cst.Name(name)) for name in passed]),
        body=cst.IndentedBlock(body),
        leading_lines=statement.leading_lines,
    )
    return Offload(worker, returned, passed, returns)


def offload_statements(
    plan: Offload, to_thread: cst.BaseExpression
) -> cst.FlattenSentinel[cst.BaseStatement]:
    """The worker's definition and the statement that awaits it in a thread."""
    args = [cst.Arg(cst.Name(name)) for name in (plan.worker.name.value, *plan.passed)]
    call = cst.Await(cst.Call(to_thread, args))
    if plan.returns:
        run: cst.BaseSmallStatement = cst.Return(call)
    elif not plan.returned:
        run = cst.Expr(call)
    else:
        target = (
            cst.Name(plan.returned[0])
            if len(plan.returned) == 1
            else cst.Tuple([cst.Element(cst.Name(n)) for n in plan.returned], lpar=[], rpar=[])
        )
        run = cst.Assign([cst.AssignTarget(target)], call)
    return cst.FlattenSentinel(
        [plan.worker, cst.SimpleStatementLine([run], leading_lines=[cst.EmptyLine(indent=False)])]
    )


# ---- what may not move -----------------------------------------------------------------


def _forbidden(statement: cst.With) -> str | None:
    """Why the block cannot run in a function of its own, or None."""
    for node, loops in _walk_same_scope(statement):
        if isinstance(node, cst.Await) or (
            isinstance(node, (cst.For, cst.With)) and node.asynchronous is not None
        ):
            return "the `with` block awaits"
        if isinstance(node, cst.Yield):
            return "the `with` block holds a `yield`"
        if isinstance(node, (cst.Break, cst.Continue)) and loops == 0:
            return "the `with` block leaves an enclosing loop (`break` / `continue`)"
        if isinstance(node, (cst.Global, cst.Nonlocal, cst.Del)):
            return "the `with` block holds a `global`, `nonlocal` or `del` statement"
        if isinstance(node, cst.Match):
            return "the `with` block holds a `match` statement"
        if isinstance(node, cst.ImportStar):
            return "the `with` block imports `*`"
    used = names_read(statement) & _SCOPE_SENSITIVE
    if used:
        return f"the `with` block uses `{sorted(used)[0]}`, which sees the scope it runs in"
    return None


def _walk_same_scope(root: cst.CSTNode) -> Iterable[tuple[cst.CSTNode, int]]:
    """Every node under ``root`` outside nested scopes, with the number of loops around it
    inside ``root`` (a ``break`` there stays in the block)."""
    stack: list[tuple[cst.CSTNode, int]] = [(root, 0)]
    while stack:
        node, loops = stack.pop()
        yield node, loops
        if isinstance(node, _OWN_SCOPE):
            continue
        inner = loops + isinstance(node, (cst.For, cst.While))
        for child in children(node):
            # A loop's ``else`` runs after the loop: a ``break`` there leaves the outer one.
            in_else = isinstance(node, (cst.For, cst.While)) and child is node.orelse
            stack.append((child, loops if in_else else inner))


# ---- names -----------------------------------------------------------------------------


def _declared(function: cst.FunctionDef) -> set[str]:
    """Names the function declares ``global`` or ``nonlocal``."""
    declared: set[str] = set()
    for node, _loops in _walk_same_scope(function.body):
        if isinstance(node, (cst.Global, cst.Nonlocal)):
            declared.update(item.name.value for item in node.names)
    return declared


def _names_outside(
    function: cst.FunctionDef, statement: cst.CSTNode, closures_only: bool = False
) -> set[str]:
    """Every name mentioned in the function (nested scopes included) outside ``statement``;
    ``closures_only``: in the nested functions and lambdas only."""
    names: set[str] = set()
    stack: list[tuple[cst.CSTNode, bool]] = [(function.body, False)]
    while stack:
        node, nested = stack.pop()
        if node is statement:
            continue
        nested = nested or isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef))
        if isinstance(node, cst.Name) and (nested or not closures_only):
            names.add(node.value)
        elif isinstance(node, (cst.Attribute, cst.Arg)):
            stack.append((node.value, nested))
            continue
        stack.extend((child, nested) for child in children(node))
    return names


def _all_names(function: cst.FunctionDef) -> set[str]:
    """Every identifier in the function, attribute names included (the worker avoids all)."""
    names: set[str] = set()
    stack: list[cst.CSTNode] = [function]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            names.add(node.value)
        stack.extend(children(node))
    return names


def _bound_before(function: cst.FunctionDef, statement: cst.CSTNode, name: str) -> bool:
    """Whether ``name`` is surely bound when ``statement`` runs: a parameter, or assigned by a
    plain statement before it in a block that holds it (and never deleted nor declared)."""
    if any(isinstance(node, cst.Del) for node, _loops in _walk_same_scope(function.body)):
        return False
    params = function.params
    every = (*params.posonly_params, *params.params, *params.kwonly_params)
    stars = [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    if any(param.name.value == name for param in (*every, *stars)):
        return True
    path = path_to(function.body, statement) or []
    for block, child in pairwise(path):
        if not isinstance(block, cst.IndentedBlock):
            continue
        for earlier in block.body:
            if earlier is child:
                break
            if isinstance(earlier, cst.SimpleStatementLine) and any(
                isinstance(small, (cst.Assign, cst.AnnAssign))
                and getattr(small, "value", None) is not None
                and name in _assigned(small)
                for small in earlier.body
            ):
                return True
    return False


def _assigned(small: cst.Assign | cst.AnnAssign) -> set[str]:
    if isinstance(small, cst.AnnAssign):
        return set(target_names(small.target))
    return {name for target in small.targets for name in target_names(target.target)}


def _in_tail_position(function: cst.FunctionDef, statement: cst.CSTNode) -> bool:
    """Whether nothing of ``function`` runs after ``statement`` (the last statement of blocks
    of ``if`` / ``with`` statements down from the body), and the function is no generator
    (where ``return value`` would not compile)."""
    if any(isinstance(node, cst.Yield) for node, _loops in _walk_same_scope(function.body)):
        return False
    path = path_to(function.body, statement)
    if path is None:
        return False
    for parent, child in pairwise(path):
        if isinstance(parent, cst.IndentedBlock):
            if parent.body[-1] is not child:
                return False
        elif isinstance(parent, cst.If):
            if child is parent.test:
                return False
        elif isinstance(parent, cst.Else):
            continue
        elif isinstance(parent, cst.With):
            if parent.asynchronous is not None or child is not parent.body:
                return False
        else:
            return False
    return True


def _caught_and_read(function: cst.FunctionDef, statement: cst.CSTNode, names: set[str]) -> bool:
    """Whether a ``try`` around ``statement`` may catch its exception and let code read
    ``names`` (which a failing block may have bound before, and now does not): true unless
    every handler of every such ``try`` ends in ``return`` / ``raise``, reads none of them
    before binding them, and no ``finally`` mentions them."""
    path = path_to(function, statement) or []
    for parent, child in pairwise(path):
        if isinstance(parent, cst.TryStar):
            return True
        if not isinstance(parent, cst.Try) or child is not parent.body:
            continue
        if parent.finalbody is not None and names & names_used(parent.finalbody):
            return True
        for handler in parent.handlers:
            order = BindingOrder(names)
            order.block(handler.body, set())
            if order.early_reads or not _leaves(handler.body):
                return True
    return False


def _leaves(body: cst.BaseSuite) -> bool:
    """Whether the block ends in ``return`` or ``raise`` (it cannot fall through)."""
    statements = body.body
    last = statements[-1] if statements else None
    if isinstance(last, cst.SimpleStatementLine):
        last = last.body[-1] if last.body else None
    return isinstance(last, (cst.Return, cst.Raise))
