"""One module's summary, read from the interpreter's ``ast`` (never run, never imported).

A summary says what each module-level name of a module is, with every name it mentions
already qualified (``import http.client as httplib`` -> ``http.client``; a name of the
module itself -> ``package.module.name``):

- ``alias``: the name means another qualified name (an import, ``httplib = http.client``);
- ``instance``: it holds what calling a qualified name made (``lock = threading.RLock()``);
- ``function``: calling it returns what calling a qualified name makes (its annotation,
  or the one constructor all its returns have), ``""`` when that is unknown;
- ``class``: a class of the module (see :class:`ClassSummary`).

Names bound in an ``except ImportError:`` handler or in the Python 2 branch of a
``sys.version_info`` test are alternatives a reader does not expect: they are kept only
when nothing else binds the name. Summaries are plain frozen data, stored as JSON.
"""

from __future__ import annotations

import ast
import builtins
from typing import NamedTuple

from concurrency_lint.analysis.pool_classes import ThreadPoolShape
from concurrency_lint.analysis.relative_imports import absolute_module
from concurrency_lint.knowledge.io_calls import QUICK_IO_CALLS, io_table
from concurrency_lint.knowledge.mutating_methods import COLLECTION_MUTATORS
from concurrency_lint.project.pool_classes import runs_queued_calls, thread_pool_shape

_BUILTINS = frozenset(dir(builtins))
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})
_OPTIONAL = frozenset({"Optional", "Final", "ClassVar", "Annotated"})
#: Library functions named like collection methods (``os.remove``): not a mutation.
_KNOWN_FUNCTIONS = frozenset(io_table()) | QUICK_IO_CALLS
#: Builtins whose effect a summary cannot see.
_UNSEEN_EFFECTS = frozenset({"exec", "eval", "setattr", "delattr", "globals", "__import__"})
_LOGGING_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
)
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
#: The builtins a function that only prints may call.
_PRINTING = frozenset({"print", "str", "repr", "format", "len"})
_NOT_QUIET = (
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Global,
    ast.Nonlocal,
    ast.Yield,
    ast.YieldFrom,
    ast.Await,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)


class Binding(NamedTuple):
    """What one module-level name is: ``kind`` (alias, instance, function, class) and
    ``target`` (a qualified name; the class's name for ``class``)."""

    name: str
    kind: str
    target: str
    fallback: bool = False


class MethodSummary(NamedTuple):
    """A method a class defines; ``forwards`` when it only hands its call on to
    ``super()`` and never mentions a timeout (it keeps the base's behaviour); ``returns``
    the qualified return annotation of a plain (not async) method, ``""`` when it has
    none; ``is_property`` for a ``@property``."""

    name: str
    forwards: bool
    returns: str = ""
    is_property: bool = False


class ClassSummary(NamedTuple):
    """A class: its bases, its methods; ``pool`` when it is a thread pool of its own
    making, ``runs_queued_calls`` when it is a worker that calls what a queue hands it
    (see ``project.pool_classes``)."""

    name: str
    bases: tuple[str, ...]  # qualified; "" for a base that is not a plain name
    methods: tuple[MethodSummary, ...]
    pool: ThreadPoolShape | None = None
    runs_queued_calls: bool = False


class FunctionSummary(NamedTuple):
    """What a module-level (plain, not async) function calls: the qualified names of the
    functions its own code calls (nested definitions aside; builtins as ``builtins.x``),
    and ``shares_state`` when it may change state beyond the values it made itself
    (``global``, a store into or a changing method of an argument or a module value)."""

    name: str
    calls: tuple[str, ...]
    shares_state: bool


class ModuleSummary(NamedTuple):
    """The module-level names of one module, its classes and its star imports."""

    module: str
    bindings: tuple[Binding, ...]
    classes: tuple[ClassSummary, ...]
    star_imports: tuple[str, ...]
    exports: tuple[str, ...] | None  # ``__all__`` when it is a literal list of strings
    #: Module-level functions that only print (see :func:`_only_prints`).
    quiet: tuple[str, ...] = ()
    #: Module-level names bound only to string literals (``URL = "https://..."``).
    strings: tuple[str, ...] = ()
    functions: tuple[FunctionSummary, ...] = ()


