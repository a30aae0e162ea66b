"""Recall and precision per rule on the labelled application corpus.

    python benchmarks/recall.py                      # scan every application, print the table
    python benchmarks/recall.py --projects pipx,sh   # a few of them
    python benchmarks/recall.py --markdown           # the table as Markdown, for precision.md
    python benchmarks/recall.py --held-out           # only the held-out applications
    python benchmarks/recall.py --tuned              # all but the held-out applications
    python benchmarks/recall.py --cl502              # only the applications selected for CL502

The default, ``--held-out`` and ``--tuned`` leave out the applications selected for CL502
(``corpus.SELECTED_CL502``): they were chosen for a rule's pattern, not at random.

Scans the pinned applications of ``corpus.APPLICATIONS`` with the installed conclint (every
rule, CL204 included), matches each finding to the labels in ``benchmarks/labels/*.json``
(same file, same code, the labelled line inside the finding's span or the first line of the
statement that holds it) and prints, per rule: labelled real cases, how many were found,
recall, findings, findings on real cases, on look-alikes, unlabelled findings, and precision
over the labelled findings. The misses and the unlabelled findings are listed below the table
so they can be read and labelled, and so are the findings on look-alikes.
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import APPLICATIONS, HELD_OUT, SELECTED_CL502, wheel_source

LABELS = Path(__file__).resolve().parent / "labels"
ENGINE_CODES = ("CL001", "CL002", "CL003")


@dataclass(frozen=True)
class Label:
    project: str
    path: str
    line: int
    code: str
    real: bool
    reason: str


@dataclass(frozen=True)
class Finding:
    project: str
    path: str
    start_line: int
    end_line: int
    code: str
    message: str


@dataclass
class RuleCount:
    real: int = 0
    found: int = 0
    findings: int = 0
    on_real: int = 0
    on_look_alike: int = 0
    unlabelled: list[Finding] = field(default_factory=list)
    missed: list[Label] = field(default_factory=list)
    false_alarms: list[Label] = field(default_factory=list)


def load_labels(projects: list[str]) -> list[Label]:
    """Every label of the chosen projects; a label file for another version is an error."""
    labels = []
    for name in projects:
        file = LABELS / f"{name}.json"
        if not file.is_file():
            continue
        data = json.loads(file.read_text(encoding="utf-8"))
        if data["version"] != APPLICATIONS[name][0]:
            raise SystemExit(
                f"{file}: labels are for {data['version']}, pinned is {APPLICATIONS[name][0]}"
            )
        labels += [
            Label(
                name, row["path"], row["line"], row["code"], row["verdict"] == "real", row["reason"]
            )
            for row in data["labels"]
        ]
    return labels


def scan(folders: dict[str, Path]) -> list[Finding]:
    """Findings of every rule (CL204 added) on the folders, from a neutral working directory."""
    with tempfile.TemporaryDirectory() as cwd:
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "concurrency_lint",
                "scan",
                *map(str, folders.values()),
                "--extend-select",
                "CL204",
                "--format",
                "json",
                "--no-cache",
                "--exit-zero",
                "--quiet",
            ],
            capture_output=True,
            text=True,
            timeout=3600,
            check=False,
            cwd=cwd,
        )
    if completed.returncode not in (0, 1):
        raise SystemExit(f"scan failed: {completed.stderr}")
    findings = []
    for row in json.loads(completed.stdout)["findings"]:
        if row["code"] in ENGINE_CODES:
            continue
        path = Path(row["path"])
        for name, folder in folders.items():
            if path.is_relative_to(folder):
                findings.append(
                    Finding(
                        name,
                        path.relative_to(folder).as_posix(),
                        row["start_line"],
                        row["end_line"],
                        row["code"],
                        row["message"],
                    )
                )
                break
    return findings


@cache
def statement_starts(file: Path) -> dict[int, int]:
    """Line -> first line of the innermost statement that spans it."""
    try:
        tree = ast.parse(file.read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return {}
    starts: dict[int, int] = {}
    statements = [node for node in ast.walk(tree) if isinstance(node, ast.stmt)]
    # Outer statements first, inner ones overwrite them: the innermost wins.
    statements.sort(key=lambda node: (node.lineno, -(node.end_lineno or node.lineno)))
    for node in statements:
        end = node.end_lineno or node.lineno
        body_start = min(
            (child.lineno for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt)),
            default=end + 1,
        )
        for line in range(node.lineno, min(end, body_start - 1) + 1):
            starts[line] = node.lineno
    return starts


def matches(finding: Finding, label: Label, folder: Path) -> bool:
    if (finding.path, finding.code) != (label.path, label.code):
        return False
    if finding.start_line <= label.line <= finding.end_line:
        return True
    return statement_starts(folder / finding.path).get(finding.start_line) == label.line


def count(
    findings: list[Finding], labels: list[Label], folders: dict[str, Path]
) -> dict[str, RuleCount]:
    by_place: dict[tuple[str, str, str], list[Label]] = defaultdict(list)
    for label in labels:
        by_place[label.project, label.path, label.code].append(label)
    counts: dict[str, RuleCount] = defaultdict(RuleCount)
    found: set[Label] = set()
    for finding in findings:
        rule = counts[finding.code]
        rule.findings += 1
        candidates = [
            label
            for label in by_place[finding.project, finding.path, finding.code]
            if matches(finding, label, folders[finding.project])
        ]
        real = [label for label in candidates if label.real]
        if real:
            rule.on_real += 1
            found.update(real)
        elif candidates:
            rule.on_look_alike += 1
            rule.false_alarms.append(candidates[0])
        else:
            rule.unlabelled.append(finding)
    for label in labels:
        rule = counts[label.code]
        if label.real:
            rule.real += 1
            if label in found:
                rule.found += 1
            else:
                rule.missed.append(label)
    return counts


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "-"


def table(counts: dict[str, RuleCount]) -> list[list[str]]:
    header = [
        "rule",
        "labelled real",
        "found",
        "recall",
        "findings",
        "on real",
        "on look-alikes",
        "unlabelled",
        "precision",
    ]
    rows = [header]
    total = RuleCount()
    for code in sorted(counts):
        rule = counts[code]
        for name in ("real", "found", "findings", "on_real", "on_look_alike"):
            setattr(total, name, getattr(total, name) + getattr(rule, name))
        total.unlabelled += rule.unlabelled
        rows.append(row(code, rule))
    rows.append(row("all", total))
    return rows


def row(code: str, rule: RuleCount) -> list[str]:
    return [
        code,
        str(rule.real),
        str(rule.found),
        percent(rule.found, rule.real),
        str(rule.findings),
        str(rule.on_real),
        str(rule.on_look_alike),
        str(len(rule.unlabelled)),
        percent(rule.on_real, rule.on_real + rule.on_look_alike),
    ]


def print_table(rows: list[list[str]], markdown: bool) -> None:
    if markdown:
        print("| " + " | ".join(rows[0]) + " |")
        print("|---" * len(rows[0]) + "|")
        for line in rows[1:]:
            print("| " + " | ".join(line) + " |")
        return
    widths = [max(len(line[i]) for line in rows) for i in range(len(rows[0]))]
    for line in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))


def source_line(file: Path, line: int) -> str:
    try:
        return file.read_text(encoding="utf-8", errors="replace").splitlines()[line - 1].strip()
    except (OSError, IndexError):
        return ""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--projects",
        default=",".join(name for name in APPLICATIONS if name not in SELECTED_CL502),
        help="comma-separated",
    )
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--held-out", action="store_true", help="only corpus.HELD_OUT")
    group.add_argument("--tuned", action="store_true", help="all but corpus.HELD_OUT")
    group.add_argument("--cl502", action="store_true", help="only corpus.SELECTED_CL502")
    args = parser.parse_args()
    projects = args.projects.split(",")
    if args.held_out:
        projects = [name for name in projects if name in HELD_OUT]
    elif args.tuned:
        projects = [name for name in projects if name not in HELD_OUT]
    elif args.cl502:
        projects = list(SELECTED_CL502)
    unknown = [name for name in projects if name not in APPLICATIONS]
    if unknown:
        raise SystemExit(f"not in corpus.APPLICATIONS: {', '.join(unknown)}")
    folders = {name: wheel_source(name) for name in projects}
    labels = load_labels(projects)
    for label in labels:
        if not (folders[label.project] / label.path).is_file():
            raise SystemExit(f"label for a missing file: {label.project} {label.path}:{label.line}")
    counts = count(scan(folders), labels, folders)
    print_table(table(counts), args.markdown)
    for code in sorted(counts):
        rule = counts[code]
        for label in rule.missed:
            print(f"missed {code} {label.project} {label.path}:{label.line}  ({label.reason})")
        for label in rule.false_alarms:
            print(f"look-alike {code} {label.project} {label.path}:{label.line}  ({label.reason})")
        for finding in rule.unlabelled:
            text = source_line(folders[finding.project] / finding.path, finding.start_line)
            print(
                f"unlabelled {code} {finding.project} {finding.path}:{finding.start_line}  "
                f"{text[:90]}  -- {finding.message}"
            )


if __name__ == "__main__":
    main()
