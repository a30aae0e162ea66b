"""Benchmark of the runtime library ``concurrency_lint.parallel``.

Run ``python benchmarks/runtime.py`` from the repository root. It prints one table:

- overhead: 100,000 no-op items, ``run_parallel`` (no progress bar) against
  ``ThreadPoolExecutor.map`` with the same number of workers (target <= 1.25x);
- I/O efficiency: 2,000 items sleeping 10 ms on 100 workers against the ideal
  0.20 s (target <= 1.10x), for the first call of a fresh process (threads started
  cold; median over several processes) and for later calls (threads reused);
- streaming: peak memory (RSS) growth over 1,000,000 items for ``iter_parallel``
  against ``ThreadPoolExecutor.map`` (target <= 50 MB), each in a fresh interpreter
  (Linux: RSS is read from /proc).

Timings are medians of several runs; this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from concurrency_lint.parallel import iter_parallel, optimal_workers, run_parallel  # noqa: E402

MB = 1024 * 1024


def noop(item: object) -> object:
    return item


def timed(action: Callable[[], object], runs: int) -> list[float]:
    """Wall-clock seconds of ``runs`` calls of ``action``."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return seconds


def tpe_map(func: Callable, items: list, workers: int) -> None:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(func, items):
            pass


IO_ITEMS, IO_WORKERS, IO_IDEAL = [0.01] * 2000, 100, 0.20


def io_first_call() -> float:
    """Run in a fresh interpreter: the first call, which starts its threads cold."""
    return timed(lambda: run_parallel(time.sleep, IO_ITEMS, max_workers=IO_WORKERS), 1)[0]


def io_rows(runs: int) -> list[tuple]:
    firsts = []
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, __file__, "--io-child"],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        firsts.append(float(result.stdout))
    warm = statistics.median(
        timed(lambda: run_parallel(time.sleep, IO_ITEMS, max_workers=IO_WORKERS), runs + 1)[1:]
    )
    tpe = statistics.median(timed(lambda: tpe_map(time.sleep, IO_ITEMS, IO_WORKERS), runs))
    first = statistics.median(firsts)
    spread = f"{min(firsts):.3f}-{max(firsts):.3f} s"
    return [
        (
            "I/O 2,000 x 10 ms, 100 workers",
            f"run_parallel, first call of a process ({spread})",
            first,
            IO_IDEAL,
            1.10,
        ),
        ("", "run_parallel, later calls", warm, IO_IDEAL, 1.10),
        ("", "ThreadPoolExecutor.map", tpe, IO_IDEAL, None),
    ]


def overhead_rows(runs: int) -> list[tuple]:
    items = list(range(100_000))
    rows = []
    for workers in (optimal_workers(len(items)), 8):
        tpe = statistics.median(timed(lambda w=workers: tpe_map(noop, items, w), runs))
        ours = statistics.median(
            timed(lambda w=workers: run_parallel(noop, items, max_workers=w, progress=False), runs)
        )
        streamed = statistics.median(
            timed(lambda w=workers: sum(1 for _ in iter_parallel(noop, items, max_workers=w)), runs)
        )
        label = f"overhead 100,000 no-ops, {workers} workers"
        rows.append((label, "run_parallel", ours, tpe, 1.25))
        rows.append(("", "iter_parallel", streamed, tpe, None))
        rows.append(("", "ThreadPoolExecutor.map", tpe, tpe, None))
    return rows


def current_rss() -> int:
    """Resident set size of this process now, in bytes (Linux /proc)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakRss:
    """Samples the resident set size every few milliseconds and keeps the peak.

    (``ru_maxrss`` would not do: on Linux a child started from this benchmark inherits
    the parent's peak across exec.)
    """

    def __init__(self) -> None:
        self.peak = current_rss()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.wait(0.002):
            self.peak = max(self.peak, current_rss())

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, current_rss())


def stream_child(kind: str, count: int) -> dict[str, float]:
    """Run in a fresh interpreter: peak RSS growth while streaming ``count`` items,
    over the RSS after a 1,000-item warm-up of the same tool."""
    if kind == "iter_parallel":  # warm up: threads and imports in place
        sum(1 for _ in iter_parallel(noop, iter(range(1000)), max_workers=100))
    else:
        tpe_map(noop, list(range(1000)), 100)
    base = current_rss()
    start = time.perf_counter()
    seen = 0
    with PeakRss() as rss:
        if kind == "iter_parallel":
            for _ in iter_parallel(noop, iter(range(count)), max_workers=100):
                seen += 1
        else:
            with ThreadPoolExecutor(max_workers=100) as pool:
                for _ in pool.map(noop, iter(range(count))):
                    seen += 1
    assert seen == count
    return {
        "growth_mb": (rss.peak - base) / MB,
        "base_mb": base / MB,
        "peak_mb": rss.peak / MB,
        "seconds": time.perf_counter() - start,
    }


def stream_rows(count: int) -> list[tuple]:
    rows = []
    for kind in ("iter_parallel", "ThreadPoolExecutor.map"):
        result = subprocess.run(
            [sys.executable, __file__, "--stream-child", kind, "--items", str(count)],
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        )
        figures = json.loads(result.stdout)
        target = 50.0 if kind == "iter_parallel" else None
        rows.append(
            (
                f"streaming {count:,} items, 100 workers" if not rows else "",
                f"{kind} ({figures['seconds']:.1f} s, peak RSS "
                f"{figures['base_mb']:.0f} -> {figures['peak_mb']:.0f} MB)",
                figures["growth_mb"],
                None,
                target,
            )
        )
    return rows


def print_table(rows: list[tuple]) -> None:
    header = ("benchmark", "variant", "measured", "reference", "ratio", "target", "ok")
    lines = [header]
    for bench, variant, measured, reference, target in rows:
        is_memory = bench.startswith("streaming") or (not bench and "RSS" in variant)
        unit = " MB" if is_memory else " s"
        ratio = measured / reference if reference else None
        if target is None:
            verdict, target_text = "", ""
        elif is_memory:
            verdict, target_text = ("yes" if measured <= target else "NO"), f"<= {target:g} MB"
        else:
            verdict, target_text = ("yes" if ratio <= target else "NO"), f"<= {target:.2f}x"
        lines.append(
            (
                bench,
                variant,
                f"{measured:.3f}{unit}",
                f"{reference:.3f} s" if reference else "",
                f"{ratio:.2f}x" if ratio is not None else "",
                target_text,
                verdict,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for number, line in enumerate(lines):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
        if number == 0:
            print("  ".join("-" * width for width in widths))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure")
    parser.add_argument("--items", type=int, default=1_000_000, help="items to stream")
    parser.add_argument("--stream-child", help=argparse.SUPPRESS)
    parser.add_argument("--io-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.io_child:
        print(io_first_call())
        return
    if args.stream_child:
        print(json.dumps(stream_child(args.stream_child, args.items)))
        return
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    rows = io_rows(args.runs)
    rows += overhead_rows(max(1, args.runs // 2 + 1))
    rows += stream_rows(args.items)
    print_table(rows)


if __name__ == "__main__":
    main()
