"""Is fixed code still a program? The interpreter's own compiler is the judge."""

from __future__ import annotations

import ast
import warnings
from enum import Enum


class Strictness(Enum):
    """How far the original text gets through the compiler; fixed text must get as far."""

    COMPILES = "compiles"
    PARSES = "parses"
    NEITHER = "neither"


def _error(text: str, mode: Strictness) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes and the like: not our business
            if mode is Strictness.COMPILES:
                compile(text, "<fixed>", "exec", dont_inherit=True)
            else:
                ast.parse(text)
    except SyntaxError as exc:
        where = f" (line {exc.lineno})" if exc.lineno else ""
        return f"{exc.msg}{where}"
    except (ValueError, RecursionError, MemoryError) as exc:
        return str(exc) or type(exc).__name__
    return None


def strictness_of(text: str) -> Strictness:
    """The strongest check the original text passes."""
    if _error(text, Strictness.COMPILES) is None:
        return Strictness.COMPILES
    if _error(text, Strictness.PARSES) is None:
        return Strictness.PARSES
    return Strictness.NEITHER


def compile_error(text: str, strictness: Strictness) -> str | None:
    """Why ``text`` fails the check at this strictness, or None when it passes."""
    if strictness is Strictness.NEITHER:
        return "the original code does not compile"
    return _error(text, strictness)
