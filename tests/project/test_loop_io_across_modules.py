"""Loops whose I/O lives in another module of the project: the model says what a project
function waits on, followed across modules, and the loop rules report on it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from concurrency_lint.checking.project_summaries import ProjectSummaries
from concurrency_lint.project.layout import forget_layout
from concurrency_lint.testing import check_fixture

SHOP = Path(__file__).resolve().parent.parent.parent / "fixtures" / "project_model" / "shop"


@pytest.mark.parametrize("name", ["downloads.py", "gallery.py"])
def test_loops_calling_io_helpers_of_other_modules_are_reported(name: str) -> None:
    outcome = check_fixture(SHOP / name)
    assert outcome.expected
    assert not outcome.missed, f"marked but not reported: {outcome.missed}"
    assert not outcome.unexpected, f"reported but not marked: {outcome.unexpected}"


def test_the_model_follows_a_function_s_io_through_its_callees() -> None:
    view = ProjectSummaries().view(str(SHOP / "downloads.py"))
    assert view is not None
    assert view.function_io("shop.fetching.probe") == "network"  # two calls deep
    assert view.function_io("shop.fetching.load_json") == "file"
    assert view.function_io("shop.fetching.title_of") is None  # no I/O
    assert view.function_io("shop.fetching.probe_and_remember") is None  # shared state
    assert view.function_io("shop.fetching.missing") is None
    assert view.function_io("json.loads") is None  # not a project name


def test_mutually_recursive_helpers_end_as_unknown(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/one.py": """
            import requests
            from .two import pong

            def ping(url):
                return pong(url)
        """,
        "app/two.py": """
            import requests
            from .one import ping

            def pong(url):
                return ping(url)

            def fetch(url):
                requests.get(url, timeout=5)
                return pong(url)
        """,
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    forget_layout()
    view = ProjectSummaries().view(str(tmp_path / "app" / "one.py"))
    assert view is not None
    assert view.function_io("app.one.ping") is None
    assert view.function_io("app.two.fetch") == "network"


def test_helpers_that_change_shared_state_are_not_io_helpers(tmp_path: Path) -> None:
    path = tmp_path / "tool" / "files.py"
    path.parent.mkdir(parents=True)
    (path.parent / "__init__.py").write_text("", encoding="utf-8")
    text = """
        import os
        import requests  # a library the rules know: the module is summarised
        from pyinfra import state

        CODES = {}

        def cache(p):
            CODES[p] = open(p).read()

        def run(p):
            exec(open(p).read())

        def mark(p):
            state.current = p
            return open(p).read()

        def register(p):
            CODES.update({p: open(p).read()})

        def replace(p):
            os.remove(p + ".bak")
            with open(p) as handle:
                return handle.read()
    """
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    forget_layout()
    view = ProjectSummaries().view(str(path))
    assert view is not None
    for name in ("cache", "run", "mark", "register"):
        assert view.function_io(f"tool.files.{name}") is None, name
    assert view.function_io("tool.files.replace") == "file"  # os.remove mutates no collection
