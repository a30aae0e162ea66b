"""Which CPU-heavy calls run in parallel on threads: the measurement behind CL301.

Run ``python benchmarks/gil.py`` from the repository root. For each workload it runs the
same batch of tasks on one thread and on two threads (``ThreadPoolExecutor``) and prints
the speed-up (time on one thread / time on two) and the cores the two-thread run used
(process CPU time / wall time: at most 1.0 while the GIL serialises the work; below 2.0
for releasing calls means the machine did not have two free cores). Calls that release
the GIL (``hashlib.pbkdf2_hmac``, ``zlib.compress``) approach 2x on a machine with two
free cores; calls that hold it (a pure-Python loop, ``json.dumps``) stay near 1.0x.
``knowledge/cpu_calls.py`` follows this measurement.

Each figure is the best of several runs, one and two threads taking turns (as
``timeit`` does: the best run is the one least disturbed by other load); this is a
measurement, not a test. Other load on the machine lowers the releasing calls' figure
(both threads need a free core at the same time).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

_PAYLOAD = os.urandom(1 << 16) * 32  # 2 MiB, half random: zlib has real work to do
_DOCUMENT = [
    {"id": i, "name": f"item-{i}", "tags": ["a", "b", "c"], "score": i / 7} for i in range(20_000)
]


def pbkdf2(_: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", b"password", b"salt", 100_000)


def compress(_: int) -> bytes:
    return zlib.compress(_PAYLOAD, 6)


def python_loop(_: int) -> int:
    total = 0
    for i in range(1_500_000):
        total += i * i % 7
    return total


def encode_json(_: int) -> str:
    return json.dumps(_DOCUMENT)


WORKLOADS: dict[str, Callable[[int], object]] = {
    "hashlib.pbkdf2_hmac": pbkdf2,
    "zlib.compress": compress,
    "pure-Python loop": python_loop,
    "json.dumps": encode_json,
}


def elapsed(func: Callable[[int], object], tasks: int, threads: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the whole process) for one batch."""
    with ThreadPoolExecutor(max_workers=threads) as pool:
        pool.submit(func, 0).result()  # warm up: threads started, caches filled
        start, cpu = time.perf_counter(), time.process_time()
        list(pool.map(func, range(tasks)))
        return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=8, help="tasks per batch (default 8)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (default 5)")
    args = parser.parse_args()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load} (other load lowers every figure)")
    print(f"{'workload':<22} {'1 thread':>10} {'2 threads':>10} {'speed-up':>9} {'cores':>6}")
    for name, func in WORKLOADS.items():
        runs = [
            (elapsed(func, args.tasks, 1), elapsed(func, args.tasks, 2)) for _ in range(args.repeat)
        ]
        one = min(single[0] for single, _ in runs)
        wall, cpu = min((double for _, double in runs), key=lambda run: run[0])
        print(f"{name:<22} {one:>9.3f}s {wall:>9.3f}s {one / wall:>8.2f}x {cpu / wall:>6.2f}")


if __name__ == "__main__":
    main()
