"""The scan's side of the project model: module summaries read from disk, once per
process and content, and the view of its project each checked file gets.

A summary is built from the module's text (``ast`` only), keyed by the file's content
digest, and kept for the process; with a result cache, summaries are stored in the
scan's cache folder too (see :class:`SummaryStore`). A file's check records the modules
whose summaries it read: its cached result is valid while their summaries are unchanged.
"""

from __future__ import annotations

import ast
import functools
import os
import re
from collections.abc import Callable

from concurrency_lint.analysis.ast_screens import ImportOrigin, ProjectIo
from concurrency_lint.analysis.relative_imports import absolute_module
from concurrency_lint.checking.dependency_records import ModuleDependency, file_digest
from concurrency_lint.checking.file_status import scan_epoch, stamp_text
from concurrency_lint.checking.file_status import stamp as _stamp
from concurrency_lint.checking.screens import MODEL_TRIGGERED, SCREENS, module_level_imports
from concurrency_lint.knowledge.library_names import RESERVED_TOP_LEVEL
from concurrency_lint.project.file_view import FileView, view_of
from concurrency_lint.project.layout import ModuleFile, find_module
from concurrency_lint.project.model import ProjectModel, SharedAnswers
from concurrency_lint.project.relevance import (
    import_lines,
    imported_modules,
    imports_known_library,
)
from concurrency_lint.project.summaries import ModuleSummary, summarize
from concurrency_lint.sources.decoding import UndecodableSource, decode_source
from concurrency_lint.sources.digests import content_digest, digest
from concurrency_lint.sources.file_reading import UnreadablePath, read_regular_file
from concurrency_lint.sources.settling import settled_cutoff

_MODEL_TOKENS = tuple(sorted({t for code in MODEL_TRIGGERED for t in SCREENS[code].triggers}))


#: The state of a module whose text was searched (``calls_elsewhere``): ``w:``, the
#: names searched for, and a digest of how the text calls each of them.
_SEARCHED = "w:"

#: Larger modules are not summarised (their names stay unknown).
MAX_SUMMARY_BYTES = 2 * 1024 * 1024


@functools.lru_cache(maxsize=4096)
def _attributes_pattern(head: str) -> re.Pattern[str]:
    """``head`` and the attributes read after it; a literal first, which the regular
    expression engine finds fast."""
    return re.compile(re.escape(head) + r"((?:\.[A-Za-z_]\w*)+)")


def _attributes_read(head: str, text: str) -> set[str]:
    """The attribute chains read after the name ``head`` in ``text`` (``net.make_session``:
    ``.make_session``), where ``head`` is a whole name (not the end of a longer one or of
    an attribute)."""
    found: set[str] = set()
    for match in _attributes_pattern(head).finditer(text):
        start = match.start()
        before = text[start - 1] if start else " "
        if before != "." and not (before.isalnum() or before == "_"):
            found.add(match.group(1))
    return found


