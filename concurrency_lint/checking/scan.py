"""The scan: discover, read, consult the cache, check what must be checked, collect.

This module does not import LibCST, nor does the file checker until some rule may fire
on a file: a warm run, or a run over files no rule fires on, never needs it.

Where a file is checked: in this process when the run is small and the file is
harmless, else in worker processes (:mod:`.worker_pool`) within a time and memory
budget. Harmless is decided before any parse, by measures that bound what the parsers
can cost: the text's size (LibCST's memory grows with it, some tens of times over) and
its nesting as :func:`needs_strict_precheck` reads it (the parsers recurse per level).
A file above either goes to a worker, even alone, so that no file can take the run down;
below both, the parse is linear in a small text and a worker would only add its start.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from concurrency_lint.checking.collector import tune_for_checking, tuned_for_checking
from concurrency_lint.checking.file_status import begin_scan, note, one_scan
from concurrency_lint.checking.selection import reported_engine_findings
from concurrency_lint.config import Config
from concurrency_lint.model import INTERNAL_ERROR, UNREADABLE_FILE, FileResult, Finding, Span
from concurrency_lint.sources.decoding import (
    UndecodableSource,
    decode_source,
    needs_strict_precheck,
)
from concurrency_lint.sources.discovery import Discovery, SourceFile
from concurrency_lint.sources.file_reading import UnreadablePath, read_regular_file
from concurrency_lint.sources.walk_trail import WalkTrail

if TYPE_CHECKING:
    from concurrency_lint.checking.cache import ResultCache
    from concurrency_lint.checking.file_checker import FileChecker
    from concurrency_lint.checking.worker_pool import Budget

# Below this many files to check, worker processes cost more than they save.
IN_PROCESS_LIMIT = 24
#: A text longer than this is checked in a worker, within the budget, even alone.
RISKY_CHARS = 512 * 1024

Progress = Callable[[int, int], None]


class ScanOptions(NamedTuple):
    """How a scan runs (the configuration says what it checks)."""

    jobs: int | None = None
    use_cache: bool = True
    include_markdown: bool = False
    force_exclude: bool = False


class ScanOutcome(NamedTuple):
    """Each scanned file's result, sorted by path, and how many files were scanned."""

    results: tuple[FileResult, ...]
    files_scanned: int

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(finding for result in self.results for finding in result.findings)


class _Pending(NamedTuple):
    """A file to check: how findings name it, its digest and text."""

    display: str
    digest: str
    text: str
    markdown: bool
    status: os.stat_result | None = None  # the file's, when it was read for the cache


def scan_paths(
    paths: list[Path], config: Config, options: ScanOptions, progress: Progress | None = None
) -> ScanOutcome:
    """Scan files and folders; every problem becomes a finding, nothing raises.

    Ctrl-C (KeyboardInterrupt) stops the workers at once and propagates; the cache is
    then left as it was.
    """
    with one_scan():
        return _scan_paths(paths, config, options, progress)


def _scan_paths(
    paths: list[Path], config: Config, options: ScanOptions, progress: Progress | None
) -> ScanOutcome:
    include_markdown = options.include_markdown or config.include_markdown
    cache = _open_cache(config) if options.use_cache else None
    memo = trail = None
    if cache is not None:
        from concurrency_lint.checking.scan_memo import ScanMemo

        memo = ScanMemo(cache, paths, include_markdown, options.force_exclude)
        recalled = memo.recall()
        if recalled is not None:
            if progress:
                progress(recalled[1], recalled[1])
            return ScanOutcome(*recalled)
        trail = WalkTrail()
    listings = cache.listings if cache is not None else None
    discovery = Discovery(config, include_markdown, options.force_exclude, listings, trail)
    files, problems = discovery.run(paths)
    results: dict[str, FileResult] = {
        problem.display: _file_finding(UNREADABLE_FILE, problem.message, problem.display)
        for problem in problems
    }
    pending: list[_Pending] = []
    held = _DependencyCheck(cache, files)
    known: dict[str, tuple[os.stat_result, str]] = {}  # display -> status and digest
    for source in files:
        result, job = _prepare(source, cache, held, known)
        if result is not None:
            results[source.display] = result
        elif job is not None:
            pending.append(job)
    done = len(files) - len(pending)
    if progress:
        progress(done, len(files))
    for job, result, complete in _check_all(pending, config, options.jobs, cache is not None):
        results[job.display] = result
        if cache is not None and complete:
            cache.put(job.display, job.digest, result)
            cache.note_status(job.display, job.digest, job.status)
            if job.status is not None:
                known[job.display] = (job.status, job.digest)
        done += 1
        if progress:
            progress(done, len(files))
    if cache is not None:
        cache.save()
    ordered = tuple(_reported(results[key], config) for key in sorted(results))
    if memo is not None and trail is not None and not problems:
        used = {record for result in results.values() for record in result.depends_on}
        memo.keep(trail, files, known, ordered, used)
    return ScanOutcome(ordered, len(files))


