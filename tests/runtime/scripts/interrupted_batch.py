"""Runs a batch of long items; the test interrupts it with SIGINT once it has started.

argv[1] is the API to use: "run" (run_parallel), "iter" (iter_parallel) or "process"
(run_parallel in process mode).
"""

import sys
import time

from concurrency_lint.parallel import iter_parallel, run_parallel


def work(item: int) -> int:
    print(f"started {item}", flush=True)
    time.sleep(30)
    return item


if __name__ == "__main__":
    if sys.argv[1] == "run":
        run_parallel(work, range(20), max_workers=4)
    elif sys.argv[1] == "process":
        run_parallel(work, range(20), max_workers=2, mode="process")
    else:
        for _ in iter_parallel(work, range(20), max_workers=4):
            pass
    print("finished", flush=True)
