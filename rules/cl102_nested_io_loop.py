"""CL102 nested-io-loop."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.loops import IoLoopTracker, NestedLoopIo, TracksIoLoops
from concurrency_lint.checking.rule import FileContext, Invalid, NodeFix
from concurrency_lint.fixes.loop_rewrite import rewrite_nested
from concurrency_lint.fixes.loop_site import LoopRule
from concurrency_lint.knowledge.io_calls import WORKER_CEILINGS


class NestedIoLoop(TracksIoLoops, LoopRule):
    """
    ## What it does
    Flags an outer `for` loop whose inner loop does the I/O: the inner loop qualifies
    as a sequential I/O loop (CL101: every inner iteration blocks on I/O that depends
    on its item, iterations independent) and the outer iterations are independent too.
    It is reported once, on the outer loop; the inner loop gets no CL101.

    Not flagged: a nest that copies or moves onto a destination the outer item does not
    carry (the entries of several folders moved into one target folder: two folders
    can hold the same name, so the order decides, and `target / folder.name` carries
    the folder only through its base name, which two folders can share); CL101 may
    still flag the inner loop. Nor is the nest when its inner loop is not a CL101 case
    (a destination built from the inner item's base name, `target / section /
    source.name`, where two sources can share it), or when the outer items are a literal
    of names built on one another (`b = os.path.join(a, "ham")`, `for d in (a, b)`).

    ## Why is this bad?
    `for dir in dirs: for file in glob(...): read(file)` waits for every file of every
    folder one after the other. Parallelising only the inner loop starts a new batch per
    folder and waits for its slowest item each time; flattening both loops into one batch
    of (folder, file) pairs keeps every worker busy until the whole job is done.

    ## Example
    ```python
    import glob

    def read_sources(dirs):
        sources = []
        for folder in dirs:
            for name in glob.glob(folder + "/*.py"):
                with open(name) as fh:
                    text = fh.read()
                sources.append(text)
        return sources
    ```

    ## Use instead
    ```python
    import glob
    from concurrency_lint.parallel import iter_parallel

    def read_sources(dirs):
        sources = []
        def load_item(item):
            folder, name = item
            with open(name) as fh:
                text = fh.read()
            return text

        pairs = ((folder, name) for folder in dirs for name in glob.glob(folder + "/*.py"))
        for (folder, name), text, _error in iter_parallel(load_item, pairs, max_workers=50, fail_fast=True):
            sources.append(text)
        return sources
    ```

    ## Fix safety
    The fix flattens the two loops into one batch of `(outer, inner)` items and rewrites
    the per-item work as for CL101: safe only when it just reads, unsafe otherwise (see
    CL101). The pairs are a list for `run_parallel` when the outer iterable is a finished
    collection, else a generator read lazily by `iter_parallel`; no fix is offered when a
    loop variable is read after the loops. When the outer loop does more than run the
    inner one (a value computed per outer item, a skip, an accumulation after the inner
    loop), the fix runs the outer items side by side instead, each running its inner loop in
    order in the worker, with the accumulations recorded and replayed in input order as for
    CL101 (the same safety conditions apply). The inner loop then stands in a function, where
    CL101 may report it and a further fix run it in parallel too.
    """

    CODE = "CL102"
    NAME = "nested-io-loop"
    MESSAGE = "nested loops doing I/O item by item: flatten them into one parallel batch"
    TRIGGERS = ("for",)
    VALID = (
        "import requests\nfor host in hosts:\n    for path in paths:\n"
        "        requests.get(host + path)\n    break\n",
        "import os\nfor d in dirs:\n    for name in os.listdir(d):\n        print(name)\n",
        "for row in rows:\n    for cell in row:\n        print(cell)\n",
    )
    INVALID = (
        Invalid(
            "import os\nfor d in dirs:\n    for name in os.listdir(d):\n"
            "        with open(os.path.join(d, name)) as fh:\n            print(fh.read())\n",
            "import os\ndef load_item(item):\n    d, name = item\n"
            "    with open(os.path.join(d, name)) as fh:\n        print(fh.read())\n\n"
            "list(iter_parallel(load_item, ((d, name) for d in dirs for name in os.listdir(d)), "
            "max_workers=50, fail_fast=True))\n",
        ),
        Invalid(
            "import requests\nfor host in hosts:\n    print(host)\n    for path in paths:\n"
            "        requests.get(host + path, timeout=5)\n"
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._loops: list[tuple[NestedLoopIo, NodeFix | str]] = []
        self.io_loops = IoLoopTracker(context)

    def leave_For(self, original_node: cst.For) -> None:
        if not self.io_loops.leave(original_node):
            return  # no call inside can be I/O
        found = self.index.nested(original_node, self.lookup)
        if found is not None and found.inner.facts is not None:
            site = self.sites.site(set(found.inner.facts.accumulators))
            deeper = self.index.nested(found.inner.node, self.lookup) is not None  # type: ignore[arg-type]
            self._loops.append((found, rewrite_nested(found, site, deeper)))

    def leave_Module(self, original_node: cst.Module) -> None:
        # Reported last: only the outermost loop of a nest, which is left after the others.
        for found, fix in self._loops:
            if found.outer not in self.index.claimed:
                self._report(found, fix)

    def _report(self, found: NestedLoopIo, fix: NodeFix | str) -> None:
        inner = found.inner
        labels = ", ".join(f"`{label}`" for label in inner.labels[:3])
        message = (
            f"nested loops doing {inner.kind} I/O item by item ({labels} in the inner loop); "
            "flatten them into one batch and run it with "
            f"`run_parallel(..., max_workers={WORKER_CEILINGS[inner.kind]})`"
        )
        if isinstance(fix, str):
            self.report(found.outer, f"{message} (no automatic fix: {fix})")
        else:
            self.report(found.outer, message, fix=fix)
