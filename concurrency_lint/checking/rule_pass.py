"""The LibCST pass over one file: parse once, run the triggered rules in one walk, turn
their reports into findings (positions, fixes, suppressions).

Imported only when some rule may fire on a file (see :mod:`.file_checker`): this is where
LibCST and the rule modules come in.
"""

from __future__ import annotations

import ast
import functools
import sys
import traceback
from collections.abc import Callable

import libcst as cst

from concurrency_lint.analysis.semantics import Semantics
from concurrency_lint.analysis.tree_walk import LAYOUT_TYPES, names_below, walk
from concurrency_lint.checking.positions import positions_of
from concurrency_lint.checking.project_summaries import project_view
from concurrency_lint.checking.rule import FileContext, Report, Rule
from concurrency_lint.checking.suppressions import SuppressionLedger
from concurrency_lint.config import Config
from concurrency_lint.fixes.node_code import block_indent, node_code
from concurrency_lint.model import (
    INTERNAL_ERROR,
    SYNTAX_ERROR,
    Edit,
    Finding,
    Fix,
    Span,
)
from concurrency_lint.sources import lines as python_lines
from concurrency_lint.sources.parsing import (
    SnippetOffset,
    engine_finding,
    parse_snippet,
)
from concurrency_lint.sources.pruning import (
    PRUNE_ABOVE_CHARS,
    PrunedModule,
    prune_module,
)


class NeedsDeepStack(Exception):
    """The pass recursed deeper than the calling thread allows: run it on a deep stack."""


