"""CL101 sequential-io-loop."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.loops import (
    IoLoopTracker,
    LoopIo,
    TracksIoLoops,
    comprehension_io,
    map_io,
)
from concurrency_lint.checking.rule import FileContext, Invalid, NodeFix
from concurrency_lint.fixes.comprehension_rewrite import rewrite_comprehension
from concurrency_lint.fixes.loop_rewrite import rewrite_loop
from concurrency_lint.fixes.loop_site import LoopRule
from concurrency_lint.knowledge.io_calls import WORKER_CEILINGS


class SequentialIoLoop(TracksIoLoops, LoopRule):
    """
    ## What it does
    Flags a `for` loop, a list/set/dict comprehension or `list(map(f, items))` whose every
    iteration blocks on I/O that depends on the item (reading or writing a file named by
    it, an HTTP request to it, a child process for it), when the iterations are
    independent: no `break`, `return`, `yield`, `await` or `sys.exit()`, and no value
    carried from one iteration into the next other than accumulation into a collection
    or counter created
    before the loop (`.append`, `.add`, `.extend`, `.update`, `table[key] = value`,
    `total += n`) or handing results to a `queue.Queue` (`.put()`).

    The I/O may sit in a helper: a function or method of this module whose work is I/O,
    or a function of another module of the project (imported by name, relatively or
    through `from ... import *`, or read off an imported module: `client.fetch(url)`
    after `from . import client`) in whose code, or in the project functions it calls,
    the project model finds a blocking I/O call -- as long as that function changes no
    state beyond the values it makes (no `global`, no store into an argument or a module
    value, no changing method of a module value, no `exec`). Its resource is then any
    argument the loop passes it.

    Not flagged: literal iterables of fewer than 3 items (or a name bound once to one and
    never changed); a literal of names one of which is built from another (`b =
    os.path.join(a, "ham")`, `for d in (a, b)`: the work on `b` may need `a`'s done first);
    I/O whose resource (path, URL,
    command, receiver) does not come from the item (`open(LOG, mode)` for each mode);
    I/O only under an `if`; quick single metadata calls (`os.stat`, `os.remove`,
    `Path.exists`, ...); comprehensions that only open files (`[open(p) for p in parts]`:
    the handles are read later); reads and writes of one shared stream (`json.dump(x, fh)`);
    copies and moves onto a destination that does not come from the item
    (`shutil.copy(path, backup_dir)`: two items with the same name collide), or comes
    from it only through a part two items can share -- `.name`, `.stem`, `.suffix`,
    `.parent`, `os.path.basename(...)`, `os.path.splitext(...)`, `url.split("/")` --
    (`shutil.copy2(src, target / src.name)`: two folders can hold the same name), unless
    the items are the entries of one folder's listing (`os.listdir(d)`, `os.scandir(d)`,
    `d.iterdir()`, one `glob` of one folder's pattern), whose names are distinct;
    bodies that call a method of an outside object whose effect is unknown
    (`self.rebuild()`: the iterations may share state through it; logging, assertions,
    reads of strings and mappings, and functions or methods of this module that only
    compute -- no I/O, no call of unknown effect, no write beyond their own locals -- are
    fine), or `os.rmdir` / `os.chdir` (ordered);
    loops over a generator of this module that yields inside `with` / `try` (each item
    lives one at a time); and loops nested in another loop that CL102 reports.

    ## Why is this bad?
    Each iteration waits for its I/O to finish before the next one starts: 200 URLs at
    100 ms each take 20 s in a row, well under a second with 50 threads. I/O releases
    the GIL, so threads overlap the waits.

    ## Example
    ```python
    import requests

    def fetch_all(urls):
        pages = []
        for url in urls:
            pages.append(requests.get(url, timeout=10).text)
        return pages
    ```

    ## Use instead
    ```python
    import requests
    from concurrency_lint.parallel import iter_parallel

    def fetch_all(urls):
        pages = []

        def fetch_url(url):
            return requests.get(url, timeout=10).text

        for url, text, _error in iter_parallel(fetch_url, urls, max_workers=100, fail_fast=True):
            pages.append(text)
        return pages
    ```

    ## Fix safety
    The fix moves the per-item work into a nested function and keeps the accumulation in
    a loop over the outcomes, in input order, in the calling thread (which also leaves the
    loop variable bound to the last item); the first failing item's exception (same type)
    is raised after the items before it were accumulated. A finished collection (a
    literal, a comprehension, `sorted(...)`, `os.listdir(...)`, a local name bound once to
    one) runs on `run_parallel`; any other iterable (a parameter, an attribute) on
    `iter_parallel`, which reads it lazily with a bounded window, so an endless or lazy
    iterable is not read to its end first. `max_workers` is the runtime's ceiling for the
    I/O kind (network 100, file 50, subprocess 20), 10 for a shared `requests.Session` /
    `httpx.Client` (its connection pool); the runtime lowers it further when the process
    has few file descriptors left.

    Safe only when all of these hold: the per-item work only reads (files opened for
    reading, GET requests) and calls nothing but pure functions, reading methods of the
    item and methods of what it made itself; the accumulators are locals of the function
    and no `try` surrounds the loop; the iterable is a finished collection; no shared
    session is used; and the project can import the runtime: `runtime-module` is set in
    the configuration, the module is part of the project, or the project declares
    `concurrency-lint` in its dependencies (`[project] dependencies`, Poetry's,
    `requirements*.txt` or `setup.cfg`). Otherwise the fix is unsafe and its description
    says why (and what to add to the dependencies).

    With `fix-target = "stdlib"` the loop over the outcomes becomes a loop over
    `ThreadPoolExecutor(max_workers=...).map(...)` (the worker hands back the item when the
    accumulation reads it), which needs nothing beyond the standard library. `map` reads
    its whole input first, so only loops over a finished collection are rewritten, and the
    fix is always unsafe: the threads may hold that many files or connections open at
    once, which the runtime (and not the standard library) keeps under the open-file limit.

    An accumulation that ends a `with` block of transparent context managers (`open`,
    `urlopen`, ...), an `if` without `else`, or a `try` whose handlers name specific
    exceptions and always leave (`raise`) is first moved after that block: its value is
    still computed inside, the accumulation runs exactly when the block completed. A name
    the loop binds counts as read after it only when the function may read it before
    binding it again (a closure reading it always counts). The lines of a string literal
    that spans lines keep their text exactly when the code around them is re-indented. A
    generator expression that reads per-item names is no late-binding closure when it is
    read to its end where it is made (`any(...)`, `sum(...)`, `sorted(...)`,
    `"".join(...)`, an unpacking assignment, a `for` loop).

    Any other accumulation -- in an `if` / `else` branch, in a nested loop, under a `try`
    or its handler, before the work -- is recorded instead: the worker runs the whole body
    and, where it accumulated, appends the values the accumulation needs (led by the
    accumulation's number when there are several) to a list it returns; the loop over the
    outcomes replays the accumulations from it, item by item in input order and within an
    item in the order the body made them, so shared state sees the same changes in the same
    order. This is the same program because the body never reads what it accumulates into
    (such a loop is not reported), so each item's work computes the same values whether the
    accumulations ran in place or later; a `continue` returns the records made so far. When
    the accumulators outlive an exception (outer state, a `try` around the loop), the worker
    also hands back its own exception with the records made before it: they are replayed,
    then the exception is raised again at that item's turn, as the loop would have. The
    accumulation itself (an unhashable key, a failed `+=`) now fails in the replay: when a
    broad handler (`except Exception`, a bare `except`, `TypeError`, ...) or a context
    manager not known to let exceptions through (`contextlib.suppress`) encloses it, that
    failure would have been caught where it was, so the fix is unsafe. A generator passed to
    `extend` / `update` is made a list where the loop made it (they consume it at once), so
    it does not read a per-item name late.

    No fix is offered when running the iterations side by side could break the program:
    a name bound in the loop and read after it; a recorded accumulation that copies the
    contents of an object the item's work changes in place (`out.extend(row)` before
    `row.append(...)`: replayed later it would copy the changed row); an iterable that never ends (`itertools.count()`), a generator expression or a
    generator of this module, or one the body changes; per-item work that changes an
    item in place (two items may be one object); a closure made in the loop that reads
    per-item names late; a stateful command (`git`, `pip`, `make`, ...) run in one
    working folder, or a file written under the same name by every iteration. The
    finding says why.
    """

    CODE = "CL101"
    NAME = "sequential-io-loop"
    MESSAGE = "sequential I/O loop: independent iterations each block on I/O"
    TRIGGERS = ("for", "map")
    VALID = (
        "import requests\nfor url in urls:\n    requests.get(url)\n    break\n",
        "import requests\nfor url in ['a', 'b']:\n    requests.get(url)\n",
        "import requests\nfor _ in range(10):\n    requests.get(URL)\n",
        "import subprocess\nprev = None\nfor cmd in cmds:\n"
        "    prev = subprocess.run([cmd, prev])\n",
    )
    INVALID = (
        Invalid(
            "import requests\n\n\ndef fetch_all(urls):\n    pages = []\n    for url in urls:\n"
            "        pages.append(requests.get(url, timeout=10).text)\n    return pages\n",
            "import requests\n\n\ndef fetch_all(urls):\n    pages = []\n"
            "    def fetch_url(url):\n        return requests.get(url, timeout=10).text\n\n"
            "    for url, text, _error in iter_parallel(fetch_url, urls, max_workers=100, "
            "fail_fast=True):\n        pages.append(text)\n    return pages\n",
        ),
        Invalid(
            "texts = [open(path).read() for path in paths]\n",
            "texts = [read_result for _path, read_result, _error in run_parallel("
            "lambda path: open(path).read(), paths, max_workers=50, fail_fast=True)]\n",
        ),
        Invalid(
            "import subprocess\nfor cmd in cmds:\n    subprocess.run(cmd, timeout=5)\n"
            "    if cmd:\n        continue\n"
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._loops: list[tuple[LoopIo, NodeFix | str]] = []
        self.io_loops = IoLoopTracker(context)

    # ---- loops -------------------------------------------------------------------------

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self.io_loops.enter(node)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self.io_loops.enter(node)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self.io_loops.enter(node)

    def leave_For(self, original_node: cst.For) -> None:
        if not self.io_loops.leave(original_node):
            return  # no call inside can be I/O
        found = self.index.for_loop(original_node, self.lookup)
        self.index.nested(original_node, self.lookup)
        if found is not None and found.facts is not None:
            site = self.sites.site(set(found.facts.accumulators))
            self._loops.append((found, rewrite_loop(found, site)))

    def leave_ListComp(self, original_node: cst.ListComp) -> None:
        self._comprehension(original_node)

    def leave_SetComp(self, original_node: cst.SetComp) -> None:
        self._comprehension(original_node)

    def leave_DictComp(self, original_node: cst.DictComp) -> None:
        self._comprehension(original_node)

    def leave_Call(self, original_node: cst.Call) -> None:
        found = map_io(original_node, self.lookup)
        if found is not None:
            self._report(found, rewrite_comprehension(found, self.sites.site()))

    def leave_Module(self, original_node: cst.Module) -> None:
        # Reported last: an enclosing loop (left after this one) may claim it for CL102.
        for found, fix in self._loops:
            if found.node in self.index.claimed:
                continue
            if self.index.nested(found.node, self.lookup) is not None:  # type: ignore[arg-type]
                continue
            self._report(found, fix)

    def _comprehension(self, node: cst.ListComp | cst.SetComp | cst.DictComp) -> None:
        if not self.io_loops.leave(node):
            return  # no call inside can be I/O
        found = comprehension_io(node, self.lookup)
        if found is not None:
            self._report(found, rewrite_comprehension(found, self.sites.site()))

    def _report(self, found: LoopIo, fix: NodeFix | str) -> None:
        message = io_loop_message(found, "loop")
        if isinstance(fix, str):
            self.report(found.node, f"{message} (no automatic fix: {fix})")
        else:
            self.report(found.node, message, fix=fix)


def io_loop_message(found: LoopIo, what: str) -> str:
    """The finding text: the I/O seen, its kind and the suggested worker count."""
    labels = ", ".join(f"`{label}`" for label in found.labels[:3])
    workers = WORKER_CEILINGS[found.kind]
    return (
        f"sequential {found.kind} I/O {what}: every iteration waits on {labels} and the "
        f"iterations are independent; run them with `run_parallel(..., max_workers={workers})`"
    )
