"""A file's cached findings depend on its text and on the summaries of the project
modules they used: when a helper's summary changes, exactly the files using it are
checked again."""

from __future__ import annotations

from pathlib import Path

import pytest

from concurrency_lint.project.layout import forget_layout
from tests.conftest import run_conclint

PLAIN_HELPER = "def fetch():\n    return object()\n"
SESSION_HELPER = "import requests\n\n\ndef fetch():\n    return requests.Session()\n"


@pytest.fixture
def package(project: Path) -> Path:
    (project / "pyproject.toml").write_text("[tool.conclint]\n", encoding="utf-8")
    app = project / "app"
    app.mkdir()
    (app / "__init__.py").write_text('"""App."""\n', encoding="utf-8")
    (app / "utils.py").write_text(PLAIN_HELPER, encoding="utf-8")
    (app / "uses.py").write_text(
        "from .utils import fetch\n\n\ndef load(url):\n    return fetch().get(url)\n",
        encoding="utf-8",
    )
    (app / "other.py").write_text(
        "import requests\n\n\ndef load(url):\n    return requests.get(url, timeout=5)\n",
        encoding="utf-8",
    )
    forget_layout()
    return project


def test_a_changed_helper_rechecks_the_files_that_use_it_and_only_those(
    package: Path, checked: list[str]
) -> None:
    cold = run_conclint("scan", ".")
    assert "CL202" not in cold.stdout  # fetch() returns a plain object
    assert sorted(checked) == ["__init__.py", "other.py", "uses.py", "utils.py"]

    checked.clear()
    assert "CL202" not in run_conclint("scan", ".").stdout
    assert checked == []  # warm: nothing changed

    (package / "app" / "utils.py").write_text(SESSION_HELPER, encoding="utf-8")
    warm = run_conclint("scan", ".")
    assert "app/uses.py:5" in warm.stdout and "CL202" in warm.stdout
    assert sorted(checked) == ["uses.py", "utils.py"]


def test_a_change_that_keeps_the_summary_rechecks_nothing_else(
    package: Path, checked: list[str]
) -> None:
    run_conclint("scan", ".")
    checked.clear()
    (package / "app" / "utils.py").write_text("# a comment\n" + PLAIN_HELPER, encoding="utf-8")
    run_conclint("scan", ".")
    assert checked == ["utils.py"]


def test_a_malformed_dependency_record_is_a_miss() -> None:
    from concurrency_lint.checking.project_summaries import ModuleDependency, dependencies_hold

    record = ModuleDependency("/nowhere/a.py", "a", False, "0" * 32, "t:x", "10:5").packed()
    assert ModuleDependency.unpacked(record) == ModuleDependency(
        "/nowhere/a.py", "a", False, "0" * 32, "t:x", "10:5"
    )
    assert ModuleDependency.unpacked("only\ttwo") is None
    assert not dependencies_hold(("only\ttwo",))
    assert not dependencies_hold((record,))  # the module is gone: its content differs
    assert dependencies_hold(())


def test_an_untouched_dependency_holds_without_the_project_model(tmp_path: Path) -> None:
    """The scan's own check of a record agrees with the project model's first two."""
    from concurrency_lint.checking import project_summaries
    from concurrency_lint.checking.file_status import stamp, stamp_text
    from concurrency_lint.checking.project_summaries import ModuleDependency, dependencies_hold
    from concurrency_lint.checking.scan import untouched_dependency

    helper = tmp_path / "helper.py"
    helper.write_text(PLAIN_HELPER, encoding="utf-8")
    status = stamp_text(stamp(str(helper)))
    digest = project_summaries.content_digest(helper.read_bytes())

    def record(content: str, status: str, package: bool = False) -> str:
        return ModuleDependency(str(helper), "helper", package, content, "t:x", status).packed()

    for package in (False, True):
        assert untouched_dependency(record("0" * 32, status, package))  # by its status
        assert dependencies_hold((record("0" * 32, status, package),))  # the model agrees
    for recorded in ("", "1:2"):  # too recent to trust when read, or since changed
        assert untouched_dependency(record(digest, recorded))  # by its content
        assert dependencies_hold((record(digest, recorded),))
        assert not untouched_dependency(record("0" * 32, recorded))  # the model decides
    gone = record(digest, "").replace(str(helper), str(tmp_path / "gone.py"))
    assert not untouched_dependency(gone)
    assert not untouched_dependency(record(digest, status).replace("\tt:x", ""))
    assert not untouched_dependency("only\ttwo")
