"""The scan: discover, read, consult the cache, fan out what must be parsed, collect.

This module does not import LibCST: a warm run over an unchanged tree never needs it.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from concurrency_lint.checking.cache import ResultCache, content_digest
from concurrency_lint.checking.selection import reported_engine_findings
from concurrency_lint.checking.suppressions import ignores_whole_file
from concurrency_lint.config import Config
from concurrency_lint.model import INTERNAL_ERROR, UNREADABLE_FILE, FileResult, Finding, Span
from concurrency_lint.sources.decoding import UndecodableSource, decode_source
from concurrency_lint.sources.discovery import Discovery, SourceFile
from concurrency_lint.sources.file_reading import UnreadablePath, read_regular_file

if TYPE_CHECKING:
    from concurrency_lint.checking.file_checker import FileChecker

# Below this many files to parse, worker processes cost more than they save.
IN_PROCESS_LIMIT = 24

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ScanOptions:
    jobs: int | None = None
    use_cache: bool = True
    include_markdown: bool = False
    force_exclude: bool = False


@dataclass(frozen=True)
class ScanOutcome:
    results: tuple[FileResult, ...]
    files_scanned: int

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(finding for result in self.results for finding in result.findings)


@dataclass(frozen=True)
class _Pending:
    display: str
    digest: str
    text: str
    markdown: bool


def scan_paths(
    paths: list[Path], config: Config, options: ScanOptions, progress: Progress | None = None
) -> ScanOutcome:
    """Scan files and folders; every problem becomes a finding, nothing raises."""
    include_markdown = options.include_markdown or config.include_markdown
    files, problems = Discovery(config, include_markdown, options.force_exclude).run(paths)
    results: dict[str, FileResult] = {
        problem.display: _file_finding(UNREADABLE_FILE, problem.message, problem.display)
        for problem in problems
    }
    cache = ResultCache.for_config(config) if options.use_cache else None
    pending: list[_Pending] = []
    for source in files:
        result, job = _prepare(source, cache)
        if result is not None:
            results[source.display] = result
        elif job is not None:
            pending.append(job)
    if pending:
        for job, result in _check_all(pending, config, options.jobs, progress, len(files)):
            results[job.display] = result
            if cache is not None:
                cache.put(job.display, job.digest, result)
    if cache is not None:
        cache.save()
    ordered = tuple(_reported(results[key], config) for key in sorted(results))
    return ScanOutcome(ordered, len(files))


def scan_bytes(display: str, data: bytes, config: Config, markdown: bool = False) -> FileResult:
    """Scan one file's bytes (standard input), without cache or discovery."""
    from concurrency_lint.checking.file_checker import FileChecker

    return _guarded_check(FileChecker(config), display, data, markdown)


def _prepare(
    source: SourceFile, cache: ResultCache | None
) -> tuple[FileResult | None, _Pending | None]:
    """A cached or trivially empty result, or the job of parsing the file."""
    try:
        data = read_regular_file(source.path)
    except UnreadablePath as exc:
        return _file_finding(UNREADABLE_FILE, str(exc), source.display), None
    digest = content_digest(data)
    if cache is not None:
        cached = cache.get(source.display, digest)
        if cached is not None:
            return cached, None
    try:
        text = decode_source(data).text
    except UndecodableSource as exc:
        return _file_finding(UNREADABLE_FILE, str(exc), source.display), None
    if ignores_whole_file(text):
        return FileResult(source.display), None
    return None, _Pending(source.display, digest, text, source.markdown)


def _check_all(
    pending: list[_Pending], config: Config, jobs: int | None, progress: Progress | None, total: int
) -> Iterator[tuple[_Pending, FileResult]]:
    from concurrency_lint.checking.file_checker import FileChecker

    checker = FileChecker(config)
    # Every file gets at least the interpreter's syntax check (Markdown: of each block).
    to_parse = list(pending)
    done = total - len(pending)
    workers = min(jobs or os.cpu_count() or 1, len(to_parse))
    if workers <= 1 or len(to_parse) < IN_PROCESS_LIMIT:
        for job in to_parse:
            yield job, _guarded_check_text(checker, job)
            done += 1
            if progress:
                progress(done, total)
        return
    yield from _check_in_processes(to_parse, config, workers, progress, done, total)


def _check_in_processes(
    jobs: list[_Pending],
    config: Config,
    workers: int,
    progress: Progress | None,
    done: int,
    total: int,
) -> Iterator[tuple[_Pending, FileResult]]:
    # Big files first so one slow file does not finish alone at the end.
    jobs = sorted(jobs, key=lambda job: -len(job.text))
    chunk_count = workers * 4
    chunks = [jobs[index::chunk_count] for index in range(chunk_count)]
    chunks = [chunk for chunk in chunks if chunk]
    unfinished: list[_Pending] = []
    with ProcessPoolExecutor(
        workers, process_context(), initializer=_init_worker, initargs=(config,)
    ) as pool:
        futures: dict[Future[list[FileResult]], list[_Pending]] = {
            pool.submit(_check_chunk, chunk): chunk for chunk in chunks
        }
        for future, chunk in futures.items():
            try:
                chunk_results = future.result()
            except BrokenProcessPool:
                unfinished.extend(chunk)
                continue
            for job, result in zip(chunk, chunk_results, strict=True):
                yield job, result
            done += len(chunk)
            if progress:
                progress(done, total)
    for job in unfinished:
        yield job, _isolated_check(job, config)
        done += 1
        if progress:
            progress(done, total)


def process_context() -> multiprocessing.context.BaseContext:
    """Fork when it is safe (no other threads) for fast start-up, else spawn."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _isolated_check(job: _Pending, config: Config) -> FileResult:
    """Re-check one file alone after a worker died, so one bad file is named."""
    try:
        with ProcessPoolExecutor(
            1, process_context(), initializer=_init_worker, initargs=(config,)
        ) as pool:
            return pool.submit(_check_chunk, [job]).result()[0]
    except BrokenProcessPool:
        return _file_finding(
            INTERNAL_ERROR, "the checker process crashed on this file", job.display
        )


_worker_checker: FileChecker | None = None


def _init_worker(config: Config) -> None:
    global _worker_checker
    from concurrency_lint.checking.file_checker import FileChecker

    _worker_checker = FileChecker(config)


def _check_chunk(chunk: list[_Pending]) -> list[FileResult]:
    assert _worker_checker is not None
    return [_guarded_check_text(_worker_checker, job) for job in chunk]


def _guarded_check_text(checker: FileChecker, job: _Pending) -> FileResult:
    try:
        return checker.check_text(job.display, job.text, markdown=job.markdown)
    except Exception as exc:  # an engine bug must not end the scan
        return _file_finding(
            INTERNAL_ERROR, f"internal error: {type(exc).__name__}: {exc}", job.display
        )


def _guarded_check(checker: FileChecker, display: str, data: bytes, markdown: bool) -> FileResult:
    try:
        return checker.check_bytes(display, data, markdown=markdown)
    except Exception as exc:
        return _file_finding(
            INTERNAL_ERROR, f"internal error: {type(exc).__name__}: {exc}", display
        )


def _reported(result: FileResult, config: Config) -> FileResult:
    """The result without the engine findings (unreadable files...) the user ignores."""
    kept = reported_engine_findings(result.findings, result.path, config)
    return result if kept == result.findings else FileResult(result.path, kept)


def _file_finding(kind: tuple[str, str], message: str, display: str) -> FileResult:
    return FileResult(display, (Finding(kind[0], kind[1], message, display, Span(1, 1, 1, 1)),))
