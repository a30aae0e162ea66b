"""The inventory of paths: the engine's discovery, content-hash cache and process fan-out.

Like the engine, this module does not import LibCST: a warm run never needs it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from concurrency_lint.checking.cache import ResultCache
from concurrency_lint.checking.scan import IN_PROCESS_LIMIT, budget_of
from concurrency_lint.checking.worker_pool import Failure, WorkerPool
from concurrency_lint.config import Config
from concurrency_lint.inventory.model import FileInventory, Inventory
from concurrency_lint.inventory.prefilter import may_use_concurrency
from concurrency_lint.sources.decoding import UndecodableSource, decode_source
from concurrency_lint.sources.digests import content_digest
from concurrency_lint.sources.discovery import Discovery, SourceFile
from concurrency_lint.sources.file_reading import UnreadablePath, read_regular_file


@dataclass(frozen=True)
class InventoryOptions:
    jobs: int | None = None
    use_cache: bool = True
    include_markdown: bool = True


@dataclass(frozen=True)
class _Job:
    display: str
    digest: str
    text: str
    markdown: bool


def build_inventory(paths: list[Path], config: Config, options: InventoryOptions) -> Inventory:
    """Every file's uses; unreadable and unparsable files are recorded, nothing raises."""
    files, problems = Discovery(config, options.include_markdown).run(paths)
    results = {
        problem.display: FileInventory(problem.display, problem=problem.message)
        for problem in problems
    }
    cache = (
        ResultCache.for_config(config, "inventory:", FileInventory) if options.use_cache else None
    )
    jobs: list[_Job] = []
    for source in files:
        result = _prepare(source, cache, jobs)
        if result is not None:
            results[source.display] = result
    for job, result, complete in _collect_all(jobs, options.jobs, config):
        results[job.display] = result
        if cache is not None and complete:
            cache.put(job.display, job.digest, result)  # type: ignore[arg-type]
    if cache is not None:
        cache.save()
    return Inventory(tuple(results[key] for key in sorted(results)), len(files))


def _prepare(
    source: SourceFile, cache: ResultCache | None, jobs: list[_Job]
) -> FileInventory | None:
    """A result known without parsing, or None after queueing the file as a job."""
    try:
        data = read_regular_file(source.path)
    except UnreadablePath as exc:
        return FileInventory(source.display, problem=str(exc))
    digest = content_digest(data)
    if cache is not None:
        cached = cache.get(source.display, digest)
        if isinstance(cached, FileInventory):
            return cached
    try:
        text = decode_source(data).text
    except UndecodableSource as exc:
        return FileInventory(source.display, problem=str(exc))
    if not source.markdown and not may_use_concurrency(text):  # blocks get a syntax check
        result = FileInventory(source.display)
        if cache is not None:  # a warm run then only reads and hashes the file
            cache.put(source.display, digest, result)  # type: ignore[arg-type]
        return result
    jobs.append(_Job(source.display, digest, text, source.markdown))
    return None


def _collect_all(
    jobs: list[_Job], workers: int | None, config: Config
) -> Iterator[tuple[_Job, FileInventory, bool]]:
    """Each job's inventory, and whether it may be cached (not a file out of budget)."""
    count = min(workers or os.cpu_count() or 1, len(jobs))
    if count <= 1 or len(jobs) < IN_PROCESS_LIMIT:
        for job in jobs:
            yield job, _guarded(job), True
        return
    # Big files first so one slow file does not finish alone at the end; the scan's
    # workers: one file at a time within its budget, dying with this process.
    ordered = sorted(jobs, key=lambda job: -len(job.text))
    pool: WorkerPool[_Job, FileInventory] = WorkerPool(count, _inventory_worker, budget_of(config))
    for job, result in pool.run(ordered):
        if isinstance(result, Failure):
            yield job, FileInventory(job.display, problem=f"not analysed: {result.reason}"), False
        else:
            yield job, result, True


def _inventory_worker() -> Callable[[_Job], FileInventory]:
    return _guarded


def _guarded(job: _Job) -> FileInventory:
    from concurrency_lint.inventory.reader import inventory_of_text  # LibCST: only to parse

    try:
        return inventory_of_text(job.display, job.text, job.markdown)
    except Exception as exc:  # a collector bug must not end the inventory
        return FileInventory(job.display, problem=f"internal error: {type(exc).__name__}: {exc}")
