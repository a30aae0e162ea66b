"""Which files are worth parsing: only those importing a concurrency module (no LibCST here)."""

from __future__ import annotations

import re

from concurrency_lint.inventory.catalogue import MODULES

_NAMES = "|".join(MODULES)
# An import statement naming one of the modules (``import os, threading`` included).
_IMPORTS = re.compile(
    rf"^[ \t]*(?:from[ \t]+(?:{_NAMES})\b|import[ \t][^\n#]*\b(?:{_NAMES})\b)", re.MULTILINE
)


def may_use_concurrency(text: str) -> bool:
    """False when the text imports none of the modules: nothing can be named, no parse."""
    return _IMPORTS.search(text) is not None