class _Known:
    """What one module's text says, read once per content: whether it imports a library
    the rules know, its import lines, and (parsed only when asked) its summary."""

    def __init__(self, stamp: tuple[int, int], data: bytes | None, module: ModuleFile) -> None:
        self.stamp = stamp
        self._data = data
        self._raw = data
        self._module = module
        text = _text_of(data) if data is not None else None
        self.text = text or ""
        self.readable = text is not None
        lines = import_lines(text) if text is not None else None
        self.knows_library = lines is not None and imports_known_library(lines)
        self.imports = imported_modules(lines) if lines is not None else ()
        self._summary: ModuleSummary | None = None
        self._summarised = False
        self._project_imports: dict[tuple[str, ...], list[ModuleFile]] = {}
        self._toward: dict[frozenset[str], bool] = {}

    def project_imports(self, roots: tuple[str, ...]) -> list[ModuleFile]:
        """The project modules its import lines name, under ``roots``."""
        found = self._project_imports.get(roots)
        if found is None:
            found = self._project_imports[roots] = _project_imports(
                self._module, self.imports, roots
            )
        return found

    def leads_to(self, wanted: dict[str, tuple[tuple[str, ...], frozenset[str]]]) -> set[str]:
        """The codes of ``wanted`` (trigger tokens, names looked for) whose tokens the text
        holds and, when the rule names what it looks for, toward which it imports."""
        if not self.knows_library:
            return set()
        return {
            code
            for code, (tokens, needed) in wanted.items()
            if not self.present_tokens.isdisjoint(tokens)
            and (not needed or self.imports_toward(needed))
        }

    def imports_toward(self, needed: frozenset[str]) -> bool:
        """Whether an absolute import line names a module or a name that is one of
        ``needed``, lies on the way to one (``urllib`` for ``urllib.request.urlopen``) or
        lies inside one (``requests.sessions`` for ``requests``)."""
        known = self._toward.get(needed)
        if known is None:
            known = self._toward[needed] = self._imports_toward(needed)
        return known

    def _imports_toward(self, needed: frozenset[str]) -> bool:
        for level, module, names in self.imports:
            if level or not module:
                continue
            for imported in (module, *(f"{module}.{name}" for name in names)):
                if imported.endswith(".*"):
                    imported = module
                if _leads_to(imported, needed):
                    return True
        return False

    @functools.cached_property
    def content_digest(self) -> str:
        """The digest of the file's bytes ("" when unreadable), computed when first asked."""
        data, self._raw = self._raw, None
        return content_digest(data) if data is not None else ""

    @property
    def summary(self) -> ModuleSummary | None:
        if not self._summarised:
            self._summarised = True
            if self._data is not None:
                self._summary = _summary_of(self._data, self._module)
            self._data = None
        return self._summary

    @functools.cached_property
    def text_state(self) -> str:
        """``t:`` and a digest of what the screen reads of the text: whether it imports a
        library the rules know, which trigger tokens of :data:`MODEL_TRIGGERED` rules it
        holds, and its import lines."""
        present = [token for token in _MODEL_TOKENS if token in self.present_tokens]
        return "t:" + _json_digest([self.knows_library, present, self.imports])

    @functools.cached_property
    def present_tokens(self) -> frozenset[str]:
        """The trigger tokens of :data:`MODEL_TRIGGERED` rules the text holds."""
        return frozenset(token for token in _MODEL_TOKENS if token in self.text)

    def state_digest(self, relevant: bool) -> str:
        """``s:`` and the summary's digest for a module whose summary answers can use;
        ``i:`` and its import lines' digest for one that can mean nothing the rules know
        (each computed once per entry: an entry is replaced when its file changes)."""
        return self._summary_state if relevant else self._imports_state

    @functools.cached_property
    def _summary_state(self) -> str:
        return "s:" + summary_digest(self.summary)

    @functools.cached_property
    def _imports_state(self) -> str:
        return "i:" + _json_digest([self.knows_library, self.imports])


