"""iter_parallel: lazy, bounded, ordered, cancellable."""

from __future__ import annotations

import itertools
import random
import threading
import time

import parallel_workloads as work
import pytest

from concurrency_lint.parallel import Outcome, iter_parallel


class CountingSource:
    """An endless iterator that counts how many items were pulled from it."""

    def __init__(self) -> None:
        self.pulled = 0

    def __iter__(self):
        for n in itertools.count():
            self.pulled += 1
            yield n


def test_yields_in_input_order_with_random_sleeps():
    rng = random.Random(3)
    delays = [rng.uniform(0, 0.01) for _ in range(300)]

    def slow_double(i):
        time.sleep(delays[i])
        return 2 * i

    outcomes = list(iter_parallel(slow_double, iter(range(300)), max_workers=12))
    assert [o.item for o in outcomes] == list(range(300))
    assert [o.result for o in outcomes] == [2 * i for i in range(300)]


def test_errors_are_captured_and_the_stream_goes_on():
    outcomes = list(iter_parallel(lambda x: 10 // x, [5, 0, 2], max_workers=2))
    assert outcomes[0] == Outcome(5, 2, None)
    assert isinstance(outcomes[1].error, ZeroDivisionError)
    assert outcomes[2] == Outcome(2, 5, None)


def test_consumes_the_input_lazily_with_a_bounded_window():
    source = CountingSource()
    stream = iter_parallel(abs, source, max_workers=4, window=8)
    assert source.pulled == 0  # nothing happens before the first next()
    for _ in range(100):
        next(stream)
    assert source.pulled <= 100 + 8 + 1
    stream.close()


def test_closing_early_cancels_pending_work():
    source = CountingSource()
    calls = []
    lock = threading.Lock()

    def record(n):
        with lock:
            calls.append(n)
        time.sleep(0.01)
        return n

    stream = iter_parallel(record, source, max_workers=4, window=16)
    first = [next(stream).item for _ in range(10)]
    stream.close()
    time.sleep(0.1)  # let running items end
    settled = len(calls)
    time.sleep(0.3)
    assert first == list(range(10))
    assert len(calls) == settled  # nothing new started after close()
    assert settled <= 10 + 16  # at most the window beyond what was consumed
    assert source.pulled <= 10 + 16 + 1


def test_break_out_of_a_for_loop_stops_the_stream():
    calls = []

    def record(n):
        calls.append(n)
        return n

    for outcome in iter_parallel(record, itertools.count(), max_workers=2, window=4):
        if outcome.item == 5:
            break
    time.sleep(0.2)
    settled = len(calls)
    time.sleep(0.2)
    assert len(calls) == settled <= 5 + 4 + 2


def test_fail_fast_yields_what_came_before_then_raises():
    def work_item(i):
        if i == 6:
            raise ValueError("six")
        return i

    seen = []
    with pytest.raises(ValueError, match="six"):
        for outcome in iter_parallel(work_item, itertools.count(), max_workers=3, fail_fast=True):
            seen.append(outcome.item)
    assert seen == [0, 1, 2, 3, 4, 5]


def test_timeout_per_item_in_a_stream(release):
    def work_item(seconds):
        release.wait(seconds)
        return seconds

    start = time.monotonic()
    outcomes = list(
        iter_parallel(work_item, iter([0.01, 30, 0.01, 30, 0.01]), max_workers=2, timeout=0.3)
    )
    assert time.monotonic() - start < 5
    errors = [type(o.error).__name__ for o in outcomes]
    assert errors == ["NoneType", "TimeoutError", "NoneType", "TimeoutError", "NoneType"]


def test_process_mode_stream_in_order_and_closable():
    outcomes = list(iter_parallel(work.square, iter(range(500)), mode="process", max_workers=2))
    assert [o.result for o in outcomes] == [x * x for x in range(500)]
    stream = iter_parallel(work.square, itertools.count(), mode="process", max_workers=2)
    assert [next(stream).result for _ in range(5)] == [0, 1, 4, 9, 16]
    stream.close()


@pytest.mark.parametrize("mode", ["thread", "process"])
def test_a_failing_input_iterator_raises_after_earlier_outcomes(mode):
    def source():
        yield 1
        yield 2
        raise OSError("input broke")

    seen = []
    with pytest.raises(OSError, match="input broke"):
        for outcome in iter_parallel(work.square, source(), max_workers=2, mode=mode):
            seen.append(outcome.result)
    assert seen == [1, 4]
