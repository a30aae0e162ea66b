"""The project model: what a qualified name of the project means, across its modules.

Questions are answered on demand from the summaries of the modules they lead to (an
alias leads to another module, a class to its bases' modules, a star import to the
module it reads), so a file's check reads only what it imports, transitively. Every
chain is followed to its end or to a cycle (an answer still being computed is unknown),
which is the least fixpoint of the import graph for the names asked. A name whose top
level is the standard library or a package the knowledge tables describe is never read
from the project (see ``knowledge.library_names``).

Answers are qualified names outside the project (``requests.Session``), or None when the
model cannot show one: the rules keep their contract.

The files of one process share their answers (:class:`SharedAnswers`): an answer is kept
with the questions it asked on the way and the modules it read, with the version of each
(its file's size and modification time, by which the summaries themselves are kept), and
is reused only while those modules keep their versions and none of those
questions is being computed (or was cut by a cycle) in the file asking. An answer that
met a cycle's cut depends on where the cycle was entered, so it is never shared: a
file's findings do not depend on the order the files are checked in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from typing import NamedTuple

from concurrency_lint.analysis.call_shape import CallShape
from concurrency_lint.analysis.pool_classes import ThreadPoolShape
from concurrency_lint.knowledge.io_calls import QUICK_IO_CALLS, WORKER_CEILINGS, io_table
from concurrency_lint.knowledge.library_names import RESERVED_TOP_LEVEL
from concurrency_lint.knowledge.value_types import (
    STAR_EXPORTS,
    SUBCLASSABLE_ALIASES,
    SUBCLASSABLE_TYPES,
)
from concurrency_lint.project.call_shapes import call_shapes
from concurrency_lint.project.layout import (
    ModuleFile,
    find_module,
    has_top_level,
    package_modules,
)
from concurrency_lint.project.summaries import Binding, ClassSummary, ModuleSummary

Loader = Callable[[ModuleFile], "ModuleSummary | None"]
#: A module's text, or None when it cannot be read.
TextReader = Callable[[ModuleFile], "str | None"]
#: The version of a module's file: what changes when its content does.
Versioner = Callable[[ModuleFile], Hashable]

_MAX_DEPTH = 16
#: The blocking I/O functions a project function may call (quick metadata calls aside).
_IO_FUNCTIONS = {name: kind for name, kind in io_table().items() if name not in QUICK_IO_CALLS}
#: ``function_io``'s answer for a function that may change state the callers share.
_SHARES = "shares-state"
_PENDING = object()


class _External(NamedTuple):
    name: str


class _Module(NamedTuple):
    summary: ModuleSummary


class _Named(NamedTuple):
    summary: ModuleSummary
    bindings: tuple[Binding, ...]
    rest: tuple[str, ...]


_Resolved = _External | _Module | _Named | None
_Key = tuple[str, str]


class _Answer(NamedTuple):
    """An answer with what it depended on: the questions asked on the way (its own
    included), the modules whose summaries it asked for and those it only read."""

    value: str | None
    keys: frozenset[_Key]
    asked: tuple[ModuleFile | str, ...]  # a module name that has no file, or its file
    read: tuple[ModuleFile, ...]


class _Frame:
    """What an answer being computed has depended on so far."""

    __slots__ = ("asked", "cut", "key", "keys", "read")

    def __init__(self, key: _Key) -> None:
        self.key = key
        self.keys: set[_Key] = set()
        self.asked: dict[str, ModuleFile | str] = {}
        self.read: dict[str, ModuleFile] = {}
        self.cut = False


class SharedAnswers:
    """Answers shared by the files of one process, per set of import roots.

    ``epoch`` names a span of time in which no module's version changes (a scan, which
    takes each file's status once), or is None outside one: an answer kept in the
    current span is reused without checking the versions again."""

    def __init__(self, version: Versioner, epoch: Callable[[], object] = lambda: None) -> None:
        self.version = version
        self.epoch = epoch
        self._answers: dict[
            tuple[tuple[str, ...], _Key], tuple[_Answer, tuple[Hashable, ...], object]
        ] = {}

    def get(self, roots: tuple[str, ...], key: _Key) -> _Answer | None:
        """The answer kept for ``key``, while every module it read has the same version."""
        found = self._answers.get((roots, key))
        if found is None:
            return None
        answer, versions, epoch = found
        if epoch is not None and epoch is self.epoch():
            return answer
        modules = [m for m in answer.asked if isinstance(m, ModuleFile)] + list(answer.read)
        if any(self.version(m) != d for m, d in zip(modules, versions, strict=True)):
            del self._answers[(roots, key)]
            return None
        return answer

    def put(self, roots: tuple[str, ...], key: _Key, answer: _Answer) -> None:
        modules = [m for m in answer.asked if isinstance(m, ModuleFile)] + list(answer.read)
        versions = tuple(self.version(m) for m in modules)
        self._answers[(roots, key)] = (answer, versions, self.epoch())

    def clear(self) -> None:
        self._answers.clear()


class ProjectModel:
    """One file's view of its project: the roots modules are found in and the loader of
    their summaries. ``used`` lists the modules whose summaries an answer read."""

    def __init__(self, roots: tuple[str, ...], load: Loader) -> None:
        self.roots = roots
        self.load = load
        self.used: dict[str, ModuleFile] = {}
        #: Answers shared with the other files of the process, when the scan shares them.
        self.shared: SharedAnswers | None = None
        #: Reads a module's text for :meth:`named_elsewhere`; without one, nothing is
        #: searched.
        self.read_text: TextReader | None = None
        #: The modules whose texts :meth:`named_elsewhere` searched: any change to them
        #: counts.
        self.searched: dict[str, ModuleFile] = {}
        #: For each searched module, the qualified names it was searched for.
        self.searched_for: dict[str, set[str]] = {}
        self._summaries: dict[str, ModuleSummary | None] = {}
        self._memo: dict[_Key, object] = {}
        self._answers: dict[_Key, _Answer] = {}
        self._frames: list[_Frame] = []
        self._pending: set[_Key] = set()
        self._cut: set[_Key] = set()  # answered here after a cycle's cut
        #: The loader of any module's summary, relevant or not (the questions about what
        #: a function does), and the modules it read.
        self.load_any: Loader | None = None
        self.read_any: dict[str, ModuleFile] = {}

    # ---- questions -----------------------------------------------------------------------

    def is_project_name(self, qualified: str) -> bool:
        """Whether the name's top level is a module of the project."""
        return self._top_level_module(qualified) is not None

    def canonical(self, qualified: str) -> str | None:
        """The name outside the project that a project name is an alias of
        (``s3.compat.httplib.HTTPConnection`` -> ``http.client.HTTPConnection``), else None."""
        if not self.is_project_name(qualified):
            return None
        return self._memoized("canonical", qualified, self._canonical)

    def made_by(self, qualified: str) -> str | None:
        """The known type calling a project name makes: a class keeping a known base type,
        a helper returning one (its annotation, its returns), an alias of a known name."""
        if not self.is_project_name(qualified):
            return None
        return self._memoized("made", qualified, self._made_by)

    def value_type(self, qualified: str) -> str | None:
        """The known type of the value a project name holds (``lock = threading.RLock()``)."""
        if not self.is_project_name(qualified):
            return None
        return self._memoized("value", qualified, self._value_type)

    def member_type(self, owner: str, member: str, called: bool) -> str | None:
        """The annotated return type of ``owner().member(...)`` (``called``) or of the
        property ``owner().member``, for a project class ``owner``: its own method, else
        the nearest project base's; None when a base outside the project may define it."""
        if not self.is_project_name(owner):
            return None
        return self._memoized(
            "member" if called else "property",
            f"{owner}:{member}",
            lambda _: self._member_type(owner, member, called, 0),
        )

    def only_prints(self, qualified: str) -> bool:
        """Whether a module-level function of the project does nothing but print (its
        module's summary is read even when it imports nothing the rules know)."""
        summary, name = self._any_summary(qualified)
        if summary is None or name not in summary.quiet:
            return False
        return [b.kind for b in summary.bindings if b.name == name] == ["function"]

    def is_string_constant(self, qualified: str) -> bool:
        """Whether a module-level name of the project is only ever bound to a string
        literal (``GOOGLE_SPEECH_API_URL = "http://..."`` of ``constants.py``)."""
        summary, name = self._any_summary(qualified)
        return summary is not None and name in summary.strings

    def _any_summary(self, qualified: str) -> tuple[ModuleSummary | None, str]:
        """The summary of the module a ``module.name`` of the project names, relevant or
        not (recorded as read), and the name."""
        module, _, name = qualified.rpartition(".")
        if self.load_any is None or not module or not self.is_project_name(qualified):
            return None, name
        found = find_module(module, self.roots)
        if found is None:
            return None, name
        summary = self.load_any(found)
        self.read_any[module] = found
        self.used.setdefault(module, found)
        return summary, name

    def thread_pool(self, qualified: str) -> ThreadPoolShape | None:
        """The shape of a project class that is a thread pool of its own making: its
        worker class is a ``threading.Thread`` of the project that calls what the pool's
        queue hands it (see ``project.pool_classes``); else None."""
        if not self.is_project_name(qualified):
            return None
        key = ("thread-pool", qualified)
        if key not in self._memo:
            self._memo[key] = self._thread_pool(qualified)
        return self._memo[key]  # type: ignore[return-value]

    def _thread_pool(self, qualified: str) -> ThreadPoolShape | None:
        shape = self._class_summary(qualified)
        pool = shape.pool if shape is not None else None
        if pool is None or self.made_by(pool.worker) != "threading.Thread":
            return None
        worker = self._class_summary(pool.worker)
        return pool if worker is not None and worker.runs_queued_calls else None

    def _class_summary(self, qualified: str) -> ClassSummary | None:
        resolved = self._resolve(qualified, 0)
        if not isinstance(resolved, _Named) or resolved.rest:
            return None
        if [b.kind for b in resolved.bindings] != ["class"]:
            return None
        found = [c for c in resolved.summary.classes if c.name == resolved.bindings[0].target]
        return found[-1] if found else None

    def function_io(self, qualified: str) -> str | None:
        """The kind of blocking I/O (file, network, subprocess) calling a project function
        waits on: an I/O call of the knowledge tables in its code, or in a project function
        it calls, followed across modules. None when none is found, or when the function
        may change state beyond the values it made (its callees' included)."""
        if not self.is_project_name(qualified):
            return None
        found = self._memoized("io", qualified, self._function_io)
        return None if found in (None, "", _SHARES) else found

    def kind_of(self, qualified: str) -> str | None:
        """What a project name is: ``module``, ``class``, ``function``, ``other`` (a
        module-level value, or bindings of several kinds), ``attribute`` (a name read off
        a module-level one), ``external`` (it leads outside the project); None when the
        model cannot tell (a module it does not summarise, a name no module binds)."""
        if not self.is_project_name(qualified):
            return None
        return self._memoized("kind", qualified, self._kind_of)

    def binds(self, qualified: str) -> bool:
        """Whether a project name leads to a module or a module-level name of the project."""
        if not self.is_project_name(qualified):
            return False
        return isinstance(self._resolve(qualified, 0), (_Module, _Named))

    def from_star(self, module: str, dotted: str) -> str | None:
        """What ``dotted`` read after ``from module import *`` is: a name outside the
        project, or the project name it leads to; None when the module does not bind it."""
        head = dotted.partition(".")[0]
        summary = self._summary(module) if self.is_project_name(module) else None
        if summary is None or head.startswith("_") or not _exports(summary, head):
            return None
        qualified = f"{module}.{dotted}"
        return self.canonical(qualified) or (qualified if self.binds(f"{module}.{head}") else None)

    def calls_elsewhere(self, module: str, name: str) -> tuple[CallShape, ...] | None:
        """How the modules of ``module``'s package (and those beside it) other than itself
        call its module-level ``name``: () when none has the word in its text; None when
        one uses it other than by calling it, or that cannot be told (no reader, an
        unreadable module, a package too large to search)."""
        key = ("calls", f"{module}:{name}")
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        self._memo[key] = found = self._calls_elsewhere(module, name)
        return found

    def _calls_elsewhere(self, module: str, name: str) -> tuple[CallShape, ...] | None:
        if self.read_text is None:
            return None
        modules = package_modules(module, self.roots)
        if modules is None:
            return None
        word = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
        shapes: list[CallShape] = []
        for other in modules:
            if other.name == module:
                continue
            self.searched.setdefault(other.name, other)
            self.searched_for.setdefault(other.name, set()).add(f"{module}.{name}")
            text = self.read_text(other)
            if text is None:
                return None
            if not word.search(text):
                continue
            found = call_shapes(text, other.name, other.is_package, f"{module}.{name}")
            if found is None:
                return None
            shapes.extend(found)
        return tuple(shapes)

    def asked(self) -> frozenset[str]:
        """The modules whose summaries an answer asked for."""
        return frozenset(self._summaries)

    # ---- resolution ----------------------------------------------------------------------

    def note_used(self, name: str, module: ModuleFile) -> None:
        """Record that an answer read a module (its text, its summary's relevance)."""
        self.used.setdefault(name, module)
        for frame in self._frames:
            frame.read.setdefault(name, module)

    def _memoized(
        self, kind: str, qualified: str, compute: Callable[[str], str | None]
    ) -> str | None:
        key = (kind, qualified)
        if key in self._pending:
            self._cut_frames()
            return None  # a cycle: unknown while being computed
        if key in self._memo:
            if key in self._cut:
                self._cut_frames()
            elif key in self._answers:
                self._depend_on(self._answers[key])
            return self._memo[key]  # type: ignore[return-value]
        shared = self.shared.get(self.roots, key) if self.shared is not None else None
        if shared is not None and shared.keys.isdisjoint(self._pending | self._cut):
            self._replay(shared)
            self._memo[key] = shared.value
            self._answers[key] = shared
            return shared.value
        self._memo[key] = _PENDING
        self._pending.add(key)
        frame = _Frame(key)
        self._frames.append(frame)
        try:
            answer = compute(qualified)
        finally:
            self._frames.pop()
            self._pending.discard(key)
        self._memo[key] = answer
        if frame.cut:
            self._cut.add(key)
            self._cut_frames()
            return answer
        frame.keys.add(key)
        kept = _Answer(
            answer, frozenset(frame.keys), tuple(frame.asked.values()), tuple(frame.read.values())
        )
        self._answers[key] = kept
        self._depend_on(kept)
        if self.shared is not None:
            self.shared.put(self.roots, key, kept)
        return answer

    def _cut_frames(self) -> None:
        for frame in self._frames:
            frame.cut = True

    def _depend_on(self, answer: _Answer) -> None:
        """Add what an answer depended on to every answer being computed."""
        for frame in self._frames:
            frame.keys |= answer.keys
            for asked in answer.asked:
                name = asked.name if isinstance(asked, ModuleFile) else asked
                frame.asked.setdefault(name, asked)
            for module in answer.read:
                frame.read.setdefault(module.name, module)

    def _replay(self, answer: _Answer) -> None:
        """Read what a shared answer read, as computing it here would have."""
        for asked in answer.asked:
            name = asked.name if isinstance(asked, ModuleFile) else asked
            if name not in self._summaries:
                self._read_summary(name)
        for module in answer.read:
            self.used.setdefault(module.name, module)
        self._depend_on(answer)

    def _kind_of(self, qualified: str) -> str | None:
        resolved = self._resolve(qualified, 0)
        if isinstance(resolved, _External):
            return "external"
        if isinstance(resolved, _Module):
            return "module"
        if not isinstance(resolved, _Named):
            return None
        if resolved.rest:
            return "attribute"
        kinds = {binding.kind for binding in resolved.bindings}
        return kinds.pop() if len(kinds) == 1 and kinds <= {"class", "function"} else "other"

    def _canonical(self, qualified: str) -> str | None:
        resolved = self._resolve(qualified, 0)
        if isinstance(resolved, _External) and resolved.name != qualified:
            return resolved.name
        return None

    def _made_by(self, qualified: str) -> str | None:
        resolved = self._resolve(qualified, 0)
        if isinstance(resolved, _External):
            return resolved.name
        if not isinstance(resolved, _Named) or resolved.rest:
            return None
        made: set[str | None] = set()
        for binding in resolved.bindings:
            if binding.kind == "class":
                made.add(self._class_type(resolved.summary, binding.target))
            elif (binding.kind == "function" and binding.target) or binding.kind == "alias":
                made.add(self._type_made_by(binding.target))
            else:
                made.add(None)
        return made.pop() if len(made) == 1 else None

    def _type_made_by(self, qualified: str) -> str | None:
        if self.is_project_name(qualified):
            return self.made_by(qualified)
        return qualified

    def _value_type(self, qualified: str) -> str | None:
        resolved = self._resolve(qualified, 0)
        if not isinstance(resolved, _Named) or resolved.rest:
            return None
        types: set[str | None] = set()
        for binding in resolved.bindings:
            if binding.kind == "instance" and binding.target:
                types.add(self._type_made_by(binding.target))
            elif binding.kind == "alias" and self.is_project_name(binding.target):
                types.add(self.value_type(binding.target))
            else:
                types.add(None)
        return types.pop() if len(types) == 1 else None

    def _function_io(self, qualified: str) -> str | None:
        """The I/O kind ("" for none, ``_SHARES`` for a function that changes shared
        state), the smallest worker ceiling first when it does several kinds."""
        resolved = self._resolve(qualified, 0)
        if not isinstance(resolved, _Named) or resolved.rest:
            return None
        if [binding.kind for binding in resolved.bindings] != ["function"]:
            return None
        name = resolved.bindings[0].name
        found = [f for f in resolved.summary.functions if f.name == name]
        if not found or found[-1].shares_state:
            return _SHARES
        kinds: set[str] = set()
        for call in found[-1].calls:
            name = self.canonical(call) or call
            if name in _IO_FUNCTIONS:
                kinds.add(_IO_FUNCTIONS[name])
            elif self.is_project_name(name):
                kind = self._memoized("io", name, self._function_io)
                if kind == _SHARES:
                    return _SHARES
                if kind:
                    kinds.add(kind)
        return min(kinds, key=lambda kind: WORKER_CEILINGS[kind]) if kinds else ""  # type: ignore[index]

    def _class_type(self, summary: ModuleSummary, name: str) -> str | None:
        return self._memoized(
            "class", f"{summary.module}.{name}", lambda _: self._class_bases(summary.module, name)
        )

    def _class_bases(self, module: str, name: str) -> str | None:
        summary = self._summary(module)  # read here too: the answer depends on it
        return self._bases(summary, name) if summary is not None else None

    def _bases(self, summary: ModuleSummary, name: str) -> str | None:
        found = [c for c in summary.classes if c.name == name]
        if not found:
            return None
        cls: ClassSummary = found[-1]
        for base in cls.bases:
            if not base:
                continue
            kept = self._type_made_by(base)
            kept = SUBCLASSABLE_ALIASES.get(kept or "", kept)
            if kept not in SUBCLASSABLE_TYPES:
                continue
            overridden = {method.name for method in cls.methods if not method.forwards}
            if overridden & SUBCLASSABLE_TYPES[kept]:
                return None
            return kept
        return None

    def _member_type(self, owner: str, member: str, called: bool, depth: int) -> str | None:
        resolved = self._resolve(owner, 0)
        if depth > _MAX_DEPTH or not isinstance(resolved, _Named) or resolved.rest:
            return None
        if [b.kind for b in resolved.bindings] != ["class"]:
            return None
        found = [c for c in resolved.summary.classes if c.name == resolved.bindings[0].target]
        if not found:
            return None
        cls: ClassSummary = found[-1]
        methods = [method for method in cls.methods if method.name == member]
        if methods:
            method = methods[-1]
            if method.is_property == called or not method.returns:
                return None
            return self._type_made_by(method.returns) or method.returns
        for base in cls.bases:
            if not base or not self.is_project_name(base):
                return None  # a base outside the project (or no plain name) may define it
            made = self._member_type(base, member, called, depth + 1)
            if made is not None:
                return made
        return None

    def _resolve(self, qualified: str, depth: int) -> _Resolved:
        """What a qualified name is: a name outside the project, a project module, or the
        bindings of a module-level name (with the attributes read after it)."""
        if depth > _MAX_DEPTH:
            return None
        if not self.is_project_name(qualified):
            return _External(qualified)
        parts = qualified.split(".")
        for end in range(len(parts), 0, -1):
            summary = self._summary(".".join(parts[:end]))
            if summary is None:
                continue
            rest = tuple(parts[end:])
            if not rest:
                return _Module(summary)
            return self._lookup(summary, rest, depth)
        return None

    def _lookup(self, summary: ModuleSummary, rest: tuple[str, ...], depth: int) -> _Resolved:
        name, after = rest[0], rest[1:]
        bindings = tuple(b for b in summary.bindings if b.name == name)
        primary = tuple(b for b in bindings if not b.fallback) or bindings
        if not primary:
            return self._through_stars(summary, rest, depth)
        if {(b.kind, b.target) for b in primary} == {("alias", primary[0].target)}:
            target = ".".join((primary[0].target, *after))
            return self._resolve(target, depth + 1)
        return _Named(summary, primary, after)

    def _through_stars(
        self, summary: ModuleSummary, rest: tuple[str, ...], depth: int
    ) -> _Resolved:
        name = rest[0]
        if name.startswith("_"):
            return None
        for star in summary.star_imports:
            if self.is_project_name(star):
                imported = self._summary(star)
                if imported is None or not _exports(imported, name):
                    continue
            elif name not in STAR_EXPORTS.get(star, ()):
                continue
            return self._resolve(".".join((star, *rest)), depth + 1)
        return None

    def _summary(self, module: str) -> ModuleSummary | None:
        if module in self._summaries:
            summary = self._summaries[module]
        else:
            summary = self._read_summary(module)
        if self._frames:
            found = find_module(module, self.roots)
            for frame in self._frames:
                frame.asked.setdefault(module, found if found is not None else module)
        return summary

    def _read_summary(self, module: str) -> ModuleSummary | None:
        found = find_module(module, self.roots)
        summary = self.load(found) if found is not None else None
        self._summaries[module] = summary
        if found is not None:
            self.used[module] = found
        return summary

    def _top_level_module(self, qualified: str) -> str | None:
        top = qualified.partition(".")[0]
        if not top or top in RESERVED_TOP_LEVEL:
            return None
        key = ("top", top)
        if key not in self._memo:
            self._memo[key] = top if has_top_level(top, self.roots) else None
        return self._memo[key]  # type: ignore[return-value]


def _exports(summary: ModuleSummary, name: str) -> bool:
    """Whether ``from module import *`` binds ``name``."""
    if summary.exports is not None:
        return name in summary.exports
    return any(binding.name == name for binding in summary.bindings) or bool(summary.star_imports)