class ProjectSummaries:
    """Summaries of the modules of the projects being checked, for one process, and the
    view each file being checked has (one per check, whoever asks).

    A module is parsed for its summary only when it is *relevant*: it imports a library
    the rules know, or a module of the project that is relevant (see
    :mod:`concurrency_lint.project.relevance`); the others answer nothing.
    """

    def __init__(self) -> None:
        self._known: dict[tuple[str, str, bool], _Known] = {}
        self._views: dict[str, FileView | None] = {}
        self._relevant: dict[tuple[str, tuple[str, ...]], bool] = {}
        self._digests: dict[tuple[str, tuple[int, int]], str] = {}  # (path, stamp) -> digest
        self._answers = SharedAnswers(lambda module: self._entry(module).stamp, scan_epoch)

    def view(self, path: str) -> FileView | None:
        """The project view of a checked file, or None (not a file on disk, no module)."""
        if path not in self._views:
            found = None
            if path.endswith((".py", ".pyi")) and os.path.isfile(path):
                found = view_of(os.path.abspath(path), self.summary)
                if found is not None:
                    model = found.model
                    model.load = functools.partial(self._load, model.roots, model.note_used)
                    model.load_any = self.summary
                    model.shared = self._answers
                    model.read_text = self._text
            self._views[path] = found
        return self._views[path]

    def summary(self, module: ModuleFile) -> ModuleSummary | None:
        return self._entry(module).summary

    def finish(self, path: str, record: bool = True) -> tuple[str, ...]:
        """The modules the file's check read, with their digests (when ``record``: a
        check whose result is not kept records nothing); ends its view."""
        view = self._views.pop(path, None)
        if view is None or not record:
            return ()
        roots = view.model.roots
        asked = view.model.asked()
        read_any = view.model.read_any  # their summaries were read, relevant or not
        searched = view.model.searched
        found = []
        for name, module in sorted({**view.used_modules(), **searched}.items()):
            entry = self._entry(module)
            if name in searched:  # its calls of some names were read
                state = _searched_state(module, entry, view.model.searched_for.get(name, set()))
            elif name in read_any:
                state = entry.state_digest(True)
            elif name in asked:
                state = entry.state_digest(self._is_relevant(module, roots, module.path))
            else:  # only its text was read, for the screen
                state = entry.text_state
            dependency = ModuleDependency(
                module.path, name, module.is_package, entry.content_digest, state, _trusted(entry)
            )
            found.append(dependency.packed())
        return tuple(found)

    def still_valid(self, records: tuple[str, ...]) -> bool:
        """Whether every dependency's content, or else its state, is what it was."""
        for record in records:
            dependency = ModuleDependency.unpacked(record)
            if dependency is None:
                return False
            if dependency.untouched(self._content_digest):
                continue
            module = ModuleFile(dependency.module, dependency.path, dependency.is_package)
            if dependency.state.startswith(_SEARCHED):
                names = dependency.state[len(_SEARCHED) :].split(" ")[:-1]
                if _searched_state(module, self._entry(module), set(names)) != dependency.state:
                    return False
                continue
            if dependency.state.startswith("t:"):
                if self._entry(module).text_state != dependency.state:
                    return False
                continue
            relevant = dependency.state.startswith("s:")
            if self._entry(module).state_digest(relevant) != dependency.state:
                return False
        return True

    def near_modules_mention(
        self,
        view: FileView,
        tree: ast.Module,
        wanted: dict[str, tuple[tuple[str, ...], frozenset[str]]],
    ) -> dict[str, frozenset[str]]:
        """For each project module the file imports, the codes of ``wanted`` (each with
        its trigger tokens and the names its rule looks for) for which it, or a project
        module it imports, holds one of the tokens in its text and, when the rule names
        what it looks for, imports a name on the way to one of those: the cheap test
        before the model is asked (no parse). A name of the project means something
        outside it only through an import line, so a module that imports nothing on the
        way to a rule's names (``urllib.parse`` for ``urllib.request.urlopen``) cannot
        lead there."""
        module = ModuleFile(view.module_name, "", view.is_package)
        roots = view.model.roots
        near: dict[str, frozenset[str]] = {}
        for imported in _project_imports(module, tuple(_tree_imports(tree)), roots):
            if imported.name in near:
                continue
            codes: set[str] = set()
            for other in (imported, *self._entry(imported).project_imports(roots)):
                view.model.note_used(other.name, other)
                codes |= self._entry(other).leads_to(wanted)
            near[imported.name] = frozenset(codes)
        return near

    # ---- internals -----------------------------------------------------------------------

    def _text(self, module: ModuleFile) -> str | None:
        """A module's text, or None when it cannot be read (or is too large)."""
        entry = self._entry(module)
        return entry.text if entry.readable else None

    def _content_digest(self, path: str) -> str:
        """The digest of a file's bytes, read once per (size, mtime) in this process."""
        key = (path, _stamp(path))
        if key not in self._digests:
            self._digests[key] = file_digest(path)
        return self._digests[key]

    def _load(
        self,
        roots: tuple[str, ...],
        note_used: Callable[[str, ModuleFile], None],
        module: ModuleFile,
    ) -> ModuleSummary | None:
        if not self._is_relevant(module, roots, module.path, note_used):
            return None
        return self._entry(module).summary

    def _is_relevant(
        self,
        module: ModuleFile,
        roots: tuple[str, ...],
        origin: str,
        note_used: Callable[[str, ModuleFile], None] | None = None,
    ) -> bool:
        """Whether the module imports a library the rules know, or imports a project
        module that does (one step: the cost of following every import of a large
        project is a parse of most of it). The modules read are given to ``note_used``."""
        key = (module.path, roots)
        entry = self._entry(module)
        imported = () if entry.knows_library else entry.project_imports(roots)
        if note_used is not None:
            for other in imported:
                note_used(other.name, other)
        if key not in self._relevant:
            self._relevant[key] = entry.knows_library or any(
                self._entry(other).knows_library for other in imported
            )
        return self._relevant[key]

    def _entry(self, module: ModuleFile) -> _Known:
        key = (module.path, module.name, module.is_package)
        stamp = _stamp(module.path)
        known = self._known.get(key)
        if known is not None and known.stamp == stamp:
            return known
        if known is not None:  # the file changed: what was learnt from it may not hold
            self._relevant.clear()
        data = _read(module.path) if 0 <= stamp[0] <= MAX_SUMMARY_BYTES else None
        known = _Known(stamp, data, module)
        self._known[key] = known
        return known


