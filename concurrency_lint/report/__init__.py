"""Output formats: one module each, each exposing
``render(report, color=False, width=None) -> str``."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from concurrency_lint.model import ScanReport

FORMATS = ("text", "concise", "table", "json", "github", "sarif", "markdown")
#: Formats meant for people: they honour colour and the terminal's width.
HUMAN_FORMATS = frozenset({"text", "concise", "table"})
# Formats that need the rules' documentation (and so import the rules).
NEEDS_RULE_DOCS = frozenset({"sarif"})
# Formats that read the flagged files' lines (to show them, or to fingerprint findings).
NEEDS_SOURCES = frozenset({"text", "sarif"})


def renderer(name: str) -> Callable[..., str]:
    """The ``render`` function of one format, imported on demand."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    module = importlib.import_module(f"concurrency_lint.report.{name}_format")
    return module.render


def render(name: str, report: ScanReport, color: bool = False, width: int | None = None) -> str:
    return renderer(name)(report, color=color, width=width)
