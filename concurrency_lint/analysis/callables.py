"""The callable handed to a pool or thread: its definition here, and what work it does.

:func:`resolve_callable` finds the ``def`` or lambda behind an expression (a function of
this module, nested or not, a lambda, ``functools.partial(f, ...)``, ``self.method``).
:func:`classify_callable` says whether it waits on I/O (and of which kind), computes
while holding the GIL, or is unknown -- looking through calls to other functions of this
module. Any call whose work is not known makes the answer unknown: unknown means no
finding.

The single pass is usually elsewhere when a callable is classified, so names inside it
are qualified with the module's own index (its imports and bindings), not with the
pass's current scope.
"""

from __future__ import annotations

import builtins
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import libcst as cst

from concurrency_lint.analysis.definitions import Binding, ModuleIndex, ScopeNode, module_index
from concurrency_lint.analysis.io_detection import io_kind_of_call
from concurrency_lint.analysis.names import dotted_name
from concurrency_lint.analysis.relative_imports import absolute_module
from concurrency_lint.analysis.scopes import parameter_names
from concurrency_lint.analysis.tree_walk import walk
from concurrency_lint.knowledge.client_libraries import (
    API_REQUEST_SENDERS,
    API_RESOURCES,
    client_io_kind,
    is_neutral_client_method,
)
from concurrency_lint.knowledge.cpu_calls import (
    LIGHT_CPU_CALLS,
    LOGGING_METHODS,
    NEUTRAL_CALLS,
    PURE_METHODS,
    gil_holding_calls,
    releases_gil,
)
from concurrency_lint.knowledge.io_calls import (
    PATH_CONSTRUCTORS,
    PATH_DERIVING_ATTRIBUTES,
    PATH_DERIVING_METHODS,
    SESSION_CONSTRUCTORS,
    IoKind,
    io_method_kind,
    io_table,
)
from concurrency_lint.knowledge.pool_work import (
    NEUTRAL_POOL_CALLS,
    QUICK_FILE_CALLS,
    QUICK_IO_LABELS,
    QUICK_PATH_METHODS,
)

if TYPE_CHECKING:
    from concurrency_lint.analysis.file_context import AnalysisContext
    from concurrency_lint.analysis.module_types import ModuleTypes
    from concurrency_lint.analysis.project_names import ProjectNames
    from concurrency_lint.analysis.semantics import Semantics

WorkKind = Literal["io", "cpu", "unknown"]
Callable_ = cst.FunctionDef | cst.Lambda

