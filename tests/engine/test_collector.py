"""The collector is tuned while files are checked, and left as it was after."""

from __future__ import annotations

import gc

from concurrency_lint.checking.collector import YOUNG_THRESHOLD, tuned_for_checking


def test_the_collector_is_tuned_within_the_block_and_restored_after() -> None:
    before = gc.get_threshold()
    frozen_before = gc.get_freeze_count()
    with tuned_for_checking():
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_freeze_count() > frozen_before
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_the_collector_is_restored_when_the_check_raises() -> None:
    before = gc.get_threshold()
    try:
        with tuned_for_checking():
            raise ValueError("a check that fails")
    except ValueError:
        pass
    assert gc.get_threshold() == before
