"""Hover: the documentation of the rules whose findings cover a position."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from concurrency_lint.checking.registry import rule_by_code
from concurrency_lint.model import Finding
from concurrency_lint.server.positions import LineIndex, Point, touches


def hover_text(findings: Sequence[Finding], point: Point) -> str | None:
    """Markdown for the findings at ``point``: each message, then its rule's documentation
    (once per rule)."""
    here = [finding for finding in findings if touches(finding.span, point, point)]
    if not here:
        return None
    parts = []
    documented: set[str] = set()
    for finding in here:
        rule = rule_by_code(finding.code)
        text = f"**{finding.code} {finding.name}**: {finding.message}"
        if rule is not None and finding.code not in documented:
            documented.add(finding.code)
            text += "\n\n" + rule.documentation()
        parts.append(text)
    return "\n\n---\n\n".join(parts)


def hover(findings: Sequence[Finding], point: Point, index: LineIndex) -> types.Hover | None:
    """The hover answer at ``point`` (None when no finding covers it), over the range of
    the first finding there."""
    text = hover_text(findings, point)
    if text is None:
        return None
    first = next(finding for finding in findings if touches(finding.span, point, point))
    return types.Hover(
        types.MarkupContent(types.MarkupKind.Markdown, text), index.span_range(first.span)
    )
