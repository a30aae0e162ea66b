"""A scan of an unchanged tree is answered whole from its kept outcome; any change it rests
on sends the scan down its usual path, with the outcome a scan without cache gives."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from concurrency_lint.checking import cache as cache_module
from concurrency_lint.checking import scan as scan_module
from concurrency_lint.sources import folder_listings, walk_trail
from tests.conftest import run_conclint

LONG_AGO_NS = 1_000_000_000_000_000_000  # 2001

HELPER = "import requests\n\n\ndef make():\n    return requests.Session()\n"
USER = "from lib.net import make\n\n\ndef names(url):\n    return make().get(url)\n"
FLAGGED = 'import subprocess\n\n\ndef push():\n    subprocess.run(["git", "push"])\n'


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files and folders count as changed long ago, as they are minutes after a checkout."""
    for module in (cache_module, folder_listings, walk_trail):
        monkeypatch.setattr(module, "settled_cutoff", lambda: 10**30)


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per scan that walked its paths (was not answered whole)."""
    seen: list[int] = []
    real = scan_module.Discovery

    def walking(*args: object, **kwargs: object) -> object:
        seen.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(scan_module, "Discovery", walking)
    return seen


@pytest.fixture
def tree(project: Path, settled: None) -> Path:
    (project / "pyproject.toml").write_text("[tool.conclint]\n", encoding="utf-8")
    files = {
        "lib/__init__.py": "",
        "lib/net.py": HELPER,
        "app/__init__.py": "",
        "app/user.py": USER,
        "app/deploy.py": FLAGGED,
        "app/sub/clean.py": "x = 1\n",
        "app/locale/fr/LC_MESSAGES/app.po": "",
    }
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    age(project)
    return project


def age(root: Path) -> None:
    """Old times for everything below ``root``: any later change shows in them."""
    for top, folders, names in os.walk(root):
        for name in [*folders, *names]:
            os.utime(os.path.join(top, name), ns=(LONG_AGO_NS, LONG_AGO_NS))
        os.utime(top, ns=(LONG_AGO_NS, LONG_AGO_NS))


def scan(*paths: str) -> str:
    return run_conclint("scan", *paths, "--format", "json").stdout


def uncached(*paths: str) -> str:
    return run_conclint("scan", *paths, "--format", "json", "--no-cache").stdout


def test_an_unchanged_tree_is_answered_whole(tree: Path, walks: list[int]) -> None:
    first = scan("app")
    assert "CL201" in first and "CL202" in first  # a finding of its own, one of its project
    assert walks == [1]
    assert scan("app") == first
    assert walks == [1]  # answered without a walk
    assert run_conclint("scan", "app").stdout == run_conclint("scan", "app", "--no-cache").stdout


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda root: (root / "app/deploy.py").write_text(FLAGGED.replace("git", "hg")),
            id="edit-same-size",
        ),
        pytest.param(lambda root: (root / "app/deploy.py").write_text("x = 1\n"), id="edit"),
        pytest.param(lambda root: (root / "app/sub/new.py").write_text(FLAGGED), id="new-file"),
        pytest.param(
            lambda root: (root / "app/locale/fr/LC_MESSAGES/late.py").write_text(FLAGGED),
            id="new-file-deep",
        ),
        pytest.param(lambda root: (root / "app/sub/clean.py").unlink(), id="removed-file"),
        pytest.param(
            lambda root: (root / "app/sub").rename(root / "app/moved"), id="renamed-folder"
        ),
        pytest.param(
            lambda root: (root / "lib/net.py").write_text(
                HELPER.replace("requests.Session()", "1")
            ),
            id="dependency-outside-the-scan",
        ),
        pytest.param(
            lambda root: (root / "app/.gitignore").write_text("deploy.py\n"), id="new-gitignore"
        ),
    ],
)
def test_a_change_it_rests_on_sends_the_scan_down_its_usual_path(
    tree: Path, walks: list[int], change: Callable[[Path], object]
) -> None:
    (tree / ".git").mkdir()  # a repository: .gitignore files speak
    age(tree)
    scan("app")
    assert scan("app") == uncached("app")
    walks.clear()
    change(tree)
    again = scan("app")
    assert walks == [1]  # walked again
    assert again == uncached("app")


def test_an_edited_gitignore_is_followed(tree: Path, walks: list[int]) -> None:
    (tree / ".git").mkdir()
    (tree / ".gitignore").write_text("nothing\n")
    age(tree)
    scan("app")
    assert "deploy.py" in scan("app")
    (tree / ".gitignore").write_text("deploy.py\n")  # its folder keeps its times
    assert "deploy.py" not in scan("app")
    assert scan("app") == uncached("app")


def test_a_repository_made_above_the_tree_is_followed(tree: Path) -> None:
    (tree / ".gitignore").write_text("deploy.py\n")
    age(tree)
    scan("app")
    assert "deploy.py" in scan("app")  # no repository: the .gitignore does not speak
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    assert "deploy.py" not in scan("app")


def test_another_request_is_not_answered_by_the_first(tree: Path, walks: list[int]) -> None:
    scan("app")
    scan("app")
    walks.clear()
    sub, markdown = scan("app/sub"), scan("app", "--include-markdown")
    assert walks == [1, 1]
    assert (sub, markdown) == (uncached("app/sub"), uncached("app", "--include-markdown"))


def test_a_scan_with_an_unreadable_file_is_not_kept(tree: Path, walks: list[int]) -> None:
    (tree / "app" / "bad.py").write_bytes(b"\xff\xfe\x00 not text")
    age(tree)
    scan("app")
    walks.clear()
    again = scan("app")
    assert walks == [1]
    assert again == uncached("app")


def kept_document(root: Path) -> tuple[Path, dict[str, object]]:
    (path,) = (root / ".conclint_cache").glob("scan-*.json")
    return path, json.loads(path.read_text())


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda document: document.update(files=["/nowhere"], file_statuses=[[1, 2, 3, 4, 5, 6]]),
        lambda document: document.update(files=7),
        lambda document: document.update(file_statuses=[]),
        lambda document: document.update(trail={"folders": [[1, 2, 3, 4, 5]]}),
        lambda document: document["trail"].update(signatures=[]),
        lambda document: document["trail"].update(folders=[[5, "x"]]),
        lambda document: document.update(modules=[["/x", "d", 5]]),
        lambda document: document.update(modules=[["/x", "1:2"]]),
        lambda document: document.update(displays=["app/user.py", 3]),
        lambda document: document.update(results=[["elsewhere.py", [], []]]),
        lambda document: document.update(results=[["app/deploy.py", [["CL201"]], []]]),
        lambda document: document.update(scanned="many"),
        lambda document: document.pop("trail"),
    ],
)
def test_a_malformed_kept_outcome_is_a_miss(
    tree: Path, walks: list[int], corrupt: Callable[[dict[str, object]], object]
) -> None:
    expected = scan("app")
    path, document = kept_document(tree)
    corrupt(document)
    path.write_text(json.dumps(document))
    walks.clear()
    assert scan("app") == expected
    assert walks == [1]
