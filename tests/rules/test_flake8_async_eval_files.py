"""CL401 on flake8-async's own eval files: >= 95 % of their marked ASYNC2xx lines, and
every difference listed with its reason.

The files come from flake8-async's sdist, which ``benchmarks/flake8_async_eval.py
--download`` fetches into ``benchmarks/.data`` (``.ci/run`` does so); they are never
committed. Without them the test is skipped.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "flake8_async_eval.py"
EVAL_FILES = ROOT / "benchmarks/.data/flake8-async/flake8_async-26.8.1/tests/eval_files"


@pytest.mark.skipif(not EVAL_FILES.is_dir(), reason="flake8-async's eval files not downloaded")
def test_cl401_flags_the_marked_lines_and_documents_every_difference() -> None:
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    total = re.search(r"^lines\s+(\d+)\s+(\d+)", completed.stdout, re.MULTILINE)
    assert total is not None, completed.stdout
    marked, flagged = int(total[1]), int(total[2])
    assert marked >= 150  # the seven files' markers were all read
    assert flagged >= 0.95 * marked, completed.stdout
