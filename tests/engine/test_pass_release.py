"""Once a file's pass is over, nothing the analyses kept for its rules holds its tree."""

from __future__ import annotations

import gc

import libcst as cst

from concurrency_lint.analysis import definitions, loops, pool_sites
from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.config import Config

SOURCE = """\
import requests
from concurrent.futures import ThreadPoolExecutor


def square(n):
    return sum(i * i for i in range(n))


def fetch_all(urls):
    pages = []
    for url in urls:
        pages.append(requests.get(url, timeout=5).text)
    with ThreadPoolExecutor() as pool:
        sizes = list(pool.map(square, [len(p) for p in pages]))
    return pages, sizes
"""


def _live_modules() -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if type(thing) is cst.Module)


def test_the_indexes_of_a_checked_module_are_dropped_when_its_pass_ends() -> None:
    checker = FileChecker(Config())
    definitions._CACHE.clear()  # what other tests' direct calls left there
    loops._INDEXES.clear()
    pool_sites.forget_last_site()
    before = _live_modules()
    for number in range(6):  # more modules than any of the caches would keep
        result = checker.check_text(f"app_{number}.py", SOURCE + f"# {number}\n")
        assert {finding.code for finding in result.findings} >= {"CL101", "CL301"}
    assert not definitions._CACHE
    assert not loops._INDEXES
    assert pool_sites._last_site is None
    assert _live_modules() <= before


def test_an_index_asked_for_again_after_its_release_is_built_anew() -> None:
    module = cst.parse_module(SOURCE)
    first = definitions.module_index(module)
    definitions.forget_module_index(module)
    definitions.forget_module_index(module)  # twice: nothing to drop, no error
    again = definitions.module_index(module)
    assert again is not first and again.module is module
    index = loops.loop_index(module)
    loops.forget_loop_index(module)
    assert loops.loop_index(module) is not index
    loops.forget_loop_index(module)
    definitions.forget_module_index(module)
