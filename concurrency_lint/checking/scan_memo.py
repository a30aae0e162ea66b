"""The outcome of a scan of an unchanged tree, answered whole.

After a scan of a folder whose every input was settled, its outcome is kept beside the
result cache, with what it rests on: the walk's trail (:mod:`..sources.walk_trail`), the
status and digest of every file scanned, and the project modules the results used. The
same scan (same paths and options; the cache's key covers the configuration, the working
folder, the interpreter and the linter) later answers with it while all of these hold,
without walking, reading the result cache or asking about each file. Anything that does
not hold sends the scan down its usual path, whose outcome is the same.

The results it gives carry no dependency records: nothing after a scan reads them.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from concurrency_lint.checking.cache import ResultCache, is_settled, status_fields
from concurrency_lint.checking.cache_codec import MalformedEntry, decoder_for, encode
from concurrency_lint.checking.dependency_records import ModuleDependency
from concurrency_lint.checking.file_status import stamp, stamp_text
from concurrency_lint.model import ENGINE_CODES, FileResult
from concurrency_lint.sources.discovery import SourceFile
from concurrency_lint.sources.walk_trail import WalkTrail, trail_holds

_PREFIX = "scan"


class ScanMemo:
    """The kept outcome of one scan request (paths and options) under one cache key."""

    def __init__(
        self, cache: ResultCache, paths: list[Path], include_markdown: bool, force_exclude: bool
    ) -> None:
        self._cache = cache
        self._request = [[os.fspath(path) for path in paths], include_markdown, force_exclude]

    def recall(self) -> tuple[tuple[FileResult, ...], int] | None:
        """The results and the number of files scanned, when everything the kept outcome
        rests on holds; else None."""
        document = self._cache.read_companion(_PREFIX)
        if not document or document.get("request") != self._request:
            return None
        try:
            if not _files_hold(document["files"], document["file_statuses"]):
                return None
            if not trail_holds(document["trail"]):
                return None
            if not _modules_hold(document["modules"]):
                return None
            scanned = document["scanned"]
            if type(scanned) is not int:
                return None
            return _results(document["displays"], document["results"]), scanned
        except (KeyError, TypeError, ValueError, MalformedEntry):
            return None

    def keep(
        self,
        trail: WalkTrail,
        files: list[SourceFile],
        known: dict[str, tuple[os.stat_result, str]],
        results: tuple[FileResult, ...],
        dependencies: set[str],
    ) -> None:
        """Keep a scan's outcome, when everything it rests on can be told unchanged later:
        a trusted trail through at least one folder, every file settled and known by its
        digest, no engine finding, and every module used being one of the files with the
        content it has (it holds while that file keeps its status) or else known by its
        own status."""
        packed = trail.packed()
        if not trail.trusted or not packed["folders"]:
            return
        file_paths: list[str] = []
        file_statuses: list[list[int]] = []
        digests: dict[str, str] = {}
        for source in files:
            status, digest = known.get(source.display, (None, ""))
            if status is None or not digest or not stat.S_ISREG(status.st_mode):
                return
            if not is_settled(status):
                return
            file_paths.append(source.path)
            file_statuses.append(_file_signature(status))
            digests[os.path.abspath(source.path)] = digest
        modules = []
        for record in sorted(dependencies):
            dependency = ModuleDependency.unpacked(record)
            if dependency is None:
                return
            if digests.get(dependency.path) == dependency.content_digest:
                continue  # one of the files, as it is: it holds while the file does
            if not dependency.status:
                return
            modules.append([dependency.path, dependency.status])
        if any(finding.code in ENGINE_CODES for result in results for finding in result.findings):
            return
        try:
            kept = [encode(FileResult(result.path, result.findings)) for result in results]
        except (TypeError, RecursionError):
            return
        self._cache.write_companion(
            _PREFIX,
            {
                "request": self._request,
                "trail": packed,
                "files": file_paths,
                "file_statuses": file_statuses,
                "modules": modules,
                "scanned": len(files),
                "displays": [result.path for result in results],
                "results": [
                    row for row, result in zip(kept, results, strict=True) if result.findings
                ],
            },
        )


def _files_hold(paths: Any, statuses: Any) -> bool:
    """Every file keeps the status (type and mode included) it had."""
    if type(paths) is not list or not set(map(type, paths)) <= {str}:
        return False
    try:
        return list(map(_file_signature, map(os.stat, paths))) == statuses
    except (OSError, ValueError):
        return False


def _file_signature(status: os.stat_result) -> list[int]:
    return [status.st_mode, *status_fields(status)]


def _modules_hold(modules: Any) -> bool:
    """Every module used that is not one of the files keeps its recorded status."""
    if type(modules) is not list:
        return False
    for path, status in modules:
        if type(path) is not str or type(status) is not str or not status:
            return False
        if status != stamp_text(stamp(path)):
            return False
    return True


def _results(displays: Any, stored: Any) -> tuple[FileResult, ...]:
    """Every file's result, in order: those with findings decoded, the others empty."""
    if type(displays) is not list or type(stored) is not list:
        raise MalformedEntry("expected lists")
    decode = decoder_for(FileResult)
    with_findings = {result.path: result for result in map(decode, stored)}
    results = []
    for display in displays:
        if type(display) is not str:
            raise MalformedEntry("expected a path")
        results.append(with_findings.pop(display, None) or FileResult(display))
    if with_findings:
        raise MalformedEntry("a result of no scanned file")
    return tuple(results)
