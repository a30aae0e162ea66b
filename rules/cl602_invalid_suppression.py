"""CL602 invalid-suppression."""

from __future__ import annotations

from concurrency_lint.checking.rule import Invalid, Rule
from concurrency_lint.checking.suppression_audit import (
    AuditReport,
    SuppressionAudit,
    every_overlapping_code,
    is_conclint_code,
)
from concurrency_lint.checking.suppressions import misplaced_ignore_file


class InvalidSuppression(Rule):
    """
    ## What it does
    Flags suppression comments that cannot do what they say:
    - a `CL` code that names no conclint rule (`# noqa: CL999`, a typo, a removed
      rule, or a prefix such as `CL2`: suppressions take whole codes);
    - a code of another tool in `# conclint: ignore[...]` (that comment is read by
      conclint only; the ruff / flake8-async codes of `docs/ruff.md` are accepted);
    - `# conclint: ignore-file` after the first statement: it only works among the
      comments at the top of the file or right after the module docstring;
    - a suppression written as if it listed codes but listing none that can be read
      (`# noqa:` followed by nothing or by `CL-201`, `# conclint: ignore[]`, an
      unclosed `ignore[CL201`): it silences every rule on the line, which is not what
      it says.

    ## Why is this bad?
    Such a comment silences nothing, yet reads as if it did: the finding it was meant
    for is still reported (or, for a misplaced `ignore-file`, every finding of the
    file is), and readers believe the code was reviewed.

    ## Example
    ```python
    import subprocess

    subprocess.run(["make"])  # noqa: CL210
    ```

    ## Use instead
    ```python
    import subprocess

    subprocess.run(["make"])  # noqa: CL201
    ```

    ## Fix safety
    No fix is offered: which code was meant cannot be known.
    """

    CODE = "CL602"
    NAME = "invalid-suppression"
    MESSAGE = "suppression comment names no conclint rule or cannot take effect here"
    TRIGGERS = ("noqa", "conclint")
    AUDITS_SUPPRESSIONS = True
    VALID = (
        "import subprocess\n\nsubprocess.run(['make'])  # noqa: CL201\n",
        "value = compute()  # noqa: E501, ASYNC230\n",
        "value = compute()  # conclint: ignore[ASYNC251]\n",
        '"""Module docstring."""\n# conclint: ignore-file\nvalue = 1\n',
    )
    INVALID = (
        Invalid("import subprocess\n\nsubprocess.run(['make'])  # noqa: CL999\n"),
        Invalid("value = compute()  # conclint: ignore[E501]\n"),
        Invalid("import os\n\n# conclint: ignore-file\nvalue = 1\n"),
        Invalid("import subprocess\n\nsubprocess.run(['make'])  # noqa: CL-201\n"),
    )

    @classmethod
    def audit(cls, audit: SuppressionAudit) -> list[AuditReport]:
        """Unknown codes and misplaced ``ignore-file`` comments."""
        reports = []
        for line, found in sorted(audit.directives.items()):
            for directive in found:
                length = len(directive.spelling)
                if directive.malformed:
                    message = (
                        "this suppression lists no code that can be read, so it silences "
                        "every rule on the line: write `# noqa: CL201` (or a bare `# noqa`)"
                    )
                    reports.append(AuditReport(line, directive.column, length, message))
                for code in directive.codes:
                    if is_conclint_code(code):
                        if code not in audit.known:
                            message = (
                                f"`{code}` is not a conclint rule code: this suppression "
                                "silences nothing (see `conclint rules`)"
                            )
                            reports.append(AuditReport(line, directive.column, length, message))
                    elif directive.kind == "ignore" and code not in every_overlapping_code():
                        message = (
                            f"`{code}` is not a conclint code: `# conclint: ignore[...]` is read "
                            "by conclint only (use `# noqa` for other tools)"
                        )
                        reports.append(AuditReport(line, directive.column, length, message))
        for misplaced in misplaced_ignore_file(audit.text):
            reports.append(
                AuditReport(
                    misplaced.line,
                    misplaced.column,
                    len("# conclint: ignore-file"),
                    "`# conclint: ignore-file` has no effect here: put it among the comments "
                    "at the top of the file or right after the module docstring",
                )
            )
        return sorted(reports, key=lambda report: (report.line, report.column))