def summarize(source: str, module: str, is_package: bool) -> ModuleSummary | None:
    """The summary of ``source`` as module ``module``; None when it does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return _Summarizer(module, is_package, source).run(tree)


class _Summarizer:
    def __init__(self, module: str, is_package: bool, source: str = "") -> None:
        self.module = module
        self.is_package = is_package
        # Lines as the parser numbers them (a lone carriage return aside: then none).
        self.lines = source.split("\n") if source and "\r" not in source else None
        self.aliases: dict[str, str] = {}  # import aliases, for qualifying names
        self.defined: set[str] = set()  # module-level names bound other than by import
        self.bindings: list[Binding] = []
        self.classes: dict[str, ClassSummary] = {}
        self.stars: list[str] = []
        self.exports: tuple[str, ...] | None = None
        self.quiet: list[str] = []
        self.literals: dict[str, int] = {}  # name -> how many string literals it is bound to
        self.functions: dict[str, FunctionSummary] = {}
        self._nodes: dict[int, list[ast.AST]] = {}  # by id: the tree outlives the run

    def _own_nodes(self, function: ast.FunctionDef) -> list[ast.AST]:
        """:func:`_own_nodes`, collected once per function (three looks read them)."""
        nodes = self._nodes.get(id(function))
        if nodes is None:
            nodes = self._nodes[id(function)] = _own_nodes(function)
        return nodes

    def run(self, tree: ast.Module) -> ModuleSummary:
        self._collect_names(tree.body)
        self._statements(tree.body, fallback=False)
        return ModuleSummary(
            self.module,
            tuple(self.bindings),
            tuple(self.classes.values()),
            tuple(dict.fromkeys(self.stars)),
            self.exports,
            tuple(self.quiet),
            self._strings(),
            tuple(self.functions.values()),
        )

    # ---- names ---------------------------------------------------------------------------

    def _collect_names(self, body: list[ast.stmt]) -> None:
        """Every module-level name, first, so that qualifying does not depend on order."""
        for statement in body:
            for node in _module_level(statement):
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        local = alias.asname or alias.name.split(".", 1)[0]
                        target = alias.name if alias.asname else local
                        self.aliases.setdefault(local, target)
                elif isinstance(node, ast.ImportFrom):
                    base = absolute_module(self.module, self.is_package, node.level, node.module)
                    for alias in node.names:
                        if alias.name != "*" and base is not None:
                            self.aliases.setdefault(
                                alias.asname or alias.name, f"{base}.{alias.name}"
                            )
                elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    self.defined.add(node.name)
                elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        if isinstance(target, ast.Name):
                            self.defined.add(target.id)

    def qualify(self, node: ast.expr, local: frozenset[str] = frozenset()) -> str | None:
        """The qualified name of a Name/Attribute chain read at module level."""
        dotted = _dotted(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        if head in local:
            return None
        if head in self.defined:
            found = f"{self.module}.{head}"
        elif head in self.aliases:
            found = self.aliases[head]
        elif head in _BUILTINS:
            return None
        elif self.stars:
            found = f"{self.module}.{head}"  # perhaps from a star import: the model looks
        else:
            return None
        return f"{found}.{rest}" if rest else found

    # ---- statements ----------------------------------------------------------------------

    def _statements(self, body: list[ast.stmt], fallback: bool) -> None:
        for statement in body:
            self._statement(statement, fallback)

    def _statement(self, node: ast.stmt, fallback: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".", 1)[0]
                self._bind(local, "alias", alias.name if alias.asname else local, fallback)
        elif isinstance(node, ast.ImportFrom):
            base = absolute_module(self.module, self.is_package, node.level, node.module)
            if base is None:
                return
            for alias in node.names:
                if alias.name == "*":
                    self.stars.append(base)
                else:
                    self._bind(
                        alias.asname or alias.name, "alias", f"{base}.{alias.name}", fallback
                    )
        elif isinstance(node, ast.ClassDef):
            self.classes[node.name] = self._class(node)
            self._bind(node.name, "class", node.name, fallback)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            made = "" if isinstance(node, ast.AsyncFunctionDef) else self._returns(node)
            self._bind(node.name, "function", made or "", fallback)
            if isinstance(node, ast.FunctionDef) and not fallback and self._only_prints(node):
                self.quiet.append(node.name)
            if isinstance(node, ast.FunctionDef):
                self.functions[node.name] = self._function(node)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    self._assign(target.id, node.value, node, fallback)
        elif isinstance(node, ast.Try) or _is_try_star(node):
            self._statements(node.body, fallback)  # type: ignore[attr-defined]
            for handler in node.handlers:  # type: ignore[attr-defined]
                self._statements(handler.body, fallback or _catches_import_error(handler))
            self._statements(node.orelse, fallback)  # type: ignore[attr-defined]
            self._statements(node.finalbody, fallback)  # type: ignore[attr-defined]
        elif isinstance(node, ast.If):
            branch = _python2_branch(node.test)
            self._statements(node.body, fallback or branch == "body")
            self._statements(node.orelse, fallback or branch == "orelse")

    def _assign(self, name: str, value: ast.expr, node: ast.stmt, fallback: bool) -> None:
        if name == "__all__" and isinstance(value, (ast.List, ast.Tuple)):
            names = [e.value for e in value.elts if isinstance(e, ast.Constant)]
            if all(isinstance(n, str) for n in names) and len(names) == len(value.elts):
                self.exports = tuple(names)  # type: ignore[arg-type]
            return
        if isinstance(value, (ast.Name, ast.Attribute)):
            target = self.qualify(value)
            if target is not None and target != f"{self.module}.{name}":
                self._bind(name, "alias", target, fallback)
                return
        elif isinstance(value, ast.Call):
            made = self.qualify(value.func)
            if made is not None:
                self._bind(name, "instance", made, fallback)
                return
        elif isinstance(value, ast.Constant) and isinstance(value.value, str):
            self.literals[name] = self.literals.get(name, 0) + 1
        if isinstance(node, ast.AnnAssign):
            annotated = self._annotation(node.annotation)
            if annotated is not None:
                self._bind(name, "instance", annotated, fallback)
                return
        self._bind(name, "instance", "", fallback)  # a value of unknown type

    def _bind(self, name: str, kind: str, target: str, fallback: bool) -> None:
        self.bindings.append(Binding(name, kind, target, fallback))

    # ---- classes and functions -------------------------------------------------------------

    def _class(self, node: ast.ClassDef) -> ClassSummary:
        bases = tuple(self.qualify(base) or "" for base in node.bases)
        methods = tuple(
            MethodSummary(
                statement.name,
                self._may_call_super(statement) and _forwards(statement),
                self._method_returns(statement),
                any(_dotted(d) == "property" for d in statement.decorator_list),
            )
            for statement in node.body
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
        )
        return ClassSummary(
            node.name,
            bases,
            methods,
            thread_pool_shape(node, self.qualify),
            runs_queued_calls(node),
        )

    def _function(self, function: ast.FunctionDef) -> FunctionSummary:
        nodes = self._own_nodes(function)
        made = {
            name
            for node in nodes
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.With))
            for target in _bound_targets(node)
            for name in _plain_names(target)
        }
        local = frozenset(_parameters(function)) | frozenset(made)
        calls: dict[str, None] = {}
        shares = False
        for node in nodes:
            if isinstance(node, (ast.Global, ast.Nonlocal)) or (
                isinstance(node, ast.Call)
                and (_runs_unseen_code(node.func) or self._changes_module_value(node.func, local))
            ):
                shares = True
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
                targets = (
                    node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
                )
                shares = shares or any(_stores_outside(target, made) for target in targets)
            elif isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Attribute) and func.attr in COLLECTION_MUTATORS:
                    known = self.qualify(func, local) in _KNOWN_FUNCTIONS  # ``os.remove``
                    shares = shares or (_base_id(func.value) not in made and not known)
                if isinstance(func, ast.Name) and self._is_builtin(func.id, local):
                    calls[f"builtins.{func.id}"] = None
                    continue
                qualified = self.qualify(func, local)
                if qualified is not None:
                    calls[qualified] = None
        return FunctionSummary(function.name, tuple(calls), shares)

    def _changes_module_value(self, func: ast.expr, local: frozenset[str]) -> bool:
        """A method call on a value this module defines (``REGISTRY.register(x)``), other
        than logging: it may change state every caller shares."""
        if not isinstance(func, ast.Attribute) or func.attr in _LOGGING_METHODS:
            return False
        base = _base_id(func.value)
        return base is not None and base not in local and base in self.defined

    def _is_builtin(self, name: str, local: frozenset[str]) -> bool:
        return (
            name in _BUILTINS
            and name not in local
            and name not in self.defined
            and name not in self.aliases
        )

    def _may_call_super(self, method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        """False only when the method's text cannot name ``super`` (the cheap test before
        :func:`_forwards` walks it; a non-ASCII text may spell it otherwise)."""
        if self.lines is None or method.end_lineno is None:
            return True
        first = min([method.lineno, *(d.lineno for d in method.decorator_list)])
        text = "\n".join(self.lines[first - 1 : method.end_lineno])
        return "super" in text or not text.isascii()

    def _method_returns(self, method: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
        """The qualified return annotation of a plain method, else ``""``."""
        if isinstance(method, ast.AsyncFunctionDef) or method.returns is None:
            return ""
        return self._annotation(method.returns) or ""

    def _returns(self, function: ast.FunctionDef) -> str | None:
        """What calling the function makes: its annotation, or the one constructor every
        ``return`` has (directly or through one local name); else None."""
        if function.returns is not None:
            return self._annotation(function.returns)
        returned: list[ast.expr | None] = []
        assigned: dict[str, list[ast.expr]] = {}
        for node in self._own_nodes(function):
            if isinstance(node, ast.Return):
                returned.append(node.value)
            elif isinstance(node, (ast.Yield, ast.YieldFrom, ast.Await)):
                return None
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Store):
                            value = node.value if target is name else ast.Constant(None)
                            assigned.setdefault(name.id, []).append(value)
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.With)):
                for name in ast.walk(node.target if not isinstance(node, ast.With) else node):
                    if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Store):
                        assigned.setdefault(name.id, []).append(ast.Constant(None))
        local = frozenset(_parameters(function)) | frozenset(assigned)
        made: set[str | None] = set()
        for value in returned:
            if isinstance(value, ast.Name) and value.id in assigned:
                values = assigned[value.id]
                made |= {self._made(item, local) for item in values}
            else:
                made.add(self._made(value, local))
        if len(made) != 1:
            return None
        return made.pop()

    def _made(self, value: ast.expr | None, local: frozenset[str]) -> str | None:
        if isinstance(value, ast.Call):
            return self.qualify(value.func, local)
        return None

    def _strings(self) -> tuple[str, ...]:
        """The names every binding of which is a string literal."""
        counts: dict[str, int] = {}
        for binding in self.bindings:
            counts[binding.name] = counts.get(binding.name, 0) + 1
        return tuple(name for name, count in self.literals.items() if counts.get(name) == count)

    def _only_prints(self, function: ast.FunctionDef) -> bool:
        """Whether the function does nothing but print: no decorator, no loop, no nested
        scope, no ``global``, and every call is to a builtin of :data:`_PRINTING` that the
        module does not bind (``def colorprint(c, s): print("%s%s" % (c, s))``)."""
        if function.decorator_list:
            return False
        local = frozenset(_parameters(function))
        for node in self._own_nodes(function):
            if isinstance(node, (*_NOT_QUIET, *_NESTED)):
                return False
            if isinstance(node, ast.Call):
                func = node.func
                if not (isinstance(func, ast.Name) and func.id in _PRINTING):
                    return False
                if func.id in local or func.id in self.defined or func.id in self.aliases:
                    return False
        return True

    def _annotation(self, annotation: ast.expr) -> str | None:
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                annotation = ast.parse(annotation.value, mode="eval").body
            except SyntaxError:
                return None
        if isinstance(annotation, ast.Subscript):
            wrapper = _dotted(annotation.value) or ""
            if wrapper.rpartition(".")[2] in _OPTIONAL:
                inner = annotation.slice
                if isinstance(inner, ast.Tuple):
                    inner = inner.elts[0] if inner.elts else inner
                return self._annotation(inner)
            return self._annotation(annotation.value)
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            if _is_none(annotation.right):
                return self._annotation(annotation.left)
            if _is_none(annotation.left):
                return self._annotation(annotation.right)
            return None
        return self.qualify(annotation)


def _module_level(statement: ast.stmt) -> list[ast.stmt]:
    """The statement, and those of its ``if`` / ``try`` blocks (still module level)."""
    found: list[ast.stmt] = [statement]
    if isinstance(statement, ast.If):
        blocks = [statement.body, statement.orelse]
    elif isinstance(statement, ast.Try) or _is_try_star(statement):
        blocks = [statement.body, statement.orelse, statement.finalbody]  # type: ignore[attr-defined]
        blocks += [handler.body for handler in statement.handlers]  # type: ignore[attr-defined]
    else:
        blocks = []
    for block in blocks:
        for inner in block:
            found.extend(_module_level(inner))
    return found


def _own_nodes(function: ast.FunctionDef) -> list[ast.AST]:
    """The function's nodes, nested functions and classes aside."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(function.body)
    node_type = ast.AST
    while stack:
        node = stack.pop()
        found.append(node)
        if isinstance(node, _NESTED):
            continue
        for field in node._fields:  # ``ast.iter_child_nodes``, inlined: the same order
            value = getattr(node, field, None)
            if isinstance(value, node_type):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(item for item in value if isinstance(item, node_type))
    return found


