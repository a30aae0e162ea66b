"""Code actions: one quick fix per finding with a fix, and "apply every safe fix".

The edits come from the fix loop that ``conclint fix`` runs (``fix_text``): a fix is
verified to compile, its imports are added and checked for clashes, and a fix the loop
refuses is not offered. Unsafe fixes are offered too, labelled so in their title.
"""

from __future__ import annotations

from dataclasses import replace

from lsprotocol import types

from concurrency_lint.fixes.apply import Refusal, TextFixes, fix_text
from concurrency_lint.fixes.apply.source_file import UnfixableFile, normalise_newlines
from concurrency_lint.model import Finding, Safety
from concurrency_lint.server.diagnostics import diagnostic
from concurrency_lint.server.document_check import DocumentCheck
from concurrency_lint.server.positions import Point, touches
from concurrency_lint.server.text_diff import text_edits

#: The kind of the action that applies every safe fix (``codeActionsOnSave`` in VS Code).
FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.conclint"
KINDS = (types.CodeActionKind.QuickFix, FIX_ALL)


def wants_kind(kind: str, only: list[str] | None) -> bool:
    """Whether a request restricted to ``only`` kinds asks for ``kind``."""
    return only is None or any(kind == wanted or kind.startswith(f"{wanted}.") for wanted in only)


def fixable(finding: Finding) -> bool:
    return finding.fix is not None and bool(finding.fix.edits)


def safely_fixable(finding: Finding) -> bool:
    return finding.fix is not None and bool(finding.fix.edits) and finding.fix.safety is Safety.SAFE


def quick_fixes(
    document: DocumentCheck, start: Point, end: Point, show_refused: bool = False
) -> list[types.CodeAction]:
    """A quick fix for each finding with a fix that the range touches. A fix the fix loop
    refuses is left out, or (``show_refused``: the client shows disabled actions) offered
    disabled, with the reason."""
    actions = []
    for finding in document.findings:
        if not (fixable(finding) and touches(finding.span, start, end)):
            continue
        assert finding.fix is not None
        unsafe = finding.fix.safety is Safety.UNSAFE
        title = f"Fix {finding.code}: {finding.fix.description}"
        action = types.CodeAction(
            title=f"{title} (unsafe: may change behaviour)" if unsafe else title,
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic(finding, document.index)],
            is_preferred=not unsafe,
        )
        action.edit = workspace_edit(document, finding)
        if action.edit is None:
            if not show_refused:
                continue
            action.disabled = types.CodeActionDisabled(refusal(document, finding))
            action.is_preferred = None
        actions.append(action)
    return actions


def refusal(document: DocumentCheck, finding: Finding) -> str:
    """Why the fix loop did not apply a finding's fix."""
    reasons = [refused.reason for refused in fixed(document, finding).refused]
    return f"not applied: {reasons[0]}" if reasons else "not applied: the fix changes nothing"


def fix_all_action(document: DocumentCheck, resolve_later: bool) -> types.CodeAction | None:
    """ "Apply every safe fix", when the document has one; its edit is left for
    ``codeAction/resolve`` when the client resolves edits lazily."""
    if not any(safely_fixable(finding) for finding in document.findings):
        return None
    action = types.CodeAction(
        title="conclint: apply every safe fix",
        kind=FIX_ALL,
        data={"uri": document.uri, "version": document.version},
    )
    if not resolve_later:
        action.edit = workspace_edit(document, None)
    return action


def workspace_edit(document: DocumentCheck, finding: Finding | None) -> types.WorkspaceEdit | None:
    """The edit that applies one finding's fix (None: every safe fix); None when refused."""
    outcome = fixed(document, finding)
    if not outcome.changed:
        return None
    edits = text_edits(document.text, outcome.text, document.index)
    return types.WorkspaceEdit(changes={document.uri: edits})


def fixed(document: DocumentCheck, finding: Finding | None) -> TextFixes:
    """The fix loop's outcome for one finding (None: every safe fix), computed once."""
    known = document.fixes.get(finding)
    if known is None:
        known = document.fixes[finding] = _run_fix_loop(document, finding)
    return known


def _run_fix_loop(document: DocumentCheck, target: Finding | None) -> TextFixes:
    """The fix loop on the document's text with ``\\n`` line endings (as ``conclint fix``
    runs it); the outcome's texts are given back in the document's own line endings."""
    try:
        text, newline = normalise_newlines(document.text)
    except UnfixableFile as exc:
        refused = (Refusal(target, str(exc)),) if target is not None else ()
        return TextFixes(document.text, document.text, (), refused, document.findings)
    if target is None:
        outcome = fix_text(text, document.check, unsafe=False)
    else:

        def only_target(candidate: str) -> tuple[Finding, ...]:
            # The loop sees this finding alone: once applied, what is left offers nothing.
            if candidate == text:
                return (target,)
            return tuple(finding._replace(fix=None) for finding in document.check(candidate))

        outcome = fix_text(text, only_target, unsafe=True, max_passes=1)
    fixed_text = outcome.text
    if newline is not None and newline != "\n":
        fixed_text = fixed_text.replace("\n", newline)
    return replace(outcome, original=document.text, text=fixed_text)
