"""Threads never run the process out of file descriptors where the sequential loop did not."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from concurrency_lint.parallel.workers import descriptor_bound, resolve_workers

posix_only = pytest.mark.skipif(os.name != "posix", reason="needs resource limits")

NEAR_THE_LIMIT = textwrap.dedent(
    """
    import resource, sys, tempfile, threading, time
    from concurrency_lint.parallel import iter_parallel, run_parallel

    resource.setrlimit(resource.RLIMIT_NOFILE, (80, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    held = [tempfile.TemporaryFile() for _ in range(40)]  # the program's own open files
    folder = tempfile.mkdtemp()
    paths = []
    for index in range(60):
        paths.append(f"{folder}/{index}.txt")
        with open(paths[-1], "w") as fh:
            fh.write("x" * index)

    def load(path):
        with open(path) as fh:
            time.sleep(0.02)  # hold the file while others open theirs
            return len(fh.read())

    outcomes = run_parallel(load, paths, max_workers=50)
    streamed = list(iter_parallel(load, iter(paths), max_workers=50))
    errors = [o.error for o in outcomes + streamed if o.error is not None]
    print(len(errors), sum(o.result for o in outcomes), sum(o.result for o in streamed))
    """
)


@posix_only
def test_fifty_threads_near_the_open_file_limit_all_succeed(child_env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", NEAR_THE_LIMIT],
        capture_output=True,
        text=True,
        timeout=120,
        env=child_env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    total = sum(range(60))
    assert done.stdout.split() == ["0", str(total), str(total)]


@posix_only
def test_the_bound_follows_the_free_descriptors() -> None:
    bound = descriptor_bound()
    assert 1 <= bound < sys.maxsize
    assert resolve_workers(10**6, None, "thread") == bound
    assert resolve_workers(10**6, None, "process") == 10**6  # children have their own
