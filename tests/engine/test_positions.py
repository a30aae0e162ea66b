"""Positions from the statements that hold reported nodes equal the whole module's."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from concurrency_lint.analysis.tree_walk import descendants
from concurrency_lint.checking import positions

SOURCES = {
    "plain": "import os\n\n\ndef f(x):\n    return os.path.join(x, 'a')\n",
    "class": (
        "# header\nimport subprocess\n\n\nclass Deploy:\n    '''Doc.'''\n\n"
        "    # a comment above\n    @staticmethod\n    def push(branch):\n"
        "        subprocess.run(['git', 'push', branch])\n\n"
        "    class Inner(Base, metaclass=M):\n        x = 1; y = 2\n\n"
        "        async def go(self):\n            await run()\n"
        "            # footer comment\n\n\nlast = Deploy()\n"
    ),
    "no final newline": "a = 1\nclass A:\n    def f(self):\n        return 'é' + x",
    "crlf and tabs": "if x:\r\n\ty = 1\r\nclass B:\r\n\tdef g(self):\r\n\t\treturn h(1)\r\n",
    "semicolons": "import a; b = a.c(); d = 1\nclass C: pass\nfor i in y: z(i)\n",
    "decorated": "@d1\n@d2(\n    3)\n\nclass K:\n    @p\n    def f(self): return f(1)\n",
    "footer": "def f():\n    return 1\n\n# trailing comment\n",
    "nested functions": (
        "import asyncio\n\n\nasync def main(urls):\n    '''Doc.'''\n    # first\n"
        "    for url in urls:\n        await fetch(url)\n\n    def inner(x): return x\n"
        "    async def deeper(y):\n        a = 1; b = await y\n\n        # note\n"
        "        try:\n            await asyncio.gather(*y)\n        except E:\n"
        "            pass\n        # after\n    return [inner(u) for u in urls]\n\n"
        "class S:\n    @cached\n    def m(self, z=(1,\n            2)):\n"
        "        with open(z) as f:\n            return f.read()\n"
    ),
    "nested tabs and crlf": (
        "def f(x):\r\n\tif x:\r\n\t\tdef g():\r\n\t\t\treturn h(1)\r\n\t\treturn g\r\n\treturn 2"
    ),
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_node_has_its_whole_module_position(name: str) -> None:
    text = SOURCES[name]
    module = cst.parse_module(text)
    tree = ast.parse(text)
    nodes = [node for node in descendants(module) if node is not module]
    whole = positions._whole_module_positions(module, set(nodes))
    for node in nodes:
        found = positions._statement_positions(module, {node}, text, tree)
        assert found is not None, (name, type(node).__name__)
        assert found[node] == whole[node], (name, type(node).__name__)
    together = positions._statement_positions(module, set(nodes[::3]), text, tree)
    assert together is not None
    assert all(together[node] == whole[node] for node in nodes[::3])


def test_a_tree_of_another_text_falls_back_to_the_whole_module() -> None:
    text = "def f():\n    return g(1)\n"
    module = cst.parse_module(text)
    call = next(node for node in descendants(module) if isinstance(node, cst.Call))
    other = ast.parse("\n\ndef f():\n    return g(1)\n")
    assert positions._statement_positions(module, {call}, text, other) is None
    found = positions.positions_of(module, {call}, text, other)
    assert found[call] == positions._whole_module_positions(module, {call})[call]


def test_a_node_in_a_function_body_generates_only_its_statement() -> None:
    text = SOURCES["nested functions"]
    module = cst.parse_module(text)
    call = next(
        node
        for node in descendants(module)
        if isinstance(node, cst.Call)
        and cst.Module([]).code_for_node(node.func) == "asyncio.gather"
    )
    roots: list = []
    assert positions._find_roots(module.body, ast.parse(text).body, {call}, (), module, roots)
    assert [type(statement).__name__ for statement, _tree, _indents in roots] == ["Try"]
    assert roots[0][2] == ("    ", "    ")
