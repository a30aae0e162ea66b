"""The fix loop for one text: choose fixes, apply those that do not overlap, rescan, repeat."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from concurrency_lint.fixes.apply.bindings import import_clashes
from concurrency_lint.fixes.apply.imports import with_imports
from concurrency_lint.fixes.apply.line_length import DEFAULT_LINE_LENGTH, wrap_long_lines
from concurrency_lint.fixes.apply.verify import Strictness, compile_error, strictness_of
from concurrency_lint.fixes.text_edits import (
    OverlappingEdits,
    apply_edits,
    line_offsets,
    span_offsets,
)
from concurrency_lint.model import SYNTAX_ERROR, UNREADABLE_FILE, Finding, Safety

#: Overlapping fixes wait for a later pass; this bounds how many passes a file gets.
MAX_PASSES = 10

#: Text -> the findings the enabled rules report on it.
Checker = Callable[[str], Sequence[Finding]]

_UNTOUCHABLE = frozenset({SYNTAX_ERROR[0], UNREADABLE_FILE[0]})
_FixKey = tuple[str, str, tuple[tuple[str, str], ...]]


@dataclass(frozen=True)
class Refusal:
    """A fix that was offered but not applied, and why."""

    finding: Finding
    reason: str


@dataclass(frozen=True)
class TextFixes:
    """What fixing one text did."""

    original: str
    text: str
    applied: tuple[Finding, ...]
    refused: tuple[Refusal, ...]
    #: The findings of the fixed text; a refused fix's finding says why in its message.
    remaining: tuple[Finding, ...]
    #: False when the pass limit was reached with fixes still to apply.
    converged: bool = True

    @property
    def changed(self) -> bool:
        return self.text != self.original


def wanted(finding: Finding, unsafe: bool) -> bool:
    """Whether this run applies the finding's fix (unsafe ones only with ``unsafe``)."""
    fix = finding.fix
    return fix is not None and bool(fix.edits) and (unsafe or fix.safety is Safety.SAFE)


def fix_text(
    text: str,
    check: Checker,
    unsafe: bool,
    max_passes: int = MAX_PASSES,
    line_length: int = DEFAULT_LINE_LENGTH,
) -> TextFixes:
    """Apply every wanted fix to ``text`` over passes until none is left (or the limit);
    the lines the fixes wrote that are longer than ``line_length`` are split."""
    return _FixLoop(text, check, unsafe, line_length).run(max_passes)


class _FixLoop:
    def __init__(
        self, text: str, check: Checker, unsafe: bool, line_length: int = DEFAULT_LINE_LENGTH
    ) -> None:
        self.line_length = line_length
        self.original = text
        self.text = text
        self.check = check
        self.unsafe = unsafe
        self.findings = list(check(text))
        self.applied: list[Finding] = []
        self.refused: dict[_FixKey, str] = {}
        self.breaking_fix: str | None = None  # why some fix would leave code that fails
        self._strictness: Strictness | None = None

    def run(self, max_passes: int) -> TextFixes:
        if any(finding.code in _UNTOUCHABLE for finding in self.findings):
            return TextFixes(self.original, self.original, (), (), tuple(self.findings))
        converged = False
        for _ in range(max_passes):
            candidates = self._candidates()
            if not candidates:
                converged = True
                break
            self._pass(candidates)
        else:
            converged = not self._candidates()
        if self.breaking_fix is not None:
            # A fix that would break the file means nothing is written to it at all.
            self._give_up(f"nothing written to this file: {self.breaking_fix}")
            return self._outcome(converged)
        self._add_imports()
        self._wrap_long_lines()
        return self._outcome(converged)

    # ---- one pass ------------------------------------------------------------------------

    def _candidates(self) -> list[Finding]:
        offsets = line_offsets(self.text)
        return [
            finding
            for finding in self.findings
            if wanted(finding, self.unsafe)
            and _key(finding, self.text, offsets) not in self.refused
        ]

    def _pass(self, candidates: list[Finding]) -> None:
        offsets = line_offsets(self.text)
        strictness = self.strictness()
        if strictness is not Strictness.COMPILES:
            # Python rejects the file as it is (``break`` outside a loop parses but does
            # not compile): whatever a fix did, the file would not run; leave it alone.
            error = compile_error(self.original, Strictness.COMPILES)
            for finding in candidates:
                self._refuse(finding, offsets, f"the original code does not compile: {error}")
            return
        batch = self._without_import_clashes(candidates, offsets)
        batch = _non_overlapping(batch, offsets)
        if not batch:
            return
        new_text, accepted, rejected = _apply_verified(self.text, batch, strictness)
        for finding, reason in rejected:
            self._refuse(finding, offsets, reason)
            self.breaking_fix = self.breaking_fix or f"{reason} ({finding.code} fix)"
        if not accepted:
            return
        new_findings = list(self.check(new_text))
        if any(finding.code == SYNTAX_ERROR[0] for finding in new_findings):
            for finding in accepted:
                self._refuse(finding, offsets, "the fixed code would not parse")
            self.breaking_fix = self.breaking_fix or "the fixed code would not parse"
            return
        self.text = new_text
        self.findings = new_findings
        self.applied.extend(accepted)

    def _without_import_clashes(
        self, candidates: list[Finding], offsets: list[int]
    ) -> list[Finding]:
        needed = {pair for finding in candidates for pair in _imports(finding)}
        clashes = set(import_clashes(self.text, needed)) if needed else set()
        kept = []
        for finding in candidates:
            clashing = sorted(name for _, name in _imports(finding) if name in clashes)
            if clashing:
                self._refuse(
                    finding, offsets, f"`{clashing[0]}` already names something else in this module"
                )
            else:
                kept.append(finding)
        return kept

    def strictness(self) -> Strictness:
        if self._strictness is None:
            self._strictness = strictness_of(self.original)
        return self._strictness

    def _refuse(self, finding: Finding, offsets: list[int], reason: str) -> None:
        self.refused[_key(finding, self.text, offsets)] = reason

    # ---- the end -------------------------------------------------------------------------

    def _add_imports(self) -> None:
        imports = [pair for finding in self.applied for pair in _imports(finding)]
        if not imports:
            return
        try:
            new_text = with_imports(self.text, imports)
        except Exception as exc:  # LibCST refuses: keep none of the fixes
            self._give_up(f"the imports could not be added: {exc}")
            return
        if new_text == self.text:
            return
        error = compile_error(new_text, self.strictness())
        if error is not None:
            self._give_up(f"the imports could not be added: {error}")
            return
        self.text = new_text
        self.findings = list(self.check(new_text))

    def _wrap_long_lines(self) -> None:
        if self.text == self.original:
            return
        strictness = self.strictness()
        new_text = wrap_long_lines(
            self.original,
            self.text,
            self.line_length,
            lambda text: compile_error(text, strictness) is None,
        )
        if new_text != self.text:
            self.text = new_text
            self.findings = list(self.check(new_text))

    def _give_up(self, reason: str) -> None:
        """Back to the original text; every fix applied so far is refused with ``reason``."""
        self.text = self.original
        self.findings = list(self.check(self.original))
        offsets = line_offsets(self.original)
        for finding in self.findings:
            if wanted(finding, self.unsafe):
                self._refuse(finding, offsets, reason)
        self.applied = []

    def _outcome(self, converged: bool) -> TextFixes:
        offsets = line_offsets(self.text)
        remaining = []
        refusals = []
        for finding in self.findings:
            reason = self.refused.get(_key(finding, self.text, offsets)) if finding.fix else None
            if reason is not None:
                finding = finding._replace(message=f"{finding.message} (fix not applied: {reason})")
                refusals.append(Refusal(finding, reason))
            remaining.append(finding)
        return TextFixes(
            self.original,
            self.text,
            tuple(self.applied),
            tuple(refusals),
            tuple(remaining),
            converged,
        )


