"""Building blocks for fixes: small, formatting-preserving CST edits."""

from __future__ import annotations

import libcst as cst


def with_keyword(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """``call`` with ``name=value`` set: an existing ``name=`` is replaced, else appended.

    A new argument follows the layout of the ones before it: on a line of its own in a
    one-per-line call, keeping a trailing comma where there was one.
    """
    for index, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value == name:
            args = list(call.args)
            args[index] = arg.with_changes(value=value)
            return call.with_changes(args=args)
    new_arg = cst.Arg(
        keyword=cst.Name(name),
        value=value,
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
    )
    if not call.args:
        return call.with_changes(args=[new_arg])
    args = list(call.args)
    last = args[-1]
    if isinstance(last.comma, cst.Comma):
        # Trailing comma: the new argument takes the last one's comma (and its line break);
        # the last one takes the separator used between earlier arguments.
        between = (
            args[-2].comma if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma) else None
        )
        args[-1] = last.with_changes(
            comma=between or cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        )
        args.append(new_arg.with_changes(comma=last.comma))
    else:
        # The space before ``)`` (a line break when it sits on a line of its own) moves
        # behind the new argument.
        args[-1] = last.with_changes(
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
            whitespace_after_arg=cst.SimpleWhitespace(""),
        )
        args.append(new_arg.with_changes(whitespace_after_arg=last.whitespace_after_arg))
    return call.with_changes(args=args)


def with_argument_value(
    call: cst.Call, given: cst.Arg | None, keyword: str, value: cst.BaseExpression
) -> cst.Call:
    """``call`` with a parameter set to ``value``: in place when passed by position, else by keyword."""
    if given is not None and given.keyword is None:
        return call.deep_replace(given, given.with_changes(value=value))
    return with_keyword(call, keyword, value)
