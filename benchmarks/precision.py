"""Count findings per rule on real code and draw reproducible samples to review.

    python benchmarks/precision.py --select CL101,CL102 --projects stdlib,django,pip
    python benchmarks/precision.py --select CL101 --projects stdlib --sample 30 --seed 1

The counts go in benchmarks/precision.md with the verdict for each sampled finding.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import corpus


def findings_for(folder: Path, select: str) -> list[dict]:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "concurrency_lint",
            "scan",
            str(folder),
            "--select",
            select,
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
    )
    if completed.returncode not in (0, 1):
        raise SystemExit(f"scan of {folder} failed: {completed.stderr}")
    return json.loads(completed.stdout)["findings"]


def source_line(path: str, line: int) -> str:
    try:
        return (
            Path(path).read_text(encoding="utf-8", errors="replace").splitlines()[line - 1].strip()
        )
    except (OSError, IndexError):
        return ""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--select", required=True, help="rule codes, comma-separated")
    parser.add_argument("--projects", default="stdlib,django,ansible-core,pip")
    parser.add_argument("--sample", type=int, default=0, help="findings to draw per rule (0: all)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_rule: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for label, folder in corpus(args.projects.split(",")).items():
        for finding in findings_for(folder, args.select):
            if finding["code"] in ("CL001", "CL002", "CL003"):
                continue
            counts[finding["code"]][label] += 1
            by_rule[finding["code"]].append((label, finding))
    projects = args.projects.split(",")
    print("| rule | " + " | ".join(projects) + " | total |")
    print("|---|" + "---|" * (len(projects) + 1))
    for code in sorted(counts):
        row = [str(counts[code].get(p, 0)) for p in projects]
        print(f"| {code} | " + " | ".join(row) + f" | {sum(counts[code].values())} |")
    rng = random.Random(args.seed)
    for code in sorted(by_rule):
        items = sorted(
            by_rule[code], key=lambda item: (item[0], item[1]["path"], item[1]["start_line"])
        )
        chosen = (
            items
            if not args.sample or len(items) <= args.sample
            else rng.sample(items, args.sample)
        )
        print(f"\n## {code}: {len(chosen)} of {len(items)}")
        for label, finding in chosen:
            where = f"{finding['path']}:{finding['start_line']}"
            print(f"- [{label}] {where}: {source_line(finding['path'], finding['start_line'])}")
            print(f"  {finding['message']}")


if __name__ == "__main__":
    main()
