"""A warm scan knows an unchanged file by its status (times, size, inode) without reading
it; any change to the file, and any file changed too recently to tell, is read again."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from concurrency_lint.checking import cache as cache_module
from concurrency_lint.checking import scan as scan_module
from tests.conftest import names_passed, run_conclint

FLAGGED = 'import subprocess\nsubprocess.run(["ls"])\n'
FIXED = 'import subprocess\nsubprocess.run(["l"], timeout=1)\n'
SAME_SIZE = 'import subprocess\nsubprocess.ran(["ls"])\n'  # no call that can hang


@pytest.fixture
def folder(project: Path) -> Path:
    (project / "pyproject.toml").write_text("[tool.conclint]\n", encoding="utf-8")
    (project / "mod.py").write_text(FLAGGED, encoding="utf-8")
    (project / "clean.py").write_text("x = 1\n", encoding="utf-8")
    return project


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the scan reads."""
    return names_passed(monkeypatch, scan_module, "read_regular_file")


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files count as changed long ago (as they are when a scan runs minutes later)."""
    monkeypatch.setattr(cache_module, "settled_cutoff", lambda: 10**30)


def test_an_unchanged_file_is_not_read_again(folder: Path, reads: list[str], settled: None) -> None:
    cold = run_conclint("scan", ".", "--format", "json")
    assert sorted(reads) == ["clean.py", "mod.py"]
    reads.clear()
    warm = run_conclint("scan", ".", "--format", "json")
    assert reads == []
    assert warm.stdout == cold.stdout


def test_a_file_changed_in_size_is_read(folder: Path, reads: list[str], settled: None) -> None:
    run_conclint("scan", ".")
    reads.clear()
    (folder / "mod.py").write_text(FIXED + "\n", encoding="utf-8")
    assert "mod.py" not in run_conclint("scan", ".").stdout
    assert reads == ["mod.py"]


def test_a_file_replaced_with_the_same_size_and_times_is_read(
    folder: Path, reads: list[str], settled: None
) -> None:
    run_conclint("scan", ".")
    reads.clear()
    old = (folder / "mod.py").stat()
    replacement = folder / "new.txt"
    replacement.write_text(SAME_SIZE, encoding="utf-8")
    assert len(SAME_SIZE) == len(FLAGGED)
    os.utime(replacement, ns=(old.st_atime_ns, old.st_mtime_ns))
    os.replace(replacement, folder / "mod.py")  # another inode, the same size and mtime
    assert "mod.py" not in run_conclint("scan", ".").stdout
    assert reads == ["mod.py"]


def test_a_file_changed_just_now_is_not_trusted_by_its_status(
    folder: Path, reads: list[str]
) -> None:
    run_conclint("scan", ".")  # the files were written a moment ago: too recent to tell
    reads.clear()
    run_conclint("scan", ".")
    assert sorted(reads) == ["clean.py", "mod.py"]


def test_a_malformed_status_is_ignored(folder: Path, reads: list[str], settled: None) -> None:
    cold = run_conclint("scan", ".", "--format", "json")
    (cache_file,) = (folder / ".conclint_cache").glob("results-*.json")
    document = json.loads(cache_file.read_text())
    assert set(document["statuses"]) == {"clean.py", "mod.py"}
    document["statuses"] = {"mod.py": ["d", "x"], "clean.py": 7}
    cache_file.write_text(json.dumps(document))
    reads.clear()
    assert run_conclint("scan", ".", "--format", "json").stdout == cold.stdout
    assert sorted(reads) == ["clean.py", "mod.py"]


def test_a_dependency_the_scan_knows_by_its_status_is_not_read(
    project: Path, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    """A dependency recorded too soon after it was written has no status of its own in
    the record; when it is a scanned file, the cache's status of it stands in."""
    from concurrency_lint.checking import dependency_records, project_summaries

    monkeypatch.setattr(project_summaries, "settled_cutoff", lambda: -1)  # every record is "recent"
    (project / "pyproject.toml").write_text("[tool.conclint]\n", encoding="utf-8")
    app = project / "app"
    app.mkdir()
    (app / "__init__.py").write_text("", encoding="utf-8")
    (app / "utils.py").write_text("def fetch():\n    return object()\n", encoding="utf-8")
    (app / "uses.py").write_text(
        "from .utils import fetch\n\n\ndef load(url):\n    return fetch().get(url)\n",
        encoding="utf-8",
    )
    digested = names_passed(monkeypatch, dependency_records, "read_regular_file")
    cold = run_conclint("scan", ".", "--format", "json")
    document = json.loads(next(project.glob(".conclint_cache/results-*.json")).read_text())
    assert any(record.endswith("\t") for record in document["records"])  # no status kept
    digested.clear()
    assert run_conclint("scan", ".", "--format", "json").stdout == cold.stdout
    assert digested == []
    (app / "utils.py").write_text("def fetch():\n    return 1\n", encoding="utf-8")
    run_conclint("scan", ".")
    assert "utils.py" in digested  # changed: its status is not the recorded one