def _bound_targets(node: ast.AST) -> list[ast.expr]:
    """The targets a binding statement assigns (``with`` items' ``as`` names too)."""
    if isinstance(node, ast.Assign):
        return list(node.targets)
    if isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For)):
        return [node.target]
    if isinstance(node, ast.With):
        return [item.optional_vars for item in node.items if item.optional_vars is not None]
    return []


def _plain_names(target: ast.expr) -> list[str]:
    """The names a target binds itself (``a``, ``a, *b``), not those of ``a.x`` / ``a[k]``."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _plain_names(element)]
    if isinstance(target, ast.Starred):
        return _plain_names(target.value)
    return []


def _runs_unseen_code(func: ast.expr) -> bool:
    """``exec`` / ``eval`` / ``setattr``-like builtins: what they change is not seen."""
    return isinstance(func, ast.Name) and func.id in _UNSEEN_EFFECTS


def _base_id(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _stores_outside(target: ast.expr, made: set[str]) -> bool:
    """A store into an attribute or item of a value the function did not make."""
    if isinstance(target, (ast.Tuple, ast.List)):
        return any(_stores_outside(element, made) for element in target.elts)
    if isinstance(target, ast.Starred):
        return _stores_outside(target.value, made)
    if isinstance(target, (ast.Attribute, ast.Subscript)):
        return _base_id(target) not in made
    return False


def _forwards(method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether an override only hands its call on to ``super()`` as far as timeouts go:
    it calls ``super().<same name>(...)``, and a ``timeout`` it takes (default None) is
    only passed on, never set (``kwargs.setdefault("timeout", 10)``)."""
    forwarded: set[int] = set()
    calls_super = False
    for node in ast.walk(method):
        if isinstance(node, ast.Call) and _is_super_call(node.func, method.name):
            calls_super = True
            for value in (*node.args, *(keyword.value for keyword in node.keywords)):
                forwarded.add(id(value))
    if not calls_super or not _timeout_default_is_none(method.args):
        return False
    for node in ast.walk(method):
        if isinstance(node, ast.Name) and node.id == "timeout" and id(node) not in forwarded:
            return False
        if (
            isinstance(node, ast.keyword)
            and node.arg == "timeout"
            and not (isinstance(node.value, ast.Name) and node.value.id == "timeout")
        ):
            return False
        if isinstance(node, ast.Constant) and node.value == "timeout":
            return False
    return True


