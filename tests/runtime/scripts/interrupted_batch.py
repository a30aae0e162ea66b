"""Runs a batch of long items; the test interrupts it with SIGINT once it has started.

argv[1] is the API to use: "run" (run_parallel) or "iter" (iter_parallel).
"""

import sys
import time

from concurrency_lint.parallel import iter_parallel, run_parallel


def work(item: int) -> int:
    print(f"started {item}", flush=True)
    time.sleep(30)
    return item


if sys.argv[1] == "run":
    run_parallel(work, range(20), max_workers=4)
else:
    for _ in iter_parallel(work, range(20), max_workers=4):
        pass
print("finished", flush=True)
