"""Check one file: screen it without LibCST, then run the rules that may fire in one pass.

Most files hold nothing a rule fires on. Their verdict comes from the text and the
interpreter's own parse (a syntax check, and the second looks of :mod:`.screens`), with
the standard library alone: LibCST and the rule modules are imported only for a file
that some rule may fire on, and then only the rules that may.
"""

from __future__ import annotations

import ast
import sys
from typing import TYPE_CHECKING

from concurrency_lint.analysis.ast_screens import ProjectIo
from concurrency_lint.checking.registry import known_codes, load_rule, rule_modules
from concurrency_lint.checking.screens import (
    MODEL_TRIGGERED,
    SCREENS,
    Screen,
    may_import_project,
    screen_of,
)
from concurrency_lint.checking.selection import enabled_codes, ignored_for_path
from concurrency_lint.checking.suppressions import SuppressionLedger, ignores_whole_file
from concurrency_lint.config import Config
from concurrency_lint.model import (
    ENGINE_CODES,
    INTERNAL_ERROR,
    SYNTAX_ERROR,
    UNREADABLE_FILE,
    Edit,
    FileResult,
    Finding,
    Fix,
    Safety,
    Span,
)
from concurrency_lint.sources import lines as python_lines
from concurrency_lint.sources.decoding import (
    UndecodableSource,
    decode_source,
    needs_strict_precheck,
)
from concurrency_lint.sources.parsing import (
    SnippetOffset,
    engine_finding,
    judge_source,
    run_with_deep_stack,
    size_finding,
)

if TYPE_CHECKING:
    import libcst as cst

    from concurrency_lint.checking.rule import Rule
    from concurrency_lint.checking.rule_pass import RulePass


