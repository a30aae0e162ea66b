"""How a call passes its arguments, without their values: plain data, importable without
LibCST (the project model keeps it in its answers, and a warm scan reads those)."""

from __future__ import annotations

from typing import NamedTuple


class CallShape(NamedTuple):
    """How a call in another module passes its arguments: how many positionally, which
    by keyword (its values are not read)."""

    positional: int
    keywords: frozenset[str]

    def passes(self, position: int | None, keyword: str) -> bool:
        return (position is not None and position < self.positional) or keyword in self.keywords
