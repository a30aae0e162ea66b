"""A walk with stored listings lists only the folders whose status changed, and finds
exactly what a walk without them finds."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from concurrency_lint.config import Config
from concurrency_lint.sources import folder_listings
from concurrency_lint.sources.discovery import Discovery
from concurrency_lint.sources.folder_listings import FolderListings
from tests.conftest import names_passed, run_conclint

LONG_AGO_NS = 1_000_000_000_000_000_000  # 2001


@pytest.fixture
def listed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folders the walks list, by name."""
    return names_passed(monkeypatch, os, "scandir")


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders count as changed long ago, so their listings are kept."""
    monkeypatch.setattr(folder_listings, "settled_cutoff", lambda: 10**30)


@pytest.fixture
def tree(project: Path) -> Path:
    root = project / "tree"
    for folder in ("pkg/sub", "locale/fr/LC_MESSAGES", "docs"):
        (root / folder).mkdir(parents=True)
    for name in ("pkg/a.py", "pkg/sub/b.pyi", "pkg/data.json", "docs/guide.md", "top.py"):
        (root / name).write_text("x = 1\n", encoding="utf-8")
    (root / "locale/fr/LC_MESSAGES/django.po").write_text("", encoding="utf-8")
    _age(root)
    return root


def _age(root: Path) -> None:
    """Give every folder old times, so that any later change shows in them."""
    for top, _folders, _files in os.walk(root):
        os.utime(top, ns=(LONG_AGO_NS, LONG_AGO_NS))


def walk(listings: FolderListings | None, markdown: bool = False) -> list[str]:
    config = Config(root=os.getcwd())
    files, problems = Discovery(config, markdown, listings=listings).run([Path("tree")])
    assert problems == []
    return [source.display for source in files]


def stored(listings: FolderListings) -> FolderListings:
    """What the next scan reads back (as a cache save and read would)."""
    return FolderListings(json.loads(json.dumps(listings.merged({}))))


def test_an_unchanged_tree_is_not_listed_again(tree: Path, listed: list[str], settled: None):
    first = FolderListings()
    expected = walk(None)
    listed.clear()
    assert walk(first) == expected
    assert len(listed) == 7  # every folder, once
    listed.clear()
    assert walk(stored(first)) == expected
    assert listed == []


def test_a_stored_listing_serves_a_walk_that_takes_markdown(
    tree: Path, listed: list[str], settled: None
) -> None:
    first = FolderListings()
    walk(first, markdown=False)
    listed.clear()
    assert walk(stored(first), markdown=True) == walk(None, markdown=True)
    assert "tree/docs/guide.md" in walk(stored(first), markdown=True)


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "pkg" / "new.py").write_text("y = 2\n"),
        lambda root: (root / "pkg" / "a.py").unlink(),
        lambda root: (root / "pkg" / "a.py").rename(root / "pkg" / "c.py"),
        lambda root: (root / "locale" / "fr" / "LC_MESSAGES" / "mod.py").write_text(""),
        lambda root: (root / "pkg" / "deeper").mkdir(),
    ],
)
def test_a_changed_folder_is_listed_again(
    tree: Path, listed: list[str], settled: None, change: object
) -> None:
    first = FolderListings()
    walk(first)
    change(tree)  # type: ignore[operator]
    listed.clear()
    assert walk(stored(first)) == walk(None)
    assert "pkg" in listed


def test_a_folder_holding_a_link_is_always_listed(
    tree: Path, listed: list[str], settled: None
) -> None:
    (tree / "pkg" / "link.py").symlink_to(tree / "top.py")
    _age(tree)
    first = FolderListings()
    walk(first)
    listed.clear()
    assert "tree/pkg/link.py" in walk(stored(first))
    assert listed == ["pkg"]
    (tree / "top.py").unlink()
    (tree / "top.py").mkdir()  # the link now leads to a folder: nothing to take
    (tree / "top.py" / "inner.py").write_text("")
    assert walk(stored(first)) == walk(None)


def test_a_recent_folder_is_not_kept(tree: Path, listed: list[str]) -> None:
    first = FolderListings()  # every folder's change time is now (the test made them)
    walk(first)
    assert first.merged({}) == {}
    listed.clear()
    walk(stored(first))
    assert sorted(listed) == sorted(["tree", "pkg", "sub", "locale", "fr", "LC_MESSAGES", "docs"])


def test_an_edited_gitignore_applies_though_its_folder_is_unchanged(
    tree: Path, settled: None
) -> None:
    (tree.parent / ".git").mkdir()
    (tree / ".gitignore").write_text("nothing\n")
    _age(tree)
    first = FolderListings()
    assert "tree/top.py" in walk(first)
    (tree / ".gitignore").write_text("top.py\n")  # an edit in place
    assert "tree/top.py" not in walk(stored(first))


@pytest.mark.parametrize(
    "names",
    [["../escape/"], ["sub/inner.py"], [".."], [""], ["a\0b.py"], [7], "pkg/", None],
)
def test_a_stored_listing_that_is_not_plain_names_is_ignored(
    tree: Path, listed: list[str], settled: None, names: object
) -> None:
    first = FolderListings()
    walk(first)
    document = first.merged({})
    status = os.stat(tree / "pkg")
    key = f"{status.st_dev}:{status.st_ino}"
    document[key] = [*document[key][:3], names]
    listed.clear()
    assert walk(FolderListings(document)) == walk(None)
    assert "pkg" in listed


def test_a_warm_scan_lists_no_folder_of_an_unchanged_tree(
    tree: Path, listed: list[str], settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tree.parent / "pyproject.toml").write_text("[tool.conclint]\n", encoding="utf-8")
    cold = run_conclint("scan", "tree", "--format", "json")
    (cache_file,) = (tree.parent / ".conclint_cache").glob("results-*.json")
    kept = FolderListings(json.loads(cache_file.read_text())["listings"])
    assert kept.known(os.stat(tree / "pkg")) == (False, ["a.py", "sub/"])
    listed.clear()
    warm = run_conclint("scan", "tree", "--format", "json")
    assert warm.stdout == cold.stdout
    assert not {"tree", "pkg", "sub", "locale", "fr", "LC_MESSAGES", "docs"} & set(listed)


def test_a_folder_whose_mode_changed_is_listed_again(
    tree: Path, listed: list[str], settled: None
) -> None:
    first = FolderListings()
    walk(first)
    time.sleep(0.05)  # past the file system's clock tick: the change time moves
    os.chmod(tree / "pkg", 0o700)
    os.utime(tree / "pkg", ns=(LONG_AGO_NS, LONG_AGO_NS))  # the same modification time
    listed.clear()
    walk(stored(first))
    assert listed == ["pkg"]