_BUILTINS = frozenset(dir(builtins))
#: Building a path or a session does no work; their methods are the I/O.
IO_OBJECT_CONSTRUCTORS = PATH_CONSTRUCTORS | SESSION_CONSTRUCTORS
_HARMLESS_DECORATORS = frozenset(
    {"builtins.staticmethod", "builtins.classmethod", "functools.lru_cache", "functools.cache"}
)
_ARITHMETIC = (
    cst.Add,
    cst.Subtract,
    cst.Multiply,
    cst.Divide,
    cst.FloorDivide,
    cst.Modulo,
    cst.Power,
    cst.LeftShift,
    cst.RightShift,
    cst.BitAnd,
    cst.BitOr,
    cst.BitXor,
    cst.MatrixMultiply,
)
_ARITHMETIC_ASSIGN = (
    cst.AddAssign,
    cst.SubtractAssign,
    cst.MultiplyAssign,
    cst.DivideAssign,
    cst.FloorDivideAssign,
    cst.ModuloAssign,
    cst.PowerAssign,
    cst.LeftShiftAssign,
    cst.RightShiftAssign,
    cst.BitAndAssign,
    cst.BitOrAssign,
    cst.BitXorAssign,
)
_LOOPS = (cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


@dataclass(frozen=True)
class Work:
    """What a callable spends its time on, and the evidence for it."""

    kind: WorkKind
    io_kind: IoKind | None
    reason: str


# ---- resolution ---------------------------------------------------------------------------


def resolve_callable(expr: cst.BaseExpression, context: AnalysisContext) -> Callable_ | None:
    """The definition in this module that ``expr`` denotes where the pass stands, or None."""
    index = module_index(context.module)
    semantics = context.semantics
    if isinstance(expr, cst.Lambda):
        return expr
    if isinstance(expr, cst.Call):
        if semantics.qualified_name(expr.func) != "functools.partial":
            return None
        first = expr.args[0] if expr.args else None
        if first is None or first.keyword is not None or first.star:
            return None
        return resolve_callable(first.value, context)
    chain = current_chain(semantics, index)
    if isinstance(expr, cst.Name):
        return _definition(index.lookup(chain, expr.value))
    if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
        owner = _method_owner(chain, index, expr.value.value)
        if owner is not None:
            return _method(index, owner, expr.attr.value)
    return None


def current_chain(semantics: Semantics, index: ModuleIndex) -> list[ScopeNode]:
    """The scopes visible where the pass stands, innermost first (outer classes skipped)."""
    frames = semantics.scopes.frames
    chain: list[ScopeNode] = []
    for position, frame in enumerate(reversed(frames)):
        if frame.kind == "class" and position > 0:
            continue
        chain.append(frame.node)  # type: ignore[arg-type]
    return chain


def _definition(binding: Binding | None) -> Callable_ | None:
    if binding is not None and isinstance(binding.node, (cst.FunctionDef, cst.Lambda)):
        return binding.node if binding.kind in ("def", "lambda") else None
    return None


def _method_owner(chain: list[ScopeNode], index: ModuleIndex, name: str) -> cst.ClassDef | None:
    """The class whose method binds ``name`` as its first parameter (``self``), if any."""
    for scope in chain:
        if isinstance(scope, cst.FunctionDef):
            parent = index.parent(scope)
            params = parameter_names(scope.params)
            if isinstance(parent, cst.ClassDef) and params and params[0] == name:
                found = index.scope_bindings(scope).get(name, [])
                return parent if len(found) == 1 else None
        if name in index.scope_bindings(scope):
            return None
    return None


def _method(index: ModuleIndex, owner: cst.ClassDef, name: str) -> cst.FunctionDef | None:
    binding = index.single(owner, name)
    if binding is not None and binding.kind == "def" and isinstance(binding.node, cst.FunctionDef):
        return binding.node
    return None


def is_module_level_function(node: Callable_, context: AnalysisContext) -> bool:
    """True for a plain ``def`` at module level: a process pool can pickle it by name."""
    index = module_index(context.module)
    return isinstance(node, cst.FunctionDef) and index.parent(node) is context.module


# ---- classification -----------------------------------------------------------------------


def work_of(expr: cst.BaseExpression, context: AnalysisContext) -> Work | None:
    """The work of the callable ``expr`` denotes where the pass stands (None: unresolved)."""
    target = resolve_callable(expr, context)
    return classify_callable(target, context) if target is not None else None


def classify_callable(
    node: Callable_, context: AnalysisContext, depth: int = 2, *, deeper: bool = False
) -> Work:
    """I/O-bound (with its kind), CPU-bound holding the GIL, or unknown -- with the reason.

    ``deeper`` (a pool's callable) also reads the types of ``self`` attributes and of
    paths built with ``/``, the client libraries' tables, the callables a helper is
    handed as arguments, and weighs quick file-system calls as evidence next to other
    work only (``knowledge.pool_work``)."""
    index = module_index(context.module)
    config = context.config
    key = ("work", id(node), depth, config.extra_io_calls, config.extra_cpu_calls, deeper)
    cached = index.memo.get(key)
    if isinstance(cached, Work):
        return cached
    tables = _Tables(
        io_table(config.extra_io_calls),
        gil_holding_calls(config.extra_cpu_calls),
        context.semantics.types if deeper else None,
        context.semantics.project if deeper else None,
    )
    evidence = _evidence(node, index, tables, depth, frozenset({id(node)}))
    work = evidence.verdict(_label(node), deeper=deeper)
    index.memo[key] = work
    return work


@dataclass(frozen=True)
class _Tables:
    io: dict[str, IoKind]
    cpu: frozenset[str]
    types: ModuleTypes | None = None  # set for the deeper classification of a pool's callable
    project: ProjectNames | None = None  # the other modules of the project, when deeper

    @property
    def deeper(self) -> bool:
        return self.types is not None


@dataclass
class _Evidence:
    io: list[tuple[IoKind, str]] = field(default_factory=list)
    cpu: list[str] = field(default_factory=list)
    releasing: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    blocked: str | None = None
    light: list[str] = field(default_factory=list)  # light CPU calls (``LIGHT_CPU_CALLS``)
    io_calls: set[int] = field(default_factory=set)  # ids of the calls found doing I/O
    quick_io: list[tuple[IoKind, str]] = field(default_factory=list)  # quick metadata calls
    #: Quick file-system calls of ``knowledge.pool_work``: never the whole work alone.
    light_io: list[tuple[IoKind, str]] = field(default_factory=list)

    def merge(self, other: _Evidence) -> None:
        self.io.extend(other.io)
        self.quick_io.extend(other.quick_io)
        self.light_io.extend(other.light_io)
        self.cpu.extend(other.cpu)
        self.light.extend(other.light)
        self.releasing.extend(other.releasing)
        self.unknown.extend(other.unknown)
        self.blocked = self.blocked or other.blocked

    def verdict(self, name: str, deeper: bool = False) -> Work:
        """The work, from the evidence; ``deeper``: the kind is the one of the I/O other
        than quick metadata calls when there is some, and light parsing mixes with file
        I/O only when file I/O is that kind."""
        if self.blocked:
            return Work("unknown", None, self.blocked)
        if self.unknown:
            return Work("unknown", None, f"calls `{self.unknown[0]}`, whose work is not known")
        io = self.io + self.quick_io
        if io:
            io += self.light_io
        if io and (self.cpu or self.releasing):
            cpu = (self.cpu or self.releasing)[0]
            return Work("unknown", None, f"mixes I/O ({io[0][1]}) and CPU work ({cpu})")
        if io:  # light CPU work next to waiting on a peer leaves the worker I/O-bound
            deciding = self.io or self.quick_io
            kind = Counter(kind for kind, _ in deciding).most_common(1)[0][0]
            label = next(label for found, label in deciding if found == kind)
            parsed_file = kind == "file" if deeper else any(k == "file" for k, _ in io)
            if self.light and parsed_file:
                # Parsing what a file holds can cost as much as reading it.
                return Work(
                    "unknown", None, f"mixes I/O ({io[0][1]}) and CPU work ({self.light[0]})"
                )
            return Work("io", kind, label)
        if self.releasing:
            return Work("unknown", None, f"{self.releasing[0]} releases the GIL")
        if self.cpu or self.light:
            return Work("cpu", None, (self.cpu or self.light)[0])
        return Work("unknown", None, f"no I/O or CPU work found in {name}")


def _label(node: Callable_) -> str:
    return node.name.value if isinstance(node, cst.FunctionDef) else "a lambda"


#: What a helper's parameter is bound to by the call being followed: the evidence of
#: calling it (a client's method), or a definition of the module to look into.
_Arguments = dict[str, "_Evidence | Callable_"]


def _evidence(
    node: Callable_,
    index: ModuleIndex,
    tables: _Tables,
    depth: int,
    seen: frozenset[int],
    arguments: _Arguments | None = None,
) -> _Evidence:
    evidence = _Evidence()
    label = _label(node)
    owner = index.parent(node) if isinstance(node, cst.FunctionDef) else None
    method_of = _Method(owner, _first_param(node)) if isinstance(owner, cst.ClassDef) else None
    names = _CallableNames(index, index.scope_chain(node), tables.types, method_of, node)
    names.project = tables.project
    if isinstance(node, cst.FunctionDef):
        if node.asynchronous is not None:
            evidence.blocked = f"{label} is a coroutine function"
            return evidence
        for decorator in node.decorators:
            target = decorator.decorator
            target = target.func if isinstance(target, cst.Call) else target
            if names.qualified_name(target) not in _HARMLESS_DECORATORS:
                evidence.blocked = f"{label} is decorated"
                return evidence
    body = _Body(node.body, sequences=tables.deeper)
    known_receivers = _known_receivers(node, index, names, tables)
    io_receivers = _known_receivers(node, index, names, tables, io_only=True)
    self_calls: list[cst.Call] = []
    for call in body.calls:
        target: Callable_ | Literal["unknown"] | None = None
        if tables.deeper:
            target = _deeper_call(call, names, evidence, label, arguments or {})
        if target is _UNHANDLED or not tables.deeper:
            target = _classify_call(
                call, names, tables, known_receivers, evidence, label, method_of
            )
        receiver = call.func.value if isinstance(call.func, cst.Attribute) else None
        if isinstance(receiver, cst.Name) and receiver.value in io_receivers:
            evidence.io_calls.add(id(call))  # ``f.read()`` on ``f = open(p)``
        if target is None:
            continue
        if target == "unknown":
            evidence.unknown.append(dotted_name(call.func) or "a call")
        elif id(target) in seen:
            if target is node:
                self_calls.append(call)
            continue
        elif depth <= 0:
            evidence.unknown.append(_label(target))
        else:
            handed = _bound_arguments(call, target, names, arguments) if tables.deeper else None
            evidence.merge(_evidence(target, index, tables, depth - 1, seen | {id(target)}, handed))
    # A loop that reads or writes as it counts is I/O: its arithmetic is bookkeeping.
    if any(not (calls & evidence.io_calls) for calls in body.arithmetic_loops):
        evidence.cpu.append(f"pure-Python arithmetic loop in {label}")
    elif body.arithmetic and _branches(self_calls, body):
        evidence.cpu.append(f"recursive pure-Python arithmetic in {label}")
    return evidence


def _branches(self_calls: list[cst.Call], body: _Body) -> bool:
    """True when the recursion can grow beyond its depth: the function calls itself twice
    or more (``fib(n - 1) + fib(n - 2)``), or in a loop. A single self-call per run
    (``head + total(tail)``) does at most the recursion limit's worth of steps."""
    return len(self_calls) > 1 or any(id(call) in body.looped_calls for call in self_calls)


def _classify_call(
    call: cst.Call,
    names: _CallableNames,
    tables: _Tables,
    known_receivers: set[str],
    evidence: _Evidence,
    label: str,
    method_of: _Method | None,
) -> Callable_ | Literal["unknown"] | None:
    """Record what ``call`` is; return a local definition to look into, ``"unknown"`` for
    a call whose work is not known, None when fully accounted for."""
    found = io_kind_of_call(call, names, tables.io)  # type: ignore[arg-type]
    if found is not None:
        quick = tables.deeper and found.label in QUICK_IO_LABELS
        (evidence.quick_io if quick else evidence.io).append(
            (found.kind, f"{found.label} in {label}")
        )
        evidence.io_calls.add(id(call))
        return None
    qualified = names.qualified_name(call.func)
    if qualified is not None:
        if qualified in LIGHT_CPU_CALLS and qualified in tables.cpu:
            evidence.light.append(f"{qualified} in {label}")
        elif qualified in tables.cpu:
            evidence.cpu.append(f"{qualified} in {label}")
        elif releases_gil(qualified):
            evidence.releasing.append(qualified)
        elif qualified not in NEUTRAL_CALLS and qualified not in IO_OBJECT_CONSTRUCTORS:
            return "unknown"
        return None
    func = call.func
    if isinstance(func, cst.Name):
        return _definition(names.binding(func.value)) or "unknown"
    if not isinstance(func, cst.Attribute):
        return "unknown"
    receiver, method = func.value, func.attr.value
    if (
        method_of is not None
        and isinstance(receiver, cst.Name)
        and receiver.value == method_of.self
    ):
        return _method(names.index, method_of.owner, method) or "unknown"
    if method in LOGGING_METHODS or method in PURE_METHODS:
        return None
    if isinstance(receiver, cst.Name) and receiver.value in known_receivers:
        return None
    if isinstance(receiver, cst.Call) and _is_known(receiver, names, tables):
        return None
    if method == "join" and isinstance(receiver, (cst.SimpleString, cst.ConcatenatedString)):
        return None
    return "unknown"


#: :func:`_deeper_call` leaves the call to :func:`_classify_call`.
_UNHANDLED: Literal["unhandled"] = "unhandled"


def _deeper_call(
    call: cst.Call,
    names: _CallableNames,
    evidence: _Evidence,
    label: str,
    arguments: _Arguments,
) -> Callable_ | Literal["unknown", "unhandled"] | None:
    """What the deeper classification of a pool's callable knows of ``call`` beyond
    :func:`_classify_call`: quick file-system calls, neutral calls, a client library's
    methods, path methods, and calling a parameter the followed call handed a callable."""
    func = call.func
    qualified = names.qualified_name(func)
    if qualified in QUICK_FILE_CALLS:
        evidence.light_io.append(("file", f"{qualified} in {label}"))
        evidence.io_calls.add(id(call))
        return None
    if qualified in NEUTRAL_POOL_CALLS:
        return None
    project = names.project
    if qualified is not None and project is not None:
        absolute = _absolute(qualified, project)
        if absolute is not None and project.only_prints(absolute):
            return None  # ``colorprint(OKGREEN, text)`` of another module of the project
        if isinstance(func, cst.Attribute) and func.attr.value in PURE_METHODS:
            constant = _absolute(qualified.rpartition(".")[0], project)
            if constant is not None and project.is_string_constant(constant):
                return None  # ``URL.format(key=key)``, ``URL`` a string of ``constants.py``
    if isinstance(func, cst.Attribute) and _on_api_resource(func.value, names):
        if func.attr.value in API_REQUEST_SENDERS:
            evidence.io.append(("network", f"{func.attr.value}() of an API resource in {label}"))
            evidence.io_calls.add(id(call))
        return None  # the resource's methods build requests; ``execute()`` sends them
    if isinstance(func, cst.Attribute):
        made = names.type_of(func.value)
        method = func.attr.value
        kind = client_io_kind(made, method)
        if kind is not None:
            short = (made or "?").rsplit(".", 1)[-1]
            evidence.io.append((kind, f"{short}.{method} in {label}"))
            evidence.io_calls.add(id(call))
            return None
        if is_neutral_client_method(made, method):
            return None
        if made in NEUTRAL_POOL_CALLS and made != "functools.partial":
            return None  # ``arrow.utcnow().isoformat()``, ``request.add_header(...)``
        if made in PATH_CONSTRUCTORS:
            if method in QUICK_PATH_METHODS:
                evidence.light_io.append(("file", f"Path.{method} in {label}"))
                evidence.io_calls.add(id(call))
                return None
            if method in PATH_DERIVING_METHODS:
                return None
    if isinstance(func, cst.Name) and func.value in arguments and names.is_parameter(func.value):
        handed = arguments[func.value]
        if isinstance(handed, _Evidence):
            evidence.io.extend((kind, f"{found} through {label}") for kind, found in handed.io)
            evidence.io_calls.add(id(call))
            return None
        return handed
    return _UNHANDLED


def _on_api_resource(receiver: cst.BaseExpression, names: _CallableNames) -> bool:
    """Whether ``receiver`` is an API resource (``knowledge.client_libraries``) or a chain
    of method calls on one (``self.service.files().list(q=q)``)."""
    while isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Attribute):
        receiver = receiver.func.value
    return names.type_of(receiver) in API_RESOURCES


