"""Shared semantics for rules: qualified names, scopes, bindings and call helpers.

Nothing here knows about any rule. ``Semantics`` is loaded on first use: the screens of
this package (``ast_screens``, ``import_screen``) run on the standard library alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrency_lint.analysis.semantics import Semantics

__all__ = ["Semantics"]


def __getattr__(name: str) -> Any:
    if name == "Semantics":
        from concurrency_lint.analysis.semantics import Semantics

        return Semantics
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
