"""The loop rules' second look: a loop that may call I/O, on the interpreter's tree."""

from __future__ import annotations

import ast
import functools
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from concurrency_lint.analysis.ast_screens import (
    may_await_in_loop,
    may_block_in_async,
    may_loop_over_io,
)
from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.checking.registry import all_rules
from concurrency_lint.config import Config
from concurrency_lint.testing import fixture_config


def _may(code: str, extra: tuple[tuple[str, str], ...] = ()) -> bool:
    return may_loop_over_io(ast.parse(code), extra)


@pytest.mark.parametrize(
    "code",
    [
        "import requests\nfor u in urls:\n    requests.get(u)\n",
        "for p in paths:\n    open(p).read()\n",
        "from os import listdir as ls\nfor d in dirs:\n    ls(d)\n",
        "import os.path\nsizes = [os.path.getsize(p) for p in paths]\n",
        "from pathlib import Path\nfor p in names:\n    Path(p).read_text()\n",
        "import requests\ns = requests.Session()\nfor u in urls:\n    s.get(u)\n",
        "from pathlib import Path as P\nroot = P('.')\nfor s in strings:\n    s.replace('a', 'b')\n",
        # a function of the module doing I/O, two calls deep
        "import subprocess\ndef run(c):\n    return _spawn(c)\ndef _spawn(c):\n"
        "    return subprocess.run(c)\nfor c in cmds:\n    run(c)\n",
        "class C:\n    def load(self, p):\n        return open(p)\n"
        "    def all(self, ps):\n        return [self.load(p) for p in ps]\n",
        # a method's first parameter, whatever its name, in a block of the class body
        "class C:\n    if True:\n        @classmethod\n        def load(klass, p):\n"
        "            return open(p)\n    def all(me, ps):\n        for p in ps:\n"
        "            me.load(p)\n",
        "import requests\nfetch = lambda u: requests.get(u)\nfor u in urls:\n    fetch(u)\n",
        # the I/O reads a name the body binds
        "import requests\nfor u in urls:\n    r = u.strip()\n    requests.get(r)\n",
        "for p in paths:\n    with open(p) as f:\n        f.read()\n",
        "rows = list(map(str, items))\n",  # map is always looked at
        "from builtins import map as each\nrows = list(each(str, items))\n",
    ],
)
def test_a_loop_that_may_do_io_is_seen(code: str) -> None:
    assert _may(code)


def test_the_configured_extra_io_calls_count_once_importable() -> None:
    code = "for u in urls:\n    myio.fetch(u)\n"
    extra = (("myio.fetch", "network"),)
    # ``myio`` may be a module of the project: without the model, its functions may do
    # I/O; the model of a project without such I/O says no.
    assert _may("import myio\n" + code)
    assert not may_loop_over_io(ast.parse("import myio\n" + code), (), lambda *_: False)
    assert not _may(code, extra)
    assert _may("import myio\n" + code, extra)
    relative = "from .client import fetch\nfor u in urls:\n    fetch(u)\n"
    assert _may(relative, ((".client.fetch", "network"),))  # spelled as imports resolve
    # Unconfigured, a function of another module of the package may do I/O too: the
    # project model says what it does, so the loop is looked at.
    assert _may(relative)
    assert _may("from .common import *\nfor u in urls:\n    fetch(u)\n")


