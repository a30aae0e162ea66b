"""The project model: names resolved across modules, to a fixpoint, cycles included."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from concurrency_lint.checking.project_summaries import ProjectSummaries
from concurrency_lint.project.file_view import FileView
from concurrency_lint.project.layout import forget_layout, module_of, roots_for

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures" / "project_model"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    forget_layout()


def _view(path: Path) -> FileView:
    view = ProjectSummaries().view(str(path))
    assert view is not None
    return view


def test_subclasses_helpers_and_aliases_resolve_through_several_modules(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/base.py": "import requests\nclass Base(requests.Session):\n    pass\n",
            "app/session.py": "from .base import Base\nclass Api(Base):\n    pass\n",
            "app/helpers.py": "from app.session import Api\nfrom . import base\n"
            "def make():\n    return Api()\n",
            "app/reexport.py": "from .helpers import make as build\nfrom . import base\n",
            "app/far.py": "from .session import Api\ndef make():\n    return Api()\n",
            "app/use.py": "",
        },
    )
    view = _view(tmp_path / "app" / "use.py")
    assert view.module_name == "app.use"
    assert view.made_by("app.session.Api") == "requests.Session"
    assert view.made_by("app.helpers.make") == "requests.Session"
    assert view.made_by("app.reexport.build") == "requests.Session"
    assert view.made_by("app.base.requests.Session") == "requests.Session"
    assert view.made_by("app.missing.thing") is None
    # the standard library and the known packages are never read from the project
    assert view.made_by("requests.Session") is None
    # The limit that keeps large projects cheap: a module is read only when it, or a
    # project module it imports, imports a library the rules know; ``far`` imports only
    # ``session``, which imports only ``base``.
    assert view.made_by("app.far.make") is None


def test_members_of_project_classes_give_their_annotated_return_types(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/store.py": "import pathlib\nimport requests\n"
            "class Store:\n"
            "    def path(self, name) -> pathlib.Path: ...\n"
            "    @property\n"
            "    def root(self) -> pathlib.Path: ...\n"
            "    def guess(self): ...\n"
            "    async def later(self) -> pathlib.Path: ...\n"
            "class Mirror(Store):\n"
            "    pass\n"
            "class Remote(requests.Session):\n"
            "    pass\n",
            "app/use.py": "",
        },
    )
    view = _view(tmp_path / "app" / "use.py")
    assert view.member_type("app.store.Store", "path", called=True) == "pathlib.Path"
    assert view.member_type("app.store.Store", "root", called=False) == "pathlib.Path"
    assert view.member_type("app.store.Mirror", "path", called=True) == "pathlib.Path"
    # a property is not called, a method is not read as a value
    assert view.member_type("app.store.Store", "root", called=True) is None
    assert view.member_type("app.store.Store", "path", called=False) is None
    # no annotation, a coroutine, a base outside the project that may define it
    assert view.member_type("app.store.Store", "guess", called=True) is None
    assert view.member_type("app.store.Store", "later", called=True) is None
    assert view.member_type("app.store.Remote", "path", called=True) is None
    assert view.member_type("requests.Session", "get", called=True) is None


def test_cycles_in_the_import_graph_end_as_unknown(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "loop/__init__.py": "",
            "loop/a.py": "from .b import B\nclass A(B):\n    pass\ndef f():\n    return g()\n"
            "from .b import g\n",
            "loop/b.py": "from .a import A\nclass B(A):\n    pass\ndef g():\n    return f()\n"
            "from .a import f\n",
            "loop/c.py": "from .a import A as C\n",
            "loop/d.py": "from .c import C as A\n",
        },
    )
    view = _view(tmp_path / "loop" / "a.py")
    assert view.made_by("loop.a.A") is None
    assert view.made_by("loop.a.f") is None
    assert view.made_by("loop.d.A") is None


def test_star_imports_of_project_modules_follow_all_and_nested_stars(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "portal/__init__.py": "",
            "portal/inner.py": "from urllib.request import *\n",
            "portal/common.py": "from .inner import *\nfrom urllib import request\n_private = 1\n",
            "portal/limited.py": "__all__ = ['a']\nfrom urllib import request\na = 1\n",
        },
    )
    view = _view(tmp_path / "portal" / "common.py")
    assert view.from_star("portal.common", "request.urlopen") == "urllib.request.urlopen"
    assert view.from_star("portal.common", "urlopen") == "urllib.request.urlopen"
    assert view.from_star("portal.common", "_private") is None
    assert view.from_star("portal.limited", "request.urlopen") is None


def test_a_conditional_helper_with_one_type_on_every_branch_keeps_it(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "gdl/__init__.py": "",
            "gdl/util.py": """
                import os
                import subprocess
                if os.name == "nt":
                    def Popen(args, **kwargs):
                        return subprocess.Popen(args, **kwargs)
                else:
                    Popen = subprocess.Popen
                if os.name == "nt":
                    tool = subprocess.Popen
                else:
                    tool = os.system
            """,
        },
    )
    view = _view(tmp_path / "gdl" / "util.py")
    assert view.made_by("gdl.util.Popen") == "subprocess.Popen"
    assert view.canonical("gdl.util.Popen") is None  # not one name: a function or a class
    assert view.made_by("gdl.util.tool") is None


def test_module_names_roots_and_namespace_packages(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "proj/pyproject.toml": "",
            "proj/src/ns/pkg/__init__.py": "",
            "proj/src/ns/pkg/mod.py": "from ns.other import lock\n",
            "proj/src/ns/other.py": "import threading\nlock = threading.Lock()\n",
        },
    )
    module = tmp_path / "proj/src/ns/pkg/mod.py"
    found = module_of(str(module))
    assert found is not None and found[0].name == "pkg.mod"
    roots = roots_for(str(module))
    assert str(tmp_path / "proj" / "src") in roots
    view = _view(module)
    assert view.value_type("ns.other.lock") == "threading.Lock"
    assert set(view.used_modules()) == {"ns.other"}


@pytest.mark.parametrize(
    "name",
    [
        "client.py",
        "extractor.py",
        "connections.py",
        "accounts.py",
        "pages.py",
        "archive.py",
        "syncing.py",
        "github.py",
    ],
)
def test_the_fixture_package_reports_what_lives_in_other_modules(name: str) -> None:
    from concurrency_lint.testing import check_fixture

    outcome = check_fixture(FIXTURES / "shop" / name)
    assert outcome.expected
    assert not outcome.missed, f"marked but not reported: {outcome.missed}"
    assert not outcome.unexpected, f"reported but not marked: {outcome.unexpected}"


def test_one_file_reads_only_the_summaries_of_what_it_imports() -> None:
    view = _view(FIXTURES / "shop" / "extractor.py")
    assert view.from_star("shop.common", "make_session") == "shop.common.make_session"
    assert view.made_by("shop.common.make_session") == "requests.Session"
    assert set(view.used_modules()) == {"shop.common", "shop.net"}