@functools.lru_cache(maxsize=4096)
def _leads_to(imported: str, needed: frozenset[str]) -> bool:
    """Whether the dotted name ``imported`` is one of ``needed``, a package above one,
    or a name inside one."""
    return any(
        name == imported or name.startswith(imported + ".") or imported.startswith(name + ".")
        for name in needed
    )


def _searched_state(module: ModuleFile, entry: _Known, names: set[str]) -> str:
    """``w:``, the qualified names searched for (space-separated, each followed by a
    space), and a digest of how the module's text calls each: not at all, in these
    shapes, or in a way that cannot be told."""
    from concurrency_lint.project.call_shapes import call_shapes

    text = entry.text if entry.readable else None
    calls: list[object] = []
    for name in sorted(names):
        if text is None:
            calls.append(None)
            continue
        word = name.rpartition(".")[2]
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is None:
            calls.append("absent")
            continue
        shapes = call_shapes(text, module.name, module.is_package, name)
        calls.append(
            None
            if shapes is None
            else sorted((shape.positional, sorted(shape.keywords)) for shape in shapes)
        )
    return _SEARCHED + "".join(f"{name} " for name in sorted(names)) + _json_digest(calls)


def _tree_imports(tree: ast.Module) -> list[tuple[int, str, tuple[str, ...]]]:
    found: list[tuple[int, str, tuple[str, ...]]] = []
    for node in module_level_imports(tree):
        if isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or "", tuple(a.name for a in node.names)))
        else:
            found += [(0, alias.name, ()) for alias in node.names]
    return found


def _trusted(entry: _Known) -> str:
    """The status a dependency is known by next time, or "" when too recent to trust."""
    size, mtime = entry.stamp
    if size < 0 or mtime > settled_cutoff():
        return ""
    return stamp_text(entry.stamp)


def _project_imports(
    module: ModuleFile,
    imports: tuple[tuple[int, str, tuple[str, ...]], ...],
    roots: tuple[str, ...],
) -> list[ModuleFile]:
    """The project modules an import line list names (``from . import x`` may name a
    module ``x`` of the package)."""
    found: list[ModuleFile] = []
    for level, name, names in imports:
        base = absolute_module(module.name, module.is_package, level, name or None)
        if base is None or base.partition(".")[0] in RESERVED_TOP_LEVEL:
            continue
        for candidate in (base, *(f"{base}.{n}" for n in names if n != "*")):
            located = find_module(candidate, roots)
            if located is not None and located.path != module.path:
                found.append(located)
    return found


