"""Scan speed on the pinned Django wheel: conclint cold and warm beside Fixit and ruff.

    python benchmarks/scan_speed.py [--repeat 3] [--project django]

Installs the peers once, pinned, into their own virtual environment
(benchmarks/.data/peers), so their dependencies never mix with the project's. Every tool
runs on the same files in this one run; the script prints the median wall time of each
and the two ratios the project targets on a 2-core machine:

- conclint cold (``--no-cache``) <= 0.10 x Fixit with one rule;
- conclint warm (result cache filled) <= 3 x ruff cold (``--no-cache``).

All tools run with their default parallelism. This is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import DATA, PINNED, wheel_source

PEERS = {"fixit": "2.2.1", "ruff": "0.17.6"}
PEER_ENV = DATA / "peers"
FIXIT_RULE = "fixit.rules.use_async_sleep_in_async_def"
RUFF_SELECT = "ASYNC,S113,PLW1510"


def peer_bin(name: str) -> Path:
    """The executable of a peer tool, installing the pinned peers the first time."""
    executable = PEER_ENV / "bin" / name
    marker = PEER_ENV / "installed.txt"
    wanted = " ".join(f"{tool}=={version}" for tool, version in sorted(PEERS.items()))
    if not marker.is_file() or marker.read_text() != wanted:
        shutil.rmtree(PEER_ENV, ignore_errors=True)
        venv.create(PEER_ENV, with_pip=True)
        subprocess.run(
            [str(PEER_ENV / "bin" / "python"), "-m", "pip", "install", "--quiet", *wanted.split()],
            check=True,
            timeout=1200,
        )
        marker.write_text(wanted)
    return executable


def timed(command: list[str], cwd: Path) -> float:
    """Wall time of one run; the tools' findings are not this script's business."""
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=3600)
    elapsed = time.perf_counter() - started
    if completed.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed ({completed.returncode}):\n{completed.stderr}")
    return elapsed


def median_time(command: list[str], cwd: Path, repeat: int, before=None) -> float:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        times.append(timed(command, cwd))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool (median)")
    parser.add_argument("--project", default="django", choices=sorted(PINNED))
    args = parser.parse_args()

    fixit, ruff = peer_bin("fixit"), peer_bin("ruff")
    with tempfile.TemporaryDirectory() as work_dir:
        # A copy outside any repository: no tool may skip it as git-ignored or hidden.
        work = Path(work_dir)
        source = work / f"{args.project}-{PINNED[args.project]}"
        shutil.copytree(wheel_source(args.project), source)
        files = sum(1 for _ in source.rglob("*.py"))
        conclint = [sys.executable, "-m", "concurrency_lint", "scan", str(source), "--exit-zero"]
        conclint.append("-q")
        cache = work / ".conclint_cache"

        def clear_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        rows = {
            "conclint cold (--no-cache)": median_time([*conclint, "--no-cache"], work, args.repeat),
        }
        timed(conclint, work)  # fill the cache once
        rows["conclint warm (cache filled)"] = median_time(conclint, work, args.repeat)
        rows["conclint first run (empty cache)"] = median_time(
            conclint, work, args.repeat, before=clear_cache
        )
        rows["ruff cold (--no-cache)"] = median_time(
            [str(ruff), "check", "--no-cache", "--select", RUFF_SELECT, "--exit-zero", str(source)],
            work,
            args.repeat,
        )
        env_fixit = [str(fixit), "--rules", FIXIT_RULE, "lint", str(source)]
        rows["fixit, one rule"] = median_time(env_fixit, work, args.repeat)

    print(f"{args.project} {PINNED[args.project]}: {files} Python files, {os.cpu_count()} CPUs")
    print(f"median of {args.repeat} runs each\n")
    for label, seconds in rows.items():
        print(f"  {label:<34} {seconds:8.2f} s")
    cold_ratio = rows["conclint cold (--no-cache)"] / rows["fixit, one rule"]
    warm_ratio = rows["conclint warm (cache filled)"] / rows["ruff cold (--no-cache)"]
    print()
    print(f"  conclint cold / fixit     = {cold_ratio:6.3f}x  (target <= 0.10x)")
    print(f"  conclint warm / ruff cold = {warm_ratio:6.3f}x  (target <= 3x)")


if __name__ == "__main__":
    main()
