"""The scan's processes: Ctrl-C, workers that die with their parent, per-file budgets,
progress. The signal tests run the real command in a subprocess."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from concurrency_lint.checking import scan as scan_module
from concurrency_lint.checking.scan import ScanOptions, scan_paths
from concurrency_lint.checking.worker_pool import Budget, Failure, WorkerPool
from concurrency_lint.cli.progress import ProgressDisplay
from concurrency_lint.config import Config

psutil = pytest.importorskip("psutil")  # the test extra installs it
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SLOW_LINES = 2_000  # a file LibCST needs a good fraction of a second for


def slow_tree(folder: Path, files: int = 60) -> Path:
    """A tree of files that each need LibCST, slow enough that the scan is mid-way when
    a signal arrives."""
    tree = folder / "tree"
    tree.mkdir()
    body = "".join(f"subprocess.run(['cmd', '{n}'])\n" for n in range(SLOW_LINES))
    for index in range(files):
        (tree / f"module_{index:03}.py").write_text("import subprocess\n" + body)
    return tree


def start_scan(tree: Path, *extra: str) -> subprocess.Popen[bytes]:
    """``conclint scan`` in a new session (its own process group, like a shell job)."""
    return subprocess.Popen(
        [sys.executable, "-m", "concurrency_lint", "scan", str(tree), "--jobs", "2", *extra],
        cwd=tree.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )


def wait_for_workers(process: subprocess.Popen[bytes], count: int = 2) -> list[psutil.Process]:
    """The scan's worker processes, once ``count`` of them run (hang guard: 60 s)."""
    parent = psutil.Process(process.pid)
    for _ in range(600):
        children = parent.children(recursive=True)
        if len(children) >= count:
            return children
        assert process.poll() is None, "the scan ended before its workers started"
        time.sleep(0.1)
    raise AssertionError("the workers never started")


def survivors(workers: list[psutil.Process]) -> list[int]:
    """Workers still alive after their parent ended (hang guard: 10 s for them to go)."""
    _gone, alive = psutil.wait_procs(workers, timeout=10)
    for worker in alive:  # do not leave them behind if the test fails
        worker.kill()
    return [worker.pid for worker in alive]


def test_ctrl_c_stops_the_workers_exits_130_and_keeps_no_partial_cache(tmp_path: Path) -> None:
    tree = slow_tree(tmp_path)
    process = start_scan(tree)
    workers = wait_for_workers(process)
    time.sleep(0.5)  # mid-way through the files
    interrupted = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    _out, err = process.communicate(timeout=30)
    took = time.monotonic() - interrupted
    print(f"exit {process.returncode} {took:.2f} s after Ctrl-C")
    assert process.returncode == 130
    assert b"interrupted" in err
    assert b"Traceback" not in err
    assert survivors(workers) == []
    cache = tmp_path / ".conclint_cache"
    assert not cache.exists() or not any(cache.iterdir())


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_no_worker_survives_a_killed_scan(tmp_path: Path, signum: int) -> None:
    process = start_scan(slow_tree(tmp_path))
    workers = wait_for_workers(process)
    os.kill(process.pid, signum)  # the parent alone, as a supervisor or the OOM killer does
    process.wait(timeout=30)
    assert survivors(workers) == []


# ---- budgets -----------------------------------------------------------------------------


def big_module(folder: Path, name: str = "big.py") -> Path:
    """A module over the size that is always checked in a worker, that LibCST needs
    gigabytes for."""
    path = folder / name
    lines = "".join(f"subprocess.run(['cmd', '{n}'])\n" for n in range(19_000))
    path.write_text("import subprocess\n" + lines)
    assert path.stat().st_size > scan_module.RISKY_CHARS
    return path