@pytest.mark.parametrize(
    "code",
    [
        "for k in keys:\n    table.get(k)\n",  # ``get`` without requests or httpx
        "x = 1\n",
        "for p in paths:\n    p.read_text()\n",  # no Path constructor can be imported
        # Path imported but never called: no object is provably a Path
        "from pathlib import Path\nfor s in strings:\n    s.replace('a', 'b')\n",
        "import subprocess\nsubprocess.run(cmd)\nfor x in xs:\n    print(x)\n",  # I/O outside
        "import subprocess\ndef spawn(c):\n    subprocess.run(c)\nfor x in xs:\n    total += x\n",
        # the I/O does not read the item, or runs only in a branch
        "import requests\nfor u in urls:\n    requests.get(base)\n",
        "for p in paths:\n    if p:\n        open(p).read()\n",
        "for p in paths:\n    try:\n        x = p.name\n    except OSError:\n        open(p)\n",
        # a method of the module doing I/O, called on what no method takes first: the
        # rules resolve ``field.load()`` to no function of the module
        "class C:\n    def load(self, p):\n        return open(p)\n"
        "def all(fields, ps):\n    for field in fields:\n        field.load(ps)\n",
        # ``map`` called, but not in ``list(map(f, items))``: the loops alone are judged
        "import os\nrow = ', '.join(map(str, items))\nfor k in keys:\n    table.get(k)\n",
    ],
)
def test_loops_that_cannot_do_io_are_passed_over(code: str) -> None:
    assert not _may(code)


def test_an_attribute_call_on_an_io_module_counts_even_when_unresolved_by_name() -> None:
    # ``requests.get`` read as the attribute ``get`` once requests is importable
    assert _may("import requests\nfor k in keys:\n    table.get(k)\n")


def _snippets(text: str) -> list[str]:
    """Each top-level statement of a fixture on its own, after the fixture's imports."""
    tree = ast.parse(text)
    lines = text.splitlines()
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    header = "\n".join(ast.get_source_segment(text, node) or "" for node in imports)
    snippets = []
    for node in tree.body:
        if node in imports:
            continue
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        body = "\n".join(lines[first - 1 : node.end_lineno])
        snippets.append(f"{header}\n\n{body}\n")
    return snippets


