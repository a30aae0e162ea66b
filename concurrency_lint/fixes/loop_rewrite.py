"""Rewrite a sequential I/O loop into ``run_parallel`` (the CL101 / CL102 fix).

The loop body is split in two. The per-item work moves into a nested function that
``run_parallel`` calls for every item; the accumulation into outer state (``out.append``,
``table[k] = v``, ``total += n``) stays in a loop over the outcomes, in input order, in the
calling thread. What the accumulation needs from the per-item work is returned by the
function::

    for path in paths:                      def load_path(path):
        with open(path) as fh:                  with open(path) as fh:
            text = fh.read()        ->              text = fh.read()
        out.append(text.upper())                return text.upper()

                                            for path, text_upper, _error in run_parallel(
                                                    load_path, paths, max_workers=50,
                                                    fail_fast=True):
                                                out.append(text_upper)

When the split cannot be proven right the builder returns the reason instead of a fix.
"""

from __future__ import annotations

import io
import keyword
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass, replace

import libcst as cst

from concurrency_lint.analysis.loop_body import BodyFacts, names_read, target_names
from concurrency_lint.analysis.loops import LoopIo, NestedLoopIo
from concurrency_lint.analysis.tree_walk import children
from concurrency_lint.checking.rule import NodeFix
from concurrency_lint.fixes.loop_hazards import (
    SESSION_POOL_SIZE,
    is_materialized,
    item_mutation,
    iterable_refusal,
    late_binding,
    shared_resource,
    shared_session,
)
from concurrency_lint.fixes.loop_hoist import hoist_accumulations, hoist_conditional
from concurrency_lint.fixes.loop_replay import (
    GUARDED_REASON,
    keep_partial_records,
    replay_accumulations,
)
from concurrency_lint.fixes.loop_safety import Qualify, is_read_only_work
from concurrency_lint.fixes.loop_skips import ContinueToReturn, flagged, skip_unless, skip_value
from concurrency_lint.fixes.name_liveness import read_after
from concurrency_lint.fixes.stdlib_target import (
    STDLIB_IMPORT,
    STDLIB_NEEDS_A_COLLECTION,
    descriptor_reason,
    item_and,
    outcome_target,
    pool_loop,
)
from concurrency_lint.knowledge.io_calls import WORKER_CEILINGS
from concurrency_lint.model import Safety

_VERBS = {"network": "fetch", "subprocess": "run", "file": "load"}


@dataclass(frozen=True)
class LoopSite:
    """Where the loop sits: what the rewrite must not clash with or break."""

    module: cst.Module
    indent: str  # the loop's own indentation
    scope: cst.CSTNode  # the enclosing function (or the module)
    taken: set[str]  # names in use in the scope, and those earlier fixes there introduced
    runtime_module: str
    state_is_local: bool  # accumulators are locals of the enclosing function, no try around
    qualify: Qualify  # qualified name of an expression where the loop stands
    in_class_body: bool = False  # a function defined there could not see the class's names
    #: None when the project can import ``runtime_module``; else what it should add
    missing_runtime: str | None = None
    fix_target: str = "runtime"  # "stdlib": ``concurrent.futures`` only


def rewrite_loop(found: LoopIo, site: LoopSite) -> NodeFix | str:
    """The fix for a CL101 ``for`` loop, or why there is none."""
    node = found.node
    assert isinstance(node, cst.For) and found.facts is not None
    return _rewrite(node, node.target, found.items, found, found.facts, site)


def rewrite_nested(found: NestedLoopIo, site: LoopSite, deeper: bool = False) -> NodeFix | str:
    """The fix for a CL102 nest: one batch of ``(outer, inner)`` pairs, or why there is none.
    ``deeper``: the inner loop holds a nest of its own (three levels are not flattened)."""
    outer, inner = found.outer, found.inner.node
    assert isinstance(inner, cst.For) and found.inner.facts is not None
    if deeper:
        return "more than two loops are nested"
    body = outer.body.body if isinstance(outer.body, cst.IndentedBlock) else ()
    if len(body) != 1 or body[0] is not inner:
        return _rewrite_outer(found, site)
    if outer.orelse is not None:
        return "the outer loop has an `else` clause"
    pair = cst.Tuple(
        [cst.Element(bare(outer.target)), cst.Element(bare(inner.target))],
        lpar=[cst.LeftParen()],
        rpar=[cst.RightParen()],
    )
    items = cst.ListComp(
        elt=pair.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]),
        for_in=cst.CompFor(
            target=bare(outer.target),
            iter=outer.iter,
            inner_for_in=cst.CompFor(target=bare(inner.target), iter=inner.iter),
        ),
    )
    return _rewrite(outer, pair, items, found.inner, found.inner.facts, site, body_of=inner)


