"""How the tests start the server: as an editor does, with the installed command."""

from __future__ import annotations

import sys
from pathlib import Path

#: Guards against a server that never answers; no test depends on how fast it is.
PATIENCE = 120


def server_command() -> list[str]:
    """The installed ``conclint`` script (``python -m concurrency_lint`` without one)."""
    script = Path(sys.executable).with_name("conclint")
    if script.exists():
        return [str(script), "server"]
    return [sys.executable, "-m", "concurrency_lint", "server"]