def _absolute(qualified: str, project: ProjectNames) -> str | None:
    """A name as imported, made absolute: ``.colorprint.colorprint`` (``from .colorprint
    import colorprint``) in ``pdfx.downloader`` is ``pdfx.colorprint.colorprint``."""
    if not qualified.startswith("."):
        return qualified
    dots = len(qualified) - len(qualified.lstrip("."))
    module, _, name = qualified[dots:].rpartition(".")
    base = absolute_module(project.module_name, project.is_package, dots, module or None)
    return f"{base}.{name}" if base is not None and name else None


def _bound_arguments(
    call: cst.Call, target: Callable_, names: _CallableNames, arguments: _Arguments | None
) -> _Arguments:
    """The parameters of ``target`` that ``call`` hands a known callable: a definition of
    the module, a client library's method, or ``functools.partial`` of one of those."""
    params = target.params
    if any(arg.star for arg in call.args):
        return {}
    positional = [param.name.value for param in (*params.posonly_params, *params.params)]
    is_method = isinstance(names.index.parent(target), cst.ClassDef)
    if is_method and not _is_static(target, names):
        positional = positional[1:]  # ``self.helper(cbl)``, a handed ``self.helper``: bound
    keywords = {param.name.value for param in (*params.params, *params.kwonly_params)}
    bound: _Arguments = {}
    for position, arg in enumerate(call.args):
        if arg.keyword is None:
            name = positional[position] if position < len(positional) else None
        else:
            name = arg.keyword.value if arg.keyword.value in keywords else None
        if name is None:
            continue
        handed = _handed_callable(arg.value, names, arguments or {}, 0)
        if handed is not None:
            bound[name] = handed
    return bound


