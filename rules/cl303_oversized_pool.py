"""CL303 oversized-pool."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.callable_instances import work_of_pool_target
from concurrency_lint.analysis.calls import int_value
from concurrency_lint.analysis.pool_classes import may_use_project_pool
from concurrency_lint.analysis.pool_sites import PoolSite, pool_site, worker_argument
from concurrency_lint.checking.rule import FileContext, Invalid, NodeFix, Option, Rule
from concurrency_lint.config import Config
from concurrency_lint.knowledge.executors import PROCESS_POOLS
from concurrency_lint.knowledge.io_calls import WORKER_CEILINGS
from concurrency_lint.knowledge.lifecycle import POOL_ENTRY_POINTS
from concurrency_lint.model import Safety


class OversizedPool(Rule):
    """
    ## What it does
    Flags an integer-literal worker count above what the work can use:
    - a thread pool (or thread-mode `run_parallel` / `batch_map` / `batch_filter`) running
      a provably I/O-bound callable (one of its module, or a library I/O function handed
      over by name: `ex.map(urllib.request.urlopen, urls)`) with more workers than the
      ceiling for its kind of I/O (seed 002's table: network 100, file 50, subprocess
      20), for a batch (`map`-style call, `submit` in a loop or comprehension): threads
      start on demand, so a few single `submit`s never fill a large pool;
    - when `max-cpu-workers` is set: a process pool (`ProcessPoolExecutor`,
      `multiprocessing.Pool`, process-mode `run_parallel`), or a thread pool running a
      provably CPU-bound callable, with more workers than that.

    Computed worker counts (`os.cpu_count()`, a variable) are never flagged.

    ## Why is this bad?
    Past the ceiling, more threads only add contention: disks thrash, servers throttle,
    child processes fight for memory. CPU-bound workers beyond the number of cores share
    the same cores and pay for the switching (and each process costs memory).

    ## Example
    ```python
    from concurrent.futures import ThreadPoolExecutor

    def read(path):
        with open(path) as f:
            return f.read()

    with ThreadPoolExecutor(max_workers=500) as ex:
        texts = list(ex.map(read, paths))
    ```

    ## Use instead
    ```python
    with ThreadPoolExecutor(max_workers=50) as ex:
        texts = list(ex.map(read, paths))
    ```

    ## Fix safety
    Unsafe. The fix sets the literal to the ceiling (or to `max-cpu-workers`). Fewer
    workers keep the results but change timing, and tasks that wait for each other inside
    one pool can deadlock when there are fewer workers than waiting tasks.

    ## Configuration
    - `ceilings`: a table of I/O kind (`network`, `file`, `subprocess`) -> highest useful
      worker count, merged over the built-in table.
    - `max-cpu-workers`: the most workers a CPU-bound pool should have (the target
      machine's cores); 0, the default, leaves CPU-bound pools alone.
    """

    CODE = "CL303"
    NAME = "oversized-pool"
    MESSAGE = "pool with more workers than its work can use"
    TRIGGERS = ("Pool", "_parallel", "batch_")
    NEEDS_IMPORT_OF = POOL_ENTRY_POINTS
    OPTIONS = {
        "ceilings": Option({}, "I/O kind -> highest useful worker count, over the built-in table"),
        "max-cpu-workers": Option(0, "most workers for a CPU-bound pool (0: not checked)"),
    }
    VALID = (
        "import requests\nfrom concurrent.futures import ThreadPoolExecutor\n"
        "def fetch(url):\n    return requests.get(url, timeout=5)\n"
        "with ThreadPoolExecutor(max_workers=100) as ex:\n    list(ex.map(fetch, urls))\n",
        "from concurrent.futures import ProcessPoolExecutor\n"
        "with ProcessPoolExecutor(max_workers=64) as ex:\n    list(ex.map(work, items))\n",
        "from concurrent.futures import ThreadPoolExecutor\nfrom net import fetch\n"
        "with ThreadPoolExecutor(max_workers=400) as ex:\n    list(ex.map(fetch, urls))\n",
    )
    INVALID = (
        Invalid(
            "from concurrent.futures import ThreadPoolExecutor\n"
            "def read(path):\n    with open(path) as f:\n        return f.read()\n"
            "with ThreadPoolExecutor(max_workers=500) as ex:\n    list(ex.map(read, paths))\n",
            "from concurrent.futures import ThreadPoolExecutor\n"
            "def read(path):\n    with open(path) as f:\n        return f.read()\n"
            "with ThreadPoolExecutor(max_workers=50) as ex:\n    list(ex.map(read, paths))\n",
        ),
        Invalid(
            "import subprocess\nfrom parallel import run_parallel\n"
            "def run(cmd):\n    return subprocess.run(cmd, timeout=60)\n"
            "run_parallel(run, commands, max_workers=64)\n",
            "import subprocess\nfrom parallel import run_parallel\n"
            "def run(cmd):\n    return subprocess.run(cmd, timeout=60)\n"
            "run_parallel(run, commands, max_workers=20)\n",
        ),
    )

    @classmethod
    def is_triggered(cls, text: str, config: Config) -> bool:
        # A thread pool class of the project needs no import of a known pool.
        if super().is_triggered(text, config):
            return True
        return any(token in text for token in cls.TRIGGERS) and may_use_project_pool(text)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._reported: set[int] = set()
        self._ceilings = {**WORKER_CEILINGS, **self.options["ceilings"]}
        self._max_cpu = int(self.options["max-cpu-workers"])

    def visit_Call(self, node: cst.Call) -> None:
        if self._max_cpu > 0:
            constructor = self.semantics.call_name(node)
            if constructor in PROCESS_POOLS:
                workers = worker_argument(node, constructor)
                if workers is not None:
                    self._check(workers, self._max_cpu, "a process pool (`max-cpu-workers`)")
        site = pool_site(node, self.context)
        if site is None or site.workers is None or site.worker_count is None:
            return
        if site.mode == "process":
            if self._max_cpu > 0 and site.pool is None:  # process-mode run_parallel
                self._check(
                    site.workers, self._max_cpu, f"process-mode `{site.api}` (`max-cpu-workers`)"
                )
            return
        if site.batch:  # threads start on demand: a few single calls never fill the pool
            self._check_threads(site)

    def _check_threads(self, site: PoolSite) -> None:
        assert site.workers is not None
        work = work_of_pool_target(site.target, self.context)
        if work is None:
            return
        if work.kind == "io" and work.io_kind is not None:
            ceiling = int(self._ceilings.get(work.io_kind, 0))
            if ceiling > 0:
                self._check(site.workers, ceiling, f"{work.io_kind} I/O ({work.reason})")
        elif work.kind == "cpu" and self._max_cpu > 0:
            self._check(site.workers, self._max_cpu, f"CPU-bound work ({work.reason})")

    def _check(self, workers: cst.Arg, ceiling: int, what: str) -> None:
        literal = workers.value
        count = int_value(literal)
        if count is None or count <= ceiling or id(literal) in self._reported:
            return
        self._reported.add(id(literal))
        self.report(
            literal,
            f"{count} workers for {what}: more than {ceiling} only adds contention",
            fix=NodeFix(
                f"Set the worker count to {ceiling}",
                Safety.UNSAFE,
                ((literal, cst.Integer(str(ceiling))),),
            ),
        )
