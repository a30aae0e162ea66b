"""Shared semantics for rules: qualified names, scopes, bindings and call helpers.

Nothing here knows about any rule.
"""

from concurrency_lint.analysis.semantics import Semantics

__all__ = ["Semantics"]
