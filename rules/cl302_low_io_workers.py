"""CL302 low-io-workers."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.callable_instances import work_of_pool_target
from concurrency_lint.analysis.pool_classes import may_use_project_pool
from concurrency_lint.analysis.pool_items import known_item_count
from concurrency_lint.analysis.pool_sites import pool_site
from concurrency_lint.checking.rule import FileContext, Invalid, NodeFix, Option, Rule
from concurrency_lint.config import Config
from concurrency_lint.knowledge.io_calls import WORKER_FLOORS
from concurrency_lint.knowledge.lifecycle import POOL_ENTRY_POINTS
from concurrency_lint.model import Safety


class LowIoWorkers(Rule):
    """
    ## What it does
    Flags a thread pool (or thread-mode `run_parallel` / `batch_map` / `batch_filter`, or
    a thread pool class of the project: one that starts `n` `threading.Thread` workers
    calling what its queue hands them, `ThreadPool(5).map(check, urls)`) that runs a batch
    of I/O-bound calls with an integer-literal worker count below the floor for that kind
    of I/O (seed 002's table: network 50, file 20, subprocess 10). The callable must be
    defined in the same module (a callable instance of a class of the module counts,
    through its `__call__`; so does a library I/O function or a known client's method
    handed over by name, `ex.map(requests.get, urls)`) and provably I/O-bound; the batch
    is a `map`-style call or a `submit` in a loop or comprehension. Its work is followed
    through the module's own helpers, the callables a helper is handed
    (`retry(partial(self.api.download, url))`), the types of `self` attributes and of
    paths built with `/`, the client libraries the knowledge tables describe, and helpers
    of other modules that only print; quick file-system calls (a stat, a symlink) do not
    hide the I/O around them, and alone decide nothing.

    Not flagged: one worker (a deliberately serial background worker), a `map` over no
    more items than workers (a literal, `range(20)`, `[url] * 8`, a comprehension over
    one of those, or a name bound once to it), computed worker counts, and process pools
    (an I/O-bound process pool is CL304's business: more processes is not the cure).

    ## Why is this bad?
    Threads waiting on I/O cost almost nothing and do not contend for the GIL. With 5
    workers, 1000 downloads take 200 round trips in a row; with 50, twenty.

    ## Example
    ```python
    from concurrent.futures import ThreadPoolExecutor
    import requests

    def fetch(url):
        return requests.get(url, timeout=5).text

    with ThreadPoolExecutor(max_workers=5) as ex:
        pages = list(ex.map(fetch, urls))
    ```

    ## Use instead
    ```python
    with ThreadPoolExecutor(max_workers=50) as ex:
        pages = list(ex.map(fetch, urls))
    ```

    ## Fix safety
    Unsafe. The fix sets the literal to the floor. More requests at once can meet a
    server's rate limit, a connection-pool size (`requests` keeps 10 per host), or the
    open-file limit, and tasks that wait on each other inside the pool behave
    differently with more workers.

    ## Configuration
    - `floors`: a table of I/O kind (`network`, `file`, `subprocess`) -> lowest worker
      count, merged over the built-in table.
    """

    CODE = "CL302"
    NAME = "low-io-workers"
    MESSAGE = "I/O-bound thread pool with fewer workers than the I/O can use"
    TRIGGERS = ("Pool", "_parallel", "batch_")
    NEEDS_IMPORT_OF = POOL_ENTRY_POINTS
    OPTIONS = {
        "floors": Option({}, "I/O kind -> lowest useful worker count, over the built-in table"),
    }
    VALID = (
        "import requests\nfrom concurrent.futures import ThreadPoolExecutor\n"
        "def fetch(url):\n    return requests.get(url, timeout=5)\n"
        "with ThreadPoolExecutor(max_workers=50) as ex:\n    list(ex.map(fetch, urls))\n",
        "import requests\nfrom concurrent.futures import ThreadPoolExecutor\n"
        "def fetch(url):\n    return requests.get(url, timeout=5)\n"
        "with ThreadPoolExecutor(max_workers=2) as ex:\n    list(ex.map(fetch, [a, b]))\n",
        "from concurrent.futures import ThreadPoolExecutor\nfrom net import fetch\n"
        "with ThreadPoolExecutor(max_workers=4) as ex:\n    list(ex.map(fetch, urls))\n",
    )
    INVALID = (
        Invalid(
            "import requests\nfrom concurrent.futures import ThreadPoolExecutor\n"
            "def fetch(url):\n    return requests.get(url, timeout=5)\n"
            "with ThreadPoolExecutor(max_workers=5) as ex:\n    list(ex.map(fetch, urls))\n",
            "import requests\nfrom concurrent.futures import ThreadPoolExecutor\n"
            "def fetch(url):\n    return requests.get(url, timeout=5)\n"
            "with ThreadPoolExecutor(max_workers=50) as ex:\n    list(ex.map(fetch, urls))\n",
        ),
        Invalid(
            "from parallel import run_parallel\n"
            "def read(path):\n    with open(path) as f:\n        return f.read()\n"
            "run_parallel(read, paths, max_workers=4)\n",
            "from parallel import run_parallel\n"
            "def read(path):\n    with open(path) as f:\n        return f.read()\n"
            "run_parallel(read, paths, max_workers=20)\n",
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
        self._floors = {**WORKER_FLOORS, **self.options["floors"]}

    def visit_Call(self, node: cst.Call) -> None:
        site = pool_site(node, self.context)
        if site is None or site.mode != "thread" or not site.batch or site.workers is None:
            return
        count = site.worker_count
        literal = site.workers.value
        if count is None or count <= 1 or id(literal) in self._reported:
            return
        length = known_item_count(site, self.context)
        if length is not None and length <= count:
            return
        work = work_of_pool_target(site.target, self.context)
        if work is None or work.kind != "io" or work.io_kind is None:
            return
        floor = int(self._floors.get(work.io_kind, 0))
        if count >= floor:
            return
        self._reported.add(id(literal))
        self.report(
            literal,
            f"{count} workers for {work.io_kind} I/O ({work.reason}) sent through "
            f"`{site.api}`; threads waiting on {work.io_kind} I/O are cheap: use at least "
            f"{floor}",
            fix=NodeFix(
                f"Set the worker count to {floor}",
                Safety.UNSAFE,
                ((literal, cst.Integer(str(floor))),),
            ),
        )
