"""Loop analysis: I/O on the item, independent iterations, small literals, nests."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from concurrency_lint.analysis import Semantics
from concurrency_lint.analysis.loop_body import scan_body
from concurrency_lint.analysis.loops import (
    IoLookup,
    LoopIndex,
    LoopIo,
    NestedLoopIo,
    comprehension_io,
    is_small_literal,
    map_io,
)
from concurrency_lint.knowledge.io_calls import io_table


class _Walk(cst.CSTVisitor):
    """Drives Semantics like the engine and asks the loop questions on the way out."""

    def __init__(self, module: cst.Module) -> None:
        self.semantics = Semantics(module)
        self.lookup = IoLookup(self.semantics, io_table())
        self.index = LoopIndex()
        self.loops: list[LoopIo | None] = []
        self.nests: list[NestedLoopIo | None] = []
        self.expressions: list[LoopIo | None] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.semantics.enter(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if isinstance(original_node, cst.For):
            self.loops.append(self.index.for_loop(original_node, self.lookup))
            self.nests.append(self.index.nested(original_node, self.lookup))
        elif isinstance(original_node, (cst.ListComp, cst.SetComp, cst.DictComp)):
            self.expressions.append(comprehension_io(original_node, self.lookup))
        elif isinstance(original_node, cst.Call):
            found = map_io(original_node, self.lookup)
            if found is not None:
                self.expressions.append(found)
        self.semantics.leave(original_node)


def walk(code: str) -> _Walk:
    module = cst.parse_module(textwrap.dedent(code))
    walker = _Walk(module)
    module.visit(walker)
    return walker


def only_loop(code: str) -> LoopIo | None:
    walker = walk(code)
    assert len(walker.loops) == 1
    return walker.loops[0]


def body_facts(code: str, target: str = "x"):
    loop = cst.parse_module(textwrap.dedent(code)).body[0]
    assert isinstance(loop, cst.For)
    return scan_body([target], loop.body.body)


def test_io_on_the_item_with_accumulation_is_a_sequential_io_loop() -> None:
    found = only_loop(
        """
        import requests
        pages = []
        for url in urls:
            response = requests.get(url, timeout=5)
            pages.append(response.text)
        """
    )
    assert found is not None
    assert found.kind == "network"
    assert found.labels == ["requests.get"]
    assert found.facts is not None and found.facts.accumulators == {"pages": ".append()"}


def test_io_through_a_name_derived_from_the_item_depends_on_it() -> None:
    found = only_loop(
        """
        import os
        for name in names:
            full = os.path.join(base, name)
            with open(full) as fh:
                print(fh.read())
        """
    )
    assert found is not None and found.labels == ["builtins.open"]


def test_the_smallest_worker_ceiling_decides_the_kind() -> None:
    found = only_loop(
        """
        import subprocess, requests
        for url in urls:
            requests.get(url)
            subprocess.run(["curl", url])
        """
    )
    assert found is not None and found.kind == "subprocess"


@pytest.mark.parametrize(
    "body",
    [
        "requests.get(URL)",  # does not depend on the item
        "if url:\n    requests.get(url)",  # not every iteration
        "requests.get(url)\nbreak",
        "return requests.get(url)",
        "yield requests.get(url)",
        "seen.add(requests.get(url))\nprint(len(seen))",  # reads what it accumulates
        "total += len(requests.get(url).text)\nprint(total)",
        "print(previous)\nprevious = requests.get(url)",  # value carried over
        "self.last = requests.get(url)",
        "json.dump(url, handle)",  # one shared stream
        "os.remove(url)",  # quick metadata call
        "global G\nG = requests.get(url)",
    ],
)
def test_loops_that_are_not_sequential_io_loops(body: str) -> None:
    code = "import json, os, requests\ndef f():\n    for url in urls:\n"
    code += textwrap.indent(body, " " * 8) + "\n"
    assert only_loop(code) is None


def test_small_literal_iterables_are_skipped() -> None:
    assert is_small_literal(cst.parse_expression("['a', 'b']"))
    assert is_small_literal(cst.parse_expression("range(2)"))
    assert not is_small_literal(cst.parse_expression("['a', 'b', 'c']"))
    assert not is_small_literal(cst.parse_expression("[*more, 'a']"))
    assert not is_small_literal(cst.parse_expression("range(n)"))
    assert only_loop("import requests\nfor u in ('a', 'b'):\n    requests.get(u)\n") is None


def test_body_scan_tells_carried_values_from_per_iteration_locals() -> None:
    assert body_facts("for x in xs:\n    y = f(x)\n    g(y)\n").blocker is None
    carried = body_facts("for x in xs:\n    g(y)\n    y = f(x)\n")
    assert carried.blocker is not None and "`y`" in carried.blocker
    conditional = body_facts("for x in xs:\n    if x:\n        y = f(x)\n    g(y)\n")
    assert conditional.blocker is not None
    in_with = body_facts("for x in xs:\n    with f(x) as h:\n        y = h.read()\n    g(y)\n")
    assert in_with.blocker is None


def test_body_scan_records_accumulations_and_continue() -> None:
    facts = body_facts(
        "for x in xs:\n    if not x:\n        continue\n    y = f(x)\n"
        "    out[x] = y\n    count += 1\n    seen.add(y)\n"
    )
    assert facts.blocker is None
    assert facts.continues
    assert facts.accumulators == {"out": "[key] =", "count": "+=", "seen": ".add()"}
    assert len(facts.accumulations) == 3
    assert facts.tainted >= {"x", "y"}


def test_break_in_an_inner_loop_does_not_stop_the_outer_one() -> None:
    facts = body_facts("for x in xs:\n    for y in x:\n        break\n    f(x)\n")
    assert facts.blocker is None
    assert len(facts.inner_loops) == 1


def test_comprehensions_and_list_map() -> None:
    walker = walk(
        """
        import os, requests
        a = [open(p).read() for p in paths]
        b = {u: requests.get(u) for u in urls}
        c = list(map(os.listdir, dirs))
        d = list(map(lambda u: requests.get(u), urls))
        e = [open(p).read() for p in ('a', 'b')]
        f = [requests.get(URL) for _ in range(9)]
        g = [open(p).read() for d in dirs for p in d]
        h = list(map(str.upper, names))
        """
    )
    kinds = [found.kind if found else None for found in walker.expressions]
    assert kinds == ["file", "network", "file", "network", None, None, None]


def test_a_nest_whose_inner_loop_does_the_io_is_claimed_once() -> None:
    walker = walk(
        """
        import os
        for d in dirs:
            for name in os.listdir(d):
                print(open(os.path.join(d, name)).read())
        """
    )
    inner_loop, outer_loop = walker.loops
    inner_nest, outer_nest = walker.nests
    assert inner_nest is None
    assert outer_nest is not None and outer_nest.inner is inner_loop
    assert inner_loop is not None and inner_loop.node in walker.index.claimed
    assert outer_loop is not None  # os.listdir(d) runs once per folder, on the folder


def test_moves_into_one_shared_folder_are_not_batched_across_folders() -> None:
    walker = walk(
        """
        import os, shutil
        for folder in folders:
            for name in os.listdir(folder):
                shutil.move(os.path.join(folder, name), os.path.join(target, name))
        """
    )
    inner_loop, outer_loop = walker.loops
    assert walker.nests == [None, None]  # two folders may hold the same name
    assert outer_loop is None
    assert inner_loop is not None  # names within one folder are distinct


def test_a_destination_that_carries_the_outer_item_keeps_the_nest() -> None:
    walker = walk(
        """
        import os, shutil
        for folder in folders:
            for name in os.listdir(folder):
                destination = os.path.join(target, folder, name)
                shutil.move(os.path.join(folder, name), destination)
        """
    )
    assert walker.nests[1] is not None


@pytest.mark.parametrize(
    "call",
    [
        "shutil.copy(path, backup_dir)",
        "shutil.copy2(path, dst=os.path.join(out, 'last'))",
        # two paths of different folders can share a base name
        "shutil.copy(path, os.path.join(out, os.path.basename(path)))",
    ],
)
def test_copies_onto_a_destination_not_from_the_item_are_not_flagged(call: str) -> None:
    assert only_loop(f"import os, shutil\nfor path in paths:\n    {call}\n") is None


def test_copies_onto_a_destination_from_the_item_are_flagged() -> None:
    found = only_loop(
        "import os, shutil\nfor path in paths:\n    shutil.copy(path, os.path.join(out, path))\n"
    )
    assert found is not None and found.labels == ["shutil.copy"]
    # the entries of one folder's listing have distinct base names
    found = only_loop(
        "import glob, os, shutil\nfor path in glob.glob(os.path.join(src, '*.txt')):\n"
        "    shutil.copy(path, os.path.join(out, os.path.basename(path)))\n"
    )
    assert found is not None and found.labels == ["shutil.copy"]
