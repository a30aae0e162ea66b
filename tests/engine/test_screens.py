"""The screen table mirrors the rule classes: same triggers, imports, second looks and
defaults, and the same answers on every fixture and documented example."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.checking.registry import all_rules, rule_modules
from concurrency_lint.checking.screens import SCREENS
from concurrency_lint.config import Config
from concurrency_lint.sources.decoding import UndecodableSource, decode_source

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def texts() -> list[str]:
    found = []
    for path in sorted(FIXTURES.rglob("*.py")):
        try:
            found.append(decode_source(path.read_bytes()).text)
        except UndecodableSource:  # a fixture of the engine's own findings
            continue
    for rule in all_rules():
        found.extend(rule.VALID)
        found.extend(example.code for example in rule.INVALID)
    return found


def test_every_rule_has_a_screen() -> None:
    assert set(SCREENS) == set(rule_modules())


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.CODE)
def test_the_screen_states_what_the_rule_states(rule: type) -> None:
    screen = SCREENS[rule.CODE]
    assert screen.triggers == rule.TRIGGERS
    assert screen.needs_import_of == rule.NEEDS_IMPORT_OF
    assert (screen.tree_look is not None) == rule.SCREENED
    assert screen.default_enabled == rule.DEFAULT_ENABLED
    assert screen.audits == rule.AUDITS_SUPPRESSIONS


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.CODE)
def test_the_screen_answers_as_the_rule_does(rule: type) -> None:
    screen = SCREENS[rule.CODE]
    config = Config(extra_io_calls=(("mylib.fetch", "network"),))
    for text in texts():
        assert screen.is_triggered(text, config) == rule.is_triggered(text, config), text
        if rule.SCREENED:
            try:
                tree = ast.parse(text)
            except SyntaxError:
                continue
            assert screen.may_fire(tree, config) == rule.may_fire(tree, config), text


@pytest.mark.parametrize("rule", [r for r in all_rules() if r.SCREENED], ids=lambda r: r.CODE)
def test_a_second_look_says_no_only_where_the_rule_reports_nothing(
    rule: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every fixture and documented example the second look passes over is checked by the
    rule itself, unscreened: it must report nothing there."""
    checker = FileChecker(Config(select=(rule.CODE,)))
    monkeypatch.setattr(rule, "SCREENED", False)
    monkeypatch.setitem(checker._screens, rule.CODE, SCREENS[rule.CODE]._replace(tree_look=None))
    passed_over = 0
    for text in texts():
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        if SCREENS[rule.CODE].may_fire(tree, checker.config):
            continue
        passed_over += 1
        reported = [f for f in checker.check_text("example.py", text).findings]
        assert not [f for f in reported if f.code == rule.CODE], text
    assert passed_over > 0


def _loops_over_io(code: str) -> bool:
    return SCREENS["CL101"].may_fire(ast.parse(code), Config())


@pytest.mark.parametrize(
    "code",
    [
        # ``write`` is an I/O function of ``os``, but a method of an object none of the
        # I/O types has
        "import os\nclass C:\n    def f(self, xs):\n        for x in xs:\n            self.out.write(x)\n",
        # the loop rules judge ``for`` bodies and comprehension elements only
        "import os\nwhile todo:\n    os.listdir(todo.pop())\n",
        "import os\nfor p in sorted(os.listdir(d)):\n    print(p)\n",
        "import os\nnames = (os.listdir(d) for d in dirs)\n",
        "import os\nnames = [p for p in os.listdir(d)]\n",
        # ``map`` is judged inside ``list(map(f, items))`` only
        "import os\ntotal = sum(map(len, os.listdir(d)))\n",
        # ``out.write`` on an outside object may change what the items share: the body
        # scan refuses the loop whatever ``fetch`` does
        "import os\nfrom .client import fetch\nfor u in urls:\n    out.write(fetch(u))\n",
        # the I/O runs in an inner ``while``'s body only: not once per item of the ``for``
        "import os\nfor d in dirs:\n    while d:\n        d = os.listdir(d)\n",
        # a method of the module doing I/O is what ``self.load`` calls, not ``x.cache.load``
        "import os\nclass C:\n    def load(self, p):\n        return os.listdir(p)\n"
        "    def all(self, ps):\n        for p in ps:\n            self.cache.load(p)\n",
    ],
)
def test_the_loop_look_passes_over_loops_no_loop_rule_judges_as_io(code: str) -> None:
    assert not _loops_over_io(code)


@pytest.mark.parametrize(
    "code",
    [
        "import os\nrows = list(map(os.listdir, dirs))\n",
        "import os\nrows = list(map(lambda d: os.listdir(d), dirs))\n",
        "import os\nclass C:\n    def load(self, p):\n        return os.listdir(p)\n"
        "    def all(self, ps):\n        for p in ps:\n            self.load(p)\n",
        "import os\nfor p in paths:\n    sizes[p] = os.path.getsize(p)\n",
        "import os.path as osp\nsizes = {p: osp.getsize(p) for p in paths}\n",
        # a receiver typed from anywhere (here the project model): its I/O methods count
        "import requests\nfrom .net import session\nfor u in urls:\n    session.get(u)\n",
        # a function of the project: the project model may say it does I/O
        "import os\nfrom .client import fetch\nfor u in urls:\n    out.append(fetch(u))\n",
        "import os\nfrom shop.client import fetch\nfor u in urls:\n    out.append(fetch(u))\n",
    ],
)
def test_the_loop_look_keeps_loops_a_loop_rule_may_judge_as_io(code: str) -> None:
    assert _loops_over_io(code)


def test_a_file_the_second_looks_pass_over_is_not_parsed_by_libcst(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from concurrency_lint.checking.rule_pass import RulePass

    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("parsed by LibCST")

    monkeypatch.setattr(RulePass, "check", fail)
    checker = FileChecker(Config())
    text = "import os\n\nfor name in sorted(os.listdir(top)):\n    print(name)\n"
    assert checker.check_text("walk.py", text).findings == ()


def _awaits_per_item(code: str) -> bool:
    return SCREENS["CL103"].may_fire(ast.parse(code), Config())


@pytest.mark.parametrize(
    ("code", "judged"),
    [
        ("async def f(c, xs):\n    for x in xs:\n        await c.get(x)\n", True),
        ("async def f(c, xs):\n    for x in xs:\n        await wait_for(c.get(x), 5)\n", True),
        (
            "async def f(c, xs):\n    for x in xs:\n        async with c.get(x):\n            pass\n",
            True,
        ),
        (
            "async def f(c, xs):\n    for x in xs:\n        if x:\n            await c.get(x)\n",
            True,
        ),
        # a queue's put, the item's own method, nothing passed: ordered or not per item
        ("async def f(q, xs):\n    for x in xs:\n        await q.put(x)\n", False),
        ("async def f(xs):\n    for x in xs:\n        await x.run()\n", False),
        ("async def f(c, xs):\n    for x in xs:\n        await c.ping()\n", False),
        # CL103 judges ``for`` loops without ``else`` whose own function is ``async def``
        ("async def f(c, xs):\n    while xs:\n        await c.get(xs.pop())\n", False),
        ("async def f(c, xs):\n    return [await c.get(x) for x in xs]\n", False),
        (
            "async def f(c, xs):\n    for x in xs:\n        await c.get(x)\n    else:\n        pass\n",
            False,
        ),
        (
            "async def f(c, xs):\n    def g():\n        for x in xs:\n            c.get(x)\n    await g()\n",
            False,
        ),
    ],
)
def test_the_await_look_sees_the_loops_cl103_judges(code: str, judged: bool) -> None:
    assert _awaits_per_item(code) is judged
