"""One scan over a tree of odd paths beside 50 files with one known finding each."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FLAGGED = 'import subprocess\nsubprocess.run(["ls"])\n'
SCAN_OPTIONS = ("--include-markdown", "--format", "json", "--no-cache", "--jobs", "2")


def test_odd_paths_beside_fifty_findings(tmp_path: Path) -> None:
    for index in range(50):
        (tmp_path / f"known_{index:02d}.py").write_text(FLAGGED, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "dir.py").mkdir()
    (tmp_path / "loop_a.py").symlink_to(tmp_path / "loop_b.py")
    (tmp_path / "loop_b.py").symlink_to(tmp_path / "loop_a.py")
    with open(os.fsencode(tmp_path) + b"/caf\xe9\x1b.py", "w", encoding="utf-8") as handle:
        handle.write(FLAGGED)
    (tmp_path / "feed.py").write_text(
        'import subprocess\n\x0c\nsubprocess.run(["a"])  # noqa\n', encoding="utf-8"
    )
    (tmp_path / "notes.md").write_text(
        "```bash\nls\n```plaintext\n\n```python\nimport subprocess\nsubprocess.run([])\n```\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "concurrency_lint", "scan", ".", *SCAN_OPTIONS],
        cwd=tmp_path,
        capture_output=True,
        timeout=600,  # a safety net for a regression, not a timing assertion
    )
    assert run.returncode == 1, run.stderr
    assert b"Traceback" not in run.stderr
    findings = json.loads(run.stdout)["findings"]
    by_path = {(f["path"], f["code"]) for f in findings}
    assert {(f"known_{index:02d}.py", "CL201") for index in range(50)} <= by_path
    assert {
        ("pipe.py", "CL002"),
        ("loop_a.py", "CL002"),
        ("loop_b.py", "CL002"),
        ("caf\\xe9\\x1b.py", "CL201"),
        ("notes.md", "CL201"),
    } <= by_path
    assert not any(path.startswith(("feed.py", "dir.py")) for path, _ in by_path)
    assert len(findings) == 55
