"""Shared set-up for the runtime library tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
# Process-mode tests send functions from parallel_workloads.py to child processes,
# which must be able to import it whatever pytest's import mode.
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


@pytest.fixture
def child_env() -> dict[str, str]:
    """Environment for child Python processes that import concurrency_lint."""
    import concurrency_lint

    root = str(Path(concurrency_lint.__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


@pytest.fixture
def release():
    """An event that "long" test items wait on instead of sleeping; set at teardown so
    abandoned items end with the test."""
    import threading

    event = threading.Event()
    yield event
    event.set()