def _imports(finding: Finding) -> tuple[tuple[str, str], ...]:
    return finding.fix.imports if finding.fix is not None else ()


def _key(finding: Finding, text: str, offsets: list[int]) -> _FixKey:
    """Identifies a fix across passes: what it replaces with what, not where."""
    assert finding.fix is not None
    pieces = []
    for edit in finding.fix.edits:
        try:
            start, end = span_offsets(edit.span, offsets)
        except IndexError:
            start = end = -1
        pieces.append((text[start:end] if start >= 0 else "", edit.text))
    return (finding.code, finding.fix.description, tuple(pieces))


def _ranges(finding: Finding, offsets: list[int]) -> list[tuple[int, int]] | None:
    assert finding.fix is not None
    try:
        return [span_offsets(edit.span, offsets) for edit in finding.fix.edits]
    except IndexError:
        return None


def _conflict(first: tuple[int, int], second: tuple[int, int]) -> bool:
    return first[0] == second[0] or (first[0] < second[1] and second[0] < first[1])


def _non_overlapping(candidates: list[Finding], offsets: list[int]) -> list[Finding]:
    """The fixes to apply together this pass: in source order, skipping overlaps."""
    chosen: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for finding in sorted(candidates, key=lambda f: f.sort_key):
        ranges = _ranges(finding, offsets)
        if ranges is None or any(_conflict(r, t) for r in ranges for t in taken):
            continue
        chosen.append(finding)
        taken.extend(ranges)
    return chosen


def _attempt(text: str, batch: list[Finding], strictness: Strictness) -> tuple[str, str | None]:
    """The text with the batch applied, and why it is not acceptable (None when it is)."""
    edits = [edit for finding in batch for edit in finding.fix.edits]  # type: ignore[union-attr]
    try:
        new_text = apply_edits(text, edits)
    except (OverlappingEdits, IndexError):
        return text, "the fix's edits overlap or fall outside the file"
    return new_text, compile_error(new_text, strictness)


def _apply_verified(
    text: str, batch: list[Finding], strictness: Strictness
) -> tuple[str, list[Finding], list[tuple[Finding, str]]]:
    """Apply the batch; when the result does not compile, find the fixes to blame."""
    new_text, error = _attempt(text, batch, strictness)
    if error is None:
        return new_text, batch, []
    if len(batch) == 1:
        return text, [], [(batch[0], f"the fixed code would not compile: {error}")]
    good: list[Finding] = []
    rejected: list[tuple[Finding, str]] = []
    for finding in batch:
        _, alone = _attempt(text, [finding], strictness)
        if alone is None:
            good.append(finding)
        else:
            rejected.append((finding, f"the fixed code would not compile: {alone}"))
    if not good:
        return text, [], rejected
    new_text, error = _attempt(text, good, strictness)
    if error is not None:  # fine alone, broken together: one per pass
        good = good[:1]
        new_text, _ = _attempt(text, good, strictness)
    return new_text, good, rejected