def _rewrite_outer(found: NestedLoopIo, site: LoopSite) -> NodeFix | str:
    """A nest whose outer loop does more than run the inner loop (a value per outer item,
    a skip, an accumulation after it): the outer items run side by side, each running
    its inner loop in order in the worker."""
    outer = found.outer
    facts = found.outer_facts
    if facts.blocker is not None:
        return f"the outer loop does more than run the inner loop ({facts.blocker})"
    as_loop = replace(found.inner, node=outer, target=outer.target, items=outer.iter, facts=facts)
    return _rewrite(outer, outer.target, outer.iter, as_loop, facts, site)


def _rewrite(
    node: cst.For,
    target: cst.BaseExpression,
    items: cst.BaseExpression,
    found: LoopIo,
    facts: BodyFacts,
    site: LoopSite,
    body_of: cst.For | None = None,
) -> NodeFix | str:
    loop = body_of or node
    names = FreshNames(site.taken)
    statements = list(loop.body.body)  # type: ignore[union-attr]
    if facts.nested_accumulation:
        hoisted = hoist_conditional(statements, facts)
        if hoisted is None and not facts.continues:
            hoisted = hoist_accumulations(statements, facts, site.qualify, names.fresh, slot_name)
        if hoisted is not None and _accumulation_start(*hoisted) is not None:
            statements, facts = hoisted  # else the replay takes the body as written
    split = _accumulation_start(statements, facts)
    replaying = facts.nested_accumulation or split is None
    reason = _refusal(node, loop, facts, site, replaying)
    if reason is not None:
        return reason
    targets = set(target_names(target))
    per_item = facts.written | targets
    iterables = [node.iter] if body_of is None else [node.iter, loop.iter]
    if replaying:
        return _rewrite_replaying(
            _Loop(node, target, items, iterables, body_of), found, facts, site, statements, names
        )
    assert split is not None
    work, accumulation = statements[:split], statements[split:]
    reason = _hazard(iterables, work, found, facts, site, per_item)
    if reason is not None:
        return reason
    target_read_after = _target_read_after(site, node, targets, body_of is not None)
    if target_read_after and body_of is not None:
        return "a loop variable is read after the loops"
    slots = _Slots(facts.written, names)
    kept = [_replace_slots(statement, slots) for statement in accumulation]
    closure = late_binding(work, [expr for _, expr in slots.moved], per_item, site.qualify)
    if closure is not None:
        return closure
    lazy = not is_materialized(node.iter, site.module, site.scope, site.qualify)
    stdlib = site.fix_target == "stdlib"
    if stdlib and lazy:
        return STDLIB_NEEDS_A_COLLECTION
    # A pool's map gives results only: the worker hands the item back when it is needed.
    with_item = stdlib and (target_read_after or bool(_reads(kept) & targets))
    returned = slots.returned()
    flag = None
    if facts.continues:  # the worker says whether the item goes on to the accumulation
        flag = names.fresh("kept", keep=False)
        skipped = skip_value(len(slots.moved))
        if with_item:
            skipped = item_and(target, skipped)
        work = [statement.visit(ContinueToReturn(skipped)) for statement in work]  # type: ignore[misc]
        returned = flagged(cst.Name("True"), returned)
    if with_item:
        returned = item_and(target, returned)
    worker_name = names.fresh(_worker_name(target, found))
    worker = _worker(worker_name, target, work, returned, names)
    header = node.body.header if isinstance(node.body, cst.IndentedBlock) else None
    if header is not None and header.comment is not None:  # keep ``for ...:  # comment``
        worker = worker.with_changes(body=worker.body.with_changes(header=header))
    if lazy and isinstance(items, cst.ListComp):  # the pairs of a nest: made as they are read
        items = cst.GeneratorExp(items.elt, items.for_in)
    # Streaming also when the accumulation outlives an exception (outer state, a ``try``
    # around the loop): the items before a failing one are accumulated, as before.
    streaming = lazy or not site.state_is_local
    session = shared_session(found.calls, per_item)
    workers = SESSION_POOL_SIZE if session is not None else WORKER_CEILINGS[found.kind]
    runner = "iter_parallel" if streaming else "run_parallel"
    call = run_parallel_call(worker_name, items, found, workers, runner)
    error = names.fresh("_error", keep=False)
    if stdlib:
        values = slots.target() if slots.moved else None
        if flag is not None:
            values = flagged(cst.Name(flag), values, True)
            kept = [skip_unless(flag), *kept]
        after = pool_loop(
            worker_name,
            bare(items),
            outcome_target(target if with_item else None, values),
            kept if (kept or target_read_after) else None,
            workers,
            names.fresh("executor"),
        )
    elif kept or target_read_after:
        result = slots.target() if slots.moved else cst.Name(names.fresh("_result", keep=False))
        if flag is not None:
            result = flagged(cst.Name(flag), slots.target() if slots.moved else None, True)
            kept = [skip_unless(flag), *kept]
        outcome = cst.Tuple(
            [cst.Element(bare(target)), cst.Element(result), cst.Element(cst.Name(error))],
            lpar=[],
            rpar=[],
        )
        after = cst.For(
            target=outcome,
            iter=call,
            body=cst.IndentedBlock(kept or [cst.SimpleStatementLine([cst.Pass()])]),
            leading_lines=[cst.EmptyLine()],
        )
    else:
        if streaming:  # the stream runs only as far as it is read
            call = cst.Call(cst.Name("list"), [cst.Arg(call)])
        after = cst.SimpleStatementLine([cst.Expr(call)], leading_lines=[cst.EmptyLine()])
    text = _render([worker, after], site)
    moved = [expr for _, expr in slots.moved]
    unsafe = unsafe_reasons(
        replace(site, missing_runtime=None) if stdlib else site,
        is_read_only_work([*work, *moved], found.calls, per_item, site.qualify, facts.written),
        lazy,
        session,
    )
    if stdlib:
        unsafe.append(descriptor_reason(workers))
    return _parallel_fix(
        site, node, text, (body_of is not None, stdlib), runner, f"({worker_name})", unsafe
    )


