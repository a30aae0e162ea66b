"""Process mode and caller-provided executors (process pools, dask.distributed)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import parallel_workloads as work
import pytest

from concurrency_lint.parallel import Outcome, iter_parallel, run_parallel


def test_process_mode_runs_in_other_processes_in_input_order():
    outcomes = run_parallel(work.square_unless_three, range(8), mode="process", max_workers=2)
    assert [o.item for o in outcomes] == list(range(8))
    assert [o.result for o in outcomes] == [0, 1, 4, None, 16, 25, 36, 49]
    assert isinstance(outcomes[3].error, ValueError)
    pids = {o.result for o in run_parallel(work.pid_of, range(4), mode="process", max_workers=2)}
    assert os.getpid() not in pids


def test_process_mode_chunks_many_small_items():
    outcomes = run_parallel(work.square, range(20_000), mode="process", max_workers=2)
    assert [o.result for o in outcomes] == [x * x for x in range(20_000)]


def test_process_mode_fail_fast_raises_the_earliest_error(tmp_path):
    log = str(tmp_path / "log")
    items = [(log, i, 3) for i in range(200)]
    with pytest.raises(RuntimeError, match="failed at 3"):
        run_parallel(work.record_then_fail_on, items, mode="process", max_workers=2, fail_fast=True)
    ran = {int(line) for line in (tmp_path / "log").read_text(encoding="ascii").split()}
    assert 3 in ran and len(ran) < 100  # the batch stopped early


def test_process_mode_timeout_does_not_wait_for_the_stuck_process():
    start = time.monotonic()
    outcomes = run_parallel(
        work.sleep_for, [0.01, 30, 0.02], mode="process", max_workers=3, timeout=2.0
    )
    assert time.monotonic() - start < 10
    assert outcomes[0] == Outcome(0.01, 0.01, None)
    assert outcomes[2] == Outcome(0.02, 0.02, None)
    assert isinstance(outcomes[1].error, TimeoutError)


def test_process_mode_rejects_an_unpicklable_function_at_once():
    with pytest.raises(pickle.PicklingError, match="cannot be pickled"):
        run_parallel(lambda x: x, [1, 2, 3], mode="process", max_workers=1)
    with pytest.raises(pickle.PicklingError, match="top level of a module"):
        iter_parallel(lambda x: x, iter([1, 2]), mode="process")
    with ProcessPoolExecutor(max_workers=1) as pool, pytest.raises(pickle.PicklingError):
        run_parallel(lambda x: x, [1], executor=pool)


UNGUARDED_SCRIPT = """
import sys
import threading
from concurrency_lint.parallel import run_parallel

def square(x):
    return x * x

print("top level ran")
if len(sys.argv) > 1:
    threading.Thread(target=threading.Event().wait, args=(5,), daemon=True).start()
print([o.result for o in run_parallel(square, range(4), mode="process", max_workers=2)])
"""


def test_an_unguarded_script_is_forked_so_its_top_level_runs_once(tmp_path, child_env):
    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED_SCRIPT)
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env=child_env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["top level ran", "[0, 1, 4, 9]"]


def test_an_unguarded_script_that_cannot_be_forked_gets_a_clear_error(tmp_path, child_env):
    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED_SCRIPT)
    done = subprocess.run(
        [sys.executable, str(script), "with-a-thread"],
        capture_output=True,
        text=True,
        timeout=120,
        env=child_env,
        check=False,
    )
    assert done.returncode != 0
    assert done.stdout.count("top level ran") == 1
    assert "UnguardedMainScript" in done.stderr and "__main__" in done.stderr


def test_process_pool_passed_in_is_left_running():
    with ProcessPoolExecutor(max_workers=2) as pool:
        outcomes = run_parallel(work.square, range(50), executor=pool)
        assert [o.result for o in outcomes] == [x * x for x in range(50)]
        assert pool.submit(work.square, 9).result(timeout=30) == 81
        streamed = list(iter_parallel(work.square, iter(range(30)), executor=pool))
        assert [o.result for o in streamed] == [x * x for x in range(30)]
        assert pool.submit(work.square, 4).result(timeout=30) == 16


def test_dask_distributed_executor():
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = client.get_executor()
        items = [1, 2, 3, 3, 2, 1, 0]  # repeated items must each run (no caching by key)
        outcomes = run_parallel(work.square_unless_three, items, executor=executor)
        assert [o.item for o in outcomes] == items
        assert [o.result for o in outcomes] == [1, 4, None, None, 4, 1, 0]
        assert isinstance(outcomes[2].error, ValueError)
        assert isinstance(outcomes[3].error, ValueError)
        assert executor.submit(work.square, 5).result(timeout=30) == 25  # still usable
