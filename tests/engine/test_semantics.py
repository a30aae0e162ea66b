"""Name resolution and the async scope stack, as rules see them during the single pass."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis import Semantics


def observe(source: str) -> list[tuple[str, str | None, bool]]:
    """(call code, qualified name, inside async code) for every call, in source order."""
    module = cst.parse_module(source)
    semantics = Semantics(module)
    seen: list[tuple[str, str | None, bool]] = []

    class Walker(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            semantics.enter(node)
            if isinstance(node, cst.Call):
                seen.append(
                    (
                        module.code_for_node(node.func),
                        semantics.call_name(node),
                        semantics.in_async_function(),
                    )
                )
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            semantics.leave(original_node)

    module.visit(Walker())
    return seen


def names(source: str) -> dict[str, str | None]:
    return {code: name for code, name, _ in observe(source)}


def test_import_aliases_resolve() -> None:
    resolved = names(
        "import subprocess as sp\n"
        "from subprocess import run as r\n"
        "import os.path\n"
        "from concurrent import futures\n"
        "sp.check_call()\nr()\nos.path.join()\nfutures.ThreadPoolExecutor()\n"
    )
    assert resolved == {
        "sp.check_call": "subprocess.check_call",
        "r": "subprocess.run",
        "os.path.join": "os.path.join",
        "futures.ThreadPoolExecutor": "concurrent.futures.ThreadPoolExecutor",
    }


def test_builtins_resolve_unless_shadowed() -> None:
    assert names("open()\n")["open"] == "builtins.open"
    assert names("def open(p):\n    pass\nopen()\n")["open"] is None


def test_unimported_names_do_not_resolve() -> None:
    assert names("subprocess.run()\n")["subprocess.run"] is None


def test_local_definition_shadows_an_import() -> None:
    assert names("from subprocess import run\ndef run():\n    pass\nrun()\n")["run"] is None


def test_relative_import_is_not_confused_with_stdlib() -> None:
    resolved = names("from .subprocess import run\nrun()\n")
    assert resolved["run"] != "subprocess.run"


def test_async_scope_stack() -> None:
    source = (
        "async def handler():\n"
        "    first()\n"
        "    def helper():\n"
        "        inside_sync()\n"
        "    callback = lambda: in_lambda()\n"
        "    after_nested()\n"
        "    class Local:\n"
        "        def method(self):\n"
        "            in_method()\n"
        "def plain():\n"
        "    sync_code()\n"
    )
    async_by_call = {code: is_async for code, _, is_async in observe(source)}
    assert async_by_call == {
        "first": True,
        "inside_sync": False,
        "in_lambda": False,
        "after_nested": True,
        "in_method": False,
        "sync_code": False,
    }
