"""What a folder held when it was last walked, so that a warm walk need not list it again.

A folder's listing changes only when an entry is created, removed or renamed in it, and
each of those gives the folder a new modification time; a change of its mode or owner
gives it a new change time. A listing is therefore kept with the folder's identity
(device, inode) and both times, and it stands while the folder's status shows the same.

Only what the walk keeps is stored: the names of the sub-folders and of the files with a
source suffix, in the walk's order, and whether a ``.gitignore`` is there (its rules are
read afresh on every walk: editing it does not touch the folder). A folder is listed
afresh, and its listing not kept, when its times are too recent to show the next change
(within two seconds of now), or when anything in it is not a plain folder or file: a
symbolic link can be pointed elsewhere, and an entry that could not be asked about is
asked again.

Stored listings are data, never code: a stored name must be a plain name in its folder
(never ``..``, never a path), else the listing is ignored.
"""

from __future__ import annotations

import os
import re
from typing import Any

from concurrency_lint.sources.settling import settled_cutoff


class FolderListings:
    """Listings by folder identity: those stored by earlier walks, and this walk's."""

    def __init__(self, stored: Any = None) -> None:
        self._stored: dict[str, Any] = stored if type(stored) is dict else {}
        self.new: dict[str, list[Any]] = {}
        self._settled_cutoff = settled_cutoff()  # a folder changed since is listed afresh

    def known(self, status: os.stat_result) -> tuple[bool, list[str]] | None:
        """(whether a ``.gitignore`` is there, the kept names) of the folder with this
        status, when a walk stored them while it had this status; sub-folders' names end
        with ``/``."""
        entry = self._stored.get(f"{status.st_dev}:{status.st_ino}")
        if (
            type(entry) is not list
            or len(entry) != 4
            or entry[0] != status.st_mtime_ns
            or entry[1] != status.st_ctime_ns
            or type(entry[2]) is not bool
            or type(entry[3]) is not list
        ):
            return None
        names = entry[3]
        if names and (
            not set(map(type, names)) <= {str} or not all(map(_PLAIN_NAME.fullmatch, names))
        ):
            return None
        return entry[2], names

    def remember(self, status: os.stat_result, has_gitignore: bool, names: list[str]) -> bool:
        """Keep a folder's listing, once its times are old enough to show the next change
        (whether it is kept)."""
        if max(status.st_mtime_ns, status.st_ctime_ns) > self._settled_cutoff:
            return False
        record = [status.st_mtime_ns, status.st_ctime_ns, has_gitignore, names]
        key = _key(status)
        if self._stored.get(key) != record:
            self.new[key] = record
        return True

    def merged(self, stored: Any) -> dict[str, Any]:
        """What to save: the listings another walk stored meanwhile, updated by this one's."""
        return {**(stored if type(stored) is dict else {}), **self.new}

    def saved(self, listings: dict[str, Any]) -> None:
        """The listings are now stored as they are."""
        self._stored, self.new = listings, {}


def _key(status: os.stat_result) -> str:
    return f"{status.st_dev}:{status.st_ino}"


#: A name of an entry of the folder itself: no separator (but a sub-folder's final
#: ``/``), no NUL, never ``.`` or ``..``.
_PLAIN_NAME = re.compile(
    r"(?!\.\.?/?\Z)[^{}]+/?".format(re.escape("".join({"/", "\0", os.sep, os.altsep or "/"})))
)
