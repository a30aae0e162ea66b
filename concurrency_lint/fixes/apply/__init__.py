"""``conclint fix``: apply the rules' fixes to files, safely (no printing here)."""

from concurrency_lint.fixes.apply.diff import unified_diff
from concurrency_lint.fixes.apply.passes import MAX_PASSES, Refusal, TextFixes, fix_text
from concurrency_lint.fixes.apply.run import (
    FileFix,
    FixOptions,
    FixRun,
    fix_bytes,
    fix_data,
    fix_file,
    fix_paths,
)

__all__ = [
    "MAX_PASSES",
    "FileFix",
    "FixOptions",
    "FixRun",
    "Refusal",
    "TextFixes",
    "fix_bytes",
    "fix_data",
    "fix_file",
    "fix_paths",
    "fix_text",
    "unified_diff",
]
