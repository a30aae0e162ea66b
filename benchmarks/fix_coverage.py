"""How many findings carry a fix, per rule, on real code.

    python benchmarks/fix_coverage.py [--projects stdlib,django,...] [--select CL401,...]

Scans each code base (every rule, CL204 included) and prints, per rule, the findings,
those with a fix, and the share. Run from any folder; the scan never runs from the checkout.
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
    args = parser.parse_args()
    folders = dict(corpus(args.projects.split(","))) if args.projects else {}
    folders.update({Path(extra).name: Path(extra) for extra in args.extra})
    total: Counter[str] = Counter()
    fixed: Counter[str] = Counter()
    for folder in folders.values():
        for finding in findings(folder, args.select):
            total[finding["code"]] += 1
            fixed[finding["code"]] += finding["fix"] is not None
    print("| rule | findings | with a fix | share |")
    print("|---|---|---|---|")
    for code in sorted(total):
        share = fixed[code] / total[code]
        print(f"| {code} | {total[code]} | {fixed[code]} | {share:.0%} |")


if __name__ == "__main__":
    main()
