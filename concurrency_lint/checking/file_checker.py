"""Check one file: screen it without LibCST, then run the rules that may fire in one pass.

Most files hold nothing a rule fires on. Their verdict comes from the text and the
interpreter's own parse (a syntax check, and the second looks of :mod:`.screens`), with
the standard library alone: LibCST and the rule modules are imported only for a file
that some rule may fire on, and then only the rules that may.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from concurrency_lint.checking.registry import known_codes, load_rule, rule_modules
from concurrency_lint.checking.screens import SCREENS, Screen, screen_of
from concurrency_lint.checking.selection import enabled_codes, ignored_for_path
from concurrency_lint.checking.suppressions import ignores_whole_file
from concurrency_lint.config import Config
from concurrency_lint.model import (
    ENGINE_CODES,
    SYNTAX_ERROR,
    UNREADABLE_FILE,
    FileResult,
    Finding,
)
from concurrency_lint.sources.decoding import (
    UndecodableSource,
    decode_source,
    needs_strict_precheck,
)
from concurrency_lint.sources.markdown import python_blocks
from concurrency_lint.sources.parsing import (
    SnippetOffset,
    engine_finding,
    problem_finding,
    run_with_deep_stack,
)
from concurrency_lint.sources.syntax_check import SyntaxProblem, parse_python

if TYPE_CHECKING:
    from concurrency_lint.checking.rule import Rule
    from concurrency_lint.checking.rule_pass import RulePass


class FileChecker:
    """Checks files against one configuration; build once per process, reuse per file."""

    def __init__(self, config: Config) -> None:
        self.config = config
        rule_codes = tuple(rule_modules())
        defaults = [code for code in rule_codes if _default_enabled(code)]
        self.enabled_codes = enabled_codes(
            [*rule_codes, *known_codes()], [*defaults, *ENGINE_CODES], config
        )
        self.rule_codes = tuple(code for code in rule_codes if code in self.enabled_codes)
        self._screens: dict[str, Screen] = {code: screen_of(code) for code in self.rule_codes}
        self._all_codes = sorted(known_codes())
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
        if ignores_whole_file(text):
            return FileResult(path)
        codes = self._codes_for(path)
        if not codes:
            return FileResult(path)
        if not markdown:
            return self._result(
                path, self._check_snippet(path, text, codes, SnippetOffset(), markdown=False)
            )
        findings: list[Finding] = []
        for block in python_blocks(text):
            offset = SnippetOffset(block.first_line - 1, block.indent)
            findings.extend(
                f
                for f in self._check_snippet(path, block.code, codes, offset, markdown=True)
                if f.code != SYNTAX_ERROR[0]  # prose snippets need not be complete programs
            )
        return self._result(path, findings)

    # ---- internals -----------------------------------------------------------------------

    def _codes_for(self, path: str) -> tuple[str, ...]:
        ignored = ignored_for_path(path, self.config, self._all_codes)
        return tuple(code for code in self.rule_codes if code not in ignored)

    def _result(self, path: str, findings: list[Finding]) -> FileResult:
        ignored = ignored_for_path(path, self.config, self._all_codes)
        kept = [f for f in findings if f.code in self.enabled_codes and f.code not in ignored]
        return FileResult(path, tuple(sorted(kept, key=lambda f: f.sort_key)))

    def _check_snippet(
        self,
        path: str,
        text: str,
        codes: tuple[str, ...],
        offset: SnippetOffset,
        markdown: bool,
    ) -> list[Finding]:
        triggered = tuple(
            code for code in codes if self._screens[code].is_triggered(text, self.config)
        )
        if not triggered and markdown:
            return []
        tree: ast.Module | None = None
        if all(self._screens[code].tree_look is not None for code in triggered):
            # Nothing to look for, or only rules that take a second look first: the
            # interpreter's parse says whether the text is valid Python, and is enough
            # for the second look.
            parsed = parse_python(text)
            if isinstance(parsed, SyntaxProblem):
                if not triggered:
                    return [problem_finding(parsed, path, offset)]
                # LibCST may know newer syntax than the interpreter running this: no
                # second look, LibCST's parse decides.
            else:
                tree = parsed
                triggered = tuple(
                    code for code in triggered if self._screens[code].may_fire(tree, self.config)
                )
                if not triggered:
                    return []
        return self._run_pass(path, text, triggered, offset, markdown, tree)

    def _run_pass(
        self,
        path: str,
        text: str,
        codes: tuple[str, ...],
        offset: SnippetOffset,
        markdown: bool,
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
                return rule_pass.check(path, text, rules, offset, markdown, tree, deep_stack=False)
            except NeedsDeepStack:
                pass  # deeper than it looked: again, on a deep stack
        outcome: list[list[Finding]] = []
        failure: list[BaseException] = []

        def work() -> None:
            try:
                outcome.append(rule_pass.check(path, text, rules, offset, markdown, tree))
            except BaseException as exc:  # handed back to the calling thread
                failure.append(exc)

        run_with_deep_stack(work)
        if failure:
            raise failure[0]
        return outcome[0]


def _default_enabled(code: str) -> bool:
    screen = SCREENS.get(code)
    return screen.default_enabled if screen is not None else load_rule(code).DEFAULT_ENABLED