@pytest.mark.parametrize(
    ("code", "least"), [("CL101", 10), ("CL102", 3), ("CL103", 2), ("CL401", 10)]
)
def test_every_statement_a_screened_rule_flags_passes_its_screen(
    code: str, least: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screen is checked statement by statement, so that one flagged statement
    elsewhere in a fixture cannot hide one it would wrongly pass over."""
    rule = next(rule for rule in all_rules() if code == rule.CODE)
    text = (Path(__file__).parents[2] / "fixtures" / "rules" / f"{code}.py").read_text(
        encoding="utf-8"
    )
    checker = FileChecker(fixture_config(text, Config(select=(code,))))
    monkeypatch.setattr(rule, "SCREENED", False)  # the rule's own verdict, unscreened
    flagged = 0
    for snippet in _snippets(text):
        if checker.check_text("snippet.py", snippet).findings:
            flagged += 1
            assert rule.may_fire(ast.parse(snippet), checker.config), snippet
    assert flagged >= least


@pytest.mark.parametrize(
    ("code", "blocks"),
    [
        ("import time\nasync def f():\n    time.sleep(1)\n", True),
        ("async def f(p):\n    return open(p).read()\n", True),
        ("from time import sleep as nap\nasync def f():\n    nap(1)\n", True),
        # typed by an annotation only: no constructor call needed
        ("import httpx\nasync def f(c: httpx.Client):\n    c.close()\n", True),
        ("from pathlib import Path\nasync def f(p: Path):\n    return p.read_text()\n", True),
        ("import time\ndef f():\n    time.sleep(1)\nasync def g(c):\n    await c.get()\n", False),
        ("async def f(table, key):\n    return table.get(key)\n", False),
    ],
)
def test_blocking_calls_inside_async_def_are_seen(code: str, blocks: bool) -> None:
    assert may_block_in_async(ast.parse(code), ()) is blocks


@pytest.mark.parametrize(
    ("code", "awaits"),
    [
        ("async def f(c, xs):\n    for x in xs:\n        await c.get(x)\n", True),
        ("async def f(c, xs):\n    while xs:\n        await c.get(xs.pop())\n", True),
        ("async def f(c, xs):\n    return [await c.get(x) for x in xs]\n", True),
        (
            "async def f(c, xs):\n    for x in xs:\n        async with c.get(x) as r:\n            pass\n",
            True,
        ),
        (
            "async def f(c, xs):\n    for x in xs:\n        async for y in c.stream(x):\n            print(y)\n",
            True,
        ),
        (
            "async def f(c, xs):\n    r = await c.get(xs)\n    for x in r:\n        print(x)\n",
            False,
        ),
    ],
)
def test_awaits_inside_loops_are_seen(code: str, awaits: bool) -> None:
    assert may_await_in_loop(ast.parse(code)) is awaits


@pytest.mark.parametrize(
    "body",
    [
        "    try:\n        return open(p).read()\n    except OSError:\n        pass\n",
        "    if open(p).read():\n        break\n",
        "    def read():\n        return open(p).read()\n    read()\n",
        "    import json\n    open(p).read()\n",
        "    global total\n    open(p).read()\n",
        "    with open(p) as f:\n        if f.read():\n            break\n",
        "    open(p).read()\n    for q in p:\n        pass\n    else:\n        break\n",  # the outer
    ],
)
def test_a_loop_its_body_refuses_is_passed_over(body: str) -> None:
    code = "def first(paths):\n    for p in paths:\n" + textwrap.indent(body, "    ")
    assert not _may(code)


@pytest.mark.parametrize(
    "body",
    [
        "    contents.append(open(p).read())\n    for q in p:\n        if q:\n            break\n",
        "    data = open(p).read()\n    while data:\n        break\n",
        "    contents.append(open(p).read())\n    handle = [open(q) for q in p if q]\n",
    ],
)
def test_a_break_that_ends_an_inner_loop_refuses_nothing(body: str) -> None:
    code = "def first(paths, contents):\n    for p in paths:\n" + textwrap.indent(body, "    ")
    assert _may(code)


def test_a_refused_outer_loop_leaves_its_inner_loops_to_be_judged() -> None:
    code = (
        "def first(groups):\n    for group in groups:\n"
        "        sizes = [len(open(p).read()) for p in group]\n        return sizes\n"
    )
    assert _may(code)


@functools.cache
def _fixture_loops() -> tuple[tuple[str, ast.For, object, dict[object, object]], ...]:
    return tuple(_each_fixture_loop())


def _each_fixture_loop() -> Iterator[tuple[str, ast.For, object, dict[object, object]]]:
    """Every ``for`` of the fixtures: where it is, its interpreter's node, its LibCST node
    and LibCST's positions of the file."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    fixtures = Path(__file__).parents[2] / "fixtures"
    for path in sorted(fixtures.rglob("*.py")):
        try:
            text = path.read_text(encoding="utf-8")
            tree = ast.parse(text)
        except (UnicodeDecodeError, SyntaxError, ValueError):
            continue  # the fixtures of undecodable and invalid files
        loops = [node for node in ast.walk(tree) if type(node) is ast.For]
        if not loops:
            continue
        positions = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True).resolve(
            PositionProvider
        )
        by_start = {
            (position.start.line, position.start.column): node
            for node, position in positions.items()
            if type(node) is cst.For
        }
        for loop in loops:
            yield (
                f"{path.name}:{loop.lineno}",
                loop,
                by_start[(loop.lineno, loop.col_offset)],
                positions,
            )


def test_every_loop_body_the_look_refuses_the_body_scan_refuses_too() -> None:
    """Over every ``for`` of the fixtures: a body :func:`refused_loop_body` refuses has a
    blocker in the loop rules' own body scan."""
    from concurrency_lint.analysis.ast_screens import refused_loop_body
    from concurrency_lint.analysis.loop_body import scan_body, target_names

    refused = 0
    for where, loop, node, _positions in _fixture_loops():
        if refused_loop_body(loop.body):
            refused += 1
            facts = scan_body(target_names(node.target), node.body.body)
            assert facts.blocker is not None, where
    assert refused >= 20


