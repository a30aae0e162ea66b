"""The loop rules' second look: a loop that may call I/O, on the interpreter's tree."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from concurrency_lint.analysis.loop_screen import may_loop_over_io
from concurrency_lint.config import Config
from concurrency_lint.file_checker import FileChecker
from concurrency_lint.fixes.loop_site import LoopRule


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
        "import requests\nfetch = lambda u: requests.get(u)\nfor u in urls:\n    fetch(u)\n",
        "rows = list(map(str, items))\n",  # map is always looked at
        "from builtins import map as each\nrows = list(each(str, items))\n",
    ],
)
def test_a_loop_that_may_do_io_is_seen(code: str) -> None:
    assert _may(code)


def test_the_configured_extra_io_calls_count_once_importable() -> None:
    code = "for u in urls:\n    myio.fetch(u)\n"
    extra = (("myio.fetch", "network"),)
    assert not _may("import myio\n" + code)
    assert not _may(code, extra)
    assert _may("import myio\n" + code, extra)
    relative = "from .client import fetch\nfor u in urls:\n    fetch(u)\n"
    assert not _may(relative, extra)
    assert _may(relative, ((".client.fetch", "network"),))  # spelled as imports resolve


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
        "from .io import read\nfor p in paths:\n    read(p)\n",  # another module's function
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


def test_every_statement_the_loop_rules_flag_passes_the_screen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The screen is checked statement by statement, so that one flagged loop elsewhere
    in a fixture cannot hide a loop it would wrongly pass over."""
    fixtures = Path(__file__).parents[2] / "fixtures" / "rules"
    checker = FileChecker(Config(select=("CL101", "CL102")))
    monkeypatch.setattr(LoopRule, "SCREENED", False)  # the rules' own verdict, unscreened
    flagged = 0
    for name in ("CL101.py", "CL102.py"):
        for snippet in _snippets((fixtures / name).read_text(encoding="utf-8")):
            if checker.check_text("snippet.py", snippet).findings:
                flagged += 1
                assert may_loop_over_io(ast.parse(snippet), ()), snippet
    assert flagged >= 15