def _is_static(target: Callable_, names: _CallableNames) -> bool:
    if not isinstance(target, cst.FunctionDef):
        return False
    return any(
        names.qualified_name(decorator.decorator) == "builtins.staticmethod"
        for decorator in target.decorators
    )


def _handed_callable(
    expr: cst.BaseExpression, names: _CallableNames, arguments: _Arguments, depth: int
) -> _Evidence | Callable_ | None:
    """What calling ``expr`` does, when it is a callable the caller provably hands on."""
    if depth > 3:
        return None
    if isinstance(expr, cst.Call):
        first = expr.args[0] if expr.args else None
        if names.qualified_name(expr.func) != "functools.partial" or first is None:
            return None
        if first.keyword is not None or first.star:
            return None
        return _handed_callable(first.value, names, arguments, depth + 1)
    if isinstance(expr, cst.Name):
        if expr.value in arguments and names.is_parameter(expr.value):
            return arguments[expr.value]
        binding = names.binding(expr.value)
        if binding is None:
            return None
        if binding.kind in ("def", "lambda"):
            return _definition(binding)
        if binding.kind == "assign" and isinstance(binding.node, cst.Call):
            return _handed_callable(binding.node, names, arguments, depth + 1)
        return None
    if isinstance(expr, cst.Attribute):
        method = expr.attr.value
        owner = names.method_of
        receiver = expr.value
        if owner is not None and isinstance(receiver, cst.Name) and receiver.value == owner.self:
            return _method(names.index, owner.owner, method)
        made = names.type_of(receiver)
        kind = client_io_kind(made, method) or io_method_kind(made, method)
        if kind is None:
            return None
        short = (made or "?").rsplit(".", 1)[-1]
        return _Evidence(io=[(kind, f"{short}.{method}")])
    return None


