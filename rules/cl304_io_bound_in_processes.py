"""CL304 io-bound-in-processes."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.callable_instances import work_of_pool_target
from concurrency_lint.analysis.calls import keyword_arg
from concurrency_lint.analysis.pool_sites import PoolSite, pool_site
from concurrency_lint.checking.rule import FileContext, Invalid, NodeFix, Rule
from concurrency_lint.fixes.pool_swap import pool_swap_fix
from concurrency_lint.knowledge.executors import PROCESS_TO_THREAD_POOL, RUNTIME_NAMES
from concurrency_lint.knowledge.lifecycle import POOL_ENTRY_POINTS
from concurrency_lint.model import Safety


class IoBoundInProcesses(Rule):
    """
    ## What it does
    Flags a callable that is provably I/O-bound (it waits on files, the network or a child
    process, and does no CPU work of note) sent to a `ProcessPoolExecutor`, a
    `multiprocessing.Pool` or process-mode `run_parallel` / `batch_map` / `batch_filter`.
    The callable must be defined in the same module (an instance of a class of the module
    that defines `__call__` counts: `pool.imap(Converter(path), regions)`; so does
    `multiprocessing`'s `func=` keyword; so does a library I/O function handed over by
    name, `ex.map(urllib.request.urlopen, urls)`) and every call it makes must be known,
    through up to three levels of the module's own helpers (and the callables a helper
    is handed, `self` attributes of known types, client libraries the knowledge tables
    describe, helpers and string constants of other modules that only print or only hold
    text); a callable that also parses, hashes or compresses what it reads is not
    flagged. Quick file-system calls (`os.path.exists`, a symlink) next to its I/O do not
    hide it.

    ## Why is this bad?
    A process costs a fresh interpreter, its memory, and pickling every argument and
    result; it buys freedom from the GIL, which a thread waiting on I/O already releases.
    Threads do the same waiting for a fraction of the cost, and can use many more workers.

    ## Example
    ```python
    from concurrent.futures import ProcessPoolExecutor
    import requests

    def fetch(url):
        return requests.get(url, timeout=5).text

    with ProcessPoolExecutor() as ex:
        pages = list(ex.map(fetch, urls))
    ```

    ## Use instead
    ```python
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=50) as ex:
        pages = list(ex.map(fetch, urls))
    ```

    ## Fix safety
    Unsafe. The fix swaps the pool for its thread twin (`ThreadPoolExecutor`,
    `multiprocessing.pool.ThreadPool`, adding the import when needed; `mode="thread"` for
    the runtime's helpers). It is offered only when the pool is created in a `with`
    statement (or used directly), every use of it sends an I/O-bound callable, and its
    arguments mean the same to the thread pool. Behaviour can change: the work now shares
    the caller's memory and globals (a callable that mutates module state, or relies on
    a fresh process per task, behaves differently), and the worker count keeps its old
    value (see CL302).
    """

    CODE = "CL304"
    NAME = "io-bound-in-processes"
    MESSAGE = "I/O-bound work sent to a process pool; threads wait just as well for less"
    TRIGGERS = ("Pool", "_parallel", "batch_")
    NEEDS_IMPORT_OF = POOL_ENTRY_POINTS
    VALID = (
        "import requests\nfrom concurrent.futures import ThreadPoolExecutor\n"
        "def fetch(url):\n    return requests.get(url, timeout=5)\n"
        "with ThreadPoolExecutor(max_workers=50) as ex:\n    list(ex.map(fetch, urls))\n",
        "import hashlib\nfrom concurrent.futures import ProcessPoolExecutor\n"
        "def digest(path):\n    with open(path, 'rb') as f:\n"
        "        return hashlib.sha256(f.read()).hexdigest()\n"
        "with ProcessPoolExecutor() as ex:\n    list(ex.map(digest, paths))\n",
        "from concurrent.futures import ProcessPoolExecutor\nfrom net import fetch\n"
        "with ProcessPoolExecutor() as ex:\n    list(ex.map(fetch, urls))\n",
    )
    INVALID = (
        Invalid(
            "import requests\n"
            "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\n"
            "def fetch(url):\n    return requests.get(url, timeout=5)\n"
            "with ProcessPoolExecutor(4) as ex:\n    list(ex.map(fetch, urls))\n",
            "import requests\n"
            "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\n"
            "def fetch(url):\n    return requests.get(url, timeout=5)\n"
            "with ThreadPoolExecutor(4) as ex:\n    list(ex.map(fetch, urls))\n",
        ),
        Invalid(
            "from parallel import run_parallel\n"
            "def read(path):\n    with open(path) as f:\n        return f.read()\n"
            'run_parallel(read, paths, mode="process")\n',
            "from parallel import run_parallel\n"
            "def read(path):\n    with open(path) as f:\n        return f.read()\n"
            'run_parallel(read, paths, mode="thread")\n',
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._fixed_pools: set[int] = set()

    def visit_Call(self, node: cst.Call) -> None:
        site = pool_site(node, self.context)
        if site is None or site.mode != "process":
            return
        work = work_of_pool_target(site.target, self.context)
        if work is None or work.kind != "io":
            return
        self.report(
            node,
            f"I/O-bound work sent to processes via `{site.api}` ({work.reason}): waiting "
            "needs no process of its own; use a thread pool",
            fix=self._fix(site),
        )

    def _fix(self, site: PoolSite) -> NodeFix | None:
        if site.api in RUNTIME_NAMES:
            mode = keyword_arg(site.call, "mode")
            if mode is None:
                return None
            change = (mode.value, cst.SimpleString('"thread"'))
            return NodeFix('Run on threads (`mode="thread"`)', Safety.UNSAFE, (change,))
        fix = pool_swap_fix(
            site, PROCESS_TO_THREAD_POOL, self._io_bound, self.semantics, self._fixed_pools
        )
        return fix if isinstance(fix, NodeFix) else None  # a thread pool needs no guard

    def _io_bound(self, expr: cst.BaseExpression) -> bool:
        work = work_of_pool_target(expr, self.context)
        return work is not None and work.kind == "io"
