"""The record of a project module a file's findings used, and its cheap tests.

Stored with a cached result; read back by a warm scan, which judges most records with
the two tests here (the file keeps its recorded status, or else its recorded content)
without importing the project model, and by the model for the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from concurrency_lint.checking.file_status import stamp, stamp_text
from concurrency_lint.sources.digests import content_digest
from concurrency_lint.sources.file_reading import UnreadablePath, read_regular_file


class ModuleDependency(NamedTuple):
    """Another module of the project a file's findings used: they hold while its content,
    or else its state (summary, import lines, what the screen read), is unchanged."""

    path: str
    module: str
    is_package: bool
    content_digest: str
    state: str
    #: ``size:mtime_ns`` of the file when it was read, or "" when that status is too
    #: recent to tell a later change by (a write within the same two seconds).
    status: str = ""

    def packed(self) -> str:
        """One record (tab-separated; a path holds no tab a scan reads), cheap to store."""
        package = "1" if self.is_package else "0"
        fields = (self.path, self.module, package, self.content_digest, self.state, self.status)
        return "\t".join(fields)

    @staticmethod
    def unpacked(record: str) -> ModuleDependency | None:
        parts = record.split("\t")
        if len(parts) != 6 or parts[2] not in ("0", "1"):
            return None
        return ModuleDependency(parts[0], parts[1], parts[2] == "1", parts[3], parts[4], parts[5])

    def untouched(self, digest_of: Callable[[str], str] | None = None) -> bool:
        """Whether the file keeps its recorded status, or else its recorded content
        (``digest_of`` gives a path's content digest; :func:`file_digest` by default)."""
        if self.status and self.status == stamp_text(stamp(self.path)):
            return True
        return (digest_of or file_digest)(self.path) == self.content_digest


def file_digest(path: str) -> str:
    """The digest of a file's bytes ("" when it cannot be read), as the cache takes it."""
    try:
        data = read_regular_file(path)
    except (UnreadablePath, OSError):
        return ""
    return content_digest(data)
