"""Parameter types a function's docstring declares, the way IDEs read them.

Sphinx fields declare a parameter's type: ``:type session: requests.Session``,
``:param requests.Session session: ...``, or a ``:param session:`` whose whole description
is one class reference (``:param session: :class:`ArchiveSession <ArchiveSession>```).
Answers are the declared text (``requests.Session``, ``ArchiveSession``), not yet
resolved to a qualified name; a description that only mentions a class in prose, or two
declarations that disagree, declare nothing.
"""

from __future__ import annotations

import re

import libcst as cst

_DOTTED = r"~?[A-Za-z_][\w.]*"
_TYPE_FIELD = re.compile(rf"^\s*:type\s+(\w+)\s*:\s*({_DOTTED})\s*$")
_TYPED_PARAM = re.compile(rf"^\s*:param\s+({_DOTTED})\s+(\w+)\s*:")
_CLASS_ONLY = re.compile(
    rf"^\s*:param\s+(\w+)\s*:\s*:(?:py:)?class:`(?:[^`<]*<({_DOTTED})>|({_DOTTED}))`\.?\s*$"
)


def declared_parameter_types(function: cst.FunctionDef) -> dict[str, str]:
    """Parameter -> the dotted type its docstring declares (one declaration, one type)."""
    docstring = function.get_docstring(clean=True)
    if not docstring:
        return {}
    parameters = {
        param.name.value
        for param in (
            *function.params.posonly_params,
            *function.params.params,
            *function.params.kwonly_params,
        )
    }
    declared: dict[str, set[str]] = {}
    for line in docstring.splitlines():
        if ":param" not in line and ":type" not in line:
            continue  # what every declaration starts with
        found = _declaration(line)
        if found is not None and found[0] in parameters:
            declared.setdefault(found[0], set()).add(found[1].lstrip("~"))
    return {name: types.pop() for name, types in declared.items() if len(types) == 1}


def _declaration(line: str) -> tuple[str, str] | None:
    """(parameter, type text) of one docstring line, else None."""
    if match := _TYPE_FIELD.match(line):
        return match.group(1), match.group(2)
    if match := _TYPED_PARAM.match(line):
        return match.group(2), match.group(1)
    if match := _CLASS_ONLY.match(line):
        return match.group(1), match.group(2) or match.group(3)
    return None
