"""What the analysis of one file reads from the rules' per-file context."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import libcst as cst

    from concurrency_lint.analysis.semantics import Semantics
    from concurrency_lint.config import Config


class AnalysisContext(Protocol):
    """One parsed file: its path, tree, semantics and configuration."""

    path: str
    module: cst.Module
    semantics: Semantics
    config: Config
