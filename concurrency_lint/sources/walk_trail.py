"""What a walk's outcome rests on, so that a later walk can tell it would find the same.

A walk finds the same files while every folder it listed keeps its identity and times
(:mod:`.folder_listings` says why that is enough), every ``.gitignore`` it read keeps its
status (or stays absent), and every ``.git`` it looked for above a named folder is still
there or still absent. A trail is trusted only when all of these were settled when taken
(older than two seconds) and the walk met nothing unusual: no problem, no symbolic link
inside a listed folder, no ``--force-exclude``.

A stored trail is data, never code: a malformed one never holds.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from concurrency_lint.sources.settling import settled_cutoff


class WalkTrail:
    """The folders, ``.gitignore`` files and ``.git`` markers one walk depended on."""

    def __init__(self) -> None:
        self.trusted = True
        self._folders: list[list[Any]] = []  # [parent index or -1, name or path]
        self._signatures: list[list[int]] = []  # the folders' statuses, in the same order
        self._indices: dict[str, int] = {}  # folder path -> its index in ``_folders``
        self._ignore_files: list[list[Any]] = []
        self._git_markers: list[list[Any]] = []
        self._settled_cutoff = settled_cutoff()

    def folder(self, path: str, status: os.stat_result) -> None:
        """The walk listed ``path`` (stored or afresh) while it had ``status``.

        Kept short, as a tree has thousands of folders: a folder below one listed before
        is named by that folder's index and its own name."""
        parent, name = os.path.split(path)
        index = self._indices.get(parent, -1) if name else -1
        self._indices[path] = len(self._folders)
        self._folders.append([index, name if index >= 0 else path])
        self._signatures.append(_folder_signature(status))

    def ignore_file(self, folder: Path) -> None:
        """The walk is about to read ``folder``'s ``.gitignore`` (if there is one)."""
        path = os.path.join(folder, ".gitignore")
        try:
            status = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            self._ignore_files.append([path])
            return
        except OSError:
            self.trusted = False
            return
        if max(status.st_mtime_ns, status.st_ctime_ns) > self._settled_cutoff:
            self.trusted = False
        self._ignore_files.append([path, *_file_signature(status)])

    def git_marker(self, path: Path, present: bool) -> None:
        """The walk looked for ``path`` (a ``.git``) and found it, or not."""
        self._git_markers.append([os.fspath(path), present])

    def distrust(self) -> None:
        """Something the trail cannot follow happened: it will never hold."""
        self.trusted = False

    def packed(self) -> dict[str, Any]:
        """The trail as JSON-ready data."""
        return {
            "folders": self._folders,
            "signatures": self._signatures,
            "ignore_files": self._ignore_files,
            "git_markers": self._git_markers,
        }


def trail_holds(packed: Any) -> bool:
    """Whether a walk now would rest on the same folders, files and markers."""
    try:
        folders = packed["folders"]
        ignore_files = packed["ignore_files"]
        git_markers = packed["git_markers"]
        if not (type(folders) is type(ignore_files) is type(git_markers) is list):
            return False
        paths: list[str] = []
        for index, name in folders:
            if type(name) is not str or type(index) is not int or index >= len(paths):
                return False
            if index >= 0:
                parent = paths[index]
                name = (parent if parent.endswith(os.sep) else parent + os.sep) + name
            paths.append(name)
        if list(map(_folder_signature, map(os.stat, paths))) != packed["signatures"]:
            return False
        for path, *signature in ignore_files:
            if type(path) is not str or _signature_now(path) != signature:
                return False
        for path, present in git_markers:
            if type(path) is not str or type(present) is not bool:
                return False
            if os.path.exists(path) is not present:
                return False
    except (OSError, TypeError, ValueError, KeyError):
        return False
    return True


def _folder_signature(status: os.stat_result) -> list[int]:
    """Identity and times; the change time as its distance from the modification time
    (most often none: a short record for each of a tree's thousands of folders)."""
    modified = status.st_mtime_ns
    return [status.st_dev, status.st_ino, modified, status.st_ctime_ns - modified]


def _file_signature(status: os.stat_result) -> list[int]:
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]


def _signature_now(path: str) -> list[int]:
    try:
        return _file_signature(os.stat(path))
    except (FileNotFoundError, NotADirectoryError):
        return []
