"""Ctrl-C handling and the stdlib-only import promise, in child interpreters."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent / "scripts"


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT delivery is POSIX-only")
@pytest.mark.parametrize("api", ["run", "iter", "process"])
def test_keyboard_interrupt_propagates_promptly(api, child_env):
    child = subprocess.Popen(
        [sys.executable, str(SCRIPTS / "interrupted_batch.py"), api],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().startswith("started")
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=15)
    finally:
        child.kill()
        child.wait()
    assert time.monotonic() - sent < 5  # items sleep 30 s: nobody waited for them
    assert child.returncode != 0
    assert "KeyboardInterrupt" in stderr
    assert "finished" not in stdout


def test_import_loads_only_the_standard_library(child_env):
    probe = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import concurrency_lint.parallel\n"
        "new = {name.split('.')[0] for name in set(sys.modules) - before}\n"
        "print(' '.join(sorted(new)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=child_env,
        timeout=60,
        check=True,
    )
    loaded = set(result.stdout.split())
    assert "concurrency_lint" in loaded
    outside = {
        name for name in loaded - {"concurrency_lint"} if name not in sys.stdlib_module_names
    }
    assert not outside, f"non-stdlib modules imported: {sorted(outside)}"
    assert not loaded & {"rich", "libcst", "click", "psutil"}
    # Nor the slow parts of the standard library that only some features need.
    assert not loaded & {"asyncio", "multiprocessing"}