def _json_digest(value: object, separators: tuple[str, str] | None = None) -> str:
    import json

    return digest(json.dumps(value, separators=separators).encode())


def summary_digest(summary: ModuleSummary | None) -> str:
    """A digest of a summary's content (the same summary, the same digest)."""
    from concurrency_lint.checking.cache_codec import encode

    return _json_digest(encode(summary), separators=(",", ":"))


def decode_summary(value: object) -> ModuleSummary | None:
    """A stored summary, or None when it does not have a summary's shape."""
    from concurrency_lint.checking.cache_codec import MalformedEntry, decoder_for

    try:
        return decoder_for(ModuleSummary)(value)  # type: ignore[no-any-return]
    except MalformedEntry:
        return None


def _read(path: str) -> bytes | None:
    try:
        return read_regular_file(path)
    except (UnreadablePath, OSError):
        return None


def _text_of(data: bytes) -> str | None:
    try:
        return decode_source(data).text
    except UndecodableSource:
        return None


def _summary_of(data: bytes, module: ModuleFile) -> ModuleSummary | None:
    text = _text_of(data)
    return summarize(text, module.name, module.is_package) if text is not None else None


_PROCESS_SUMMARIES = ProjectSummaries()


def process_summaries() -> ProjectSummaries:
    """The summaries this process has read (one set per process, shared by its checks)."""
    return _PROCESS_SUMMARIES


def project_view(path: str) -> FileView | None:
    """The project view of the file being checked, from this process's summaries."""
    return _PROCESS_SUMMARIES.view(path)


def finish_check(path: str, record: bool = True) -> tuple[str, ...]:
    """The project modules the check of ``path`` read; called when its check ends."""
    return _PROCESS_SUMMARIES.finish(path, record)


def dependencies_hold(dependencies: tuple[str, ...]) -> bool:
    """Whether a cached result's project dependencies are unchanged."""
    return not dependencies or _PROCESS_SUMMARIES.still_valid(dependencies)


def project_triggered(
    path: str,
    text: str,
    tree: ast.Module,
    codes: tuple[str, ...],
    triggers: Callable[[str], tuple[str, ...]],
) -> tuple[str, ...]:
    """The codes among ``codes`` (which the text did not trigger) that the names the file
    imports from its project trigger: ``from .net import ApiSession`` where ``ApiSession``
    is a ``requests.Session`` triggers the rules ``requests`` triggers."""
    codes = tuple(code for code in codes if code in MODEL_TRIGGERED)
    if not codes:
        return ()
    view = project_view(path)
    if view is None:
        return ()
    wanted = {code: (triggers(code), _needed_names(code)) for code in codes}
    near = _PROCESS_SUMMARIES.near_modules_mention(view, tree, wanted)
    reached = frozenset().union(*near.values())
    codes = tuple(code for code in codes if code in reached)
    if not codes:
        return ()

    def may_lead(module: str, name: str) -> bool:
        """Whether ``from module import name`` names something the codes may mean."""
        found = near.get(f"{module}.{name}", frozenset()) | near.get(module, frozenset())
        return not found.isdisjoint(codes)

    meanings = _imported_meanings(view, tree, text, may_lead)
    if not meanings:
        return ()
    return tuple(code for code in codes if any(t in m for m in meanings for t in triggers(code)))


def _needed_names(code: str) -> frozenset[str]:
    """The names a rule looks for, or nothing when it has no such list (its text
    triggers alone say what it looks for)."""
    screen = SCREENS.get(code)
    return screen.needs_import_of if screen is not None else frozenset()