@dataclass(frozen=True)
class _Method:
    """The class a method belongs to and the name its instance goes by (``self``)."""

    owner: cst.ClassDef
    self: str | None


def _first_param(node: Callable_) -> str | None:
    params = parameter_names(node.params)
    return params[0] if params else None


def _is_known(call: cst.Call, names: _CallableNames, tables: _Tables) -> bool:
    """True when the call's own work is known: its methods' work is the same work
    (``open(p).read()``, ``hashlib.sha256(b).hexdigest()``, ``requests.get(u).json()``)."""
    if io_kind_of_call(call, names, tables.io):  # type: ignore[arg-type]
        return True
    qualified = names.qualified_name(call.func)
    return qualified is not None and (
        qualified in tables.cpu
        or releases_gil(qualified)
        or qualified in NEUTRAL_CALLS
        or qualified in IO_OBJECT_CONSTRUCTORS
    )


def _known_receivers(
    node: Callable_,
    index: ModuleIndex,
    names: _CallableNames,
    tables: _Tables,
    *,
    io_only: bool = False,
) -> set[str]:
    """Local names bound once to the result of a known call (``with open(p) as f``);
    with ``io_only``, to the result of an I/O call."""
    receivers = set()
    for name, bindings in index.scope_bindings(node).items():
        values = [binding.node for binding in bindings]  # ``p = Popen(...)`` in each branch
        if not all(isinstance(value, cst.Call) for value in values):
            continue
        if io_only:
            if all(io_kind_of_call(value, names, tables.io) for value in values):  # type: ignore[arg-type]
                receivers.add(name)
        elif all(_is_known(value, names, tables) for value in values):  # type: ignore[arg-type]
            receivers.add(name)
    return receivers


