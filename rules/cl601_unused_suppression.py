"""CL601 unused-suppression."""

from __future__ import annotations

from dataclasses import replace

from concurrency_lint.checking.rule import Invalid, Rule
from concurrency_lint.checking.suppression_audit import (
    AuditReport,
    SuppressionAudit,
    is_conclint_code,
    without_codes,
)
from concurrency_lint.checking.suppressions import Directive
from concurrency_lint.sources.pruning import split_lines


class UnusedSuppression(Rule):
    """
    ## What it does
    Flags a conclint code in a `# noqa: ...` or `# conclint: ignore[...]` comment that
    silences nothing on its line: no finding of that code is reported there, or the
    rule is not enabled for the file. A bare `# conclint: ignore` that silences nothing
    is flagged too. Off by default: turn it on with `extend-select = ["CL601"]`.

    A bare `# noqa` and codes of other tools (`E501`, `ASYNC230`) are never flagged:
    ruff, flake8 and the others may use them. Codes that name no conclint rule are
    CL602's business.

    ## Why is this bad?
    A suppression outlives the finding it was written for: the code is fixed, the rule
    changes, the line moves. A stale suppression hides the next real finding on that
    line and tells readers something that is no longer true.

    ## Example
    ```python
    import subprocess

    subprocess.run(["ls"], timeout=5)  # noqa: CL201
    ```

    ## Use instead
    ```python
    import subprocess

    subprocess.run(["ls"], timeout=5)
    ```

    ## Fix safety
    Removing a code of an enabled rule that reports nothing on the line is safe: the
    comment changes, the program does not, and the suppression could not be in use.
    Removing a code of a rule not enabled here is unsafe: another run (CI with
    `--extend-select`, a per-file configuration) may enable it. No fix is offered when
    other text follows the directive in the comment (it may explain the suppression).
    """

    CODE = "CL601"
    NAME = "unused-suppression"
    MESSAGE = "suppression comment silences nothing on this line"
    TRIGGERS = ("noqa", "conclint")
    DEFAULT_ENABLED = False
    AUDITS_SUPPRESSIONS = True
    VALID = (
        "import subprocess\n\nsubprocess.run(['ls'], timeout=5)\n",
        "value = compute()  # noqa: E501\n",
        "value = compute()  # noqa\n",
    )
    INVALID = (
        Invalid(
            "import subprocess\n\nsubprocess.run(['ls'], timeout=5)  # noqa: CL201\n",
            "import subprocess\n\nsubprocess.run(['ls'], timeout=5)\n",
        ),
        Invalid("value = compute()  # conclint: ignore\n", "value = compute()\n"),
        Invalid(
            "value = compute()  # noqa: E501, CL201\n",
            "value = compute()  # noqa: E501\n",
        ),
    )

    @classmethod
    def audit(cls, audit: SuppressionAudit) -> list[AuditReport]:
        """The directives' conclint codes that suppressed nothing, with their removal."""
        lines = split_lines(audit.text)
        reports = []
        for line, found in sorted(audit.directives.items()):
            line_text = lines[line - 1] if line <= len(lines) else ""
            for directive in found:
                reports.extend(_unused(audit, line, line_text, directive))
        return reports


def _unused(
    audit: SuppressionAudit, line: int, line_text: str, directive: Directive
) -> list[AuditReport]:
    length = directive.end_column - directive.column
    if not directive.codes:
        if directive.kind != "ignore" or (line, "*") in audit.used:
            return []
        edit = without_codes(line_text, directive, set())
        return [
            AuditReport(
                line,
                directive.column,
                length,
                "unused `# conclint: ignore`: nothing is reported on this line",
                edit and replace(edit, description="Remove the unused suppression"),
            )
        ]
    unused = [
        code
        for code in directive.codes
        if is_conclint_code(code) and code in audit.known and (line, code) not in audit.used
    ]
    idle = {code for code in unused if code in audit.enabled}
    disabled = set(unused) - idle
    reports = []
    for code in unused:
        if code in idle:
            why = f"no {code} finding on this line"
            edit = without_codes(line_text, directive, idle)
            fix = edit and replace(edit, description="Remove the unused suppression")
        else:
            why = f"{code} is not enabled for this file"
            edit = without_codes(line_text, directive, idle | disabled)
            fix = edit and replace(
                edit, description="Remove the suppression of rules not enabled here", safe=False
            )
        reports.append(
            AuditReport(line, directive.column, length, f"unused suppression `{code}`: {why}", fix)
        )
    return reports
