"""Shared test helpers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from concurrency_lint.checking.file_checker import FileChecker

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def names_passed(monkeypatch: pytest.MonkeyPatch, owner: object, attribute: str) -> list[str]:
    """The file names ``owner.attribute`` (a function taking a path first) is called with,
    in order, from now on in the test."""
    seen: list[str] = []
    real = getattr(owner, attribute)

    def recording(path: Path | str, *args: object, **kwargs: object) -> object:
        seen.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(owner, attribute, recording)
    return seen


@pytest.fixture(autouse=True)
def user_cache_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The user's cache folder (``XDG_CACHE_HOME``) of every test: never the real one."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder, made the working folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@dataclass(frozen=True)
class CliRun:
    """What one in-process ``conclint`` invocation produced."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files each scan really checks (not answered from the cache)."""
    seen: list[str] = []
    original = FileChecker.check_text

    def check_text(self: FileChecker, path: str, text: str, markdown: bool = False):  # type: ignore[no-untyped-def]
        seen.append(Path(path).name)
        return original(self, path, text, markdown)

    monkeypatch.setattr(FileChecker, "check_text", check_text)
    return seen


def run_conclint(*args: str, stdin: str | bytes | None = None) -> CliRun:
    """Run ``conclint ARGS`` in this process (the engine stays in-process for small scans)."""
    from concurrency_lint.cli import main

    result = CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)
    return CliRun(result.exit_code, result.stdout, result.stderr)


def json_findings(run: CliRun) -> list[dict]:
    """The findings of a ``--format json`` run."""
    return json.loads(run.stdout)["findings"]