def test_the_look_sees_every_call_the_body_scan_may_count_as_the_items_io() -> None:
    """Over every ``for`` of the fixtures the body scan accepts: each call it evaluates on
    every iteration that reads a name tainted by the item (the calls the loop rules may
    count as the loop's I/O) is among the calls the look counts for the loop."""
    from concurrency_lint.analysis.ast_screens import (
        _every_iteration_calls,
        _names_bound_per_item,
        _reads_any,
        refused_loop_body,
    )
    from concurrency_lint.analysis.io_detection import calls_in
    from concurrency_lint.analysis.loop_body import names_read, scan_body, target_names

    compared = 0
    for where, loop, node, positions in _fixture_loops():
        facts = scan_body(target_names(node.target), node.body.body)
        if facts.blocker is not None:
            continue
        assert not refused_loop_body(loop.body), where
        names = _names_bound_per_item(loop)
        seen = {
            (call.func.lineno, call.func.col_offset)
            for call in _every_iteration_calls(loop.body)
            if _reads_any(call, names)
        }
        for part in facts.every_iteration:
            for call in calls_in(part):
                if names_read(call) & facts.tainted:
                    start = positions[call.func].start
                    assert (start.line, start.column) in seen, where
                    compared += 1
    assert compared >= 100


def _rule_reports(code: str, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Whether CL101 or CL102, unscreened, report something in ``code``."""
    for rule in all_rules():
        if rule.CODE in ("CL101", "CL102"):
            monkeypatch.setattr(rule, "SCREENED", False)
    checker = FileChecker(Config(select=("CL101", "CL102")))
    return bool(checker.check_text("snippet.py", code).findings)


@pytest.mark.parametrize(
    "body",
    [
        "    requests.get(u)\n    registry.rebuild()\n",  # may change what the items share
        "    with requests.get(u) as r:\n        cache.store(r)\n",
        "    if requests.get(u).ok:\n        state[0].reset()\n",  # wherever it stands
    ],
)
def test_a_loop_that_calls_a_method_of_shared_state_is_passed_over(
    body: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = "import requests\n\n\ndef fetch(urls, registry, cache, state):\n"
    code += "    for u in urls:\n" + textwrap.indent(body, "    ")
    assert not _may(code)
    assert not _rule_reports(code, monkeypatch)  # the rule agrees


@pytest.mark.parametrize(
    "body",
    [
        "    log.info(u)\n    requests.get(u)\n",  # logging
        "    pages.append(requests.get(u))\n",  # accumulation
        "    results[u] = requests.get(u)\n    results.clear()\n",  # accumulated into
        "    queue.put(requests.get(u))\n",  # a hand-over
        "    self.keep(requests.get(u))\n",  # a function of the module may only compute
        "    session.get(u)\n",  # the call is the I/O
    ],
)
def test_calls_on_outside_objects_that_share_nothing_keep_the_loop(
    body: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = (
        "import requests\nsession = requests.Session()\n\n\nclass Pages:\n"
        "    def keep(self, page):\n        return page\n\n"
        "    def fetch(self, urls, log, pages, results, queue):\n"
        "        for u in urls:\n" + textwrap.indent(body, "        ")
    )
    assert _may(code)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from .threadpool import ThreadPool\n", True),
        ("from tools.pools import (\n    WorkerPool,\n)\n", False),  # the pattern reads one line
        ("import threadpool\npool = threadpool.ThreadPool(5)\n", True),
        ("pool = ThreadPool(5)\n", False),  # no module in front, no import of it
        ("# a Pool( in a comment with no dot\n", False),
        ("x = 1\n", False),
    ],
)
def test_the_project_pool_look_reads_imports_and_dotted_constructors(text, expected) -> None:
    from concurrency_lint.analysis.pool_classes import may_use_project_pool

    assert may_use_project_pool(text) is expected