class FileChecker:
    """Checks files against one configuration; build once per process, reuse per file."""

    def __init__(self, config: Config, record_dependencies: bool = True) -> None:
        self.config = config
        #: Whether a result names the project modules it used (for a result cache).
        self.record_dependencies = record_dependencies
        rule_codes = tuple(rule_modules())
        defaults = [code for code in rule_codes if _default_enabled(code)]
        self.enabled_codes = enabled_codes(
            [*rule_codes, *known_codes()], [*defaults, *ENGINE_CODES], config
        )
        self.rule_codes = tuple(code for code in rule_codes if code in self.enabled_codes)
        self._screens: dict[str, Screen] = {code: screen_of(code) for code in self.rule_codes}
        self._all_codes = sorted(known_codes())
        self._known_codes = frozenset(self._all_codes)
        self._pass: RulePass | None = None

    @property
    def rules(self) -> tuple[type[Rule], ...]:
        """The enabled rule classes (imports them all)."""
        return tuple(load_rule(code) for code in self.rule_codes)

    def trigger_tokens(self) -> frozenset[str]:
        """Text any enabled rule needs to see before a file is worth parsing."""
        return frozenset(token for screen in self._screens.values() for token in screen.triggers)

    # ---- entry points --------------------------------------------------------------------

    def check_bytes(self, path: str, data: bytes, markdown: bool = False) -> FileResult:
        """Decode and check one file's bytes."""
        try:
            source = decode_source(data)
        except UndecodableSource as exc:
            return self._result(path, [engine_finding(UNREADABLE_FILE, str(exc), path)])
        return self.check_text(path, source.text, markdown=markdown)

    def check_text(self, path: str, text: str, markdown: bool = False) -> FileResult:
        """Check one file's text (Python, or Markdown with Python blocks)."""
        _finish_check(path, False)  # a view left by a check that raised is not reused
        if ignores_whole_file(text):
            return FileResult(path)
        codes = self._codes_for(path)
        if not codes and self.enabled_codes.isdisjoint((SYNTAX_ERROR[0], UNREADABLE_FILE[0])):
            return FileResult(path)  # nothing to report: not even whether the file parses
        too_large = size_finding(path, text, self.config.max_file_size)
        if too_large is not None:  # before any search or parse of the text
            return self._result(path, [too_large])
        audits = tuple(code for code in codes if self._screens[code].audits)
        codes = tuple(code for code in codes if not self._screens[code].audits)
        if not markdown:
            ledger = SuppressionLedger(text)
            findings = self._check_snippet(path, text, codes, SnippetOffset(), False, ledger)
            findings += self._audit(path, text, ledger, audits, SnippetOffset(), findings, False)
            return self._result(path, findings, text)
        from concurrency_lint.sources.markdown import python_blocks  # Markdown files only

        findings = []
        for block in python_blocks(text):
            offset = SnippetOffset(block.first_line - 1, block.indent)
            ledger = SuppressionLedger(block.code)
            block_findings = self._check_snippet(path, block.code, codes, offset, True, ledger)
            # A block that does not parse is CL001 on its real line: a reader would see it.
            findings.extend(block_findings)
            findings += self._audit(path, block.code, ledger, audits, offset, block_findings, True)
        return self._result(path, findings, text)

    # ---- internals -----------------------------------------------------------------------

    def _codes_for(self, path: str) -> tuple[str, ...]:
        ignored = ignored_for_path(path, self.config, self._all_codes)
        return tuple(code for code in self.rule_codes if code not in ignored)

    def _result(self, path: str, findings: list[Finding], text: str = "") -> FileResult:
        ignored = ignored_for_path(path, self.config, self._all_codes)
        kept = [f for f in findings if f.code in self.enabled_codes and f.code not in ignored]
        if self.config.defer_to_ruff and self.config.ruff_codes and kept:
            from concurrency_lint.checking.ruff_overlap import deferred_to_ruff

            lines = python_lines.split_lines(text)

            def line_of(finding: Finding) -> str | None:
                number = finding.span.start_line
                return lines[number - 1] if 1 <= number <= len(lines) else None

            codes = self.config.ruff_codes
            kept = [f for f in kept if not deferred_to_ruff(f, codes, line_of(f))]
        ordered = tuple(sorted(kept, key=lambda f: f.sort_key))
        return FileResult(path, ordered, _finish_check(path, self.record_dependencies))

    def _audit(
        self,
        path: str,
        text: str,
        ledger: SuppressionLedger,
        audits: tuple[str, ...],
        offset: SnippetOffset,
        findings: list[Finding],
        markdown: bool,
    ) -> list[Finding]:
        """The suppression rules' findings, once every other rule's are known."""
        if not audits or (not ledger.by_line and "ignore-file" not in text):
            return []
        if any(f.code in (SYNTAX_ERROR[0], INTERNAL_ERROR[0]) for f in findings):
            return []  # what the other rules would have reported is unknown
        from concurrency_lint.checking.suppression_audit import SuppressionAudit

        ignored = ignored_for_path(path, self.config, self._all_codes)
        audit = SuppressionAudit(
            text,
            ledger.by_line,
            frozenset(ledger.used),
            frozenset(code for code in self.enabled_codes if code not in ignored),
            self._known_codes,
        )
        reported = []
        for rule in (load_rule(code) for code in audits):
            for report in rule.audit(audit):  # type: ignore[attr-defined]
                if ledger.suppresses(rule.CODE, (report.line,), explicit_only=True):
                    continue
                line = report.line + offset.lines
                column = report.column + offset.columns
                span = Span(line, column, line, column + report.length)
                fix = None
                if report.fix is not None and not markdown:
                    edit = report.fix
                    edit_span = Span(line, edit.start, line, edit.end)
                    safety = Safety.SAFE if edit.safe else Safety.UNSAFE
                    fix = Fix(edit.description, safety, (Edit(edit_span, edit.text),))
                reported.append(Finding(rule.CODE, rule.NAME, report.message, path, span, fix))
        return reported

    def _check_snippet(
        self,
        path: str,
        text: str,
        codes: tuple[str, ...],
        offset: SnippetOffset,
        markdown: bool,
        ledger: SuppressionLedger,
    ) -> list[Finding]:
        triggered = tuple(
            code for code in codes if self._screens[code].is_triggered(text, self.config)
        )
        # One verdict per text, whichever rules are triggered (the interpreter's parser for
        # the target version; LibCST only for syntax newer than this interpreter).
        verdict = judge_source(
            path, text, offset, self.config.target_python(), self.config.max_file_size
        )
        if verdict.finding is not None:
            return [verdict.finding]
        tree = verdict.tree
        in_project: bool | None = None  # whether the file imports its project: when asked
        if tree is not None and not markdown:  # a name of another module of the project
            untriggered = tuple(c for c in codes if c not in triggered and c in MODEL_TRIGGERED)
            if untriggered:
                in_project = may_import_project(tree, path)
            if untriggered and in_project:
                from concurrency_lint.checking.project_summaries import project_triggered

                triggered += project_triggered(path, text, tree, untriggered, self._triggers_of)
        if not triggered:
            return []
        if tree is not None:
            # The second looks, on the interpreter's tree: a rule whose look says no is
            # left out of the pass.
            triggered = self._second_looks(path, tree, triggered, markdown, in_project)
            if not triggered:
                return []
        return self._run_pass(path, text, triggered, offset, markdown, ledger, verdict.module, tree)

    def _second_looks(
        self,
        path: str,
        tree: ast.Module,
        codes: tuple[str, ...],
        markdown: bool,
        in_project: bool | None,
    ) -> tuple[str, ...]:
        """The codes whose second look may fire. The loop rules' look asks the project
        model about imported names when the file imports its project, and is taken
        whatever else the pass runs for; the other looks only when every code has one
        (they know nothing of the project: a receiver typed by another module's
        annotations is for the pass to see, once the file is parsed anyway)."""
        screens = self._screens
        every_code_looks = all(screens[code].tree_look for code in codes)
        looked = [c for c in codes if every_code_looks or screens[c].asks_project]
        if not looked:
            return codes
        project_io: ProjectIo | None = None
        if any(screens[code].asks_project for code in looked):
            if in_project is None and not markdown:
                in_project = may_import_project(tree, path)
            project_io = _no_project_io
            if in_project:
                from concurrency_lint.checking.project_summaries import project_io_oracle

                project_io = project_io_oracle(path) or _no_project_io
        answers: dict[object, bool] = {}  # look -> its answer: the loop rules share one

        def may_fire(screen: Screen) -> bool:
            look = screen.tree_look
            if look not in answers:
                answers[look] = screen.may_fire(tree, self.config, project_io)
            return answers[look]

        return tuple(code for code in codes if code not in looked or may_fire(screens[code]))

    def _triggers_of(self, code: str) -> tuple[str, ...]:
        return self._screens[code].triggers

    def _run_pass(
        self,
        path: str,
        text: str,
        codes: tuple[str, ...],
        offset: SnippetOffset,
        markdown: bool,
        ledger: SuppressionLedger,
        module: cst.Module | None,
        tree: ast.Module | None,
    ) -> list[Finding]:
        """The LibCST pass, on this thread when the text cannot nest deeply (the cheap
        bracket measure of :func:`needs_strict_precheck`), else on a deep stack."""
        if self._pass is None:
            from concurrency_lint.checking.rule_pass import RulePass

            self._pass = RulePass(self.config)
        rule_pass = self._pass
        rules = tuple(load_rule(code) for code in codes)
        if not needs_strict_precheck(text):
            from concurrency_lint.checking.rule_pass import NeedsDeepStack

            try:
                return rule_pass.check(
                    path, text, rules, offset, markdown, ledger, module, tree, deep_stack=False
                )
            except NeedsDeepStack:
                pass  # deeper than it looked: again, on a deep stack
        outcome: list[list[Finding]] = []
        failure: list[BaseException] = []

        def work() -> None:
            try:
                outcome.append(
                    rule_pass.check(path, text, rules, offset, markdown, ledger, module, tree)
                )
            except BaseException as exc:  # handed back to the calling thread
                failure.append(exc)

        run_with_deep_stack(work)
        if failure:
            raise failure[0]
        return outcome[0]


def _no_project_io(_origins: object, _rest: object) -> bool:
    """What the project model says of a name outside any project it knows: no I/O."""
    return False


def _default_enabled(code: str) -> bool:
    screen = SCREENS.get(code)
    return screen.default_enabled if screen is not None else load_rule(code).DEFAULT_ENABLED


def _finish_check(path: str, record: bool) -> tuple[str, ...]:
    """The project modules the check of ``path`` read (none when the project model was
    never loaded: a file that imports nothing of its project does not load it)."""
    summaries = sys.modules.get("concurrency_lint.checking.project_summaries")
    return summaries.finish_check(path, record) if summaries is not None else ()