def _open_cache(config: Config) -> ResultCache:
    from concurrency_lint.checking.cache import ResultCache  # a run without one needs none

    return ResultCache.for_config(config)


def scan_bytes(display: str, data: bytes, config: Config, markdown: bool = False) -> FileResult:
    """Scan one file's bytes (standard input), without cache or discovery."""
    try:
        text = decode_source(data).text
    except UndecodableSource as exc:
        return _file_finding(UNREADABLE_FILE, str(exc), display)
    job = _Pending(display, "", text, markdown)
    return next(result for _job, result, _complete in _check_all([job], config, None))


def _prepare(
    source: SourceFile,
    cache: ResultCache | None,
    held: _DependencyCheck | None = None,
    known: dict[str, tuple[os.stat_result, str]] | None = None,
) -> tuple[FileResult | None, _Pending | None]:
    """A cached or trivially empty result, or the job of checking the file.

    A file whose status (times, size, inode) is the one the cache recorded with its
    digest is not read again; any other is read and known by its content's digest.
    ``known`` gets the status and digest of each file whose result is given here.
    """
    status = None
    if cache is not None:
        with contextlib.suppress(OSError):  # reading the file then says why
            status = os.stat(source.path)
            note(source.path, status)
        recorded = cache.known_digest(source.display, status) if status is not None else None
        if recorded is not None:
            cached = cache.get(source.display, recorded)
            if cached is not None and _dependencies_hold(cached, held):
                if known is not None and status is not None:
                    known[source.display] = (status, recorded)
                return cached, None
    try:
        data = read_regular_file(source.path)
    except UnreadablePath as exc:
        return _file_finding(UNREADABLE_FILE, str(exc), source.display), None
    digest = ""
    if cache is not None:
        from concurrency_lint.sources.digests import content_digest

        digest = content_digest(data)
        cached = cache.get(source.display, digest)
        if cached is not None and _dependencies_hold(cached, held):
            cache.note_status(source.display, digest, status)
            if known is not None and status is not None:
                known[source.display] = (status, digest)
            return cached, None
    try:
        text = decode_source(data).text
    except UndecodableSource as exc:
        return _file_finding(UNREADABLE_FILE, str(exc), source.display), None
    from concurrency_lint.checking.suppressions import ignores_whole_file  # read files only

    if ignores_whole_file(text):
        if known is not None and status is not None and digest:
            known[source.display] = (status, digest)
        return FileResult(source.display), None
    return None, _Pending(source.display, digest, text, source.markdown, status)


def _dependencies_hold(result: FileResult, held: _DependencyCheck | None = None) -> bool:
    """A cached result holds while the project modules it used keep their summaries
    (judged once per record in a scan by ``held``, else by the project model)."""
    if not result.depends_on:
        return True
    if held is None:
        from concurrency_lint.checking.project_summaries import dependencies_hold

        return dependencies_hold(result.depends_on)
    return held.all_hold(result.depends_on)


class _DependencyCheck:
    """Whether dependency records hold, each judged once per scan.

    The files of a package share most of their dependencies, and within one scan a
    module's status is taken once (:mod:`.file_status`). A record whose file keeps its
    recorded status, or else its recorded content, holds without the project model:
    these are :meth:`.ProjectSummaries.still_valid`'s first two tests, so a warm scan of
    an unchanged tree does not import the model. Any other record is the model's to judge.

    A dependency that is itself one of the scanned files is known by the digest the
    cache recorded with its status, as the scan knows the file: it is not read again.
    """

    def __init__(self, cache: ResultCache | None = None, files: Sequence[SourceFile] = ()) -> None:
        self._held: dict[str, bool] = {}
        self._digests: dict[str, str] = {}  # path -> its content's digest, in this scan
        self._cache = cache
        self._files = files
        self._displays: dict[str, str] | None = None  # absolute path -> scanned file's name

    def all_hold(self, records: tuple[str, ...]) -> bool:
        """Whether every record holds, in order, the first that fails deciding."""
        held = self._held
        if all(map(held.get, records)):  # each judged already, and holding
            return True
        for record in records:
            holds = held.get(record)
            if holds is None:
                holds = held[record] = untouched_dependency(record, self.digest_of) or (
                    _model_holds(record)
                )
            if not holds:
                return False
        return True

    def digest_of(self, path: str) -> str:
        """The digest of a dependency's content, read once per scan at most."""
        digest = self._digests.get(path)
        if digest is None:
            digest = self._digests[path] = self._recorded_digest(path) or _file_digest(path)
        return digest

    def _recorded_digest(self, path: str) -> str | None:
        """The digest the cache keeps for a scanned file with the status it has now."""
        if self._cache is None:
            return None
        if self._displays is None:
            self._displays = {
                os.path.abspath(source.path): source.display
                for source in self._files
                if not source.markdown
            }
        display = self._displays.get(path)
        if display is None:
            return None
        try:
            status = os.stat(path)
        except OSError:
            return None
        return self._cache.known_digest(display, status)


