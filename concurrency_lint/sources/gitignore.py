"""``.gitignore`` patterns, enough of git's rules to skip what a repository ignores."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from concurrency_lint.sources.file_reading import UnreadablePath, read_regular_file


class _Pattern(NamedTuple):
    regex: re.Pattern[str]
    negated: bool
    directory_only: bool


def _translate(glob: str) -> str:
    """A gitignore glob (already stripped of ``!`` and trailing ``/``) as a regex."""
    anchored = "/" in glob
    glob = glob.lstrip("/")
    out = []
    index = 0
    while index < len(glob):
        char = glob[index]
        if glob.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
            continue
        if glob.startswith("/**", index) and index + 3 == len(glob):
            out.append("/.*")
            index += 3
            continue
        if glob.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = glob.find("]", index + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = glob[index + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                index = end
        elif char == "\\" and index + 1 < len(glob):
            index += 1
            out.append(re.escape(glob[index]))
        else:
            out.append(re.escape(char))
        index += 1
    prefix = "" if anchored else "(?:.*/)?"
    return f"^{prefix}{''.join(out)}$"


class GitIgnore:
    """The patterns of one ``.gitignore``, matched against paths relative to its folder."""

    def __init__(self, folder: Path, lines: list[str]) -> None:
        #: The folder as a string ending in a separator: what an absolute path string
        #: below it starts with (case folded where the file system folds case).
        self.prefix = os.path.normcase(os.path.join(str(folder), ""))
        self.patterns: list[_Pattern] = []
        for raw in lines:
            line = raw.rstrip("\r\n").rstrip()  # git splits on ``\n`` only
            if not line or line.startswith("#"):
                continue
            negated = line.startswith("!")
            if negated:
                line = line[1:]
            directory_only = line.endswith("/")
            line = line.rstrip("/")
            if not line:
                continue
            self.patterns.append(_Pattern(re.compile(_translate(line)), negated, directory_only))

    @classmethod
    def load(cls, folder: Path) -> GitIgnore | None:
        """The folder's ``.gitignore``, or None when it has none (or it cannot be read)."""
        try:  # never blocks on a FIFO named .gitignore
            data = read_regular_file(folder / ".gitignore")
        except UnreadablePath:
            return None
        text = data.decode("utf-8", errors="replace")
        ignore = cls(folder.absolute(), text.split("\n"))
        return ignore if ignore.patterns else None

    def verdict(self, relative: str, is_dir: bool) -> bool | None:
        """True (ignored), False (re-included) or None (no pattern speaks of it)."""
        result = None
        for pattern in self.patterns:
            if pattern.directory_only and not is_dir:
                continue
            if pattern.regex.match(relative):
                result = not pattern.negated
        return result


def is_ignored(path: str, is_dir: bool, stack: list[GitIgnore]) -> bool:
    """Whether the innermost ``.gitignore`` with an opinion ignores ``path``, an absolute,
    normalised path string (a walk's entry, or an ``os.path.abspath``: no ``Path`` object
    per entry)."""
    folded = os.path.normcase(path)
    for ignore in reversed(stack):
        prefix = ignore.prefix
        if not folded.startswith(prefix):
            continue
        relative = path[len(prefix) :]
        if os.sep != "/":
            relative = relative.replace(os.sep, "/")
        verdict = ignore.verdict(relative, is_dir)
        if verdict is not None:
            return verdict
    return False
