"""The ``conclint`` process ends without a teardown, with the status and the output a
normal exit would give."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from concurrency_lint.cli import process_end

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def conclint(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "concurrency_lint", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        timeout=120,
    )


@pytest.mark.parametrize(
    ("code", "status", "printed"),
    [(None, 0, ""), (0, 0, ""), (1, 1, ""), (130, 130, ""), (True, 1, ""), ("bad", 1, "bad\n")],
)
def test_status_is_what_sys_exit_gives(code, status, printed, capsys) -> None:
    assert process_end._status(code) == status
    assert capsys.readouterr().err == printed


def test_every_finding_reaches_a_pipe_and_the_status_holds(tmp_path: Path) -> None:
    body = "".join(f"def f{n}():\n    subprocess.run(['x'])\n" for n in range(400))
    (tmp_path / "many.py").write_text("import subprocess\n" + body)
    done = conclint("scan", "--no-cache", "--format", "json", "many.py", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert len(json.loads(done.stdout)["findings"]) >= 400


def test_clean_scan_and_usage_errors_keep_their_status(tmp_path: Path) -> None:
    (tmp_path / "clean.py").write_text("x = 1\n")
    assert conclint("scan", "--no-cache", "clean.py", cwd=tmp_path).returncode == 0
    unknown = conclint("no-such-command", cwd=tmp_path)
    assert unknown.returncode == 2
    assert "No such command" in unknown.stderr


def test_exit_handlers_still_run(tmp_path: Path) -> None:
    """``atexit`` handlers (multiprocessing's among them) run before the process ends."""
    script = tmp_path / "ends.py"
    script.write_text(
        "import atexit, sys\n"
        "from concurrency_lint.cli.process_end import end_process\n"
        "atexit.register(lambda: print('handler ran', flush=True))\n"
        "print('output', end='')\n"
        "end_process(3)\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        timeout=60,
    )
    assert done.returncode == 3
    assert done.stdout == "outputhandler ran\n"
