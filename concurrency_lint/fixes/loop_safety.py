"""When the loop rewrite is safe: the per-item work only reads and touches nothing else."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst

from concurrency_lint.analysis.calls import argument_passed, string_value
from concurrency_lint.analysis.io_detection import IoCall, calls_in
from concurrency_lint.analysis.loop_body import base_name
from concurrency_lint.knowledge.io_calls import READ_ONLY_CALLS, READ_ONLY_METHODS

Qualify = Callable[[cst.BaseExpression], "str | None"]

#: Calls without side effects that per-item work may make besides its reads.
PURE_CALLS = frozenset(
    {
        *(
            f"builtins.{name}"
            for name in [
                "len",
                "str",
                "int",
                "float",
                "bool",
                "bytes",
                "repr",
                "abs",
                "round",
                "min",
                "max",
                "sum",
                "sorted",
                "list",
                "tuple",
                "dict",
                "set",
                "frozenset",
                "enumerate",
                "zip",
                "range",
                "isinstance",
            ]
        ),
        "os.path.join",
        "os.path.basename",
        "os.path.dirname",
        "os.path.splitext",
        "os.path.abspath",
        "json.loads",
        "pathlib.Path",
    }
)
#: Methods of ``str``, ``bytes``, mappings and sequences that only read the object.
READING_METHODS = frozenset(
    {
        *("strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "lower", "upper"),
        *("startswith", "endswith", "replace", "format", "encode", "decode", "join"),
        *("removeprefix", "removesuffix", "partition", "rpartition", "casefold", "title"),
        *("isdigit", "isalpha", "isspace", "find", "rfind", "count", "index", "zfill"),
        *("get", "keys", "values", "items", "copy", "hex"),
        *("with_suffix", "with_name", "with_stem", "joinpath", "relative_to", "as_posix"),
    }
)
_READ_MODES = frozenset({"r", "rb", "rt", "br", "tr"})
_OPEN = frozenset({"builtins.open", "io.open"})


def is_read_only_work(
    nodes: Sequence[cst.CSTNode],
    io_calls: Sequence[IoCall],
    per_item: set[str],
    qualify: Qualify,
    fresh: set[str] | None = None,
) -> bool:
    """True when every call in ``nodes`` is a read-only I/O call, a pure function, a
    method of a value the work made itself (``fh.read()``, ``text.upper()``: names in
    ``fresh``, default all of ``per_item``) or a reading method of an item (``url.strip()``:
    the item may be shared with other items, or with the rest of the program)."""
    io_by_call = {id(io.call): io for io in io_calls}
    fresh = per_item if fresh is None else fresh
    for node in nodes:
        for call in calls_in(node):
            io = io_by_call.get(id(call))
            if io is not None:
                if not _reads_only(io):
                    return False
            elif not _harmless(call, per_item, fresh, qualify, io_by_call):
                return False
    return True


def _reads_only(io: IoCall) -> bool:
    if io.label in _OPEN:
        mode = argument_passed(io.call, "mode", 1)
        return mode is None or string_value(mode.value) in _READ_MODES
    if io.label in READ_ONLY_CALLS:
        return True
    owner, _, method = io.label.rpartition(".")
    return owner in ("Path", "Session", "Client", "session") and method in READ_ONLY_METHODS


def _harmless(
    call: cst.Call,
    per_item: set[str],
    fresh: set[str],
    qualify: Qualify,
    io_by_call: dict[int, IoCall],
) -> bool:
    """A pure function, a method of a value the work made, a reading method of an item,
    or a method of what a read returned (``open(path).read()``, ``requests.get(url).json()``)."""
    if qualify(call.func) in PURE_CALLS:
        return True
    func = call.func
    if not isinstance(func, cst.Attribute):
        return False
    receiver = func.value
    if isinstance(receiver, cst.Call) and id(receiver) in io_by_call:
        return _reads_only(io_by_call[id(receiver)])
    owner = base_name(receiver)
    if owner in fresh:
        return True
    return owner in per_item and func.attr.value in READING_METHODS
