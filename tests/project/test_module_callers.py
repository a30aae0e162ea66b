"""A module-level function's parameters typed from its module's own calls of it hold only
while no other module of the project names it; its findings then hang on those modules'
texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from concurrency_lint.project.layout import forget_layout, package_modules
from tests.conftest import run_conclint

WORK = (
    "import queue\n\n\n"
    "def drain(jobs):\n"
    "    return jobs.get()\n\n\n"
    "def run():\n"
    "    return drain(queue.Queue())\n"
)
QUIET = "def other():\n    return 1\n"
NAMING = "from .work import drain\n\n\ndef other():\n    return drain({})\n"


@pytest.fixture
def package(project: Path) -> Path:
    (project / "pyproject.toml").write_text("[tool.conclint]\n", encoding="utf-8")
    app = project / "app"
    app.mkdir()
    (app / "__init__.py").write_text('"""App."""\n', encoding="utf-8")
    (app / "work.py").write_text(WORK, encoding="utf-8")
    (app / "other.py").write_text(QUIET, encoding="utf-8")
    forget_layout()
    return project


def test_a_parameter_every_call_of_its_module_passes_a_queue_is_one(package: Path) -> None:
    run = run_conclint("scan", ".", "--select", "CL204", "--format", "concise")
    assert "app/work.py:5:12: CL204" in run.stdout


def test_a_function_another_module_names_keeps_unknown_parameters(package: Path) -> None:
    (package / "app" / "other.py").write_text(NAMING, encoding="utf-8")
    run = run_conclint("scan", ".", "--select", "CL204")
    assert "CL204" not in run.stdout


def test_another_module_starting_to_name_it_rechecks_the_module(
    package: Path, checked: list[str]
) -> None:
    assert "app/work.py:5" in run_conclint("scan", ".", "--select", "CL204").stdout
    checked.clear()
    assert "app/work.py:5" in run_conclint("scan", ".", "--select", "CL204").stdout
    assert checked == []  # warm: nothing changed

    (package / "app" / "other.py").write_text(NAMING, encoding="utf-8")
    warm = run_conclint("scan", ".", "--select", "CL204")
    assert "CL204" not in warm.stdout
    assert sorted(checked) == ["other.py", "work.py"]


def test_an_edit_that_leaves_the_calls_of_its_names_alone_rechecks_only_the_edited_module(
    package: Path, checked: list[str]
) -> None:
    run_conclint("scan", ".", "--select", "CL204")
    checked.clear()
    (package / "app" / "other.py").write_text(QUIET + "\n\ndef more():\n    return 2\n")
    warm = run_conclint("scan", ".", "--select", "CL204", "--format", "concise")
    assert "app/work.py:5:12: CL204" in warm.stdout
    assert checked == ["other.py"]  # work.py searched other.py: its calls of drain are the same


def test_the_modules_searched_are_the_package_and_its_neighbours(package: Path) -> None:
    (package / "tool.py").write_text(QUIET, encoding="utf-8")
    (package / "app" / "sub").mkdir()
    (package / "app" / "sub" / "deep.py").write_text(QUIET, encoding="utf-8")
    forget_layout()
    found = package_modules("app.work", (str(package),))
    assert found is not None
    assert sorted(module.name for module in found) == [
        "app",
        "app.other",
        "app.sub.deep",
        "app.work",
        "tool",
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from . import api\n\napi.Api(token)\n", ((1, frozenset()),)),
        (
            "from .api import Api as A\n\nA(token, requester=send)\n",
            ((1, frozenset({"requester"})),),
        ),
        ("import app.api\n\napp.api.Api()\n", ((0, frozenset()),)),
        ("# Api in a comment only\nx = 1\n", ()),
        ("from .api import Api\n\n\nclass Mine(Api):\n    pass\n", None),
        ("from . import api\n\nmake = api.Api\n", None),
        ("from . import api\n\napi.Api(*args)\n", None),
        ("from . import api\n\ngetattr(api, 'Api')()\n", None),
        ("from .other import Api\n\nApi()\n", None),
        ("from .api import *\n\nApi()\n", None),
    ],
)
def test_the_calls_another_module_makes_of_a_name(
    source: str, expected: tuple[tuple[int, frozenset[str]], ...] | None
) -> None:
    from concurrency_lint.analysis.call_shape import CallShape
    from concurrency_lint.project.call_shapes import call_shapes

    found = call_shapes(source, "app.cli", False, "app.api.Api")
    if expected is None:
        assert found is None
    else:
        assert found == tuple(CallShape(count, keywords) for count, keywords in expected)
