"""Time the fix programs before and after ``conclint fix --apply --unsafe-fixes``.

Each item waits ``--delay`` seconds (the local HTTP server sleeps before answering, the
child process sleeps before printing). Two figures, each the median of ``--repeat`` runs:
the rewritten loop alone (the program reports it on stderr with ``FIX_PROGRAM_TIMING``)
and the whole program run, interpreter start and server set-up included. Target: the
loop at least 5x faster after the rewrite.

    python benchmarks/fix_speedup.py --items 60 --delay 0.02
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROGRAMS = Path(__file__).resolve().parent.parent / "fixtures" / "fix_programs"
TIMED = ("http_fetch.py", "run_commands.py", "slow_device.py")
FIX_COMMAND = ("-m", "concurrency_lint", "fix", "--apply", "--unsafe-fixes", "--no-cache")


def timed_run(program: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """(loop seconds, whole run seconds, stdout)."""
    start = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, str(program)], capture_output=True, text=True, env=env, check=True
    )
    whole = time.perf_counter() - start
    loop = float(re.findall(r"^loop seconds ([\d.]+)$", completed.stderr, re.M)[-1])
    return loop, whole, completed.stdout


def median_runs(program: Path, fixed: Path, env: dict[str, str], repeat: int) -> list[float]:
    """Median [loop before, whole before, loop after, whole after]; outputs must agree."""
    samples: list[list[float]] = [[], [], [], []]
    for _ in range(repeat):
        loop, whole, out_before = timed_run(program, env)
        samples[0].append(loop)
        samples[1].append(whole)
        loop, whole, out_after = timed_run(fixed, env)
        samples[2].append(loop)
        samples[3].append(whole)
        if out_before != out_after:
            raise SystemExit(f"{program.name}: output changed by the fix")
    return [statistics.median(values) for values in samples]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--delay", type=float, default=0.02)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    env = {
        **os.environ,
        "FIX_PROGRAM_ITEMS": str(args.items),
        "FIX_PROGRAM_DELAY": str(args.delay),
        "FIX_PROGRAM_TIMING": "1",
    }
    with tempfile.TemporaryDirectory() as folder:
        for name in TIMED:
            shutil.copyfile(PROGRAMS / name, Path(folder) / name)
        subprocess.run(
            [sys.executable, *FIX_COMMAND, "--select", "CL101,CL102", folder],
            capture_output=True,
            check=False,
        )
        print(f"{args.items} items, {args.delay * 1000:.0f} ms each, median of {args.repeat} runs")
        print(f"{'program':<16} {'loop before':>11} {'after':>8} {'speed-up':>9}   whole run")
        for name in TIMED:
            loop_b, whole_b, loop_a, whole_a = median_runs(
                PROGRAMS / name, Path(folder) / name, env, args.repeat
            )
            print(
                f"{name:<16} {loop_b:>10.3f}s {loop_a:>7.3f}s {loop_b / loop_a:>8.1f}x"
                f"   {whole_b:.2f}s -> {whole_a:.2f}s ({whole_b / whole_a:.1f}x)"
            )


if __name__ == "__main__":
    main()
