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
#: Methods of outside objects a loop body may call without sharing state between
#: iterations: logging, test helpers, and reads of strings and mappings.
HARMLESS_METHODS = frozenset(
    {
        # logging
        "debug",
        "info",
        "warning",
        "warn",
        "error",
        "exception",
        "critical",
        "log",
        # test helpers
        "subTest",
        "skipTest",
        "fail",
        # reads of strings and mappings
        "get",
        "items",
        "keys",
        "values",
        "copy",
        "format",
        "join",
        "startswith",
        "endswith",
    }
)
#: ``queue.put(result)``: each iteration hands its result over, like ``out.append``.
QUEUE_PUTS = frozenset({"put", "put_nowait"})
#: Methods that add to a collection without reading it back.
ACCUMULATING_METHODS = frozenset({"append", "appendleft", "add", "extend", "update"})
