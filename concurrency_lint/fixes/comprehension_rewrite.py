"""Rewrite a comprehension or ``list(map(f, items))`` doing I/O (the CL101 fix).

The element becomes the function ``run_parallel`` calls and the comprehension reads its
outcomes, in input order::

    texts = [open(p).read() for p in paths]
    ->  texts = [read_result for _p, read_result, _error in run_parallel(
            lambda p: open(p).read(), paths, max_workers=50, fail_fast=True)]
"""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from concurrency_lint.analysis.loops import LoopIo
from concurrency_lint.checking.rule import NodeFix
from concurrency_lint.fixes.loop_hazards import is_materialized, item_mutation, iterable_refusal
from concurrency_lint.fixes.loop_rewrite import (
    FreshNames,
    LoopSite,
    bare,
    has_call,
    run_parallel_call,
    slot_name,
    unsafe_reasons,
)
from concurrency_lint.fixes.loop_safety import is_read_only_work
from concurrency_lint.knowledge.io_calls import READ_ONLY_CALLS
from concurrency_lint.model import Safety


def rewrite_comprehension(found: LoopIo, site: LoopSite) -> NodeFix | str:
    """The fix for a comprehension or ``list(map(f, items))``: the element becomes the
    function ``run_parallel`` calls, the result a comprehension over its outcomes."""
    if site.fix_target == "stdlib":
        return 'with `fix-target = "stdlib"` only `for` loops are rewritten'
    node = found.node
    names = FreshNames(site.taken)
    if isinstance(node, cst.Call):
        func = node.args[0].value.args[0].value  # type: ignore[attr-defined]
        result = names.fresh("result")
        call = _call_of(func, found.items, found)
        new: cst.BaseExpression = cst.ListComp(
            cst.Name(result),
            _outcomes(cst.Name(names.fresh("_item", keep=False)), result, call, names),
        )
        work: list[cst.CSTNode] = [func.body] if isinstance(func, cst.Lambda) else []
        safe = isinstance(func, cst.Lambda) or site.qualify(func) in READ_ONLY_CALLS
        per_item = (
            {p.name.value for p in func.params.params} if isinstance(func, cst.Lambda) else set()
        )
        return _expression_fix(node, new, found, work, per_item, safe, site)
    assert isinstance(node, (cst.ListComp, cst.SetComp, cst.DictComp))
    comp = node.for_in
    if not isinstance(comp.target, cst.Name):
        return "the comprehension unpacks its items"
    target = comp.target.value
    element = node.value if isinstance(node, cst.DictComp) else node.elt
    if isinstance(node, cst.DictComp) and has_call(node.key):
        return "the dictionary key is computed by a call"
    mutation = item_mutation([element], {target})
    if mutation is not None:
        return mutation
    items = found.items
    if comp.ifs:
        items = cst.ListComp(cst.Name(target), comp.with_changes(iter=bare(items)))
    lam = cst.Lambda(cst.Parameters([cst.Param(cst.Name(target))]), element)
    result = names.fresh(slot_name(element))
    call = _call_of(lam, items, found)
    kept_target = isinstance(node, cst.DictComp)
    item = cst.Name(target if kept_target else names.fresh(f"_{target}", keep=False))
    for_in = _outcomes(item, result, call, names)
    if isinstance(node, cst.DictComp):
        new = cst.DictComp(node.key, cst.Name(result), for_in)
    elif isinstance(node, cst.SetComp):
        new = cst.SetComp(cst.Name(result), for_in)
    else:
        new = cst.ListComp(cst.Name(result), for_in)
    return _expression_fix(node, new, found, [element], {target}, True, site)


def _outcomes(
    item: cst.BaseExpression, result: str, call: cst.Call, names: FreshNames
) -> cst.CompFor:
    target = cst.Tuple(
        [
            cst.Element(item),
            cst.Element(cst.Name(result)),
            cst.Element(cst.Name(names.fresh("_error", keep=False))),
        ],
        lpar=[],
        rpar=[],
    )
    return cst.CompFor(target=target, iter=call)


def _call_of(func: cst.BaseExpression, items: cst.BaseExpression, found: LoopIo) -> cst.Call:
    call = run_parallel_call("placeholder", items, found)
    return call.with_changes(args=[cst.Arg(func), *call.args[1:]])


def _expression_fix(
    node: cst.CSTNode,
    new: cst.BaseExpression,
    found: LoopIo,
    work: list[cst.CSTNode],
    per_item: set[str],
    safe: bool,
    site: LoopSite,
) -> NodeFix | str:
    refusal = iterable_refusal(found.items, None, site.module, site.scope, site.qualify)
    if refusal is not None:
        return refusal
    read_only = safe and is_read_only_work(work, found.calls, per_item, site.qualify, set())
    lazy = not is_materialized(found.items, site.module, site.scope, site.qualify)
    unsafe = unsafe_reasons(replace(site, state_is_local=True), read_only, lazy, None)
    new = new.with_changes(lpar=node.lpar, rpar=node.rpar)  # type: ignore[attr-defined]
    description = "run the per-item work with `run_parallel`"
    if unsafe:
        description += "; unsafe: " + "; ".join(unsafe)
    return NodeFix(
        description,
        Safety.UNSAFE if unsafe else Safety.SAFE,
        ((node, new),),
        imports=((site.runtime_module, "run_parallel"),),
    )