class _CallableNames:
    """``qualified_name`` / ``type_of`` as seen from inside a callable, from the index."""

    def __init__(
        self,
        index: ModuleIndex,
        chain: list[ScopeNode],
        types: ModuleTypes | None = None,
        method_of: _Method | None = None,
        node: Callable_ | None = None,
    ) -> None:
        self.index = index
        self.chain = chain
        self.types = types  # set: the deeper typing of a pool's callable (see ``type_of``)
        self.project: ProjectNames | None = None  # with ``types``: the other modules
        self.method_of = method_of
        self.node = node

    def is_parameter(self, name: str) -> bool:
        """Whether ``name`` is a parameter of the callable, bound nowhere else in it."""
        if self.node is None or name not in parameter_names(self.node.params):
            return False
        return len(self.index.scope_bindings(self.node).get(name, [])) == 1

    def binding(self, name: str) -> Binding | None:
        return self.index.lookup(self.chain, name)

    def qualified_name(self, node: cst.BaseExpression) -> str | None:
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head = dotted.split(".", 1)[0]
        found = self.index.binder(self.chain, head)
        if found is None:
            if isinstance(node, cst.Name) and head in _BUILTINS:
                return f"builtins.{head}"
            return None
        scope, bindings = found
        kinds = {binding.kind for binding in bindings}
        at_module = isinstance(scope, cst.Module)
        if kinds == {"import"} or (
            at_module and "import" in kinds and kinds <= {"import", "assign", "other"}
        ):
            return self.index.imports.qualify(node)
        return None

    def type_of(self, node: cst.BaseExpression, depth: int = 0) -> str | None:
        if self.types is not None and not isinstance(node, cst.Name):
            return self._deeper_type(node, depth)
        if not isinstance(node, cst.Name):
            return None
        found = self.index.binder(self.chain, node.value)
        if found is None or len(found[1]) != 1:
            return None
        scope, (binding,) = found
        if binding.kind == "assign" and isinstance(binding.node, cst.Call):
            return self.qualified_name(binding.node.func)
        if (
            self.types is not None
            and binding.kind == "assign"
            and isinstance(binding.node, cst.BaseExpression)
            and depth < 8
        ):
            return self._deeper_type(binding.node, depth + 1)
        if binding.kind == "other":  # a parameter or a bare ``name: Type`` declaration
            annotation = _declared_annotation(scope, node.value)
            return self.qualified_name(annotation) if annotation is not None else None
        return None

    def _deeper_type(self, node: cst.BaseExpression, depth: int) -> str | None:
        """``self.attr`` (the one type the class's methods give it), a path built with
        ``/`` from a path, a path's ``parent``; else None."""
        if isinstance(node, cst.Name):
            return self.type_of(node, depth)
        if isinstance(node, cst.Call):  # what a neutral call made (``urllib.request.Request``)
            made = self.qualified_name(node.func)
            return made if made in NEUTRAL_POOL_CALLS else None
        method_of = self.method_of
        if (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and method_of is not None
            and node.value.value == method_of.self
            and self.types is not None
        ):
            return self.types.attribute_type(method_of.owner, node.attr.value)
        if (
            isinstance(node, cst.BinaryOperation)
            and isinstance(node.operator, cst.Divide)
            and depth < 8
        ):
            made = self.type_of(node.left, depth + 1)
            return made if made in PATH_CONSTRUCTORS else None
        if isinstance(node, cst.Attribute) and node.attr.value in PATH_DERIVING_ATTRIBUTES:
            made = self.type_of(node.value, depth + 1)
            return made if made in PATH_CONSTRUCTORS else None
        return None