@dataclass(frozen=True)
class _Loop:
    """The loop being rewritten: the statement replaced, its target and items (the pairs
    of a flattened nest), the iterables read and, for a nest, the inner loop."""

    node: cst.For
    target: cst.BaseExpression
    items: cst.BaseExpression
    iterables: list[cst.BaseExpression]
    body_of: cst.For | None


def _rewrite_replaying(
    loop: _Loop,
    found: LoopIo,
    facts: BodyFacts,
    site: LoopSite,
    statements: list[cst.BaseStatement],
    names: FreshNames,
) -> NodeFix | str:
    """The fix when the accumulations do not end the body: the worker records them, the
    loop over the outcomes replays them (``loop_replay``)."""
    node, target, items = loop.node, loop.target, loop.items
    targets = set(target_names(target))
    per_item = facts.written | targets

    def split(small: cst.BaseSmallStatement) -> tuple[cst.BaseSmallStatement, list]:
        slots = _Slots(facts.written, names)
        return _replace_small(small, slots), slots.moved

    record_list = names.fresh("collected")
    replay = replay_accumulations(
        statements,
        facts,
        site.qualify,
        split,
        record_list,
        names.fresh("step"),
        names.fresh("value"),
    )
    if replay is None:
        return "the accumulation into outer state is mixed with the per-item work"
    if replay.copy_hazard is not None:
        return replay.copy_hazard
    reason = _hazard(loop.iterables, replay.check, found, facts, site, per_item)
    if reason is not None:
        return reason
    target_read_after = _target_read_after(site, node, targets, loop.body_of is not None)
    if target_read_after and loop.body_of is not None:
        return "a loop variable is read after the loops"
    closure = late_binding(replay.check, [], per_item, site.qualify)
    if closure is not None:
        return closure
    lazy = not is_materialized(node.iter, site.module, site.scope, site.qualify)
    stdlib = site.fix_target == "stdlib"
    if stdlib and lazy:
        return STDLIB_NEEDS_A_COLLECTION
    with_item = stdlib and (target_read_after or bool(_reads(replay.replay) & targets))
    # Outer state outlives an exception: a failing item's records so far are replayed
    # before its exception is raised again, at its turn in input order.
    failure = None if site.state_is_local else names.fresh("failure")
    records: cst.BaseExpression = cst.Name(record_list)
    if failure is not None:
        records = cst.Tuple([cst.Element(cst.Name(record_list)), cst.Element(cst.Name("None"))])
    returned = item_and(target, records) if with_item else records
    work = replay.work
    if facts.continues:  # what the item recorded so far is all it accumulates
        work = [statement.visit(ContinueToReturn(returned)) for statement in work]  # type: ignore[misc]
    replayed = replay.replay
    if failure is not None:
        work, replayed = keep_partial_records(
            work, replayed, record_list, failure, with_item and target
        )
        records = cst.Tuple([cst.Element(cst.Name(record_list)), cst.Element(cst.Name(failure))])
    worker_name = names.fresh(_worker_name(target, found))
    worker = _worker(worker_name, target, work, returned, names)
    header = node.body.header if isinstance(node.body, cst.IndentedBlock) else None
    if header is not None and header.comment is not None:
        worker = worker.with_changes(body=worker.body.with_changes(header=header))
    if lazy and isinstance(items, cst.ListComp):
        items = cst.GeneratorExp(items.elt, items.for_in)
    streaming = lazy or not site.state_is_local
    session = shared_session(found.calls, per_item)
    workers = SESSION_POOL_SIZE if session is not None else WORKER_CEILINGS[found.kind]
    runner = "iter_parallel" if streaming else "run_parallel"
    after: cst.BaseStatement
    if stdlib:
        after = pool_loop(
            worker_name,
            bare(items),
            outcome_target(target if with_item else None, records),
            replayed,
            workers,
            names.fresh("executor"),
        )
    else:
        error = names.fresh("_error", keep=False)
        outcome = cst.Tuple(
            [
                cst.Element(bare(target)),
                cst.Element(records),
                cst.Element(cst.Name(error)),
            ],
            lpar=[],
            rpar=[],
        )
        after = cst.For(
            target=outcome,
            iter=run_parallel_call(worker_name, items, found, workers, runner),
            body=cst.IndentedBlock(replayed),
            leading_lines=[cst.EmptyLine()],
        )
    text = _render([worker, after], site)
    unsafe = unsafe_reasons(
        replace(site, missing_runtime=None) if stdlib else site,
        is_read_only_work(replay.check, found.calls, per_item, site.qualify, facts.written),
        lazy,
        session,
    )
    if replay.guarded:
        unsafe.append(GUARDED_REASON)
    if stdlib:
        unsafe.append(descriptor_reason(workers))
    return _parallel_fix(
        site,
        node,
        text,
        (loop.body_of is not None, stdlib),
        runner,
        f"({worker_name}), replaying its accumulations in input order",
        unsafe,
    )


