"""Fix many files at once: worker processes when there are enough files to pay for them.

The workers are the scan's (:mod:`concurrency_lint.checking.worker_pool`): one file at a
time within the per-file budget, and they die with this process.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
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
    from concurrency_lint.checking.scan import budget_of
    from concurrency_lint.checking.worker_pool import Failure, WorkerPool
    from concurrency_lint.fixes.apply.run import fix_file

    workers = min(options.jobs or os.cpu_count() or 1, len(to_fix))
    if workers <= 1 or len(to_fix) < IN_PROCESS_LIMIT:
        checker = FileChecker(config)
        return tuple(fix_file(result, checker.check_text, options) for result in to_fix)
    # Files with the most findings first, so that a slow one does not finish alone at the end.
    order = sorted(to_fix, key=lambda result: -len(result.findings))
    pool: WorkerPool[FileResult, FileFix] = WorkerPool(
        workers, functools.partial(_fix_worker, config, options), budget_of(config)
    )
    done: dict[str, FileFix] = {}
    for result, fixed in pool.run(order):
        done[result.path] = _crashed(result, fixed.reason) if isinstance(fixed, Failure) else fixed
    return tuple(done[result.path] for result in to_fix)


def _crashed(result: FileResult, reason: str) -> FileFix:
    from concurrency_lint.fixes.apply.run import FileFix

    return FileFix(
        result.path, "", "", remaining=result.findings, error=f"the fixer process {reason}"
    )


def _fix_worker(config: Config, options: FixOptions) -> Callable[[FileResult], FileFix]:
    """In a worker process: the function that fixes one file."""
    from concurrency_lint.checking.file_checker import FileChecker

    checker = FileChecker(config)
    return functools.partial(_fix_one, checker, options)


def _fix_one(checker: FileChecker, options: FixOptions, result: FileResult) -> FileFix:
    from concurrency_lint.fixes.apply.run import fix_file

    return fix_file(result, checker.check_text, options)