def _is_super_call(func: ast.expr, name: str) -> bool:
    return (
        isinstance(func, ast.Attribute)
        and func.attr == name
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "super"
    )


def _timeout_default_is_none(arguments: ast.arguments) -> bool:
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults))
    defaults += list(arguments.defaults)
    pairs = list(zip(positional, defaults, strict=True))
    pairs += list(zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True))
    for argument, default in pairs:
        if argument.arg == "timeout" and default is not None and not _is_none(default):
            return False
    return True


def _parameters(function: ast.FunctionDef) -> list[str]:
    arguments = function.args
    names = [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]
    names += [a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return names


def _python2_branch(test: ast.expr) -> str | None:
    """Which branch of ``if sys.version_info >= (3, ...)`` (or ``< (3,)``, ``[0] == 2``,
    ``PY2`` / ``PY3`` names) is the Python 2 one: "body", "orelse" or None."""
    if isinstance(test, (ast.Name, ast.Attribute)):
        name = (_dotted(test) or "").rpartition(".")[2].upper()
        return {"PY2": "body", "PY3": "orelse", "PY3K": "orelse"}.get(name)
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if isinstance(left, ast.Subscript):
        left = left.value
    if (_dotted(left) or "") not in ("sys.version_info", "version_info"):
        return None
    major = right.elts[0] if isinstance(right, ast.Tuple) and right.elts else right
    if not (isinstance(major, ast.Constant) and major.value in (2, 3)):
        return None
    three = major.value == 3
    python3_body = (three and isinstance(op, ast.GtE)) or (not three and isinstance(op, ast.Gt))
    python2_body = (three and isinstance(op, ast.Lt)) or (
        not three and isinstance(op, (ast.LtE, ast.Eq))
    )
    if python3_body:
        return "orelse"
    return "body" if python2_body else None


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else ([caught] if caught else [])
    return any(isinstance(n, ast.Name) and n.id in _IMPORT_ERRORS for n in names)


def _is_try_star(node: ast.stmt) -> bool:
    return type(node).__name__ == "TryStar"


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))