def _parallel_fix(
    site: LoopSite,
    node: cst.For,
    text: str,
    nest_and_stdlib: tuple[bool, bool],
    runner: str,
    detail: str,
    unsafe: list[str],
) -> NodeFix:
    """The fix that replaces ``node`` by ``text``: safe unless ``unsafe`` names reasons."""
    nest, stdlib = nest_and_stdlib
    what = "flatten the nested loops and run" if nest else "run"
    engine = "a `ThreadPoolExecutor`" if stdlib else f"`{runner}`"
    description = f"{what} the per-item work with {engine} {detail}"
    if unsafe:
        description += "; unsafe: " + "; ".join(unsafe)
    return NodeFix(
        description,
        Safety.UNSAFE if unsafe else Safety.SAFE,
        ((node, text),),
        imports=(STDLIB_IMPORT,) if stdlib else ((site.runtime_module, runner),),
    )


def _target_read_after(site: LoopSite, node: cst.For, targets: set[str], nest: bool) -> bool:
    """Whether a loop variable may be read after the loop (for a nest, in a function, only
    a read before it is bound again counts)."""
    read = _names_outside(site.scope, node) & targets
    if read and nest and isinstance(site.scope, cst.FunctionDef):
        read = read_after(site.scope, node, read)
    return bool(read)


