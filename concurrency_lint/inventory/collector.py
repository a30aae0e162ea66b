"""The collector: one walk over a parsed module, recording every concurrency use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst import matchers
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from concurrency_lint.analysis import Semantics
from concurrency_lint.analysis.names import dotted_name
from concurrency_lint.inventory.callees import Callees, callable_argument, callee_handling, method
from concurrency_lint.inventory.catalogue import (
    ARGUMENT_ONLY,
    AS_COMPLETED,
    CALLS,
    LOCKS,
    METHODS,
    RUN_IN_EXECUTOR,
    WAIT_BOUNDS,
    WORKER_BASES,
    Mechanism,
    canonical,
)
from concurrency_lint.inventory.handling import (
    as_completed_handling,
    try_guard,
    writes_shared_state,
)
from concurrency_lint.inventory.model import Handling, Parameter, Section, Use, ValueKind
from concurrency_lint.inventory.values import call_parameters, interpret, source_text

_WORKERS = frozenset(WORKER_BASES)
_SCOPES = (cst.FunctionDef, cst.Lambda)
_MANAGER = "multiprocessing.Manager"
_ITEMS = "[]"  # suffix of the key under which a container's items are found
_SIGNALS = frozenset({"wait", "wait_for", "set", "clear", "is_set", "notify", "notify_all"})


@dataclass
class _Row:
    """A use while the file is still being walked (later writes can configure it)."""

    mechanism: Mechanism
    line: int
    column: int
    parameters: list[Parameter]
    handling: list[Handling]
    traits: list[str] = field(default_factory=list)
    detail: str = ""

    def add_trait(self, trait: str) -> None:
        if trait not in self.traits:
            self.traits.append(trait)


class Collector(cst.CSTVisitor):
    """Walks one module; ``uses(path)`` afterwards gives what was found."""

    def __init__(self, module: cst.Module, line_offset: int = 0, column_offset: int = 0) -> None:
        super().__init__()
        self.module = module
        self.semantics = Semantics(module)
        self._callees = Callees(module)
        self._positions: Mapping[cst.CSTNode, CodeRange] | None = None  # on first use
        self._line_offset = line_offset
        self._column_offset = column_offset
        self._rows: list[_Row] = []
        self._guards: list[list[tuple[Handling, ...]]] = [[]]  # one list per function
        self._objects: dict[tuple[int, str], _Row] = {}  # (scope, name as written) -> use
        self._assigned: dict[int, list[cst.BaseExpression]] = {}  # call -> assignment targets
        self._contained: dict[int, list[cst.BaseExpression]] = {}  # call -> container targets
        self._shut_down: set[int] = set()  # manager rows whose shutdown() is called
        # call -> (``as`` target, with statement)
        self._with_calls: dict[int, tuple[cst.BaseExpression | None, cst.With]] = {}
        self._with_guards: dict[int, tuple[Handling, ...]] = {}
        self._loops: dict[int, tuple[Handling, ...]] = {}  # as_completed call -> loop handling
        self._arguments: set[int] = set()  # calls written as another use's argument
        self._asyncio_names: set[str] = set()
        self._asyncio_import: cst.CSTNode | None = None
        self._asyncio_referenced = False
        self._in_import = False

    # ---- the result ----------------------------------------------------------------------

    def uses(self, path: str) -> tuple[Use, ...]:
        rows = list(self._rows)
        if (
            self._asyncio_names
            and not self._asyncio_referenced
            and not any(row.mechanism.name.startswith("asyncio.") for row in rows)
        ):
            imported = Mechanism(Section.ASYNCIO, "asyncio", (), ("imported_only",))
            assert self._asyncio_import is not None
            line = self._position(self._asyncio_import)[0]
            rows.append(_Row(imported, line, 1, [], [], list(imported.traits)))
        for row in rows:
            if (
                row.mechanism.name == _MANAGER
                and id(row) not in self._shut_down
                and "with_block" not in row.traits
                and Handling("context_manager") not in row.handling
            ):
                row.add_trait("never_shut_down")
        found = [use for row in rows for use in _freeze(row, path)]
        return tuple(sorted(found, key=lambda use: use.sort_key))

    # ---- traversal bookkeeping -----------------------------------------------------------

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.semantics.enter(node)
        if isinstance(node, _SCOPES):
            self._guards.append([])
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        super().on_leave(original_node)
        if isinstance(original_node, _SCOPES):
            self._guards.pop()
        self.semantics.leave(original_node)

    def visit_Try_body(self, node: cst.Try) -> None:
        self._guards[-1].append(_optional(try_guard(node)))

    def leave_Try_body(self, node: cst.Try) -> None:
        self._guards[-1].pop()

    def visit_TryStar_body(self, node: cst.TryStar) -> None:
        self._guards[-1].append(_optional(try_guard(node)))

    def leave_TryStar_body(self, node: cst.TryStar) -> None:
        self._guards[-1].pop()

    def visit_With(self, node: cst.With) -> None:
        guards = []
        for item in node.items:
            text = self._lock_text(item.item)
            if text is None:
                continue
            guards.append(Handling("under_lock", text))
            row = self._object_row(item.item)
            if row is not None:
                _note_with_block(row, node)
        self._with_guards[id(node)] = tuple(guards)

    def visit_With_body(self, node: cst.With) -> None:
        self._guards[-1].append(self._with_guards.pop(id(node), ()))

    def leave_With_body(self, node: cst.With) -> None:
        self._guards[-1].pop()

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if isinstance(node.item, cst.Call):
            statement = self.semantics.current_statement()
            if isinstance(statement, cst.With):
                target = node.asname.name if node.asname else None
                self._with_calls[id(node.item)] = (target, statement)

    def visit_Assign(self, node: cst.Assign) -> None:
        targets = [target.target for target in node.targets]
        if isinstance(node.value, cst.Call):
            self._assigned[id(node.value)] = targets
        self._note_container(node.value, targets)
        if isinstance(node.value, cst.Subscript):  # ``lock = self.locks[key]``
            row = self._object_row(node.value)
            if row is not None:
                for target in targets:
                    self._bind(target, row)
        for target in node.targets:
            self._daemon_attribute(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.value, cst.Call):
            self._assigned[id(node.value)] = [node.target]
        if node.value is not None:
            self._note_container(node.value, [node.target])
        if node.value is not None:
            self._daemon_attribute(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        loop_iter = node.iter
        if (
            isinstance(loop_iter, cst.Call)
            and self.semantics.qualified_name(loop_iter.func) in AS_COMPLETED
        ):
            guarded = any(item.kind == "try_except" for item in self._current_guards())
            self._loops[id(loop_iter)] = as_completed_handling(node, guarded, self._lock_text)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for base in node.bases:
            name = self.semantics.qualified_name(base.value)
            if name in _WORKERS:
                row = self._new_row(node, WORKER_BASES[name], [])
                row.add_trait("subclass")
                row.detail = node.name.value
                run = method(node, "run")
                found = callee_handling(run) if run is not None else None
                if found is not None:
                    row.handling.append(found)
                self._objects[(id(node), "self")] = row
                return

    def visit_Import(self, node: cst.Import) -> None:
        self._in_import = True
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            if name == "asyncio" or name.startswith("asyncio."):
                local = alias.evaluated_alias or name.split(".", 1)[0]
                self._note_asyncio_import(local, node)

    def leave_Import(self, original_node: cst.Import) -> None:
        self._in_import = False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._in_import = True
        module = dotted_name(node.module) if node.module is not None else None
        if node.relative or module is None or not (module + ".").startswith("asyncio."):
            return
        if isinstance(node.names, cst.ImportStar):
            self._asyncio_referenced = True  # what it binds is not known
            return
        for alias in node.names:
            self._note_asyncio_import(alias.evaluated_alias or alias.evaluated_name, node)

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._in_import = False

    def visit_Name(self, node: cst.Name) -> None:
        if not self._in_import and node.value in self._asyncio_names:
            self._asyncio_referenced = True

    # ---- calls ---------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        self._configure_receiver(node)
        self._lock_factory(node)
        mechanism = self._mechanism_of(node)
        if mechanism is None:
            return
        if mechanism.name in ARGUMENT_ONLY and id(node) in self._arguments:
            return
        self._arguments.update(id(call) for arg in node.args for call in _calls_in(arg.value))
        parameters = list(call_parameters(node, mechanism.parameters, self.module, self.semantics))
        if "blocking_wait" in mechanism.traits and not any(
            parameter.name in WAIT_BOUNDS for parameter in parameters
        ):
            return  # an unbounded wait is not a backpressure setting
        row = self._new_row(node, mechanism, parameters)
        if id(node) in self._with_calls:
            row.handling.append(Handling("context_manager"))
            target, statement = self._with_calls[id(node)]
            if target is not None:
                self._bind(target, row)
            if mechanism.name in LOCKS:
                _note_with_block(row, statement)
        for target in self._assigned.get(id(node), ()):
            self._bind(target, row)
        for target in self._contained.get(id(node), ()):
            self._bind_items(target, row)
        work = callable_argument(node, mechanism.name, "pool_method" in mechanism.traits)
        found = self._callees.handling(work, self.semantics) if work is not None else None
        if found is not None:
            row.handling.append(found)
        returned = row_parameter(row, "return_exceptions")
        if returned is not None and returned.value is True:
            row.handling.append(Handling("return_exceptions"))
        row.handling.extend(self._loops.get(id(node), ()))

    def _lock_factory(self, call: cst.Call) -> None:
        """``defaultdict(threading.Lock)``: a lock made per key, used as ``d[key]``."""
        if (
            self.semantics.qualified_name(call.func) != "collections.defaultdict"
            or not call.args
            or call.args[0].keyword is not None
        ):
            return
        factory = call.args[0].value
        name = canonical(self.semantics.qualified_name(factory))
        if name not in LOCKS or name not in CALLS:
            return
        row = self._new_row(factory, CALLS[name], [])
        for target in self._assigned.get(id(call), ()):
            self._bind_items(target, row)

    def _mechanism_of(self, call: cst.Call) -> Mechanism | None:
        name = self.semantics.qualified_name(call.func)
        if name in CALLS:
            return CALLS[name]
        func = call.func
        if not isinstance(func, cst.Attribute):
            return None
        method = func.attr.value
        owner = self._owner(func.value)
        if owner is not None and method in METHODS.get(owner, {}):
            return METHODS[owner][method]
        if method == "run_in_executor" and self._imports_asyncio():
            return RUN_IN_EXECUTOR
        return None

    def _configure_receiver(self, call: cst.Call) -> None:
        """``t.setDaemon(True)``, ``lock.acquire()`` and ``super().__init__(daemon=True)``."""
        func = call.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        if method == "__init__" and _is_super_call(func.value):
            row = self._object_row(cst.Name("self"))
            daemon = _keyword(call, "daemon")
            if row is not None and daemon is not None:
                row.parameters.append(interpret("daemon", daemon, self.module, self.semantics))
            return
        row = self._object_row(func.value)
        if row is None:
            return
        if method == "setDaemon" and row.mechanism.name in _WORKERS and call.args:
            parameter = interpret(
                "daemon", call.args[0].value, self.module, self.semantics, after_construction=True
            )
            row.parameters.append(parameter)
        elif row.mechanism.name == _MANAGER and method in ("shutdown", "__exit__"):
            self._shut_down.add(id(row))
        elif row.mechanism.name in LOCKS and method in ("acquire", "release"):
            row.add_trait("acquire_release")
        elif row.mechanism.name in LOCKS and method in _SIGNALS:
            row.add_trait("signalling")

    def _note_container(self, value: cst.BaseExpression, targets: list[cst.BaseExpression]) -> None:
        """``{k: Lock() for k in keys}``, ``[Lock() for _ in range(n)]``: the calls made
        as the container's items, bound to it (``with self.locks[key]:`` uses them)."""
        items: list[cst.BaseExpression] = []
        if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            items = [element.value for element in value.elements]
        elif isinstance(value, cst.Dict):
            items = [
                element.value for element in value.elements if isinstance(element, cst.DictElement)
            ]
        elif isinstance(value, cst.DictComp):
            items = [value.value]
        elif isinstance(value, (cst.ListComp, cst.SetComp)):
            items = [value.elt]
        for item in items:
            if isinstance(item, cst.Call):
                self._contained[id(item)] = targets

    def _daemon_attribute(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        """``t.daemon = True`` after ``t = threading.Thread(...)``."""
        if not (isinstance(target, cst.Attribute) and target.attr.value == "daemon"):
            return
        row = self._object_row(target.value)
        if row is not None and row.mechanism.name in _WORKERS:
            row.parameters.append(
                interpret("daemon", value, self.module, self.semantics, after_construction=True)
            )

    # ---- names and objects ---------------------------------------------------------------

    def _owner(self, receiver: cst.BaseExpression) -> str | None:
        """The canonical mechanism the receiver of a method call was built by."""
        if isinstance(receiver, cst.Call):
            return canonical(self.semantics.qualified_name(receiver.func))
        row = self._object_row(receiver)
        if row is not None:
            return row.mechanism.name
        return canonical(self.semantics.type_of(receiver))

    def _lock_text(self, expr: cst.BaseExpression) -> str | None:
        """The lock as written when ``expr`` is a known lock, else None."""
        if isinstance(expr, cst.Call):
            is_lock = canonical(self.semantics.qualified_name(expr.func)) in LOCKS
        else:
            is_lock = self._owner(expr) in LOCKS
        return source_text(self.module, expr) if is_lock else None

    def _keys(self, expr: cst.BaseExpression) -> tuple[tuple[int, str], ...]:
        text = dotted_name(expr)
        if text is None:
            return ()
        if text == "self" or text.startswith("self."):
            classes = self.semantics.scopes.class_frames
            return ((id(classes[-1].node), text),) if classes else ()
        scopes = self.semantics.scopes
        current = (id(scopes.current.node), text)
        module = (id(scopes.module.node), text)
        return (current,) if current == module else (current, module)

    def _object_row(self, expr: cst.BaseExpression) -> _Row | None:
        if isinstance(expr, cst.Subscript):  # an item of a container of such objects
            keys = tuple((scope, text + _ITEMS) for scope, text in self._keys(expr.value))
        else:
            keys = self._keys(expr)
        for key in keys:
            row = self._objects.get(key)
            if row is not None:
                return row
        return None

    def _bind(self, target: cst.BaseExpression, row: _Row) -> None:
        if isinstance(target, cst.Subscript):  # ``self.locks[key] = threading.Lock()``
            self._bind_items(target.value, row)
            return
        keys = self._keys(target)
        if keys:
            self._objects[keys[0]] = row

    def _bind_items(self, container: cst.BaseExpression, row: _Row) -> None:
        keys = self._keys(container)
        if keys:
            scope, text = keys[0]
            self._objects[(scope, text + _ITEMS)] = row

    def _imports_asyncio(self) -> bool:
        return any(
            name == "asyncio" or name.startswith("asyncio.")
            for name in self.semantics.imports.imported_modules()
        )

    def _note_asyncio_import(self, local: str, node: cst.CSTNode) -> None:
        self._asyncio_names.add(local)
        if self._asyncio_import is None:
            self._asyncio_import = node

    # ---- rows ----------------------------------------------------------------------------

    def _current_guards(self) -> list[Handling]:
        return [item for guards in self._guards[-1] for item in guards]

    def _new_row(
        self, node: cst.CSTNode, mechanism: Mechanism, parameters: list[Parameter]
    ) -> _Row:
        line, column = self._position(node)
        handling = []
        for item in reversed(self._current_guards()):  # innermost first
            if item not in handling:
                handling.append(item)
        row = _Row(mechanism, line, column, parameters, handling, list(mechanism.traits))
        self._rows.append(row)
        return row

    def _position(self, node: cst.CSTNode) -> tuple[int, int]:
        if self._positions is None:  # most files that import threading use nothing listed
            wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
            self._positions = wrapper.resolve(PositionProvider)
        start = self._positions[node].start
        return start.line + self._line_offset, start.column + 1 + self._column_offset


def _note_with_block(row: _Row, statement: cst.With) -> None:
    row.add_trait("with_block")
    if writes_shared_state(statement.body):
        row.add_trait("protects_shared_state")


def row_parameter(row: _Row, name: str) -> Parameter | None:
    return next((parameter for parameter in row.parameters if parameter.name == name), None)


def _optional(guard: Handling | None) -> tuple[Handling, ...]:
    return (guard,) if guard is not None else ()


def _keyword(call: cst.Call, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def _is_super_call(node: cst.BaseExpression) -> bool:
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value == "super"
    )


def _calls_in(node: cst.CSTNode) -> list[cst.Call]:
    return [call for call in matchers.findall(node, matchers.Call()) if isinstance(call, cst.Call)]


def _freeze(row: _Row, path: str) -> list[Use]:
    """The row as uses: one, or two for a lock with a timeout (sections 5 and 6)."""
    traits = list(row.traits)
    maxsize = row_parameter(row, "maxsize")
    if row.mechanism.section is Section.QUEUES and "maxsize" in dict(row.mechanism.parameters):
        if maxsize is None or (maxsize.kind is ValueKind.LITERAL and not _positive(maxsize.value)):
            traits.append("unbounded")
        elif maxsize.kind is ValueKind.LITERAL:
            traits.append("bounded")
    timeout = row_parameter(row, "timeout")
    lock_timeout = row.mechanism.name in LOCKS and timeout is not None
    if row.mechanism.section is Section.SYNCHRONIZATION and not (
        {"with_block", "acquire_release", "signalling"} & set(traits)
    ):
        traits.append("not_used_here")
    use = Use(
        row.mechanism.section,
        path,
        row.line,
        row.column,
        row.mechanism.name,
        tuple(row.parameters),
        tuple(row.handling),
        tuple(traits),
        row.detail,
    )
    if not lock_timeout:
        return [use]
    assert timeout is not None
    return [
        use,
        Use(
            Section.QUEUES,
            path,
            row.line,
            row.column,
            row.mechanism.name,
            (timeout,),
            tuple(row.handling),
            ("lock_timeout",),
        ),
    ]


def _positive(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
