"""What running a loop's iterations side by side could break, beyond the body's own reads.

Each check answers with the reason the rewrite must not be made (or is only unsafe), or
None. They cover what the loop leaves behind and what its iterations share: the iterable
(infinite, lazy, fed by the body), the items (one object mutated in place through several
items), closures created per iteration, and resources the iterations share (a working
directory of a stateful command, a file written under a fixed name, an HTTP session).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import libcst as cst

from concurrency_lint.analysis.calls import argument_passed, string_value
from concurrency_lint.analysis.definitions import module_index
from concurrency_lint.analysis.io_detection import IoCall, calls_in
from concurrency_lint.analysis.loop_body import BodyFacts, base_name, names_read
from concurrency_lint.analysis.tree_walk import descendants
from concurrency_lint.fixes.loop_safety import Qualify
from concurrency_lint.knowledge.mutating_methods import COLLECTION_MUTATORS, FILE_MUTATORS

#: Iterables that never end (``repeat`` only without a count, ``iter`` only with a sentinel).
_INFINITE = frozenset({"itertools.count", "itertools.cycle"})
#: Calls that return a finished, finite collection (or a lazy view of one, with no effects).
_MATERIALIZED_CALLS = frozenset(
    {
        *(f"builtins.{name}" for name in ("sorted", "list", "tuple", "set", "frozenset", "dict")),
        *(f"builtins.{name}" for name in ("range", "enumerate", "zip", "reversed")),
        "os.listdir",
        "glob.glob",
    }
)
_MATERIALIZED_METHODS = frozenset({"keys", "values", "items", "splitlines", "split", "copy"})
#: Methods that change the object they are called on.
MUTATING_METHODS = COLLECTION_MUTATORS | FILE_MUTATORS
#: Programs whose runs on one working folder depend on each other (a repository's index,
#: an environment, a build tree): never run side by side in the same folder.
STATEFUL_COMMANDS = frozenset(
    {"git", "hg", "svn", "pip", "pip3", "npm", "yarn", "pnpm", "make", "cargo", "poetry", "uv"}
)
#: The connection pool of a ``requests.Session`` (``httpx.Client`` keeps 10 per host too).
SESSION_POOL_SIZE = 10
_SUBPROCESS_RUNNERS = frozenset(
    {
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
        "os.system",
    }
)
_OPEN = frozenset({"builtins.open", "io.open"})
_PATH_WRITES = frozenset({"write_text", "write_bytes", "touch"})
_READ_MODES = frozenset({"r", "rb", "rt", "br", "tr"})
_SCOPES = (cst.Module, cst.FunctionDef, cst.ClassDef, cst.Lambda)
_SESSION_OWNERS = frozenset({"Session", "Client", "session", "AsyncClient"})


def iterable_refusal(
    iterable: cst.BaseExpression,
    facts: BodyFacts | None,
    module: cst.Module,
    scope: cst.CSTNode,
    qualify: Qualify,
    depth: int = 0,
) -> str | None:
    """Why the items cannot be handed out up front: the iterable (or the value a local
    name is bound to) never ends, is a generator, or is changed by the loop body."""
    if isinstance(iterable, cst.Name) and depth < 3:
        value = _bound_value(iterable, module, scope)
        if value is not None:
            reason = iterable_refusal(value, None, module, scope, qualify, depth + 1)
            if reason is not None:
                return reason
    if isinstance(iterable, cst.GeneratorExp):
        return "the loop reads a generator expression lazily (its items would be made up front)"
    if isinstance(iterable, cst.Call):
        name = qualify(iterable.func)
        if name in _INFINITE or (name == "itertools.repeat" and len(iterable.args) < 2):
            return f"`{name}()` never ends"
        if name == "builtins.iter" and len(iterable.args) == 2:
            return "`iter(callable, sentinel)` is read until the sentinel turns up"
        if _is_local_generator(iterable, module):
            return "the loop reads a generator of this module lazily"
    owner = base_name(iterable)
    if facts is None or owner is None:
        return None
    if owner in facts.accumulators or owner in _mutated(facts):
        return f"the loop body changes `{owner}`, the iterable it loops over"
    return None


def is_materialized(
    iterable: cst.BaseExpression,
    module: cst.Module,
    scope: cst.CSTNode,
    qualify: Qualify,
    depth: int = 0,
) -> bool:
    """Whether the iterable is a finished, finite collection whose reading has no effect
    (a literal, a comprehension, ``sorted(...)``, a local name bound once to one)."""
    if isinstance(iterable, (cst.List, cst.Tuple, cst.Set, cst.Dict)):
        return True
    if isinstance(iterable, (cst.ListComp, cst.SetComp, cst.DictComp)):
        return True
    if isinstance(iterable, cst.Call):
        if qualify(iterable.func) in _MATERIALIZED_CALLS:
            return True
        func = iterable.func
        return isinstance(func, cst.Attribute) and func.attr.value in _MATERIALIZED_METHODS
    if isinstance(iterable, cst.Name) and depth < 3:
        value = _bound_value(iterable, module, scope)
        return value is not None and is_materialized(value, module, scope, qualify, depth + 1)
    return False


def _bound_value(
    name: cst.Name, module: cst.Module, scope: cst.CSTNode
) -> cst.BaseExpression | None:
    """The value a name is bound to once by a plain assignment where it is read."""
    index = module_index(module)
    chain = index.scope_chain(scope) if isinstance(scope, _SCOPES) else [module]  # type: ignore[arg-type]
    binding = index.lookup(chain, name.value)
    if binding is None or binding.kind != "assign":
        return None
    value = binding.node
    return value if isinstance(value, cst.BaseExpression) else None


def item_mutation(work: Sequence[cst.CSTNode], targets: Iterable[str]) -> str | None:
    """Why the per-item work may change an item in place (items may be one object)."""
    aliases = set(targets)
    for node in work:
        for child in descendants(node):
            if isinstance(child, cst.Assign) and _aliases_item(child.value, aliases):
                aliases.update(n for t in child.targets for n in _plain_names(t.target))
    for node in work:
        for child in descendants(node):
            mutated = _mutated_item(child, aliases)
            if mutated is not None:
                return (
                    f"the per-item work changes `{mutated}` in place, and two items may be "
                    "the same object"
                )
    return None


#: Builtins that consume an iterable argument before they return.
_CONSUMING_BUILTINS = frozenset(
    f"builtins.{name}"
    for name in (
        "any",
        "all",
        "sum",
        "min",
        "max",
        "sorted",
        "list",
        "tuple",
        "set",
        "frozenset",
        "dict",
    )
)


def late_binding(
    work: Sequence[cst.CSTNode],
    moved: Sequence[cst.CSTNode],
    per_item: set[str],
    qualify: Qualify | None = None,
) -> str | None:
    """Why closures made per iteration would capture other values after the rewrite:
    one made in the work, or in an accumulation value computed by the worker, that reads
    a per-item name. (A closure left in the outcome loop reads the loop variable late
    there, as before.) A generator consumed where it is made -- by ``any(...)``,
    ``sorted(...)``, ``"".join(...)`` (with ``qualify``), an unpacking assignment or a
    ``for`` loop -- is read within its iteration, as before."""
    for node in (*work, *moved):
        consumed = _consumed_generators(node, qualify)
        for child in descendants(node):
            if id(child) in consumed:
                continue
            if isinstance(child, (cst.Lambda, cst.GeneratorExp)) and names_read(child) & per_item:
                return (
                    "a closure made in the loop reads a per-item name late; run in a "
                    "function it would capture each item's value instead"
                )
    return None


def _consumed_generators(node: cst.CSTNode, qualify: Qualify | None) -> set[int]:
    """Ids of the generator expressions under ``node`` read to their end where they stand."""
    consumed: set[int] = set()
    for child in descendants(node):
        if isinstance(child, cst.Call) and qualify is not None:
            func = child.func
            joins = (
                isinstance(func, cst.Attribute)
                and func.attr.value == "join"
                and isinstance(func.value, cst.SimpleString)
            )
            if joins or qualify(func) in _CONSUMING_BUILTINS:
                consumed.update(id(arg.value) for arg in child.args[:1])
        elif isinstance(child, cst.Assign) and all(
            isinstance(target.target, (cst.Tuple, cst.List)) for target in child.targets
        ):
            consumed.add(id(child.value))
        elif isinstance(child, cst.For):
            consumed.add(id(child.iter))
    return consumed


def shared_resource(
    work: Sequence[cst.CSTNode], per_item: set[str], qualify: Qualify
) -> str | None:
    """Why the iterations share a resource whose state they change (so are not
    independent): a stateful command in one working folder, a file written under a name
    that does not come from the item."""
    for node in work:
        for call in calls_in(node):
            name = qualify(call.func)
            if name in _SUBPROCESS_RUNNERS:
                program = _program(call)
                cwd = argument_passed(call, "cwd", None)
                if program in STATEFUL_COMMANDS and (
                    cwd is None or not names_read(cwd.value) & per_item
                ):
                    return (
                        f"every iteration runs `{program}` in the same working folder; its "
                        "runs depend on each other"
                    )
            elif name in _OPEN:
                path = argument_passed(call, "file", 0)
                mode = argument_passed(call, "mode", 1)
                writes = mode is not None and string_value(mode.value) not in _READ_MODES
                if path is not None and writes and not names_read(path.value) & per_item:
                    return "every iteration writes the same file"
            elif _writes_shared_path(call, per_item):
                return "every iteration writes the same file"
    return None


def _writes_shared_path(call: cst.Call, per_item: set[str]) -> bool:
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in _PATH_WRITES:
        return False
    return not names_read(func.value) & per_item and _is_path(func.value)


def _is_path(receiver: cst.BaseExpression) -> bool:
    """``Path(...)`` or a name spelled like one (``tmp_path``, ``log_file``)."""
    if isinstance(receiver, cst.Call):
        func = receiver.func
        return isinstance(func, cst.Name) and func.value in ("Path", "PurePath")
    name = base_name(receiver) or ""
    return any(word in name.lower() for word in ("path", "file", "tmp", "temp"))


def shared_session(io_calls: Sequence[IoCall], per_item: set[str]) -> str | None:
    """The shared HTTP session or client the iterations send through, if any."""
    for io in io_calls:
        owner, _, _ = io.label.rpartition(".")
        func = io.call.func
        if owner in _SESSION_OWNERS and isinstance(func, cst.Attribute):
            receiver = base_name(func.value)
            if receiver is not None and receiver not in per_item:
                return receiver
    return None


# ---- details -----------------------------------------------------------------------------


def _is_local_generator(call: cst.Call, module: cst.Module) -> bool:
    func = call.func
    name = func.value if isinstance(func, cst.Name) else None
    if name is None:
        return False
    binding = module_index(module).single(module, name)
    if binding is None or not isinstance(binding.node, cst.FunctionDef):
        return False
    return any(isinstance(child, cst.Yield) for child in descendants(binding.node.body))


def _mutated(facts: BodyFacts) -> set[str]:
    """Outer names the body calls a changing method of."""
    names = set()
    for node in facts.every_iteration:
        for child in descendants(node):
            if (
                isinstance(child, cst.Call)
                and isinstance(child.func, cst.Attribute)
                and child.func.attr.value in MUTATING_METHODS
            ):
                owner = base_name(child.func.value)
                if owner is not None:
                    names.add(owner)
    return names


def _aliases_item(value: cst.BaseExpression, aliases: set[str]) -> bool:
    """``x = item``, ``x = item.attr``, ``x = item[k]``: the same object, another name."""
    node = value
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return isinstance(node, cst.Name) and node.value in aliases and not isinstance(value, cst.Call)


def _plain_names(target: cst.BaseExpression) -> list[str]:
    return [target.value] if isinstance(target, cst.Name) else []


def _mutated_item(node: cst.CSTNode, aliases: set[str]) -> str | None:
    if isinstance(node, cst.Assign):
        for target in node.targets:
            if isinstance(target.target, (cst.Attribute, cst.Subscript)):
                owner = base_name(target.target)
                if owner in aliases:
                    return owner
    elif isinstance(node, cst.AugAssign) and isinstance(
        node.target, (cst.Attribute, cst.Subscript)
    ):
        owner = base_name(node.target)
        if owner in aliases:
            return owner
    elif isinstance(node, cst.Del):
        owner = (
            base_name(node.target)
            if isinstance(node.target, (cst.Attribute, cst.Subscript))
            else None
        )
        if owner in aliases:
            return owner
    elif (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value in MUTATING_METHODS
    ):
        owner = base_name(node.func.value)
        if owner in aliases:
            return owner
    return None


def _program(call: cst.Call) -> str | None:
    """The program a subprocess call runs, when written literally."""
    if not call.args:
        return None
    command = call.args[0].value
    if isinstance(command, (cst.List, cst.Tuple)) and command.elements:
        first = string_value(command.elements[0].value)
    else:
        text = string_value(command)
        first = text.split()[0] if text and text.split() else None
    return first.rsplit("/", 1)[-1] if first else None
