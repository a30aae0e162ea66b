"""How many findings carry a fix, per rule, on real code.

    python benchmarks/fix_coverage.py [--projects stdlib,django,...] [--select CL401,...]
        [--extra DIR ...] [--unfixed unfixed.md]

Scans each code base (every rule, CL204 included) and prints, per rule, the findings,
those with a fix, and the share; ``--unfixed`` writes, per rule, the findings with no fix
grouped by the reason their message states. Run from any folder; the scan never runs from
the checkout.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import PINNED, corpus


def findings(folder: Path, select: str) -> list[dict]:
    args = [sys.executable, "-m", "concurrency_lint", "scan", str(folder), "--format", "json"]
    args += ["--no-cache", "--exit-zero", "--quiet"]
    args += ["--select", select] if select else ["--extend-select", "CL204"]
    completed = subprocess.run(
        args, capture_output=True, text=True, timeout=3600, check=False, cwd=tempfile.gettempdir()
    )
    if completed.returncode != 0:
        raise SystemExit(f"scan of {folder} failed: {completed.stderr[-2000:]}")
    return json.loads(completed.stdout)["findings"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", default=",".join(["stdlib", *sorted(PINNED)]))
    parser.add_argument("--select", default="")
    parser.add_argument("--extra", nargs="*", default=[], help="more folders to scan")
    parser.add_argument(
        "--unfixed", type=Path, help="write the findings with no fix, grouped by reason, here"
    )
    args = parser.parse_args()
    folders = dict(corpus(args.projects.split(","))) if args.projects else {}
    folders.update({Path(extra).name: Path(extra) for extra in args.extra})
    total: Counter[str] = Counter()
    fixed: Counter[str] = Counter()
    unfixed: list[dict] = []
    for label, folder in folders.items():
        for finding in findings(folder, args.select):
            total[finding["code"]] += 1
            fixed[finding["code"]] += finding["fix"] is not None
            if finding["fix"] is None:
                unfixed.append({**finding, "project": label})
    if args.unfixed:
        args.unfixed.write_text(_by_reason(unfixed), encoding="utf-8")
    print("| rule | findings | with a fix | share |")
    print("|---|---|---|---|")
    for code in sorted(total):
        share = fixed[code] / total[code]
        print(f"| {code} | {total[code]} | {fixed[code]} | {share:.0%} |")


def _by_reason(unfixed: list[dict]) -> str:
    """Markdown: per rule, the findings with no fix grouped by the message's stated reason."""
    groups: dict[str, dict[str, list[str]]] = {}
    for finding in unfixed:
        message = finding["message"]
        reason = message.partition("(no automatic fix:")[2].rpartition(")")[0].strip()
        place = f"{finding['project']}/{finding['path']}:{finding['start_line']}"
        rule = groups.setdefault(finding["code"], {})
        rule.setdefault(reason or "(no reason given)", []).append(place)
    lines = []
    for code in sorted(groups):
        lines.append(f"## {code}")
        for reason, places in sorted(groups[code].items(), key=lambda item: -len(item[1])):
            lines.append(f"- {len(places)} x {reason}")
            lines.extend(f"  - {place}" for place in places)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
