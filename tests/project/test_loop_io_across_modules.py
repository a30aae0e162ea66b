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
