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


@pytest.mark.parametrize("name", ["downloads.py", "gallery.py", "module_helpers.py"])
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


def test_the_loop_rules_second_look_asks_the_model_of_imported_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loop that only calls project names the model finds no I/O in is not parsed for
    the loop rules; one calling a project helper that does I/O still is, and reported,
    whether the helper is imported relatively or by its absolute name."""
    files = {
        "app/__init__.py": "",
        "app/messages.py": """
            import requests

            class Error:
                def __init__(self, text):
                    self.text = text

            def label(name):
                return name.title()

            def size(url):
                return len(requests.get(url, timeout=5).content)
        """,
        "app/checks.py": """
            import os
            from .messages import Error, label

            def check(names):
                errors = []
                for name in names:
                    errors.append(Error(label(name)))
                return errors
        """,
        "app/absolute.py": """
            import subprocess

            from app.messages import size

            def sizes(urls):
                found = {}
                for url in urls:
                    found[url] = size(url)
                return found
        """,
        "app/sizes.py": """
            import os
            from .messages import size

            def sizes(urls):
                found = {}
                for url in urls:
                    found[url] = size(url)
                return found
        """,
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    forget_layout()
    from concurrency_lint.checking.file_checker import FileChecker
    from concurrency_lint.config import Config

    passes: list[str] = []
    run_pass = FileChecker._run_pass

    def counted(self, path, *args, **kwargs):
        passes.append(Path(path).name)
        return run_pass(self, path, *args, **kwargs)

    monkeypatch.setattr(FileChecker, "_run_pass", counted)
    checker = FileChecker(Config(select=("CL101",)))
    quiet = checker.check_bytes(
        str(tmp_path / "app/checks.py"), (tmp_path / "app/checks.py").read_bytes()
    )
    loud = checker.check_bytes(
        str(tmp_path / "app/sizes.py"), (tmp_path / "app/sizes.py").read_bytes()
    )
    assert not quiet.findings and "checks.py" not in passes
    assert [f.code for f in loud.findings] == ["CL101"] and passes == ["sizes.py"]
    # imported by its absolute name, with no other rule selected to make the pass run
    absolute = checker.check_bytes(
        str(tmp_path / "app/absolute.py"), (tmp_path / "app/absolute.py").read_bytes()
    )
    assert [f.code for f in absolute.findings] == ["CL101"]


def test_the_second_look_passes_a_method_of_a_project_value_only_when_the_model_types_it(
    tmp_path: Path,
) -> None:
    """``registry.find(name)`` on a value the model can say nothing of cannot be I/O to
    the rules (nothing types it); ``session.get(url)`` on a ``requests.Session`` made in
    another module may be; a function read off an imported module is judged by its I/O."""
    from concurrency_lint.checking.project_summaries import project_io_oracle

    files = {
        "app/__init__.py": "",
        "app/registry.py": """
            import requests

            class Registry:
                def find(self, name):
                    return name

            registry = Registry()
            session = requests.Session()

            def fetch(url):
                return requests.get(url, timeout=5).text

            def title(name):
                return name.title()
        """,
        "app/main.py": "from . import registry as module\nfrom .registry import registry\n",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    forget_layout()
    may_be_io = project_io_oracle(str(tmp_path / "app" / "main.py"))
    assert may_be_io is not None
    value = frozenset({(1, "registry", "registry")})
    module = frozenset({(1, "", "registry")})
    assert not may_be_io(value, ("find",))
    assert may_be_io(frozenset({(1, "registry", "session")}), ("get",))
    assert may_be_io(module, ("fetch",))
    assert not may_be_io(module, ("title",))
    assert not may_be_io(module, ("registry", "find"))
    assert may_be_io(module, ("session", "get"))
