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
from concurrency_lint.model import ModuleDependency
from concurrency_lint.project.file_view import FileView, view_of
from concurrency_lint.project.layout import ModuleFile
from concurrency_lint.project.summaries import ModuleSummary, summarize
from concurrency_lint.sources.decoding import UndecodableSource, decode_source
from concurrency_lint.sources.file_reading import UnreadablePath, read_regular_file

#: Larger modules are not summarised (their names stay unknown).
MAX_SUMMARY_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class _Known:
    stamp: tuple[int, int]  # (size, mtime_ns) the summary was read at
    summary: ModuleSummary | None
    content_digest: str
    digest: str


class ProjectSummaries:
    """Summaries of the modules of the projects being checked, for one process, and the
    view each file being checked has (one per check, whoever asks)."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str, bool], _Known] = {}
        self._views: dict[str, FileView | None] = {}

    def view(self, path: str) -> FileView | None:
        """The project view of a checked file, or None (not a file on disk, no module)."""
        if path not in self._views:
            found = None
            if path.endswith((".py", ".pyi")) and os.path.isfile(path):
                found = view_of(os.path.abspath(path), self.summary)
            self._views[path] = found
        return self._views[path]

    def summary(self, module: ModuleFile) -> ModuleSummary | None:
        return self._entry(module).summary

    def finish(self, path: str) -> tuple[ModuleDependency, ...]:
        """The modules the file's check read, with their digests; ends its view."""
        view = self._views.pop(path, None)
        if view is None:
            return ()
        found = []
        for name, module in sorted(view.used_modules().items()):
            entry = self._entry(module)
            found.append(
                ModuleDependency(
                    module.path, name, module.is_package, entry.content_digest, entry.digest
                )
            )
        return tuple(found)

    def still_valid(self, dependencies: tuple[ModuleDependency, ...]) -> bool:
        """Whether every dependency's content, or else its summary, is what it was."""
        for dependency in dependencies:
            if _content_digest(dependency.path) == dependency.content_digest:
                continue
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
        data = _read(module.path) if 0 <= stamp[0] <= MAX_SUMMARY_BYTES else None
        summary = _summary_of(data, module) if data is not None else None
        content = content_digest(data) if data is not None else ""
        known = _Known(stamp, summary, content, summary_digest(summary))
        self._known[key] = known
        return known


def content_digest(data: bytes) -> str:
    """The digest of a module's bytes (as the result cache computes it)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


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


def _read(path: str) -> bytes | None:
    try:
        return read_regular_file(path)
    except (UnreadablePath, OSError):
        return None


def _content_digest(path: str) -> str:
    data = _read(path)
    return content_digest(data) if data is not None else ""


def _summary_of(data: bytes, module: ModuleFile) -> ModuleSummary | None:
    try:
        text = decode_source(data).text
    except UndecodableSource:
        return None
    return summarize(text, module.name, module.is_package)


_PROCESS_SUMMARIES = ProjectSummaries()


def process_summaries() -> ProjectSummaries:
    """The summaries this process has read (one set per process, shared by its checks)."""
    return _PROCESS_SUMMARIES


def project_view(path: str) -> FileView | None:
    """The project view of the file being checked, from this process's summaries."""
    return _PROCESS_SUMMARIES.view(path)


def finish_check(path: str) -> tuple[ModuleDependency, ...]:
    """The project modules the check of ``path`` read; called when its check ends."""
    return _PROCESS_SUMMARIES.finish(path)


def dependencies_hold(dependencies: tuple[ModuleDependency, ...]) -> bool:
    """Whether a cached result's project dependencies are unchanged."""
    return not dependencies or _PROCESS_SUMMARIES.still_valid(dependencies)


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
