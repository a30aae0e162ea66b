"""Whether a copy or move in a loop writes to a destination that carries the loop's item.

Two iterations are independent only when they write to different places. A destination
carries the item when it is computed from the item without losing what tells two items
apart: ``os.path.join(target, folder, name)`` does, ``target / source.name`` does not --
two source paths of different folders can share a base name (``.name``, ``.stem``,
``.suffix``, ``.parent``, ``os.path.basename(...)``, ``url.split("/")[-1]`` are *lossy
projections*), and then the last iteration wins. The one exception: the entries of one
directory listing (``os.listdir(d)``, ``d.iterdir()``, ``os.scandir(d)``, one ``glob`` of
one folder's pattern) have distinct base names, so their ``.name`` / ``basename`` carries
them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst

from concurrency_lint.analysis.calls import positional_args
from concurrency_lint.analysis.io_detection import IoCall
from concurrency_lint.analysis.loop_body import names_read, target_names
from concurrency_lint.analysis.tree_walk import children, descendants

#: Calls that copy or move onto a destination (its position and keyword): two items with
#: the same destination collide, and the last one wins, so per-item work needs a
#: destination that comes from the item itself.
TRANSFER_CALLS: dict[str, tuple[int, str]] = {
    "shutil.copy": (1, "dst"),
    "shutil.copy2": (1, "dst"),
    "shutil.copyfile": (1, "dst"),
    "shutil.copytree": (1, "dst"),
    "shutil.move": (1, "dst"),
    "os.rename": (1, "dst"),
    "os.replace": (1, "dst"),
}
#: Path attributes two different paths can share.
LOSSY_ATTRIBUTES = frozenset(
    {"name", "stem", "suffix", "suffixes", "parent", "parents", "anchor", "drive", "root"}
)
#: Functions whose result two different paths (or URLs) can share.
LOSSY_FUNCTIONS = frozenset(
    {
        "os.path.basename",
        "os.path.dirname",
        "os.path.splitext",
        "os.path.split",
        "posixpath.basename",
        "posixpath.dirname",
        "ntpath.basename",
        "ntpath.dirname",
    }
)
#: String methods whose result two different strings can share (``url.split("/")[-1]``).
LOSSY_METHODS = frozenset({"split", "rsplit", "partition", "rpartition"})
#: The projections that stay distinct among the entries of one directory listing.
BASE_NAME_ATTRIBUTES = frozenset({"name"})
BASE_NAME_FUNCTIONS = frozenset({"os.path.basename", "posixpath.basename", "ntpath.basename"})
SPLIT_FUNCTIONS = frozenset({"os.path.split", "posixpath.split", "ntpath.split"})
#: Calls listing one folder: their entries have distinct base names.
LISTING_FUNCTIONS = frozenset({"os.listdir", "os.scandir"})
GLOB_FUNCTIONS = frozenset({"glob.glob", "glob.iglob"})
#: Wrappers that keep (a subset of) the entries of the iterable they are given.
_SAME_ENTRIES = frozenset(
    {"builtins.sorted", "builtins.list", "builtins.reversed", "builtins.tuple"}
)
_GLOB_CHARACTERS = frozenset("*?[")

Qualify = Callable[[cst.BaseExpression], "str | None"]


@dataclass(frozen=True)
class Carrying:
    """How to read a loop body's destinations: the names that carry the item, and the
    names whose base name is distinct from item to item (entries of one listing)."""

    keyed: frozenset[str]
    listed: frozenset[str]
    qualify: Qualify

    def carries(self, expr: cst.CSTNode) -> bool:
        """Whether ``expr`` is computed from the item without a lossy projection."""
        return bool(carried_reads(expr, self.listed, self.qualify) & self.keyed)


def carried_reads(
    node: cst.CSTNode, listed: frozenset[str] | set[str], qualify: Qualify
) -> set[str]:
    """The names ``node`` reads other than through a lossy projection (a base name of a
    ``listed`` name counts as read: it is distinct among the listing's entries)."""
    found: set[str] = set()
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        split = _split_base_name(current, qualify)
        if split is not None:  # ``os.path.split(p)[1]``: the base name of ``p``
            found |= _listed_reads(split, listed)
            continue
        if isinstance(current, cst.Attribute) and current.attr.value in LOSSY_ATTRIBUTES:
            if current.attr.value in BASE_NAME_ATTRIBUTES:
                found |= _listed_reads(current.value, listed)
            continue
        if isinstance(current, cst.Call):
            name = qualify(current.func)
            if name in LOSSY_FUNCTIONS:
                if name in BASE_NAME_FUNCTIONS and current.args:
                    found |= _listed_reads(current.args[0].value, listed)
                continue
            func = current.func
            if isinstance(func, cst.Attribute) and func.attr.value in LOSSY_METHODS:
                continue
        if isinstance(current, (cst.Lambda, cst.FunctionDef, cst.ClassDef)):
            found |= names_read(current)
            continue
        if isinstance(current, cst.Name):
            found.add(current.value)
            continue
        if isinstance(current, cst.Attribute):
            stack.append(current.value)
            continue
        if isinstance(current, cst.Arg):
            stack.append(current.value)
            continue
        stack.extend(children(current))
    return found


def _split_base_name(node: cst.CSTNode, qualify: Qualify) -> cst.BaseExpression | None:
    """``p`` for ``os.path.split(p)[1]`` (or ``[-1]``), else None."""
    if not (isinstance(node, cst.Subscript) and isinstance(node.value, cst.Call)):
        return None
    call = node.value
    if qualify(call.func) not in SPLIT_FUNCTIONS or len(node.slice) != 1 or not call.args:
        return None
    index = node.slice[0].slice
    if not isinstance(index, cst.Index):
        return None
    value = index.value
    last = isinstance(value, cst.Integer) and value.value == "1"
    last = last or (
        isinstance(value, cst.UnaryOperation)
        and isinstance(value.operator, cst.Minus)
        and isinstance(value.expression, cst.Integer)
        and value.expression.value == "1"
    )
    return call.args[0].value if last else None


def _listed_reads(node: cst.BaseExpression, listed: frozenset[str] | set[str]) -> set[str]:
    """``{name}`` when ``node`` is an entry of one listing (a listed name), else nothing."""
    return {node.value} if isinstance(node, cst.Name) and node.value in listed else set()


def keyed_names(
    targets: Sequence[str],
    statements: Sequence[cst.BaseStatement],
    listed: frozenset[str] | set[str] = frozenset(),
    qualify: Qualify = lambda _node: None,
) -> set[str]:
    """The loop targets and the names the body computes from them (not through a lossy
    projection), not counting the targets of loops inside it: an inner item repeats from
    one outer item to the next (two folders can hold the same file name), so it does not
    carry the outer item."""
    assignments: list[tuple[list[str], cst.CSTNode]] = []
    for statement in statements:
        for node in descendants(statement, prune=(cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            if isinstance(node, cst.Assign):
                names = [n for target in node.targets for n in target_names(target.target)]
                assignments.append((names, node.value))
            elif isinstance(node, (cst.AnnAssign, cst.AugAssign, cst.NamedExpr)):
                if node.value is not None:
                    assignments.append((target_names(node.target), node.value))
            elif isinstance(node, cst.WithItem) and node.asname is not None:
                assignments.append((target_names(node.asname.name), node.item))
    keyed = set(targets)
    changed = True
    while changed:
        changed = False
        for names, value in assignments:
            if not keyed.issuperset(names) and carried_reads(value, listed, qualify) & keyed:
                keyed.update(names)
                changed = True
    return keyed


def shared_destination(calls: Sequence[IoCall], carrying: Carrying) -> bool:
    """Does a copy or move write to a destination that does not carry the item (a shared
    target folder: ``shutil.move(src, os.path.join(target, name))`` where ``name`` repeats
    from item to item, or ``target / src.name``)?"""
    for io in calls:
        spec = TRANSFER_CALLS.get(io.label)
        if spec is None:
            continue
        position, keyword = spec
        args = positional_args(io.call)
        destination = args[position].value if position < len(args) else None
        for arg in io.call.args:
            if arg.keyword is not None and arg.keyword.value == keyword:
                destination = arg.value
        if destination is not None and not carrying.carries(destination):
            return True
    return False


def is_listing(
    iterable: cst.BaseExpression,
    qualify: Qualify,
    value_of: Callable[[str], cst.BaseExpression | None] = lambda _name: None,
    depth: int = 3,
) -> bool:
    """Whether the iterable holds entries of one directory listing (distinct base names):
    ``os.listdir(d)``, ``os.scandir(d)``, ``d.iterdir()``, ``d.glob("*.json")``,
    ``glob.glob(os.path.join(d, "*.py"))``, a sorted or filtered copy of one, or a name
    bound once to one."""
    if depth < 0:
        return False
    if isinstance(iterable, cst.Name):
        value = value_of(iterable.value)
        return value is not None and is_listing(value, qualify, value_of, depth - 1)
    if isinstance(iterable, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
        comp = iterable.for_in
        element = iterable.elt
        return (
            comp.inner_for_in is None
            and isinstance(element, cst.Name)
            and target_names(comp.target) == [element.value]
            and is_listing(comp.iter, qualify, value_of, depth - 1)
        )
    if not isinstance(iterable, cst.Call):
        return False
    name = qualify(iterable.func)
    args = positional_args(iterable)
    if name in _SAME_ENTRIES:
        return len(args) == 1 and is_listing(args[0].value, qualify, value_of, depth - 1)
    if name in LISTING_FUNCTIONS:
        return True
    if name in GLOB_FUNCTIONS:
        return bool(args) and _one_folder_pattern(args[0].value, qualify)
    func = iterable.func
    if name is None and isinstance(func, cst.Attribute):
        if func.attr.value == "iterdir" and not iterable.args:
            return True
        if func.attr.value == "glob" and len(iterable.args) == 1 and args:
            pattern = _literal(args[0].value)
            return pattern is not None and "/" not in pattern and "**" not in pattern
    return False


def _one_folder_pattern(pattern: cst.BaseExpression, qualify: Qualify) -> bool:
    """A glob pattern whose wildcards are all in its last part (one folder's entries)."""
    literal = _literal(pattern)
    if literal is not None:
        folder, _, last = literal.rpartition("/")
        return "**" not in last and not _GLOB_CHARACTERS & set(folder)
    if isinstance(pattern, cst.Call) and qualify(pattern.func) == "os.path.join":
        parts = positional_args(pattern)
        if len(parts) != len(pattern.args) or not parts:
            return False
        last = _literal(parts[-1].value)
        if last is None or "/" in last or "**" in last:
            return False
        return all(
            (text := _literal(part.value)) is None or not _GLOB_CHARACTERS & set(text)
            for part in parts[:-1]
        )
    return False


def _literal(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None
