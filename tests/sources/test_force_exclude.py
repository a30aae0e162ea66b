"""``--force-exclude``: named paths and ``--stdin-filename`` are excluded as a walk would."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import json_findings, run_conclint

FLAGGED = 'import subprocess\nsubprocess.run(["ls"])\n'


def write(path: Path, text: str = FLAGGED) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def reported(*args: str) -> list[str]:
    run = run_conclint("scan", "--format", "json", "--no-cache", *args)
    assert run.exit_code in (0, 1), run.stderr
    return sorted({finding["path"] for finding in json_findings(run)})


@pytest.fixture
def tree(project: Path) -> Path:
    for name in ("build/gen.py", "venv/lib/x.py", "pkg/mod.py", "pkg/generated/deep/a.py"):
        write(project / name)
    (project / "conclint.toml").write_text('extend-exclude = ["generated"]\n', encoding="utf-8")
    return project


NAMED = ["build/gen.py", "venv/lib/x.py", "pkg/mod.py", "pkg/generated/deep/a.py"]


def test_named_paths_inside_excluded_folders_are_skipped(tree: Path) -> None:
    assert reported("--force-exclude", *NAMED) == ["pkg/mod.py"]


def test_without_force_exclude_named_paths_are_checked(tree: Path) -> None:
    assert reported(*NAMED) == sorted(NAMED)


def test_a_named_excluded_folder_is_skipped(tree: Path) -> None:
    assert reported("--force-exclude", "build", "pkg") == ["pkg/mod.py"]


def test_path_patterns_apply_to_the_folders_of_a_named_file(project: Path) -> None:
    write(project / "pkg/legacy/sub/old.py")
    write(project / "pkg/new.py")
    (project / "conclint.toml").write_text('exclude = ["pkg/legacy"]\n', encoding="utf-8")
    named = ("pkg/legacy/sub/old.py", "pkg/new.py")
    assert reported("--force-exclude", *named) == ["pkg/new.py"]


def test_gitignored_folders_of_a_named_file(project: Path) -> None:
    (project / ".git").mkdir()
    (project / ".gitignore").write_text("out/\n*_pb2.py\n", encoding="utf-8")
    for name in ("out/deep/a.py", "api_pb2.py", "kept.py"):
        write(project / name)
    named = ("out/deep/a.py", "api_pb2.py", "kept.py")
    assert reported("--force-exclude", *named) == ["kept.py"]
    assert reported(*named) == sorted(named)


def test_the_project_roots_own_name_is_not_matched(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "build"
    write(root / "mod.py")
    (root / "conclint.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(root)
    assert reported("--force-exclude", "mod.py") == ["mod.py"]
    assert reported("--force-exclude", ".") == ["mod.py"]


def test_stdin_filename_in_an_excluded_folder(tree: Path) -> None:
    args = ("scan", "-", "--format", "json", "--stdin-filename", "venv/lib/x.py")
    excluded = run_conclint(*args, "--force-exclude", stdin=FLAGGED)
    assert (excluded.exit_code, json_findings(excluded)) == (0, [])
    checked = run_conclint(*args, stdin=FLAGGED)
    assert [f["code"] for f in json_findings(checked)] == ["CL201"]
    kept = run_conclint(*args[:-1], "pkg/mod.py", "--force-exclude", stdin=FLAGGED)
    assert [f["code"] for f in json_findings(kept)] == ["CL201"]
