"""ConcurrentExecutor against real child scripts."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import pytest

from concurrency_lint.parallel import OUTPUT_LIMIT, ConcurrentExecutor

RESULT_KEYS = {
    "module_id",
    "exit_code",
    "success",
    "error",
    "stdout",
    "stderr",
    "duration_s",
    "timed_out",
}

SCRIPTS = Path(__file__).resolve().parent / "scripts"


def run(coro):
    return asyncio.run(coro)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_success_captures_output_and_uses_this_interpreter(tmp_path):
    executor = ConcurrentExecutor()
    result = run(executor.execute_module("ok", SCRIPTS / "ok.py", ["--a", 1], cwd=tmp_path))
    executor.cleanup()
    assert set(result) == RESULT_KEYS
    assert result["success"] is True and result["exit_code"] == 0 and result["error"] is None
    assert "args: --a 1" in result["stdout"]
    assert f"cwd: {tmp_path}" in result["stdout"]
    assert f"python: {sys.executable}" in result["stdout"]
    assert "a warning" in result["stderr"]
    assert result["duration_s"] > 0 and result["timed_out"] is False


def test_non_zero_exit_says_why():
    result = run(ConcurrentExecutor().execute_module("bad", SCRIPTS / "fail.py"))
    assert result["success"] is False
    assert result["exit_code"] == 3
    assert result["error"] == "exited with code 3: boom: the input was bad"
    assert "some output" in result["stdout"]


def test_megabytes_of_output_do_not_deadlock_and_are_capped():
    async def go():
        async with ConcurrentExecutor(timeout=60) as executor:
            return await executor.execute_module("flood", SCRIPTS / "flood.py")

    result = run(go())
    assert result["success"] is True, result["error"]
    head, _, marker = result["stdout"].rpartition("\n[output truncated:")
    assert len(head) == OUTPUT_LIMIT
    assert "bytes not captured]" in marker
    assert len(result["stderr"]) < OUTPUT_LIMIT + 200
    assert "[output truncated:" in result["stderr"]


def test_timeout_kills_and_reaps_the_child(tmp_path):
    pid_file = tmp_path / "pid"

    async def go():
        async with ConcurrentExecutor() as executor:
            return await executor.execute_module(
                "slow", SCRIPTS / "sleeper.py", [pid_file, 30], timeout=1.0
            )

    start = time.monotonic()
    result = run(go())
    assert time.monotonic() - start < 10
    assert result["timed_out"] is True and result["success"] is False
    assert "timed out after 1 s" in result["error"]
    assert "sleeping" in result["stdout"]  # output up to the kill is kept
    assert not pid_alive(int(pid_file.read_text()))


def test_executor_default_timeout_applies(tmp_path):
    result = run(
        ConcurrentExecutor(timeout=0.5).execute_module(
            "slow", SCRIPTS / "sleeper.py", [tmp_path / "pid", 30]
        )
    )
    assert result["timed_out"] is True


def test_cancelling_a_call_kills_the_child(tmp_path):
    pid_file = tmp_path / "pid"

    async def go():
        executor = ConcurrentExecutor()
        task = asyncio.ensure_future(
            executor.execute_module("slow", SCRIPTS / "sleeper.py", [pid_file, 30])
        )
        while not pid_file.exists() or not pid_file.read_text():
            await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(go())
    assert not pid_alive(int(pid_file.read_text()))


def test_missing_script_and_missing_cwd_are_reported(tmp_path):
    executor = ConcurrentExecutor()
    missing = run(executor.execute_module("gone", tmp_path / "nope.py"))
    assert missing["success"] is False and missing["exit_code"] == -1
    assert missing["error"].startswith("script not found:")
    no_dir = run(executor.execute_module("nowhere", SCRIPTS / "ok.py", cwd=tmp_path / "no"))
    assert no_dir["error"].startswith("working directory not found:")


def test_batch_results_are_in_input_order(tmp_path):
    modules = [
        {
            "module_id": "slow-ok",
            "script_path": SCRIPTS / "sleeper.py",
            "args": [tmp_path / "p", 0.5],
        },
        ("fails", SCRIPTS / "fail.py"),
        ("ok", SCRIPTS / "ok.py", ["x"]),
        {"module_id": "missing", "script_path": tmp_path / "missing.py"},
        {"module_id": "typo", "script": "x.py"},
        ("timeout", SCRIPTS / "sleeper.py", [tmp_path / "q", 30], None, 0.5),
    ]

    async def go():
        async with ConcurrentExecutor(max_concurrent=3) as executor:
            return await executor.execute_batch(modules)

    results = run(go())
    assert [r["module_id"] for r in results] == [
        "slow-ok",
        "fails",
        "ok",
        "missing",
        "typo",
        "timeout",
    ]
    assert [r["success"] for r in results] == [True, False, True, False, False, False]
    assert all(r["error"] for r in results if not r["success"])
    assert "invalid module spec" in results[4]["error"]
    assert results[5]["timed_out"] is True


def test_concurrency_is_bounded(tmp_path):
    script = tmp_path / "overlap.py"
    script.write_text(
        "import os, sys, time\n"
        "d = sys.argv[1]\n"
        "open(os.path.join(d, str(os.getpid())), 'w').close()\n"
        "print(len(os.listdir(d)))\n"
        "time.sleep(0.3)\n"
        "os.remove(os.path.join(d, str(os.getpid())))\n"
    )
    running = tmp_path / "running"
    running.mkdir()

    async def go():
        async with ConcurrentExecutor(max_concurrent=2) as executor:
            return await executor.execute_batch([(f"m{i}", script, [running]) for i in range(6)])

    results = run(go())
    assert all(r["success"] for r in results)
    assert max(int(r["stdout"]) for r in results) <= 2


def test_cleanup_kills_running_children(tmp_path):
    pid_file = tmp_path / "pid"

    async def go():
        executor = ConcurrentExecutor()
        task = asyncio.ensure_future(
            executor.execute_module("slow", SCRIPTS / "sleeper.py", [pid_file, 30])
        )
        while not pid_file.exists() or not pid_file.read_text():
            await asyncio.sleep(0.05)
        executor.cleanup()
        return await asyncio.wait_for(task, 10)

    result = run(go())
    assert result["success"] is False
    assert "killed by signal" in result["error"]
    assert not pid_alive(int(pid_file.read_text()))


def test_relative_script_path_is_resolved_against_cwd():
    result = run(ConcurrentExecutor().execute_module("rel", Path("ok.py"), cwd=SCRIPTS))
    assert result["success"] is True, result["error"]


def test_failures_outside_the_child_are_reported_not_raised(tmp_path):
    class BrokenManager:
        def check_resources_available(self):
            raise RuntimeError("sensor offline")

    executor = ConcurrentExecutor(resource_manager=BrokenManager())
    broken = run(executor.execute_module("m", SCRIPTS / "ok.py"))
    assert broken["success"] is False
    assert "sensor offline" in broken["error"]
    no_python = ConcurrentExecutor(python=str(tmp_path / "no-python"))
    missing = run(no_python.execute_module("m", SCRIPTS / "ok.py"))
    assert missing["success"] is False and missing["error"].startswith("could not start")