def untouched_dependency(record: str, digest_of: Callable[[str], str] | None = None) -> bool:
    """Whether a dependency record names a file that keeps its recorded status, or else
    its recorded content (``digest_of`` gives a path's content digest, by default read
    from the file)."""
    from concurrency_lint.checking.dependency_records import ModuleDependency

    dependency = ModuleDependency.unpacked(record)
    if dependency is None:
        return False
    return dependency.untouched(digest_of)


def _file_digest(path: str) -> str:
    from concurrency_lint.checking.dependency_records import file_digest

    return file_digest(path)


def _model_holds(record: str) -> bool:
    from concurrency_lint.checking.project_summaries import dependencies_hold

    return dependencies_hold((record,))


def is_risky(text: str) -> bool:
    """Whether checking ``text`` could cost more than a small linear parse (see the
    module's docstring): such a file is checked in a worker, within the budget."""
    return len(text) > RISKY_CHARS or needs_strict_precheck(text)


def _check_all(
    pending: list[_Pending], config: Config, jobs: int | None, cached: bool = False
) -> Iterator[tuple[_Pending, FileResult, bool]]:
    """Each job with its result, as they finish, and whether the result may be cached
    (a file out of its budget is tried again next time). Only results that are
    ``cached`` record the project modules they used. With nothing to check (a warm
    run), no checker is built."""
    if not pending:
        return
    from concurrency_lint.checking.file_checker import FileChecker

    checker = FileChecker(config, record_dependencies=cached)
    to_check = list(pending)  # every file gets at least the interpreter's syntax check
    workers = jobs or os.cpu_count() or 1
    if len(to_check) >= IN_PROCESS_LIMIT and workers > 1:
        in_process, to_workers = [], to_check
    else:
        in_process, to_workers = [], []
        for job in to_check:
            (to_workers if is_risky(job.text) else in_process).append(job)
    if in_process:
        with tuned_for_checking():
            for job in in_process:
                yield job, _guarded_check_text(checker, job), True
    if to_workers:
        yield from _check_in_workers(to_workers, config, min(workers, len(to_workers)), cached)


def _check_in_workers(
    jobs: list[_Pending], config: Config, workers: int, cached: bool
) -> Iterator[tuple[_Pending, FileResult, bool]]:
    from concurrency_lint.checking.worker_pool import Failure, WorkerPool

    # Big files first so one slow file does not finish alone at the end.
    jobs = sorted(jobs, key=lambda job: -len(job.text))
    pool: WorkerPool[_Pending, FileResult] = WorkerPool(
        workers, functools.partial(_file_worker, config, cached), budget_of(config)
    )
    for job, result in pool.run(jobs):
        if isinstance(result, Failure):
            yield (
                job,
                _file_finding(INTERNAL_ERROR, f"not checked: {result.reason}", job.display),
                False,
            )
        else:
            yield job, result, True


def budget_of(config: Config) -> Budget:
    """The per-file budget the configuration sets."""
    from concurrency_lint.checking.worker_pool import Budget

    return Budget(seconds=config.file_timeout, memory_mb=config.file_memory)


def _file_worker(config: Config, cached: bool = False) -> Callable[[_Pending], FileResult]:
    """In a worker process: the function that checks one job."""
    from concurrency_lint.checking.file_checker import FileChecker

    begin_scan()  # a worker lives for one scan
    tune_for_checking()
    checker = FileChecker(config, record_dependencies=cached)
    return functools.partial(_guarded_check_text, checker, in_worker=True)


def _guarded_check_text(checker: FileChecker, job: _Pending, in_worker: bool = False) -> FileResult:
    """The job's result; an engine bug becomes a finding. In a worker, running out of
    memory ends the worker (see :mod:`.worker_pool`)."""
    try:
        return checker.check_text(job.display, job.text, markdown=job.markdown)
    except MemoryError:
        if in_worker:
            raise
        return _file_finding(INTERNAL_ERROR, "not checked: out of memory", job.display)
    except Exception as exc:  # an engine bug must not end the scan
        return _file_finding(
            INTERNAL_ERROR, f"internal error: {type(exc).__name__}: {exc}", job.display
        )


def _reported(result: FileResult, config: Config) -> FileResult:
    """The result without the engine findings (unreadable files...) the user ignores."""
    kept = reported_engine_findings(result.findings, result.path, config)
    return result if kept == result.findings else FileResult(result.path, kept)


def _file_finding(kind: tuple[str, str], message: str, display: str) -> FileResult:
    return FileResult(display, (Finding(kind[0], kind[1], message, display, Span(1, 1, 1, 1)),))