@pytest.fixture
def slow_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A module that is checked in a worker (the size limit lowered for it) and takes a
    worker well over 0.2 s (LibCST's import and parse of 2,000 statements)."""
    monkeypatch.setattr(scan_module, "RISKY_CHARS", 10_000)
    path = tmp_path / "slow.py"
    lines = "".join(f"subprocess.run(['cmd', '{n}'], timeout=5)\n" for n in range(SLOW_LINES))
    path.write_text("import subprocess\nsubprocess.run(['ls'])\n" + lines)
    return path


def findings_of(outcome: scan_module.ScanOutcome) -> dict[str, list[tuple[str, str]]]:
    return {
        Path(result.path).name: [(f.code, f.message) for f in result.findings]
        for result in outcome.results
    }


def test_a_file_over_its_time_budget_is_a_finding_and_the_scan_goes_on(
    tmp_path: Path, slow_module: Path
) -> None:
    (tmp_path / "small.py").write_text("import subprocess\nsubprocess.run(['ls'])\n")
    config = Config(file_timeout=0.2)  # far below what the big file's parse takes
    outcome = scan_paths([tmp_path], config, ScanOptions(use_cache=False))
    found = findings_of(outcome)
    assert found["small.py"] == [
        (
            "CL201",
            "`subprocess.run` without a timeout can hang forever; pass `timeout=` (e.g. 10 s)",
        )
    ]
    [(code, message)] = found["slow.py"]
    assert code == "CL003"
    assert "time budget (0.2 s)" in message


def test_a_file_over_its_memory_budget_is_a_finding(tmp_path: Path) -> None:
    big_module(tmp_path)
    outcome = scan_paths([tmp_path], Config(file_memory=256), ScanOptions(use_cache=False))
    [(code, message)] = findings_of(outcome)["big.py"]
    assert code == "CL003"
    assert "memory budget" in message


def test_a_budget_finding_is_not_cached(tmp_path: Path, slow_module: Path) -> None:
    config = Config(file_timeout=0.2, cache_dir=str(tmp_path / "cache"))
    scan_paths([slow_module], config, ScanOptions())
    generous = Config(cache_dir=str(tmp_path / "cache"))
    found = findings_of(scan_paths([slow_module], generous, ScanOptions()))["slow.py"]
    assert [code for code, _ in found] == ["CL201"]


def test_harmless_files_of_a_small_scan_stay_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_workers(*args: object) -> None:
        raise AssertionError("a worker process was started")

    monkeypatch.setattr(scan_module, "_check_in_workers", no_workers)
    (tmp_path / "a.py").write_text("import subprocess\nsubprocess.run(['ls'])\n")
    (tmp_path / "b.py").write_text("x = 1\n")
    outcome = scan_paths([tmp_path], Config(), ScanOptions(use_cache=False))
    assert [f.code for f in outcome.findings] == ["CL201"]


def test_a_risky_text_is_decided_before_any_parse() -> None:
    assert not scan_module.is_risky("x = 1\n" * 1000)
    assert scan_module.is_risky("x = 1\n" * 100_000)  # longer than RISKY_CHARS
    assert scan_module.is_risky("x = " + "(" * 150 + "1" + ")" * 150 + "\n")  # deep


# ---- the pool itself ---------------------------------------------------------------------


def crashing_worker() -> object:
    def work(job: str) -> str:
        if job == "crash":
            os.kill(os.getpid(), signal.SIGSEGV)
        if job == "exit":
            os._exit(3)
        return job.upper()

    return work


def test_a_dead_worker_costs_only_its_job_and_is_replaced() -> None:
    jobs = ["a", "crash", "b", "exit", "c", "d"]
    pool: WorkerPool[str, str] = WorkerPool(1, crashing_worker, Budget())
    done = dict(pool.run(jobs))
    assert {job: done[job] for job in "abcd"} == {"a": "A", "b": "B", "c": "C", "d": "D"}
    assert isinstance(done["crash"], Failure)
    assert "killed by SIGSEGV" in done["crash"].reason
    assert isinstance(done["exit"], Failure)
    assert "exited with status 3" in done["exit"].reason


# ---- progress ----------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_appears_at_once_counts_each_file_and_ends_with_the_time() -> None:
    terminal, clock = Terminal(), Clock()
    with ProgressDisplay(stream=terminal, clock=clock) as progress:
        assert "Scanning" in terminal.getvalue()  # before any file is known
        for done in range(1, 4):
            clock.now += 0.5
            progress.update(done, 3)
            assert f"{done}/3 files" in terminal.getvalue().rsplit("\r", 1)[-1]
    assert terminal.getvalue().endswith("Checked 3 files in 1.50 s\n")


def test_progress_is_silent_when_stderr_is_not_a_terminal() -> None:
    stream = io.StringIO()
    with ProgressDisplay(stream=stream) as progress:
        progress.update(1, 1)
    assert stream.getvalue() == ""


def test_the_scan_reports_progress_file_by_file_in_workers(tmp_path: Path) -> None:
    count = scan_module.IN_PROCESS_LIMIT + 6
    for index in range(count):
        (tmp_path / f"m{index}.py").write_text("import subprocess\nsubprocess.run(['ls'])\n")
    seen: list[tuple[int, int]] = []
    outcome = scan_paths(
        [tmp_path],
        Config(),
        ScanOptions(jobs=2, use_cache=False),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert len(outcome.findings) == count
    assert seen == [(done, count) for done in range(count + 1)]


def test_a_worker_that_died_idle_is_replaced_before_its_next_job() -> None:
    pool: WorkerPool[str, str] = WorkerPool(1, crashing_worker, Budget())
    results = pool.run(["a", "b", "c"])
    assert next(results) == ("a", "A")
    idle = pool._workers[0].process  # between two jobs
    idle.kill()
    idle.join(10)
    assert dict(results) == {"b": "B", "c": "C"}
