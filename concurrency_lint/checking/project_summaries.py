"""The scan's side of the project model: module summaries read from disk, once per
process and content, and the view of its project each checked file gets.

A summary is built from the module's text (``ast`` only), keyed by the file's content
digest, and kept for the process; with a result cache, summaries are stored in the
scan's cache folder too (see :class:`SummaryStore`). A file's check records the modules
whose summaries it read: its cached result is valid while their summaries are unchanged.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass

from concurrency_lint.analysis.relative_imports import absolute_module
from concurrency_lint.checking.cache_codec import MalformedEntry, decoder_for, encode
from concurrency_lint.project.file_view import FileView, view_of
from concurrency_lint.project.layout import ModuleFile
from concurrency_lint.project.summaries import ModuleSummary, summarize
from concurrency_lint.sources.decoding import UndecodableSource, decode_source
from concurrency_lint.sources.file_reading import UnreadablePath, read_regular_file

#: Larger modules are not summarised (their names stay unknown).
MAX_SUMMARY_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Dependency:
    """A module whose summary a file's findings used, and that summary's digest."""

    path: str
    module: str
    is_package: bool
    summary_digest: str


@dataclass(frozen=True)
class _Known:
    stamp: tuple[int, int]  # (size, mtime_ns) the summary was read at
    summary: ModuleSummary | None
    digest: str


class ProjectSummaries:
    """Summaries of the modules of the projects being checked, for one process."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str, bool], _Known] = {}

    def view(self, path: str) -> FileView | None:
        """The project view of a checked file, or None (not a file on disk, no module)."""
        if not path.endswith((".py", ".pyi")) or not os.path.isfile(path):
            return None
        return view_of(os.path.abspath(path), self.summary)

    def summary(self, module: ModuleFile) -> ModuleSummary | None:
        return self._entry(module).summary

    def dependencies(self, view: FileView) -> tuple[Dependency, ...]:
        """The modules the view's answers read, with their summaries' digests."""
        found = []
        for name, module in sorted(view.used_modules().items()):
            found.append(
                Dependency(module.path, name, module.is_package, self._entry(module).digest)
            )
        return tuple(found)

    def still_valid(self, dependencies: tuple[Dependency, ...]) -> bool:
        """Whether every dependency's summary is what it was."""
        for dependency in dependencies:
            module = ModuleFile(dependency.module, dependency.path, dependency.is_package)
            if self._entry(module).digest != dependency.summary_digest:
                return False
        return True

    def _entry(self, module: ModuleFile) -> _Known:
        key = (module.path, module.name, module.is_package)
        try:
            status = os.stat(module.path)
            stamp = (status.st_size, status.st_mtime_ns)
        except OSError:
            stamp = (-1, -1)
        known = self._known.get(key)
        if known is not None and known.stamp == stamp:
            return known
        summary = _read_summary(module) if 0 <= stamp[0] <= MAX_SUMMARY_BYTES else None
        known = _Known(stamp, summary, summary_digest(summary))
        self._known[key] = known
        return known


def summary_digest(summary: ModuleSummary | None) -> str:
    """A digest of a summary's content (the same summary, the same digest)."""
    data = json.dumps(encode(summary), separators=(",", ":")).encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def decode_summary(value: object) -> ModuleSummary | None:
    """A stored summary, or None when it does not have a summary's shape."""
    try:
        return decoder_for(ModuleSummary)(value)  # type: ignore[no-any-return]
    except MalformedEntry:
        return None


def _read_summary(module: ModuleFile) -> ModuleSummary | None:
    try:
        text = decode_source(read_regular_file(module.path)).text
    except (UnreadablePath, UndecodableSource, OSError):
        return None
    return summarize(text, module.name, module.is_package)


_PROCESS_SUMMARIES = ProjectSummaries()


def process_summaries() -> ProjectSummaries:
    """The summaries this process has read (one set per process, shared by its checks)."""
    return _PROCESS_SUMMARIES


def project_view(path: str) -> FileView | None:
    """The project view of a checked file, from this process's summaries."""
    return _PROCESS_SUMMARIES.view(path)


def project_triggered(
    path: str, tree: ast.Module, codes: tuple[str, ...], triggers: Callable[[str], tuple[str, ...]]
) -> tuple[str, ...]:
    """The codes among ``codes`` (which the text did not trigger) that the names the file
    imports from its project trigger: ``from .net import ApiSession`` where ``ApiSession``
    is a ``requests.Session`` triggers the rules ``requests`` triggers."""
    if not codes:
        return ()
    view = project_view(path)
    if view is None:
        return ()
    meanings = _imported_meanings(view, tree)
    if not meanings:
        return ()
    return tuple(code for code in codes if any(t in m for m in meanings for t in triggers(code)))


def _imported_meanings(view: FileView, tree: ast.Module) -> set[str]:
    """What the project names a module imports are, outside the project."""
    model = view.model
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = absolute_module(view.module_name, view.is_package, node.level, node.module)
            if base is None or not model.is_project_name(base):
                continue
            for alias in node.names:
                names.append(base if alias.name == "*" else f"{base}.{alias.name}")
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names if model.is_project_name(a.name)]
    meanings: set[str] = set()
    for name in names:
        for member in model.members(name) or (name,):
            for answer in (
                model.canonical(member),
                model.made_by(member),
                model.value_type(member),
            ):
                if answer is not None and not model.is_project_name(answer):
                    meanings.add(answer)
    return meanings
