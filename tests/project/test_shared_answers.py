"""The answers the files of one process share: reused while what they read is unchanged,
never cut by a cycle, and the same findings whatever order the files are checked in."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from concurrency_lint.checking import file_status, project_summaries
from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.checking.project_summaries import ProjectSummaries
from concurrency_lint.checking.scan import ScanOptions, scan_paths
from concurrency_lint.config import Config
from concurrency_lint.project.layout import forget_layout
from concurrency_lint.project.model import ProjectModel
from concurrency_lint.testing import expected_markers

#: ``A`` and ``B`` subclass each other across two modules: from ``A`` the cycle is cut at
#: ``A`` (``B`` is then unknown), from ``B`` it is cut at ``B`` (both are sessions). An
#: answer shared from one entry would change what the other file reports.
CYCLE = {
    "cyc/__init__.py": "",
    "cyc/a.py": """\
        import requests

        from .b import B


        class A(B, requests.Session):
            pass
        """,
    "cyc/b.py": """\
        import requests

        from .a import A


        class B(A):
            pass
        """,
    "cyc/use_a.py": """\
        from .a import A


        def load(url):
            return A().get(url)  # CL202
        """,
    "cyc/use_b.py": """\
        from .b import B


        def load(url):
            return B().get(url)  # CL202
        """,
}

HELPERS = {
    "app/__init__.py": "",
    "app/net.py": "import requests\n\n\ndef make():\n    return requests.Session()\n",
    "app/one.py": "from .net import make\n\n\ndef load(url):\n    return make().get(url)\n",
    "app/two.py": "from .net import make\n\n\ndef load(url):\n    return make().get(url)\n",
}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    forget_layout()


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks below run as in a process that has read nothing yet."""
    monkeypatch.setattr(project_summaries, "_PROCESS_SUMMARIES", ProjectSummaries())


def _check_in_order(paths: list[Path], monkeypatch: pytest.MonkeyPatch) -> dict[str, set]:
    monkeypatch.setattr(project_summaries, "_PROCESS_SUMMARIES", ProjectSummaries())
    checker = FileChecker(Config())
    found = {}
    for path in paths:
        result = checker.check_text(str(path), path.read_text(encoding="utf-8"))
        found[path.name] = {(f.span.start_line, f.code) for f in result.findings}
    return found


def test_two_orders_give_the_same_findings_on_a_cyclic_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, CYCLE)
    use_a, use_b = tmp_path / "cyc" / "use_a.py", tmp_path / "cyc" / "use_b.py"
    forward = _check_in_order([use_a, use_b], monkeypatch)
    backward = _check_in_order([use_b, use_a], monkeypatch)
    assert forward == backward
    for path in (use_a, use_b):  # what each file reports alone, as marked
        assert forward[path.name] == set(expected_markers(path.read_text(encoding="utf-8")))


def test_an_answer_is_computed_once_per_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, HELPERS)
    computed: list[str] = []
    original = ProjectModel._made_by

    def made_by(self: ProjectModel, qualified: str) -> str | None:
        computed.append(qualified)
        return original(self, qualified)

    monkeypatch.setattr(ProjectModel, "_made_by", made_by)
    summaries = ProjectSummaries()
    for name in ("one.py", "two.py"):
        view = summaries.view(str(tmp_path / "app" / name))
        assert view is not None
        assert view.made_by("app.net.make") == "requests.Session"
    assert computed == ["app.net.make"]


def test_a_shared_answer_records_the_dependencies_computing_it_would(tmp_path: Path) -> None:
    _write(tmp_path, HELPERS)
    shared = ProjectSummaries()
    for name in ("one.py", "two.py"):
        path = str(tmp_path / "app" / name)
        assert shared.view(path).made_by("app.net.make") == "requests.Session"  # type: ignore[union-attr]
        recorded = shared.finish(path)
        alone = ProjectSummaries()
        assert alone.view(path).made_by("app.net.make") == "requests.Session"  # type: ignore[union-attr]
        assert recorded == alone.finish(path)
        assert any("app.net" in record for record in recorded)


def test_a_shared_answer_is_dropped_when_a_module_it_read_changes(tmp_path: Path) -> None:
    _write(tmp_path, HELPERS)
    summaries = ProjectSummaries()
    one, two = str(tmp_path / "app" / "one.py"), str(tmp_path / "app" / "two.py")
    assert summaries.view(one).made_by("app.net.make") == "requests.Session"  # type: ignore[union-attr]
    summaries.finish(one)
    net = tmp_path / "app" / "net.py"
    net.write_text("import requests\n\n\ndef make():\n    return object()\n", encoding="utf-8")
    assert summaries.view(two).made_by("app.net.make") is None  # type: ignore[union-attr]


def test_a_scan_takes_each_file_status_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_process: None
) -> None:
    _write(tmp_path, {**HELPERS, "app/three.py": HELPERS["app/one.py"]})
    taken: list[str] = []
    original = file_status._stat

    def stat(path: str) -> file_status.Stamp:
        taken.append(path)
        return original(path)

    monkeypatch.setattr(file_status, "_stat", stat)
    outcome = scan_paths([tmp_path / "app"], Config(), ScanOptions(jobs=1, use_cache=False))
    assert {f.code for f in outcome.findings} == {"CL202"}
    assert any(path.endswith("net.py") for path in taken)  # the model did read it
    assert len(taken) == len(set(taken))
    taken.clear()
    assert file_status.stamp(str(tmp_path / "app" / "net.py"))[0] > 0
    assert file_status.stamp(str(tmp_path / "app" / "net.py"))[0] > 0
    assert len(taken) == 2  # outside a scan, taken afresh each time


def test_only_a_check_whose_result_is_kept_records_its_dependencies(
    tmp_path: Path, fresh_process: None
) -> None:
    _write(tmp_path, HELPERS)
    path = tmp_path / "app" / "one.py"
    text = path.read_text(encoding="utf-8")
    kept = FileChecker(Config()).check_text(str(path), text)
    not_kept = FileChecker(Config(), record_dependencies=False).check_text(str(path), text)
    assert kept.findings == not_kept.findings
    assert {f.code for f in kept.findings} == {"CL202"}
    assert any("app.net" in record for record in kept.depends_on)
    assert not_kept.depends_on == ()
