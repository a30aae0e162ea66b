"""ANSI styles for the plain-text formats; a no-op when colour is off."""

from __future__ import annotations

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
RED = "\x1b[1;31m"
CYAN = "\x1b[36m"
BLUE = "\x1b[1;34m"


def paint(text: str, style: str, color: bool) -> str:
    """``text`` in ``style`` when ``color``, else unchanged."""
    return f"{style}{text}{RESET}" if color and text else text
