"""The server's tests need the ``lsp`` extra (pygls, lsprotocol) and pytest-lsp, which the
test extra installs; where they are missing the modules that import them are not collected,
so plain ``pytest`` still collects everything else."""

from __future__ import annotations

import importlib.util

_NEEDED = ("pygls", "lsprotocol", "pytest_lsp")

collect_ignore_glob = (
    ["test_*.py", "server_process.py"]
    if any(importlib.util.find_spec(name) is None for name in _NEEDED)
    else []
)
