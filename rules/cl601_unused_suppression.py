"""CL601 unused-suppression."""

from __future__ import annotations

from concurrency_lint.checking.rule import Invalid, Rule
from concurrency_lint.checking.suppressions import (
    AuditReport,
    SuppressionAudit,
    is_conclint_code,
)


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
    No fix is offered: a code the current selection does not enable may be in use by
    another run (CI with `--extend-select`), so removing it is left to the reader.
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
        Invalid("import subprocess\n\nsubprocess.run(['ls'], timeout=5)  # noqa: CL201\n"),
        Invalid("value = compute()  # conclint: ignore\n"),
    )

    @classmethod
    def audit(cls, audit: SuppressionAudit) -> list[AuditReport]:
        """The directives' conclint codes that suppressed nothing."""
        reports = []
        for line, found in sorted(audit.directives.items()):
            for directive in found:
                length = len(directive.spelling)
                if not directive.codes:
                    if directive.kind == "ignore" and (line, "*") not in audit.used:
                        reports.append(
                            AuditReport(
                                line,
                                directive.column,
                                length,
                                "unused `# conclint: ignore`: nothing is reported on this line",
                            )
                        )
                    continue
                for code in directive.codes:
                    if not is_conclint_code(code) or code not in audit.known:
                        continue
                    if (line, code) in audit.used:
                        continue
                    why = (
                        f"no {code} finding on this line"
                        if code in audit.enabled
                        else f"{code} is not enabled for this file"
                    )
                    reports.append(
                        AuditReport(
                            line, directive.column, length, f"unused suppression `{code}`: {why}"
                        )
                    )
        return reports
