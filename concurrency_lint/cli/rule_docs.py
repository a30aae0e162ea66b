"""Rule metadata for reports, and ``python -m concurrency_lint.cli.rule_docs [DIR]``, which
writes ``docs/rules/`` (one page per rule) from the rule classes' documentation."""

from __future__ import annotations

import sys
from pathlib import Path

from concurrency_lint.model import RuleInfo
from concurrency_lint.report.rule_pages import pages

DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "docs" / "rules"


def rule_info(rule: type) -> RuleInfo:
    """The report-facing description of a rule class."""
    return RuleInfo(
        code=rule.CODE,
        name=rule.NAME,
        message=rule.MESSAGE,
        summary=rule.summary(),
        documentation=rule.documentation(),
        default_enabled=rule.DEFAULT_ENABLED,
        fixable=rule.has_fix(),
    )


def all_rule_infos() -> tuple[RuleInfo, ...]:
    """Every rule's description, in code order."""
    from concurrency_lint.checking.registry import all_rules

    return tuple(rule_info(rule) for rule in all_rules())


def rule_doc_files() -> dict[str, str]:
    """File name -> content of every page ``docs/rules/`` should hold."""
    return pages(all_rule_infos())


def write(folder: Path) -> list[str]:
    """Write the pages into ``folder``; remove pages of codes that no longer exist."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = rule_doc_files()
    for stale in sorted(folder.glob("*.md")):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        (folder / name).write_text(text, encoding="utf-8", newline="\n")
    return sorted(wanted)


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else DEFAULT_FOLDER
    names = write(folder)
    print(f"wrote {len(names)} files to {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
