"""The Python 2 branches of module-level version tests, whose imports a reader skips.

``if sys.version_info >= (3, 0): from .compat3 import httplib`` / ``else: from .compat2
import httplib``: the name means the first. Like an ``except ImportError:`` handler, the
Python 2 branch is a fallback (see :class:`~concurrency_lint.analysis.names.ImportMap`).
"""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.names import dotted_name

_FLAGS = {"PY2": "body", "PY3": "orelse", "PY3K": "orelse"}


def python2_blocks(module: cst.Module) -> frozenset[int]:
    """The ids of the blocks (``IndentedBlock`` / ``Else``) only Python 2 runs."""
    found: set[int] = set()
    pending: list[cst.BaseStatement] = list(module.body)
    while pending:
        statement = pending.pop()
        if isinstance(statement, cst.If):
            branch = _python2_branch(statement.test)
            if branch == "body":
                found.add(id(statement.body))
            elif branch == "orelse" and statement.orelse is not None:
                found.add(id(statement.orelse))
            pending += list(statement.body.body)
            orelse = statement.orelse
            if isinstance(orelse, cst.If):
                pending.append(orelse)
            elif isinstance(orelse, cst.Else):
                pending += list(orelse.body.body)
        elif isinstance(statement, cst.Try):
            pending += list(statement.body.body)
            for handler in statement.handlers:
                pending += list(handler.body.body)
    return frozenset(found)


def _python2_branch(test: cst.BaseExpression) -> str | None:
    if isinstance(test, (cst.Name, cst.Attribute)):
        return _FLAGS.get((dotted_name(test) or "").rpartition(".")[2].upper())
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1):
        return None
    left = test.left
    if isinstance(left, cst.Subscript):
        left = left.value
    if (dotted_name(left) or "") not in ("sys.version_info", "version_info"):
        return None
    target = test.comparisons[0]
    right = target.comparator
    major = right.elements[0].value if isinstance(right, cst.Tuple) and right.elements else right
    if not isinstance(major, cst.Integer) or major.value not in ("2", "3"):
        return None
    three = major.value == "3"
    operator = target.operator
    if (three and isinstance(operator, cst.GreaterThanEqual)) or (
        not three and isinstance(operator, cst.GreaterThan)
    ):
        return "orelse"
    if (three and isinstance(operator, cst.LessThan)) or (
        not three and isinstance(operator, (cst.LessThanEqual, cst.Equal))
    ):
        return "body"
    return None
