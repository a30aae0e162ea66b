"""``python -m concurrency_lint`` in an untrusted checkout imports none of its modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

MARKER_WRITER = "import pathlib\npathlib.Path({marker!r}).write_text('imported')\n"


@pytest.mark.parametrize("module", ["click", "libcst", "rich"])
def test_the_checkouts_modules_are_not_imported(project: Path, module: str) -> None:
    marker = project.parent / f"{project.name}-{module}-marker"
    (project / module).mkdir()
    (project / module / "__init__.py").write_text(MARKER_WRITER.format(marker=str(marker)))
    (project / "app.py").write_text('import subprocess\nsubprocess.run(["ls"])\n')
    completed = subprocess.run(
        [sys.executable, "-m", "concurrency_lint", "scan", "app.py", "--no-cache"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert not marker.exists()
    assert completed.returncode == 1, completed.stderr
    assert "CL201" in completed.stdout


def test_safe_path_mode_still_works(project: Path) -> None:
    (project / "app.py").write_text("x = 1\n")
    completed = subprocess.run(
        [sys.executable, "-P", "-m", "concurrency_lint", "scan", "app.py", "--no-cache"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
