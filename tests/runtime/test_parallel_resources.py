"""ResourceManager readings and the executor's wait-for-resources behaviour."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest

from concurrency_lint.parallel import ConcurrentExecutor, ResourceManager

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc")

SCRIPTS = Path(__file__).resolve().parent / "scripts"


@linux_only
def test_proc_readings_when_psutil_is_not_used():
    manager = ResourceManager(use_psutil=False)
    time.sleep(0.15)
    stats = manager.get_system_stats()
    assert stats["source"] == "proc"
    assert 0.0 <= stats["cpu_percent"] <= 100.0
    assert 0.0 < stats["memory_available_gb"] <= stats["memory_total_gb"]
    assert stats["cpu_count"] >= 1


@linux_only
def test_proc_fallback_when_psutil_cannot_be_imported(monkeypatch):
    monkeypatch.setitem(sys.modules, "psutil", None)
    manager = ResourceManager()
    assert manager.source == "proc"
    assert manager.check_resources_available() in (True, False)
    with pytest.raises(ImportError):
        ResourceManager(use_psutil=True)


def test_psutil_readings_when_installed():
    pytest.importorskip("psutil")
    manager = ResourceManager()
    time.sleep(0.15)
    stats = manager.get_system_stats()
    assert stats["source"] == "psutil"
    assert 0.0 <= stats["cpu_percent"] <= 100.0
    assert 0.0 < stats["memory_available_gb"] <= stats["memory_total_gb"]


@linux_only
def test_check_says_what_is_short():
    manager = ResourceManager(cpu_threshold_percent=101, memory_required_gb=10**9, use_psutil=False)
    assert manager.check_resources_available() is False
    assert manager.last_shortage.startswith("not enough memory")
    relaxed = ResourceManager(cpu_threshold_percent=101, memory_required_gb=0, use_psutil=False)
    assert relaxed.check_resources_available() is True
    assert relaxed.last_shortage is None


class FlakyManager:
    """Short of resources for the first ``short_for`` checks."""

    def __init__(self, short_for: int) -> None:
        self.short_for = short_for
        self.checks = 0
        self.last_shortage: str | None = None

    def check_resources_available(self) -> bool:
        self.checks += 1
        ok = self.checks > self.short_for
        self.last_shortage = None if ok else "CPU usage too high: 99%"
        return ok


def test_executor_waits_for_resources_then_fails_with_the_reason(tmp_path):
    marker = tmp_path / "ran"
    manager = ResourceManager(cpu_threshold_percent=101, memory_required_gb=10**9)
    executor = ConcurrentExecutor(resource_manager=manager, resource_wait_s=0.4)
    start = time.monotonic()
    result = asyncio.run(executor.execute_module("m", SCRIPTS / "touch.py", [marker]))
    waited = time.monotonic() - start
    assert result["success"] is False and result["exit_code"] == -1
    assert result["error"].startswith("Insufficient system resources: not enough memory")
    assert 0.35 <= waited < 5
    assert not marker.exists()


def test_executor_waits_with_back_off_and_runs_once_resources_free_up(tmp_path):
    marker = tmp_path / "ran"
    manager = FlakyManager(short_for=3)
    executor = ConcurrentExecutor(resource_manager=manager, resource_wait_s=30)
    result = asyncio.run(executor.execute_module("m", SCRIPTS / "touch.py", [marker]))
    assert result["success"] is True, result["error"]
    assert manager.checks == 4 and marker.exists()