def _hazard(
    iterables: list[cst.BaseExpression],
    work: list[cst.BaseStatement],
    found: LoopIo,
    facts: BodyFacts,
    site: LoopSite,
    per_item: set[str],
) -> str | None:
    """Why running the iterations side by side could break the program (no fix then)."""
    for iterable in iterables:
        reason = iterable_refusal(iterable, facts, site.module, site.scope, site.qualify)
        if reason is not None:
            return reason
    return item_mutation(work, facts.targets) or shared_resource(work, per_item, site.qualify)


def unsafe_reasons(site: LoopSite, read_only: bool, lazy: bool, session: str | None) -> list[str]:
    """Why the rewrite may change what a correct program does (empty: it is safe)."""
    reasons = []
    if not site.state_is_local:
        reasons.append("the accumulation is not into locals of this function outside `try`")
    if not read_only:
        reasons.append("the per-item work may have effects, which would happen in another order")
    if lazy:
        reasons.append("the iterable may be lazy and is now read ahead of the work")
    if session is not None:
        reasons.append(
            f"every thread shares `{session}` (workers capped at its "
            f"{SESSION_POOL_SIZE} pooled connections; its thread safety is not promised)"
        )
    if site.missing_runtime is not None:
        reasons.append(site.missing_runtime)
    return reasons


def _refusal(
    node: cst.For, loop: cst.For, facts: BodyFacts, site: LoopSite, replaying: bool = False
) -> str | None:
    if site.in_class_body:
        return "the loop runs in a class body"
    if facts.nested_accumulation and not replaying:
        return "an accumulation sits inside an `if`, `with` or `try` block"
    if loop.orelse is not None:
        return "the loop has an `else` clause"
    used_outside = _names_outside(site.scope, node) & facts.written
    if used_outside and isinstance(site.scope, cst.FunctionDef):
        # Read elsewhere in the function only after being bound again: nothing sees them.
        used_outside = read_after(site.scope, node, used_outside)
    if used_outside:
        return f"`{sorted(used_outside)[0]}` is bound in the loop and used outside it"
    return None


def _accumulation_start(statements: Sequence[cst.BaseStatement], facts: BodyFacts) -> int | None:
    """Index of the first statement of the trailing accumulation block (len when none)."""
    accumulating = {id(statement) for statement in facts.accumulations}
    split = len(statements)
    while split > 0:
        statement = statements[split - 1]
        if not isinstance(statement, cst.SimpleStatementLine):
            break
        if not all(id(small) in accumulating for small in statement.body):
            break
        split -= 1
    placed = sum(
        1
        for statement in statements[split:]
        for small in statement.body  # type: ignore[union-attr]
    )
    return split if placed == len(facts.accumulations) else None


