"""Method names that change the object they are called on, by kind of object."""

from __future__ import annotations

#: Methods of the built-in collections (and ``collections.deque``) that change them.
COLLECTION_MUTATORS = frozenset(
    {
        "add",
        "append",
        "appendleft",
        "clear",
        "discard",
        "extend",
        "extendleft",
        "insert",
        "pop",
        "popitem",
        "popleft",
        "remove",
        "reverse",
        "rotate",
        "setdefault",
        "sort",
        "update",
    }
)
#: Methods of file objects that change the file or its position.
FILE_MUTATORS = frozenset({"close", "seek", "truncate", "write", "writelines"})
