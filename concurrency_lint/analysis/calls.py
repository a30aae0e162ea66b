"""Small questions about call sites: keywords, ``**kwargs``, literal values."""

from __future__ import annotations

import libcst as cst


def keyword_arg(call: cst.Call, name: str) -> cst.Arg | None:
    """The ``name=`` argument of a call, if written."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def positional_args(call: cst.Call) -> list[cst.Arg]:
    """Plain positional arguments (no keyword, no ``*``/``**``)."""
    return [arg for arg in call.args if arg.keyword is None and not arg.star]


def has_star_args(call: cst.Call) -> bool:
    """True when ``*args`` is passed: positions can no longer be counted."""
    return any(arg.star == "*" for arg in call.args)


def has_star_kwargs(call: cst.Call) -> bool:
    """True when ``**kwargs`` is passed: any keyword may be inside."""
    return any(arg.star == "**" for arg in call.args)


def is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def string_value(node: cst.BaseExpression) -> str | None:
    """The value of a plain string literal (no f-string), else None."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def int_value(node: cst.BaseExpression) -> int | None:
    """The value of an integer literal, else None."""
    if isinstance(node, cst.Integer):
        return int(node.evaluated_value)
    return None


def argument_passed(call: cst.Call, keyword: str, position: int | None) -> cst.Arg | None:
    """The argument for a parameter given by keyword or (when ``position`` is set) by position."""
    arg = keyword_arg(call, keyword)
    if arg is not None:
        return arg
    if position is not None:
        positional = positional_args(call)
        if len(positional) > position:
            return positional[position]
    return None