def _declared_annotation(scope: ScopeNode, name: str) -> cst.BaseExpression | None:
    """The annotation that declares ``name`` where it is the scope's only binding: a
    parameter's (``session: requests.Session``), or a module's bare ``name: Type``
    (a global an initializer sets: ``session: requests.Session`` at the top)."""
    annotation: cst.Annotation | None = None
    if isinstance(scope, (cst.FunctionDef, cst.Lambda)):
        params = scope.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.name.value == name:
                annotation = param.annotation
    elif isinstance(scope, cst.Module):
        for statement in scope.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if (
                    isinstance(small, cst.AnnAssign)
                    and small.value is None
                    and isinstance(small.target, cst.Name)
                    and small.target.value == name
                ):
                    annotation = small.annotation
    if annotation is None or not isinstance(annotation.annotation, (cst.Name, cst.Attribute)):
        return None
    return annotation.annotation


_STRINGS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
#: The nodes :func:`_is_arithmetic` may answer True for, and the walk's other exact types.
_ARITHMETIC_NODES = frozenset({cst.BinaryOperation, cst.AugAssign})
_NESTED_SCOPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})
_LOOP_TYPES = frozenset(_LOOPS)


def _is_arithmetic(node: cst.CSTNode, sequences: bool = False) -> bool:
    """An arithmetic operation; string formatting and concatenation of literals are not,
    and with ``sequences`` neither is joining slices (``line[:1].upper() + line[1:]``)."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, _ARITHMETIC):
        joined = isinstance(node.operator, cst.Add) and (
            _is_slice(node.left) or _is_slice(node.right)
        )
        if sequences and joined:
            return False
        return not isinstance(node.left, _STRINGS) and not isinstance(node.right, _STRINGS)
    if isinstance(node, cst.AugAssign) and isinstance(node.operator, _ARITHMETIC_ASSIGN):
        return not isinstance(node.value, _STRINGS)
    return False


def _is_slice(node: cst.BaseExpression) -> bool:
    """``x[a:b]``, or a string method called on one (``x[:1].upper()``): a sequence."""
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value in PURE_METHODS
    ):
        node = node.func.value
    return isinstance(node, cst.Subscript) and any(
        isinstance(element.slice, cst.Slice) for element in node.slice
    )


class _Body:
    """The calls of a body, and where it does arithmetic (nested defs skipped): for each
    loop doing arithmetic, the ids of the calls inside that loop."""

    def __init__(self, body: cst.CSTNode, sequences: bool = False) -> None:
        self.sequences = sequences
        self.calls: list[cst.Call] = []
        self.arithmetic = False
        self.arithmetic_loops: list[set[int]] = []
        self.looped_calls: set[int] = set()  # ids of the calls inside any loop
        self._loops: list[tuple[cst.CSTNode, set[int], list[bool]]] = []
        walk(body, self.on_visit, self.on_leave)

    @property
    def arithmetic_loop(self) -> bool:
        return bool(self.arithmetic_loops)

    def on_visit(self, node: cst.CSTNode) -> bool:
        node_type = type(node)  # exact types: LibCST's classes are final, isinstance is slow
        if node_type in _NESTED_SCOPES:
            return False
        if node_type in _LOOP_TYPES:
            self._loops.append((node, set(), [False]))
        elif node_type is cst.Call:
            self.calls.append(node)
            if self._loops:
                self.looped_calls.add(id(node))
            for _loop, calls, _counts in self._loops:
                calls.add(id(node))
        elif node_type in _ARITHMETIC_NODES and _is_arithmetic(node, self.sequences):
            self.arithmetic = True
            if self._loops:
                self._loops[-1][2][0] = True
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if self._loops and original_node is self._loops[-1][0]:
            _loop, calls, counts = self._loops.pop()
            if counts[0]:
                self.arithmetic_loops.append(calls)
