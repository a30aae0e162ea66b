"""CL301 cpu-bound-in-threads."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.callable_instances import work_of_pool_target
from concurrency_lint.analysis.callables import (
    classify_callable,
    is_module_level_function,
    resolve_callable,
)
from concurrency_lint.analysis.pool_classes import may_use_project_pool
from concurrency_lint.analysis.pool_sites import PoolSite, pool_site
from concurrency_lint.checking.rule import FileContext, Invalid, NodeFix, Rule
from concurrency_lint.config import Config
from concurrency_lint.fixes.edits import with_keyword
from concurrency_lint.fixes.pool_swap import pool_swap_fix
from concurrency_lint.fixes.spawn_safety import process_pool_refusal
from concurrency_lint.knowledge.executors import RUNTIME_NAMES, THREAD_TO_PROCESS_POOL
from concurrency_lint.knowledge.lifecycle import POOL_ENTRY_POINTS
from concurrency_lint.model import Safety


class CpuBoundInThreads(Rule):
    """
    ## What it does
    Flags a callable whose work is CPU-bound *while holding the GIL* (a pure-Python
    arithmetic loop, `json.dumps`, `pickle.dumps`, `re.findall` ...) sent to a
    `ThreadPoolExecutor` (`submit` / `map`), `threading.Thread(target=...)`,
    `asyncio.to_thread`, `loop.run_in_executor(None, ...)` or the thread mode of
    `run_parallel` / `batch_map` / `batch_filter`. The callable must be defined in the same
    module (a function, nested function, lambda, `functools.partial(f, ...)`,
    `self.method`, or an instance of a class of the module that defines `__call__`, as
    `pool.map(Counter(), items)`) and every call it makes must be known: a callable whose
    work cannot be told is not flagged. A library function the knowledge tables know to
    hold the GIL counts when handed over by name (`pool.map(json.dumps, rows)`). A
    recursive function counts as CPU work when it calls itself more than once or in a
    loop (`fib(n - 1) + fib(n - 2)`); one self-call per run (`head + total(tail)`) is
    bounded by the recursion limit and is not enough. The message says why the callable
    is CPU-bound.

    Work that releases the GIL is not flagged: `hashlib` digests, `pbkdf2_hmac`, `scrypt`,
    `zlib` / `bz2` / `lzma` and numpy run in parallel on threads (measured in
    `benchmarks/gil.py`: 1.8x with two threads, against 1.0x for a pure-Python loop).

    ## Why is this bad?
    Only one thread runs Python bytecode at a time. CPU-bound work spread over threads runs
    no faster than in one thread -- often slower, from the switching -- while the code
    looks parallel. Processes each have their own interpreter and GIL.

    ## Example
    ```python
    from concurrent.futures import ThreadPoolExecutor

    def count_primes(n):
        count = 0
        for i in range(2, n):
            if all(i % d for d in range(2, i)):
                count += 1
        return count

    with ThreadPoolExecutor() as ex:
        totals = list(ex.map(count_primes, [10_000, 20_000]))
    ```

    ## Use instead
    ```python
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor() as ex:
        totals = list(ex.map(count_primes, [10_000, 20_000]))
    ```

    ## Fix safety
    Unsafe. For `run_parallel` / `batch_map` / `batch_filter` / `iter_parallel` the fix
    adds `mode="process"` when the callable is a module-level function. Otherwise it swaps `ThreadPoolExecutor` for `ProcessPoolExecutor` (adding the import
    when needed), and is offered only when the pool is created in a `with` statement (or
    used directly, `ThreadPoolExecutor().map(...)`), every use of it is a `submit` / `map`
    of a module-level function (picklable by name), and its arguments mean the same to a
    process pool (`max_workers`, `initializer`, `initargs`). Behaviour can still change:
    arguments and results must now pickle, module-level state is no longer shared with the
    caller, and on `spawn` platforms the main module must be import-safe
    (`if __name__ == "__main__":`): no fix is offered when the pool is created while the
    module is imported (at its top level outside that guard, or in a function its top
    level calls outside it), since every process child would create it again and crash.

    With `free-threaded = true` in `[tool.conclint]` (a Python 3.13t build, no GIL) the
    rule is off.
    """

    CODE = "CL301"
    NAME = "cpu-bound-in-threads"
    MESSAGE = "CPU-bound work that holds the GIL is sent to threads; it cannot run in parallel"
    TRIGGERS = ("Thread", "Pool", "to_thread", "run_in_executor", "_parallel", "batch_")
    NEEDS_IMPORT_OF = POOL_ENTRY_POINTS

    VALID = (
        "import hashlib\nfrom concurrent.futures import ThreadPoolExecutor\n"
        "def digest(data):\n    return hashlib.sha256(data).hexdigest()\n"
        "with ThreadPoolExecutor() as ex:\n    list(ex.map(digest, blobs))\n",
        "from concurrent.futures import ThreadPoolExecutor\nfrom work import crunch\n"
        "with ThreadPoolExecutor() as ex:\n    list(ex.map(crunch, items))\n",
        "from concurrent.futures import ProcessPoolExecutor\n"
        "def square_sum(n):\n    return sum(i * i for i in range(n))\n"
        "with ProcessPoolExecutor() as ex:\n    list(ex.map(square_sum, sizes))\n",
    )
    INVALID = (
        Invalid(
            "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\n"
            "def square_sum(n):\n    return sum(i * i for i in range(n))\n"
            "def main(sizes):\n"
            "    with ThreadPoolExecutor(max_workers=4) as ex:\n"
            "        return list(ex.map(square_sum, sizes))\n",
            "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\n"
            "def square_sum(n):\n    return sum(i * i for i in range(n))\n"
            "def main(sizes):\n"
            "    with ProcessPoolExecutor(max_workers=4) as ex:\n"
            "        return list(ex.map(square_sum, sizes))\n",
        ),
        Invalid(
            "import concurrent.futures as cf\nimport json\n"
            "def encode(rows):\n    return json.dumps(rows)\n"
            'if __name__ == "__main__":\n'
            "    with cf.ThreadPoolExecutor() as ex:\n        ex.submit(encode, rows)\n",
            "import concurrent.futures as cf\nimport json\n"
            "def encode(rows):\n    return json.dumps(rows)\n"
            'if __name__ == "__main__":\n'
            "    with cf.ProcessPoolExecutor() as ex:\n        ex.submit(encode, rows)\n",
        ),
        Invalid(
            "from parallel import run_parallel\n"
            "def square_sum(n):\n    return sum(i * i for i in range(n))\n"
            'if __name__ == "__main__":\n    run_parallel(square_sum, sizes)\n',
            "from parallel import run_parallel\n"
            "def square_sum(n):\n    return sum(i * i for i in range(n))\n"
            'if __name__ == "__main__":\n    run_parallel(square_sum, sizes, mode="process")\n',
        ),
        Invalid(
            "from concurrent.futures import ThreadPoolExecutor\n"
            "def square_sum(n):\n    return sum(i * i for i in range(n))\n"
            "with ThreadPoolExecutor() as ex:  # at import time: a process pool would crash\n"
            "    list(ex.map(square_sum, sizes))\n"
        ),
        Invalid(
            "import threading\n"
            "t = threading.Thread(target=lambda: sum(i * i for i in range(10**7)))\n"
        ),
    )

    @classmethod
    def is_triggered(cls, text: str, config: Config) -> bool:
        # ``loop.run_in_executor(None, f)`` needs no import: its receiver is not checked.
        if "run_in_executor" in text or super().is_triggered(text, config):
            return True
        # A thread pool class of the project needs no import of a known pool.
        return "Pool" in text and may_use_project_pool(text)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._fixed_pools: set[int] = set()

    def visit_Call(self, node: cst.Call) -> None:
        if self.context.config.free_threaded:
            return
        site = pool_site(node, self.context)
        if site is None or site.mode != "thread":
            return
        work = work_of_pool_target(site.target, self.context)
        if work is None or work.kind != "cpu":
            return
        message = (
            f"CPU-bound work sent to threads via `{site.api}` ({work.reason}): it holds the "
            "GIL, so threads run it one at a time; use a process pool"
        )
        fix = self._fix(site)
        if isinstance(fix, str):
            self.report(node, f"{message} (no automatic fix: {fix})")
        else:
            self.report(node, message, fix=fix)

    def _fix(self, site: PoolSite) -> NodeFix | str | None:
        if site.api in RUNTIME_NAMES:
            return self._runtime_fix(site)
        return pool_swap_fix(
            site,
            THREAD_TO_PROCESS_POOL,
            self._picklable_cpu_work,
            self.semantics,
            self._fixed_pools,
        )

    def _runtime_fix(self, site: PoolSite) -> NodeFix | str | None:
        """``run_parallel(f, items)`` -> ``run_parallel(f, items, mode="process")``."""
        target = (
            resolve_callable(site.target, self.context)
            if isinstance(site.target, cst.Name)
            else None
        )
        if target is None or not is_module_level_function(target, self.context):
            return None
        refusal = process_pool_refusal(
            self.semantics.module, site.call, self.semantics.enclosing_function()
        )
        if refusal is not None:
            return refusal
        fixed = with_keyword(site.call, "mode", cst.SimpleString('"process"'))
        return NodeFix('Run in processes (`mode="process"`)', Safety.UNSAFE, ((site.call, fixed),))

    def _picklable_cpu_work(self, expr: cst.BaseExpression) -> bool:
        """A module-level function (a process pool pickles it by name) doing CPU work."""
        target = resolve_callable(expr, self.context) if isinstance(expr, cst.Name) else None
        return (
            target is not None
            and is_module_level_function(target, self.context)
            and classify_callable(target, self.context).kind == "cpu"
        )