class FreshNames:
    """Fresh names that clash with nothing in the module."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken

    def fresh(self, wanted: str, reuse: frozenset[str] = frozenset(), keep: bool = True) -> str:
        """``wanted`` or ``wanted_2``, ...; ``keep=False`` for a throw-away name that later
        fixes in the same scope may bind again (``_error``)."""
        base = wanted if wanted.isidentifier() and not keyword.iskeyword(wanted) else "value"
        if base in reuse:
            return base
        name, number = base, 2
        while name in self.taken:
            name, number = f"{base}_{number}", number + 1
        if keep:
            self.taken.add(name)
        return name


class _Slots:
    """The values the accumulation needs from the per-item work, returned by the worker."""

    def __init__(self, per_item: set[str], names: FreshNames) -> None:
        self.per_item = per_item
        self.names = names
        self.moved: list[tuple[str, cst.BaseExpression]] = []

    def needs_moving(self, expr: cst.BaseExpression) -> bool:
        return bool(names_read(expr) & self.per_item) or has_call(expr)

    def slot(self, expr: cst.BaseExpression) -> cst.Name:
        reuse = frozenset(self.per_item) if isinstance(expr, cst.Name) else frozenset()
        name = self.names.fresh(slot_name(expr), reuse)
        self.moved.append((name, expr))
        return cst.Name(name)

    def target(self) -> cst.BaseExpression:
        if len(self.moved) == 1:
            return cst.Name(self.moved[0][0])
        return cst.Tuple([cst.Element(cst.Name(name)) for name, _ in self.moved])

    def returned(self) -> cst.BaseExpression | None:
        if not self.moved:
            return None
        if len(self.moved) == 1:
            return self.moved[0][1]
        return cst.Tuple([cst.Element(expr) for _, expr in self.moved], lpar=[], rpar=[])


def _replace_slots(statement: cst.BaseStatement, slots: _Slots) -> cst.BaseStatement:
    assert isinstance(statement, cst.SimpleStatementLine)
    body = [_replace_small(small, slots) for small in statement.body]
    return statement.with_changes(body=body, leading_lines=())


def _replace_small(small: cst.BaseSmallStatement, slots: _Slots) -> cst.BaseSmallStatement:
    def moved(expr: cst.BaseExpression) -> cst.BaseExpression:
        return slots.slot(expr) if slots.needs_moving(expr) else expr

    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
        call = small.value
        func = call.func
        assert isinstance(func, cst.Attribute)
        consumed = func.attr.value in ("extend", "update")
        args = [arg.with_changes(value=moved(_eager(arg.value, consumed))) for arg in call.args]
        return small.with_changes(
            value=call.with_changes(
                func=func.with_changes(value=_moved_keys(func.value, moved)), args=args
            )
        )
    if isinstance(small, cst.Assign):
        targets = [t.with_changes(target=_moved_keys(t.target, moved)) for t in small.targets]
        return small.with_changes(targets=targets, value=moved(small.value))
    if isinstance(small, cst.AugAssign):
        return small.with_changes(target=_moved_keys(small.target, moved), value=moved(small.value))
    return small


def _eager(expr: cst.BaseExpression, consumed: bool) -> cst.BaseExpression:
    """A generator expression that ``extend`` / ``update`` consume at once, as a list
    comprehension: computed where the loop computed it, so it captures no name late."""
    if consumed and isinstance(expr, cst.GeneratorExp):
        return cst.ListComp(expr.elt, expr.for_in, lpar=[], rpar=[])
    return expr


def _moved_keys(expr: cst.BaseExpression, moved) -> cst.BaseExpression:  # type: ignore[no-untyped-def]
    """``table[key]`` with a per-item key computed by the worker."""
    if isinstance(expr, cst.Subscript):
        elements = [
            element.with_changes(slice=element.slice.with_changes(value=moved(element.slice.value)))
            if isinstance(element.slice, cst.Index)
            else element
            for element in expr.slice
        ]
        return expr.with_changes(value=_moved_keys(expr.value, moved), slice=elements)
    if isinstance(expr, cst.Attribute):
        return expr.with_changes(value=_moved_keys(expr.value, moved))
    return expr


def _worker(
    name: str,
    target: cst.BaseExpression,
    work: list[cst.BaseStatement],
    returned: cst.BaseExpression | None,
    names: FreshNames,
) -> cst.FunctionDef:
    body: list[cst.BaseStatement] = []
    if isinstance(target, cst.Name):
        param = target.value
    else:
        param = names.fresh("item")
        body.append(
            cst.SimpleStatementLine(
                [cst.Assign([cst.AssignTarget(_unparenthesized(target))], cst.Name(param))]
            )
        )
    body.extend(work)
    if returned is not None:
        body.append(cst.SimpleStatementLine([cst.Return(returned)]))
    if not body:
        body.append(cst.SimpleStatementLine([cst.Pass()]))
    return cst.FunctionDef(
        name=cst.Name(name),
        params=cst.Parameters([cst.Param(cst.Name(param))]),
        body=cst.IndentedBlock(body),
    )


def _reads(statements: Sequence[cst.CSTNode]) -> set[str]:
    return {name for statement in statements for name in names_read(statement)}


def run_parallel_call(
    worker: str,
    items: cst.BaseExpression,
    found: LoopIo,
    workers: int | None = None,
    runner: str = "run_parallel",
) -> cst.Call:
    workers = WORKER_CEILINGS[found.kind] if workers is None else workers
    return cst.Call(
        cst.Name(runner),
        [
            cst.Arg(cst.Name(worker)),
            cst.Arg(bare(items)),
            cst.Arg(cst.Integer(str(workers)), keyword=cst.Name("max_workers"), equal=_EQUAL),
            cst.Arg(cst.Name("True"), keyword=cst.Name("fail_fast"), equal=_EQUAL),
        ],
    )


_EQUAL = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)


def _render(statements: list[cst.BaseStatement], site: LoopSite) -> str:
    module = site.module
    code = cst.Module(
        body=statements,
        default_indent=module.default_indent,
        default_newline=module.default_newline,
    ).code.rstrip("\r\n")
    newline = module.default_newline
    lines = code.split(newline)
    inside = _string_continuations(code)
    return newline.join(
        [lines[0]]
        + [
            line if number in inside else site.indent + line if line.strip() else ""
            for number, line in enumerate(lines[1:], 2)
        ]
    )


def _string_continuations(code: str) -> set[int]:
    """Numbers of the lines that continue a string literal begun on an earlier line: their
    text is the string's, kept as it is (re-indenting would change the value)."""
    lines: set[int] = set()
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    for token in tokens:
        start, end = token.start[0], token.end[0]
        if end > start and token.type not in (tokenize.NL, tokenize.NEWLINE):
            lines.update(range(start + 1, end + 1))
    return lines