class RulePass:
    """Runs rule classes over texts with one configuration."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def check(
        self,
        path: str,
        text: str,
        rules: tuple[type[Rule], ...],
        offset: SnippetOffset,
        markdown: bool,
        ledger: SuppressionLedger,
        module: cst.Module | None = None,
        tree: ast.Module | None = None,
        deep_stack: bool = True,
    ) -> list[Finding]:
        """The findings of ``rules`` on a judged ``text`` (see ``judge_source``);
        ``module`` is LibCST's module when the verdict parsed it, ``tree`` the
        interpreter's tree when known.

        With ``deep_stack`` False (the caller's own stack), a recursion too deep for it
        raises :class:`NeedsDeepStack` instead of becoming a finding.
        """
        self._deep_stack = deep_stack
        try:
            if tree is not None and len(text) > PRUNE_ABOVE_CHARS and not markdown:
                return self._check_large(path, text, rules, tree, ledger)
            return self._parse_and_visit(
                path, text, rules, offset, markdown, ledger, module, tree=tree
            )
        except RecursionError:
            if deep_stack:
                raise
            raise NeedsDeepStack from None

    def _check_large(
        self,
        path: str,
        text: str,
        rules: tuple[type[Rule], ...],
        tree: ast.Module,
        ledger: SuppressionLedger,
    ) -> list[Finding]:
        """A very large module: checked by the interpreter, then pruned, then analysed."""
        tokens = {token for rule in rules for token in rule.TRIGGERS}
        pruned = prune_module(text, tree, tokens)
        findings = self._parse_and_visit(
            path, pruned.text, rules, SnippetOffset(), False, ledger, None, pruned.original_line
        )
        return [_relocated(finding, pruned) for finding in findings]

    def _parse_and_visit(
        self,
        path: str,
        text: str,
        rules: tuple[type[Rule], ...],
        offset: SnippetOffset,
        markdown: bool,
        ledger: SuppressionLedger,
        module: cst.Module | None,
        original_line: Callable[[int], int] | None = None,
        tree: ast.Module | None = None,
    ) -> list[Finding]:
        """Parse a judged text with LibCST (unless the verdict did) and run the rules."""
        if module is None:
            module = parse_snippet(path, text, offset, judged=True, tree=tree)
        if isinstance(module, Finding):
            return [module]
        try:
            semantics = Semantics(module, project_view(path))
            context = FileContext(path=path, module=module, semantics=semantics, config=self.config)
            instances = [rule(context) for rule in rules]
            dispatcher = _GuardedDispatcher(semantics, instances)
            try:
                dispatcher.run(module)
            except RecursionError:
                if not self._deep_stack:
                    raise NeedsDeepStack from None
                return [engine_finding(SYNTAX_ERROR, "too deeply nested to analyse", path, offset)]
            findings = dispatcher.failures(path, offset)
            if not context.reports:
                return findings
            positions = positions_of(module, _needed_nodes(context.reports), text, tree)
            source_lines = python_lines.split_lines(text)
            for report in context.reports:
                finding = _to_finding(
                    report, path, module, positions, offset, markdown, source_lines
                )
                statement_line = (
                    positions[report.statement].start.line
                    if report.statement in positions
                    else None
                )
                candidate_lines = (finding.span.start_line - offset.lines,) + (
                    (statement_line,) if statement_line else ()
                )
                if original_line is not None:  # a pruned module: the source's own lines
                    candidate_lines = tuple(original_line(line) for line in candidate_lines)
                if not ledger.suppresses(report.code, candidate_lines):
                    findings.append(finding)
            return findings
        finally:
            _release(module)


def _release(module: cst.Module) -> None:
    """Drop what the analyses kept of ``module`` for the rules of its pass (the indexes of
    the last few modules), so that the tree is freed once its findings are made; only the
    analyses this process has loaded kept anything."""
    for name, forget in (
        ("concurrency_lint.analysis.definitions", "forget_module_index"),
        ("concurrency_lint.analysis.loops", "forget_loop_index"),
    ):
        loaded = sys.modules.get(name)
        if loaded is not None:
            getattr(loaded, forget)(module)
    pool_sites = sys.modules.get("concurrency_lint.analysis.pool_sites")
    if pool_sites is not None:
        pool_sites.forget_last_site()


class _GuardedDispatcher:
    """Runs many rules in one traversal; a rule that raises is stopped, the others go on."""

    def __init__(self, semantics: Semantics, rules: list[Rule]) -> None:
        self._semantics = semantics
        self._visit: dict[str, list[tuple[Rule, Callable[..., object]]]] = {}
        self._leave: dict[str, list[tuple[Rule, Callable[..., object]]]] = {}
        for rule in rules:
            for name in _handler_names(type(rule)):
                kind, _, target = name.partition("_")  # ``Call`` or ``Try_body``
                table = self._visit if kind == "visit" else self._leave
                table.setdefault(target, []).append((rule, getattr(rule, name)))
        self._failed: dict[Rule, tuple[BaseException, cst.CSTNode]] = {}
        # The handlers by exact node type, filled as the walk meets each type.
        self._visit_by_type: dict[type, list[tuple[Rule, Callable[..., object]]] | None] = {}
        self._leave_by_type: dict[type, list[tuple[Rule, Callable[..., object]]] | None] = {}

    def run(self, module: cst.Module) -> None:
        """Walk ``module`` once, in source order, calling the rules' handlers."""
        keys = (*self._visit, *self._leave)
        targets = {key.partition("_")[0] for key in keys}
        walk(
            module,
            self.on_visit,
            self.on_leave,
            include_layout=any(kind.__name__ in targets for kind in LAYOUT_TYPES),
            attribute_hooks=frozenset(
                (kind, attribute)
                for kind, _, attribute in (key.partition("_") for key in keys)
                if attribute
            ),
            on_visit_attribute=self.on_visit_attribute,
            on_leave_attribute=self.on_leave_attribute,
        )

    def on_visit(self, node: cst.CSTNode) -> bool:
        self._semantics.enter(node)
        node_type = type(node)
        try:
            handlers = self._visit_by_type[node_type]
        except KeyError:
            handlers = self._visit_by_type[node_type] = self._visit.get(node_type.__name__)
        if handlers is not None:
            self._call(handlers, node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        node_type = type(original_node)
        try:
            handlers = self._leave_by_type[node_type]
        except KeyError:
            handlers = self._leave_by_type[node_type] = self._leave.get(node_type.__name__)
        if handlers is not None:
            self._call(handlers, original_node)
        self._semantics.leave(original_node)

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        # Called only around the fields some rule hooks (``visit_Try_body``).
        self._call(self._visit.get(f"{type(node).__name__}_{attribute}"), node)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        self._call(self._leave.get(f"{type(original_node).__name__}_{attribute}"), original_node)

    def _call(
        self, handlers: list[tuple[Rule, Callable[..., object]]] | None, node: cst.CSTNode
    ) -> None:
        if not handlers:
            return
        for rule, method in handlers:
            if rule in self._failed:
                continue
            try:
                method(node)
            except RecursionError:
                raise
            except Exception as exc:
                self._failed[rule] = (exc, node)

    def failures(self, path: str, offset: SnippetOffset) -> list[Finding]:
        findings = []
        for rule, (exc, _node) in self._failed.items():
            where = traceback.extract_tb(exc.__traceback__)[-1]
            message = (
                f"rule {rule.CODE} ({rule.NAME}) failed on this file: "
                f"{type(exc).__name__}: {exc} (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})"
            )
            findings.append(engine_finding(INTERNAL_ERROR, message, path, offset))
        return findings


@functools.cache
def _handler_names(rule: type[Rule]) -> tuple[str, ...]:
    """The ``visit_*`` / ``leave_*`` methods a rule class defines (not LibCST's no-op stubs)."""
    return tuple(
        name
        for name in names_below(rule, cst.BatchableCSTVisitor)
        if name.startswith(("visit_", "leave_"))
        and callable(getattr(rule, name))
        and getattr(rule, name) is not getattr(cst.BatchableCSTVisitor, name, None)
    )


def _needed_nodes(reports: list[Report]) -> set[cst.CSTNode]:
    """The nodes whose positions the findings of ``reports`` need."""
    needed: set[cst.CSTNode] = set()
    for report in reports:
        needed.add(report.node)
        if report.statement is not None:
            needed.add(report.statement)
        if report.fix is not None:
            needed.update(old for old, _new in report.fix.changes)
    return needed


def _relocated(finding: Finding, pruned: PrunedModule) -> Finding:
    """A finding on a pruned module, moved back to the lines of the real source."""

    def moved(span: Span) -> Span:
        start, end = pruned.original_line(span.start_line), pruned.original_line(span.end_line)
        return span._replace(start_line=start, end_line=end)

    fix = finding.fix
    if fix is not None:
        edits = tuple(edit._replace(span=moved(edit.span)) for edit in fix.edits)
        fix = fix._replace(edits=edits)
    return finding._replace(span=moved(finding.span), fix=fix)


def _to_finding(
    report: Report,
    path: str,
    module: cst.Module,
    positions: object,
    offset: SnippetOffset,
    markdown: bool,
    source_lines: list[str],
) -> Finding:
    span = _span(positions[report.node], offset)  # type: ignore[index]
    fix = None
    if report.fix is not None and not markdown:
        indent = (
            block_indent(source_lines, positions[report.statement].start.line)  # type: ignore[index]
            if report.statement in positions  # type: ignore[operator]
            else ""
        )
        edits = tuple(
            _edit(old, new, module, positions, offset, source_lines, indent)
            for old, new in report.fix.changes
        )
        fix = Fix(report.fix.description, report.fix.safety, edits, report.fix.imports)
    return Finding(report.code, report.name, report.message, path, span, fix)


def _edit(
    old: cst.CSTNode,
    new: cst.CSTNode | cst.FlattenSentinel | str,
    module: cst.Module,
    positions: object,
    offset: SnippetOffset,
    lines: list[str],
    indent: str,
) -> Edit:
    """One change of a rule's fix as a text edit.

    A statement replaced by statements (or removed) is edited to the end of its last line,
    in the indentation of its own block; anything else in place, in the statement's.
    """
    code_range = positions[old]  # type: ignore[index]
    if isinstance(old, cst.BaseStatement) and (
        new == "" or isinstance(new, (cst.BaseStatement, cst.FlattenSentinel))
    ):
        span = _whole_lines(old, code_range, offset, module, lines, new == "")
        own_indent = block_indent(lines, code_range.start.line)
        return Edit(span, new if isinstance(new, str) else node_code(module, new, own_indent))
    text = new if isinstance(new, str) else node_code(module, new, indent)
    return Edit(_span(code_range, offset), text)


def _whole_lines(
    statement: cst.BaseStatement,
    code_range: object,
    offset: SnippetOffset,
    module: cst.Module,
    lines: list[str],
    removed: bool,
) -> Span:
    """A statement replaced by statements, or removed, to the end of its last line.

    A removed one also takes the comment lines above it and its own indentation; a
    replaced one keeps them (its replacement is written from its first token on).
    """
    span = _span(code_range, offset)
    start_line = span.start_line - len(statement.leading_lines) if removed else span.start_line
    start_col = 1 if removed else span.start_col
    if span.end_line < len(lines) or module.has_trailing_newline:
        return Span(start_line, start_col, span.end_line + 1, 1)
    return Span(start_line, start_col, span.end_line, len(lines[-1]) + 1 if lines else 1)


def _span(code_range: object, offset: SnippetOffset) -> Span:
    start, end = code_range.start, code_range.end  # type: ignore[attr-defined]
    return Span(
        start.line + offset.lines,
        start.column + 1 + offset.columns,
        end.line + offset.lines,
        end.column + 1 + offset.columns,
    )
