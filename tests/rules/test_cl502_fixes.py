"""CL502's fixes outside a ``with`` block: the failure a dropped future hid now shows, and
the shapes where reading the futures could hang or miss them are refused."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.config import Config
from tests.fix.test_fix_programs import run_program

FIX = ("-m", "concurrency_lint", "fix", "--apply", "--unsafe-fixes", "--no-cache")

FAILING = "def work(item):\n    raise ValueError(item)\n\n\n"

JOINED = FAILING + textwrap.dedent(
    """\
    from multiprocessing.pool import ThreadPool

    def main():
        pool = ThreadPool(2)
        [pool.apply_async(work, (item,)) for item in range(3)]
        pool.close()
        pool.join()

    main()
    """
)
SHUT_DOWN = FAILING + textwrap.dedent(
    """\
    from concurrent.futures import ThreadPoolExecutor

    def main():
        executor = ThreadPoolExecutor(2)
        for item in range(3):
            executor.submit(work, item)
        executor.shutdown()

    main()
    """
)
ON_SELF = FAILING + textwrap.dedent(
    """\
    from concurrent.futures import ThreadPoolExecutor
    from multiprocessing.pool import ThreadPool

    class Service:
        def __init__(self):
            self.executor = ThreadPoolExecutor(2)
            self.pool = ThreadPool(2)

        def handle(self, item):
            self.executor.submit(work, item)
            self.pool.apply_async(work, (item,))

    service = Service()
    service.handle(1)
    service.executor.shutdown()
    service.pool.close()
    service.pool.join()
    """
)


def _fixed(tmp_path: Path, text: str) -> Path:
    program = tmp_path / "program.py"
    program.write_text(text, encoding="utf-8")
    subprocess.run(
        [sys.executable, *FIX, "--select", "CL502", str(program)],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert program.read_text(encoding="utf-8") != text, "the fix changed nothing"
    return program


def _run(program: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(program)], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize("text", [JOINED, SHUT_DOWN], ids=["join", "shutdown"])
def test_a_lost_failure_is_raised_after_the_wait(tmp_path: Path, text: str) -> None:
    original = tmp_path / "original.py"
    original.write_text(text, encoding="utf-8")
    assert run_program(original) == ("", 0, None)
    assert run_program(_fixed(tmp_path, text)) == ("", 1, "ValueError")


def test_a_pool_on_self_reports_each_failure_when_it_happens(tmp_path: Path) -> None:
    original = tmp_path / "original.py"
    original.write_text(ON_SELF, encoding="utf-8")
    assert "ValueError" not in _run(original).stderr
    completed = _run(_fixed(tmp_path, ON_SELF))
    assert completed.returncode == 0
    # One traceback from the done-callback's log record, one from the error_callback.
    assert completed.stderr.count("ValueError: 1") == 2


def _fix_of(text: str) -> str | None:
    findings = [
        finding
        for finding in FileChecker(Config(select=("CL502",)))
        .check_text("example.py", text)
        .findings
        if finding.code == "CL502"
    ]
    assert len(findings) == 1
    return findings[0].fix.description if findings[0].fix else None


def _executor_program(wait: str, between: str = "") -> str:
    return textwrap.dedent(
        f"""\
        from concurrent.futures import ThreadPoolExecutor

        def main(items):
            executor = ThreadPoolExecutor(2)
            for item in items:
                executor.submit(print, item)
            {between}
            executor.{wait}
        """
    )


@pytest.mark.parametrize(
    "wait", ["shutdown()", "shutdown(wait=True)", "shutdown(True, cancel_futures=False)"]
)
def test_a_waiting_shutdown_is_where_the_futures_are_read(wait: str) -> None:
    assert _fix_of(_executor_program(wait)) == (
        "Read every future's `result()` after the pool is waited for"
    )


@pytest.mark.parametrize(
    ("wait", "between"),
    [
        ("shutdown(wait=False)", ""),
        ("shutdown(cancel_futures=True)", ""),
        ("shutdown(**options)", ""),
        ("shutdown()", "executor = ThreadPoolExecutor(2)"),
        ("join()", ""),
    ],
    ids=["no-wait", "cancels", "unknown-options", "rebound", "not-an-executor-wait"],
)
def test_no_read_after_a_wait_that_may_leave_futures_unfinished(wait: str, between: str) -> None:
    assert _fix_of(_executor_program(wait, between)) == (
        "Read the future's `result()` in a done-callback, which logs its exception"
    )


def test_a_terminated_pool_gets_an_error_callback_not_a_read() -> None:
    text = textwrap.dedent(
        """\
        import multiprocessing

        def main(items):
            pool = multiprocessing.Pool(2)
            try:
                for item in items:
                    pool.apply_async(print, (item,))
                pool.close()
            except KeyboardInterrupt:
                pool.terminate()
            pool.join()
        """
    )
    assert _fix_of(text) == "Pass an `error_callback` that prints the callable's exception"


def test_no_error_callback_where_the_module_binds_its_names_otherwise() -> None:
    text = textwrap.dedent(
        """\
        from multiprocessing.pool import ThreadPool

        def print_exception(error):
            pass

        class Service:
            def __init__(self):
                self.pool = ThreadPool(2)

            def queue(self, item):
                self.pool.apply_async(print, (item,))
        """
    )
    assert _fix_of(text) is None
    assert _fix_of(text.replace("def print_exception(error)", "def type(error)")) is None
