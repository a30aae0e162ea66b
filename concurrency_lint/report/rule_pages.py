"""``docs/rules/CLxxx.md``: one Markdown page per rule, made from its documentation.

SARIF's ``helpUri`` points at these pages; ``python -m concurrency_lint.cli.rule_docs``
writes them and a test fails when they are stale.
"""

from __future__ import annotations

from collections.abc import Iterable

from concurrency_lint.model import ENGINE_CODES, RuleInfo

#: Where the rule pages are published (this repository's ``docs/rules/`` folder).
RULE_DOCS_URL = "https://github.com/your-org/conclint/blob/main/docs/rules/"
INDEX = "README.md"

#: The engine's own codes: files rather than code.
ENGINE_RULES = (
    RuleInfo(
        "CL001",
        ENGINE_CODES["CL001"],
        "the file does not parse as Python",
        "A file that the interpreter rejects is reported instead of being skipped; "
        "nothing else is checked in it.",
        "",
        True,
        False,
    ),
    RuleInfo(
        "CL002",
        ENGINE_CODES["CL002"],
        "the file cannot be read or decoded",
        "A file that cannot be read (permissions, a special file, undecodable bytes) is "
        "reported instead of being skipped silently.",
        "",
        True,
        False,
    ),
    RuleInfo(
        "CL003",
        ENGINE_CODES["CL003"],
        "a rule failed on this file",
        "A rule that crashes on a file is reported as a finding, and the scan goes on; "
        "the run exits 2.",
        "",
        True,
        False,
    ),
)


def rule_url(code: str) -> str:
    """The published page of one rule."""
    return f"{RULE_DOCS_URL}{code}.md"


def page(rule: RuleInfo) -> str:
    """The Markdown page of one rule: title, facts, then its documentation."""
    default = "on" if rule.default_enabled else "off (enable with `extend-select`)"
    fix = "yes (see *Fix safety*)" if rule.fixable else "no"
    lines = [
        f"# {rule.code} `{rule.name}`",
        "",
        f"> {rule.message}",
        "",
        f"- Default: {default}",
        f"- Fix available: {fix}",
        _suppression(rule.code),
        "",
        rule.documentation.strip() or rule.summary,
    ]
    return "\n".join(lines).rstrip() + "\n"


def _suppression(code: str) -> str:
    if code in ENGINE_CODES:  # about a whole file: no line to put a comment on
        return f'- Turn off with `ignore = ["{code}"]`'
    return f"- Suppress with `# noqa: {code}` or `# conclint: ignore[{code}]`"


def index(rules: Iterable[RuleInfo]) -> str:
    """``docs/rules/README.md``: every code, linked to its page."""
    lines = ["# Rules", "", "| code | name | what it flags |", "|---|---|---|"]
    for rule in rules:
        message = rule.message.replace("|", "\\|")
        lines.append(f"| [{rule.code}]({rule.code}.md) | `{rule.name}` | {message} |")
    return "\n".join(lines) + "\n"


def pages(rules: Iterable[RuleInfo]) -> dict[str, str]:
    """File name -> content, for the engine codes and the given rules, and the index."""
    every = sorted({rule.code: rule for rule in (*ENGINE_RULES, *rules)}.values(), key=_code)
    files = {f"{rule.code}.md": page(rule) for rule in every}
    files[INDEX] = index(every)
    return files


def _code(rule: RuleInfo) -> str:
    return rule.code