def _worker_name(target: cst.BaseExpression, found: LoopIo) -> str:
    verb = _VERBS[found.kind]
    noun = target.value if isinstance(target, cst.Name) else "item"
    return f"{verb}_{noun.strip('_') or 'item'}"


def slot_name(expr: cst.BaseExpression) -> str:
    """``text`` for ``text``, ``resp.text``; ``text_upper`` for ``text.upper()``;
    ``loads_text`` for ``json.loads(text)``; ``value`` otherwise."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    if isinstance(expr, cst.Call):
        func = expr.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            if not expr.args:
                return f"{func.value.value}_{func.attr.value}"
            func = func.attr
        first = expr.args[0].value if expr.args else None
        if isinstance(func, (cst.Name, cst.Attribute)):
            name = func.value if isinstance(func, cst.Name) else func.attr.value
            if isinstance(first, cst.Name):
                return f"{name}_{first.value}"
            return f"{name}_result"
    return "value"


def bare(expr: cst.BaseExpression) -> cst.BaseExpression:
    """The expression without the parentheses and spacing it had in its old place."""
    if isinstance(expr, cst.Tuple):
        return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return expr


def _unparenthesized(expr: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(expr, cst.Tuple):
        return expr.with_changes(lpar=[], rpar=[])
    return expr


def has_call(expr: cst.CSTNode) -> bool:
    return bool(_find(expr, cst.Call))


def _find(node: cst.CSTNode, kind: type[cst.CSTNode]) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []

    class _Visitor(cst.CSTVisitor):
        def on_visit(self, child: cst.CSTNode) -> bool:
            if isinstance(child, kind):
                found.append(child)
            return True

    node.visit(_Visitor())
    return found


def _names_outside(scope: cst.CSTNode, loop: cst.CSTNode) -> set[str]:
    """Names read in ``scope`` outside ``loop`` that could see what the loop left bound:
    a read inside the body of a ``with ... as name`` or ``for name in`` block that binds
    the name itself first does not count."""
    names: set[str] = set()

    def walk(node: cst.CSTNode, shadowed: frozenset[str]) -> None:
        if node is loop:
            return
        if isinstance(node, cst.Name):
            if node.value not in shadowed:
                names.add(node.value)
            return
        if isinstance(node, cst.With):
            bound = set(shadowed)
            for item in node.items:
                walk(item.item, frozenset(bound))
                if item.asname is not None:
                    bound.update(target_names(item.asname.name))
            walk(node.body, frozenset(bound))
            return
        if isinstance(node, cst.For):
            walk(node.iter, shadowed)
            walk(node.body, shadowed | set(target_names(node.target)))
            if node.orelse is not None:
                walk(node.orelse, shadowed)
            return
        for child in children(node):
            walk(child, shadowed)

    walk(scope, frozenset())
    return names
