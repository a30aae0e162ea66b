"""``conclint fix --apply --unsafe-fixes`` on copies of real code: does the result hold up?

Copies this machine's standard library and the pinned Django wheel to a temporary folder,
runs the real command on each copy, checks that every file it changed still compiles,
then runs it again on the changed files and checks that this changes nothing. Prints
the fixes per rule and the timings.
Usage: ``python benchmarks/fix_real_code.py [--keep] [--projects stdlib,django]``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import stdlib_source, wheel_source

from concurrency_lint.fixes.apply.line_length import DEFAULT_LINE_LENGTH, written_lines

SKIP = shutil.ignore_patterns("site-packages", "__pycache__", "*.pyc")
COMMAND = [sys.executable, "-m", "concurrency_lint", "fix", "--apply", "--unsafe-fixes"]


def snapshot(root: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(root.rglob("*.py")) if path.is_file()}


def compiles(data: bytes, path: Path) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, str(path), "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def run_fix(root: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.perf_counter()
    done = subprocess.run(
        [*COMMAND, "--no-cache", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    return done, time.perf_counter() - started


def summary_lines(stderr: str) -> list[str]:
    """The closing summary of a run (the lines that are not about one file)."""
    return [line for line in stderr.splitlines() if not re.match(r"^\S+\.pyi?:", line)]


def refusal_reasons(stderr: str) -> Counter[str]:
    """How often each reason for not applying a fix or not fixing a file came up."""
    reasons: Counter[str] = Counter()
    for line in stderr.splitlines():
        match = re.match(r"^\S+\.pyi?:(?:\d+:\d+: (CL\d+) fix not applied| not fixed): (.*)$", line)
        if match:
            reason = re.sub(r"\(line \d+\)|'[^']*'|`[^`]*`", "…", match.group(2))
            reasons[f"{match.group(1) or 'file'}: {reason}"] += 1
    return reasons


def written_line_lengths(before: dict[Path, bytes], after: dict[Path, bytes]) -> list[int]:
    """The length of every line the fixes wrote (lines not in the file before)."""
    lengths = []
    for path, data in after.items():
        if data == before.get(path):
            continue
        old = before.get(path, b"").decode("utf-8", "replace").replace("\r\n", "\n")
        new = data.decode("utf-8", "replace").replace("\r\n", "\n")
        lines = new.split("\n")
        lengths.extend(len(lines[number - 1]) for number in written_lines(old, new))
    return lengths


def check_project(label: str, source: Path, workdir: Path) -> bool:
    copy = workdir / label
    shutil.copytree(source, copy, ignore=SKIP, symlinks=True)
    before = snapshot(copy)
    first, first_seconds = run_fix(copy, "--statistics", ".")
    after = snapshot(copy)
    changed = [path for path in after if after[path] != before.get(path)]
    broken = [
        (path, error)
        for path in changed
        if compiles(before[path], path) is None
        and (error := compiles(after[path], path)) is not None
    ]
    # A file the first run left alone had no fix to apply and is the same file now:
    # only the changed files can tell whether a second run would change something.
    names = [str(path.relative_to(copy)) for path in changed]
    second, second_seconds = run_fix(copy, *names) if names else (None, 0.0)
    again = snapshot(copy)
    rechanged = [path for path in again if again[path] != after.get(path)]

    print(f"== {label}: {len(before)} files, {len(changed)} changed ({first_seconds:.1f} s)")
    print(first.stdout.rstrip() or "     0  (no fixes)")
    print(f"   exit {first.returncode}; " + "; ".join(summary_lines(first.stderr)))
    for reason, count in refusal_reasons(first.stderr).most_common():
        print(f"   {count:>5} x {reason}")
    print(f"   changed files that no longer compile: {len(broken)}")
    lengths = written_line_lengths(before, after)
    over = sum(length > DEFAULT_LINE_LENGTH for length in lengths)
    print(
        f"   lines the fixes wrote: {len(lengths)}, the longest {max(lengths, default=0)} "
        f"columns, {over} over {DEFAULT_LINE_LENGTH}"
    )
    for path, error in broken:
        print(f"     {path.relative_to(copy)}: {error}")
    if second is not None:
        print(
            f"   second run on the {len(changed)} changed files: {len(rechanged)} changed, "
            f"exit {second.returncode} ({second_seconds:.1f} s): "
            + "; ".join(summary_lines(second.stderr))
        )
    for path in rechanged:
        print(f"     {path.relative_to(copy)}")
    return not broken and not rechanged


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="Keep the fixed copies.")
    parser.add_argument("--projects", default="stdlib,django")
    args = parser.parse_args()
    sources = {
        name: stdlib_source() if name == "stdlib" else wheel_source(name)
        for name in args.projects.split(",")
    }
    workdir = Path(tempfile.mkdtemp(prefix="conclint-fix-real-"))
    try:
        results = [check_project(label, source, workdir) for label, source in sources.items()]
    finally:
        if args.keep:
            print(f"fixed copies kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print("OK" if all(results) else "FAILED")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
