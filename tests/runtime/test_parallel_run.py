"""run_parallel, batch_map, batch_filter and optimal_workers."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from concurrency_lint.parallel import (
    Outcome,
    batch_filter,
    batch_map,
    optimal_workers,
    run_parallel,
)
from concurrency_lint.parallel.workers import usable_cpus


def test_outcomes_are_in_input_order_whatever_the_completion_order():
    rng = random.Random(7)
    delays = {i: rng.uniform(0, 0.02) for i in range(200)}

    def work(i):
        time.sleep(delays[i])
        return i * 10

    outcomes = run_parallel(work, range(200), max_workers=16)
    assert [o.item for o in outcomes] == list(range(200))
    assert [o.result for o in outcomes] == [i * 10 for i in range(200)]
    assert all(o.error is None and o.ok for o in outcomes)


def test_outcome_unpacks_as_item_result_error_and_errors_are_captured():
    def invert(x):
        return 1 / x

    outcomes = run_parallel(invert, [1, 0, 4])
    assert all(isinstance(o, Outcome) for o in outcomes)
    (i0, r0, e0), (i1, r1, e1), (i2, r2, e2) = outcomes
    assert (i0, r0, e0) == (1, 1.0, None)
    assert i1 == 0 and r1 is None and isinstance(e1, ZeroDivisionError)
    assert (i2, r2, e2) == (4, 0.25, None)


def test_accepts_any_iterable_and_empty_input():
    assert run_parallel(str, iter([1, 2])) == [Outcome(1, "1", None), Outcome(2, "2", None)]
    assert run_parallel(str, []) == []
    assert run_parallel(str, (x for x in ())) == []


def test_fail_fast_raises_the_earliest_error_in_input_order():
    def work(i):
        if i == 2:
            time.sleep(0.3)  # fails last in time, first in input order
            raise ValueError("item 2")
        if i == 5:
            raise KeyError("item 5")
        return i

    with pytest.raises(ValueError, match="item 2"):
        run_parallel(work, range(8), max_workers=8, fail_fast=True)


def test_fail_fast_starts_nothing_after_the_failure_and_waits_for_running_items():
    started, finished = [], []
    lock = threading.Lock()

    def work(i):
        with lock:
            started.append(i)
        if i == 3:
            raise RuntimeError("stop here")
        time.sleep(0.1)
        with lock:
            finished.append(i)
        return i

    with pytest.raises(RuntimeError, match="stop here"):
        run_parallel(work, range(50), max_workers=2, fail_fast=True)
    # Items start in input order; with two workers at most one more item (4) had
    # started when 3 failed. Everything started (but 3) finished before the raise.
    assert set(started) <= {0, 1, 2, 3, 4}
    assert sorted(finished) == sorted(set(started) - {3})


def test_fail_fast_without_errors_returns_everything():
    assert batch_map(abs, [-1, -2, 3], fail_fast=True) == [1, 2, 3]


def test_timeout_gives_a_timeout_outcome_without_blocking_the_caller(release):
    def work(seconds):
        release.wait(seconds)
        return seconds

    start = time.monotonic()
    outcomes = run_parallel(work, [0.01, 30, 0.02], max_workers=3, timeout=0.5)
    assert time.monotonic() - start < 5
    assert outcomes[0] == Outcome(0.01, 0.01, None)
    assert outcomes[2] == Outcome(0.02, 0.02, None)
    assert outcomes[1].item == 30 and outcomes[1].result is None
    assert isinstance(outcomes[1].error, TimeoutError)


def test_timed_out_worker_is_replaced_so_later_items_still_run(release):
    def work(seconds):
        release.wait(seconds)
        return seconds

    start = time.monotonic()
    outcomes = run_parallel(work, [30, 0.01, 30, 0.01, 0.01], max_workers=1, timeout=0.3)
    assert time.monotonic() - start < 5
    assert [type(o.error) for o in outcomes] == [TimeoutError, type(None)] * 2 + [type(None)]


def test_fail_fast_with_timeout_raises_timeout_error(release):
    with pytest.raises(TimeoutError):
        run_parallel(release.wait, [30, 0.01], max_workers=2, timeout=0.3, fail_fast=True)


def test_base_exception_from_func_stops_the_batch_and_propagates():
    started = []

    def work(i):
        started.append(i)
        if i == 1:
            raise SystemExit(4)
        time.sleep(0.05)
        return i

    with pytest.raises(SystemExit):
        run_parallel(work, range(100), max_workers=2)
    time.sleep(0.2)
    assert len(started) < 10  # nothing new was started after the SystemExit


def test_executor_passed_in_is_used_and_left_running():
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="mine") as pool:

        def where(_):
            return threading.current_thread().name

        outcomes = run_parallel(where, range(10), executor=pool)
        assert all(o.result.startswith("mine") for o in outcomes)
        assert pool.submit(sum, [1, 2]).result(timeout=5) == 3  # still usable


def test_executor_passed_in_with_timeout_and_errors(release):
    def work(x):
        if x == "boom":
            raise ValueError(x)
        release.wait(x)
        return x

    with ThreadPoolExecutor(max_workers=4) as pool:
        start = time.monotonic()
        outcomes = run_parallel(work, [0.01, "boom", 30, 0.02], executor=pool, timeout=0.5)
        assert time.monotonic() - start < 5
        assert [o.result for o in outcomes] == [0.01, None, None, 0.02]
        assert isinstance(outcomes[1].error, ValueError)
        assert isinstance(outcomes[2].error, TimeoutError)
        release.set()


def test_invalid_arguments_are_rejected():
    with pytest.raises(ValueError, match="mode"):
        run_parallel(str, [1], mode="fiber")
    with pytest.raises(ValueError, match="max_workers"):
        run_parallel(str, [1], max_workers=0)


def test_batch_map_keeps_successes_in_input_order():
    def work(x):
        if x % 3 == 0:
            raise ValueError(x)
        time.sleep(random.uniform(0, 0.01))
        return x * 2

    assert batch_map(work, range(10), max_workers=4) == [2, 4, 8, 10, 14, 16]


def test_batch_filter_keeps_items_with_truthy_predicate_in_input_order():
    def is_odd(x):
        if x == 5:
            raise ValueError("no opinion on 5")
        return x % 2

    assert batch_filter(is_odd, range(10), max_workers=3) == [1, 3, 7, 9]


@pytest.mark.parametrize(
    ("count", "kwargs", "expected"),
    [
        (1000, {}, 100),
        (1000, {"kind": "network"}, 100),
        (1000, {"kind": "file"}, 50),
        (1000, {"kind": "subprocess"}, 20),
        (7, {}, 7),
        (7, {"kind": "subprocess"}, 7),
        (0, {}, 1),
        (-5, {"kind": "file"}, 1),
        (None, {"kind": "file"}, 50),
    ],
)
def test_optimal_workers_follows_the_table(count, kwargs, expected):
    assert optimal_workers(count, **kwargs) == expected


def test_optimal_workers_for_cpu_work():
    cpus = usable_cpus()
    assert optimal_workers(10_000, io_bound=False) == cpus
    assert optimal_workers(10_000, kind="cpu") == cpus
    assert optimal_workers(1, io_bound=False) == 1
    assert optimal_workers(0, io_bound=False) == 1
    with pytest.raises(ValueError, match="kind"):
        optimal_workers(10, kind="gpu")


def test_many_small_items():
    outcomes = run_parallel(abs, range(-20_000, 0), max_workers=8)
    assert [o.result for o in outcomes] == list(range(20_000, 0, -1))


def test_never_more_than_max_workers_at_once():
    running = peak = 0
    lock = threading.Lock()

    def work(_):
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.005)
        with lock:
            running -= 1

    run_parallel(work, range(60), max_workers=3)
    assert peak == 3


def test_worker_threads_are_reused_between_calls():
    from concurrency_lint.parallel import threads

    def name(_):
        time.sleep(0.01)
        return threading.current_thread().name

    first = {o.result for o in run_parallel(name, range(8), max_workers=4)}
    time.sleep(0.05)
    assert threads.idle_count() >= 4
    second = {o.result for o in run_parallel(name, range(8), max_workers=4)}
    assert all(n.startswith("parallel-worker-") for n in first | second)
    assert first & second  # the same threads served both calls
