"""The pre-commit hook, run for real with ``pre-commit try-repo`` against this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    shutil.which("pre-commit") is None or shutil.which("git") is None,
    reason="needs git and pre-commit (the test extra installs pre-commit)",
)


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run(
        ["pre-commit", "try-repo", str(ROOT), "conclint", "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_hook_fails_on_a_finding_and_passes_once_clean(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    git("config", "user.email", "dev@example.com", cwd=repo)
    git("config", "user.name", "dev", cwd=repo)
    job = repo / "job.py"
    job.write_text('import subprocess\nsubprocess.run(["make"])\n')
    git("add", "job.py", cwd=repo)

    failing = try_repo(repo, tmp_path / "cache")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "job.py:2:1: CL201" in failing.stdout

    job.write_text('import subprocess\nsubprocess.run(["make"], timeout=60)\n')
    git("add", "job.py", cwd=repo)
    passing = try_repo(repo, tmp_path / "cache")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout


def test_fix_hook_applies_safe_fixes_then_passes(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    loop = repo / "loop.py"
    loop.write_text(
        "def load_all(paths):\n"
        "    contents = []\n"
        "    for path in sorted(paths):\n"
        "        with open(path) as fh:\n"
        "            text = fh.read()\n"
        "        contents.append(text.upper())\n"
        "    return contents\n"
    )
    # The rewrite imports the runtime: safe where the project declares it.
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "app"\ndependencies = ["concurrency-lint"]\n'
    )
    git("add", "loop.py", "pyproject.toml", cwd=repo)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}

    def run_hook() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["pre-commit", "try-repo", str(ROOT), "conclint-fix", "--all-files"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    fixing = run_hook()
    assert fixing.returncode == 1, fixing.stdout + fixing.stderr  # files were modified
    assert "run_parallel(" in loop.read_text()
    git("add", "loop.py", cwd=repo)
    assert run_hook().returncode == 0
