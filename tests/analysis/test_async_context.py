"""async_context and fan_out: resources, timeout scopes, caller bounds, gather sources."""

from __future__ import annotations

import textwrap

import libcst as cst

from concurrency_lint.analysis import Semantics
from concurrency_lint.analysis.async_context import (
    bounded_by_callers,
    is_timeout_scope,
    resource_index,
)
from concurrency_lint.analysis.fan_out import FanOut, fan_outs, is_runtime_sized
from concurrency_lint.analysis.names import dotted_name


def _module(code: str) -> cst.Module:
    return cst.parse_module(textwrap.dedent(code))


def _function(module: cst.Module, name: str) -> cst.FunctionDef:
    return next(
        node
        for node in _walk(module)
        if isinstance(node, cst.FunctionDef) and node.name.value == name
    )


def _walk(node: cst.CSTNode):
    yield node
    for child in node.children:
        yield from _walk(child)


def test_resource_index_knows_processes_readers_and_self_attributes() -> None:
    module = _module(
        """
        import asyncio
        from asyncio import StreamReader

        async def run(cmd, given: StreamReader, other):
            proc = await asyncio.create_subprocess_exec(*cmd)
            reader, writer = await asyncio.wait_for(asyncio.open_connection("h", 1), 5)
            maybe = await asyncio.create_subprocess_exec(*cmd)
            maybe = other

        class Job:
            async def start(self, cmd):
                self.proc = await asyncio.create_subprocess_shell(cmd)
        """
    )
    index = resource_index(module)
    run = _function(module, "run")
    assert index.kind_in_function(run, "proc") == "process"
    assert index.kind_in_function(run, "reader") == "reader"
    assert index.kind_in_function(run, "writer") is None
    assert index.kind_in_function(run, "given") == "reader"
    assert index.kind_in_function(run, "other") is None
    assert index.kind_in_function(run, "maybe") is None  # bound twice, differently
    job = next(node for node in _walk(module) if isinstance(node, cst.ClassDef))
    assert index.kind_in_class(job, "self.proc") == "process"


def test_timeout_scopes_need_a_real_deadline() -> None:
    module = _module(
        """
        with asyncio.timeout(5): pass
        with asyncio.timeout(None): pass
        with anyio.CancelScope(deadline=3): pass
        with anyio.CancelScope(): pass
        with open(path): pass
        """
    )
    withs = [node for node in _walk(module) if isinstance(node, cst.With)]
    verdicts = [is_timeout_scope(w.items[0], dotted_name) for w in withs]
    assert verdicts == [True, False, True, False, False]


def test_bounded_by_callers_needs_every_call_wrapped() -> None:
    module = _module(
        """
        import asyncio as aio

        async def main():
            await aio.wait_for(always(), 5)
            await aio.wait_for(sometimes(), 5)
            await sometimes()
            await aio.wait_for(self.method(), 5)
        """
    )
    assert bounded_by_callers(module) == {"always", "method"}


class _AtGather(cst.CSTVisitor):
    def __init__(self, module: cst.Module) -> None:
        super().__init__()
        self.semantics = Semantics(module)
        self.found: list[tuple[list[FanOut], bool]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.semantics.enter(node)
        if isinstance(node, cst.Call) and dotted_name(node.func) == "asyncio.gather":
            sources = fan_outs(node.args[0].value, self.semantics)
            sized = all(is_runtime_sized(s.iterable, self.semantics) for s in sources)
            self.found.append((sources, sized))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.semantics.leave(original_node)


def _gathers(code: str) -> list[tuple[list[FanOut], bool]]:
    module = _module(code)
    visitor = _AtGather(module)
    module.visit(visitor)
    return visitor.found


def test_fan_outs_and_sizes() -> None:
    found = _gathers(
        """
        import asyncio
        N = 3

        async def main(items):
            await asyncio.gather(*[one(x) for x in items])
            await asyncio.gather(*map(one, items))
            tasks = []
            for x in items:
                tasks.append(asyncio.create_task(one(x)))
            await asyncio.gather(*tasks)
            await asyncio.gather(*[one(x) for x in range(N)])
            await asyncio.gather(*unknown)
        """
    )
    functions = [[dotted_name(s.function) for s in sources] for sources, _sized in found]
    assert functions == [["one"], ["one"], ["one"], ["one"], []]
    assert [sized for sources, sized in found if sources] == [True, True, True, False]