def _imported_meanings(
    view: FileView, tree: ast.Module, text: str, may_lead: Callable[[str, str], bool]
) -> set[str]:
    """What the project names the module uses are, outside the project: the names it
    imports from project modules (those ``may_lead`` admits), the attributes it reads of
    project modules it imports, and the names it reads that a star import of a project
    module binds."""
    model = view.model
    bound: dict[str, list[str]] = {}  # local name -> the project names it may be
    stars: list[str] = []
    for node in module_level_imports(tree):
        if isinstance(node, ast.ImportFrom):
            base = absolute_module(view.module_name, view.is_package, node.level, node.module)
            if base is None or not model.is_project_name(base):
                continue
            for alias in node.names:
                if not may_lead(base, alias.name):
                    continue
                if alias.name == "*":
                    stars.append(base)
                else:
                    bound.setdefault(alias.asname or alias.name, []).append(f"{base}.{alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if model.is_project_name(alias.name):
                    local = alias.asname or alias.name.partition(".")[0]
                    bound.setdefault(local, []).append(alias.name if alias.asname else local)
    if not bound and not stars:
        return set()
    names: set[str] = {name for candidates in bound.values() for name in candidates}
    for head, candidates in bound.items():  # ``net.make_session``: what is read
        if head + "." not in text:
            continue
        for rest in _attributes_read(head, text):
            parts = rest.split(".")[1:]
            for name in candidates:
                names.update(".".join((name, *parts[:end])) for end in range(1, len(parts) + 1))
    if stars:
        for word in set(re.findall(r"\b[A-Za-z_]\w*", text)) - set(bound):
            for star in stars:
                found = model.from_star(star, word)
                if found is not None:
                    names.add(found)
                    break
    meanings: set[str] = set()
    for name in names:
        if not model.is_project_name(name):  # a star import led outside the project
            meanings.add(name)
            continue
        for answer in (model.canonical(name), model.made_by(name), model.value_type(name)):
            if answer is not None and not model.is_project_name(answer):
                meanings.add(answer)
    return meanings


def project_io_oracle(path: str) -> ProjectIo | None:
    """For the loop rules' second look: whether a name bound by imports, with attributes
    read after it (``net.session.get``), may be I/O as the rules see it through the
    project model. None when the file is not a module of a project.

    The rules count a project function as I/O when the model finds I/O in it, and a
    project value or a call's result when the model knows its type; so a name that
    leads to a project class of no known base, a function without I/O, nothing the
    model knows, or an attribute read off a value the model cannot say anything of (no
    type, maker or outside name: ``apps.get_app_config``), cannot be. Anything else may
    (a name leading outside the project, an attribute read off a project class or a
    known value, an import beyond the top package)."""
    view = project_view(path)
    if view is None:
        return None
    model = view.model

    def may_be_io(origins: frozenset[ImportOrigin], rest: tuple[str, ...]) -> bool:
        for dots, module, name in origins:
            if name:
                base = absolute_module(view.module_name, view.is_package, dots, module or None)
                if base is None:
                    return True
                target = f"{base}.{name}"
            else:
                target = module
            if _may_be_io(model, target, rest):
                return True
        return False

    return may_be_io


def _may_be_io(model: ProjectModel, target: str, rest: tuple[str, ...]) -> bool:
    """Whether ``target`` followed by the attributes ``rest`` may be I/O (see
    :func:`project_io_oracle`); a name outside the project is for the tables to say."""
    if not model.is_project_name(target):
        return False
    parts = [target, *rest]
    for end in range(1, len(parts) + 1):
        name = ".".join(parts[:end])
        last = end == len(parts)
        kind = model.kind_of(name)
        if kind is None:
            return False  # the rules learn nothing of it either
        if kind == "module":
            continue
        if kind == "other" and not last and not _known_value(model, name):
            return False  # nothing types what is read off it, for the rules either
        if kind == "external" or not last:
            return True
        if kind == "function":
            return model.function_io(name) is not None or model.made_by(name) is not None
        if kind == "class":
            return model.made_by(name) is not None
        return _known_value(model, name)
    return True  # a module itself: whatever is read off it later


def _known_value(model: ProjectModel, name: str) -> bool:
    """Whether the model says what a project value is: the name it stands for outside,
    what made it, or its type."""
    return any(
        answer is not None
        for answer in (model.canonical(name), model.made_by(name), model.value_type(name))
    )
