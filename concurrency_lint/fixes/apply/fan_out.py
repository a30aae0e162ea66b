"""Fix many files at once: worker processes when there are enough files to pay for them."""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from concurrency_lint.config import Config
from concurrency_lint.model import FileResult

if TYPE_CHECKING:
    from concurrency_lint.checking.file_checker import FileChecker
    from concurrency_lint.fixes.apply.run import FileFix, FixOptions

# Below this many files to fix, starting worker processes costs more than it saves.
IN_PROCESS_LIMIT = 8


def fix_files(to_fix: list[FileResult], config: Config, options: FixOptions) -> tuple[FileFix, ...]:
    """Each file's fix outcome, in the order given."""
    from concurrency_lint.checking.file_checker import FileChecker
    from concurrency_lint.fixes.apply.run import fix_file

    workers = min(options.jobs or os.cpu_count() or 1, len(to_fix))
    if workers <= 1 or len(to_fix) < IN_PROCESS_LIMIT:
        checker = FileChecker(config)
        return tuple(fix_file(result, checker.check_text, options) for result in to_fix)
    # Fork is only safe (and is fast) while this process runs no other thread.
    single_threaded = threading.active_count() == 1
    fork = "fork" in multiprocessing.get_all_start_methods() and single_threaded
    context = multiprocessing.get_context("fork" if fork else "spawn")
    # Files with the most findings first, so that a slow one does not finish alone at the end.
    order = sorted(to_fix, key=lambda result: -len(result.findings))
    done: dict[str, FileFix] = {}
    with ProcessPoolExecutor(
        workers, context, initializer=_init_worker, initargs=(config,)
    ) as pool:
        futures: dict[Future[FileFix], FileResult] = {
            pool.submit(_fix_in_worker, result, options): result for result in order
        }
        for future, result in futures.items():
            try:
                done[result.path] = future.result()
            except BrokenProcessPool:
                done[result.path] = _crashed(result)
    return tuple(done[result.path] for result in to_fix)


def _crashed(result: FileResult) -> FileFix:
    from concurrency_lint.fixes.apply.run import FileFix

    return FileFix(
        result.path, "", "", remaining=result.findings, error="the fixer process crashed"
    )


_worker_checker: FileChecker | None = None


def _init_worker(config: Config) -> None:
    global _worker_checker
    from concurrency_lint.checking.file_checker import FileChecker

    _worker_checker = FileChecker(config)


def _fix_in_worker(result: FileResult, options: FixOptions) -> FileFix:
    from concurrency_lint.fixes.apply.run import fix_file

    assert _worker_checker is not None
    return fix_file(result, _worker_checker.check_text, options)
