"""Shapes of real code whose findings used to carry no fix (or lose one on the way):
each test fails without the fix that covers it."""

from __future__ import annotations

import textwrap

from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.config import Config
from concurrency_lint.fixes.apply import fix_text
from concurrency_lint.fixes.loop_replay import GUARDED_REASON
from concurrency_lint.model import Safety


def _checker(select: str):
    checker = FileChecker(Config(select=tuple(select.split(","))))
    return lambda text: checker.check_text("example.py", text).findings


def _fixable(text: str, select: str) -> int:
    return sum(finding.fix is not None for finding in _checker(select)(text))


def test_a_session_made_by_the_enclosing_function_is_known_in_a_nested_one() -> None:
    text = textwrap.dedent(
        """
        import requests

        def fetch_all(urls):
            session = requests.Session()
            pages = []
            for url in urls:
                pages.append(session.get(url).text)
            return pages
        """
    )
    # The loop rewrite moves the call into a worker function; the timeout fix still applies.
    outcome = fix_text(text, _checker("CL101,CL202"), unsafe=True)
    assert _fixable(text, "CL101,CL202") == 2
    assert len(outcome.applied) == 2
    assert "session.get(url, timeout=" in outcome.text


def test_a_blocking_with_block_moves_whole_into_a_thread() -> None:
    text = textwrap.dedent(
        """
        import asyncio
        import json

        async def load(path):
            with open(path) as fh:
                data = json.load(fh)
            return data
        """
    )
    outcome = fix_text(text, _checker("CL401"), unsafe=True)
    assert "data = await asyncio.to_thread(_blocking_io)" in outcome.text
    assert "        with open(path) as fh:" in outcome.text
    compile(outcome.text, "example.py", "exec")


def test_a_blocking_with_block_whose_names_a_falling_through_handler_reads_is_refused() -> None:
    text = textwrap.dedent(
        """
        async def load(path):
            data = {}
            try:
                with open(path) as fh:
                    data = fh.read()
            except ValueError:
                pass
            return data
        """
    )
    [finding] = _checker("CL401")(text)
    assert finding.fix is None
    assert "(no automatic fix: a `try` around the `with` block" in finding.message


def test_a_with_block_that_reads_a_name_before_binding_it_hands_it_in() -> None:
    text = textwrap.dedent(
        """
        import asyncio

        async def count(path, n):
            with open(path) as fh:
                for _ in fh:
                    n += 1
            return n
        """
    )
    outcome = fix_text(text, _checker("CL401"), unsafe=True)
    assert "def _blocking_io(n):" in outcome.text
    assert "n = await asyncio.to_thread(_blocking_io, n)" in outcome.text


def test_a_with_block_reading_a_name_that_may_be_unbound_is_refused() -> None:
    text = textwrap.dedent(
        """
        async def count(path, flag):
            if flag:
                n = 0
            with open(path) as fh:
                n += len(fh.read())
            return n
        """
    )
    [finding] = _checker("CL401")(text)
    assert finding.fix is None
    assert "`n` is read in the `with` block before it binds it" in finding.message


def test_a_gather_loop_in_a_module_without_import_asyncio_is_fixed() -> None:
    text = textwrap.dedent(
        """
        import time

        class Cache:
            async def adelete_many(self, keys):
                for key in keys:
                    await self.adelete(key)
        """
    )
    outcome = fix_text(text, _checker("CL103"), unsafe=True)
    assert "    import asyncio\n" in outcome.text
    assert "await _gather_bounded(50, *(self.adelete(key) for key in keys))" in outcome.text


def test_a_loop_name_bound_again_before_every_later_read_does_not_block_the_rewrite() -> None:
    text = textwrap.dedent(
        """
        import os

        def check(folder, names):
            for name in names:
                path = os.path.join(folder, name)
                with open(path) as fh:
                    print(fh.read())
            for name in names:
                path = os.path.join(folder, name)
                print(os.path.exists(path))
        """
    )
    [finding] = _checker("CL101")(text)
    assert finding.fix is not None, finding.message


def test_a_loop_name_a_closure_reads_still_blocks_the_rewrite() -> None:
    text = textwrap.dedent(
        """
        def check(names):
            show = lambda: path
            for name in names:
                path = name + ".txt"
                with open(path) as fh:
                    print(fh.read())
            return show
        """
    )
    [finding] = _checker("CL101")(text)
    assert finding.fix is None
    assert "`path` is bound in the loop and used outside it" in finding.message


def test_an_executor_made_per_loop_turn_gets_its_with_block_there() -> None:
    text = textwrap.dedent(
        """
        from concurrent.futures import ThreadPoolExecutor

        def run(batches):
            for batch in batches:
                pool = ThreadPoolExecutor()
                list(pool.map(print, batch))
        """
    )
    outcome = fix_text(text, _checker("CL501"), unsafe=True)
    assert "        with ThreadPoolExecutor() as pool:\n" in outcome.text


def test_an_executor_made_in_a_block_and_used_after_it_says_why_there_is_no_fix() -> None:
    text = textwrap.dedent(
        """
        from concurrent.futures import ThreadPoolExecutor

        def run(items, wide):
            if wide:
                pool = ThreadPoolExecutor(8)
            else:
                pool = ThreadPoolExecutor(2)
            return list(pool.map(print, items))
        """
    )
    findings = _checker("CL501")(text)
    assert findings and all(finding.fix is None for finding in findings)
    assert all("made inside a block and used after it" in f.message for f in findings)


def test_a_string_concatenated_over_lines_does_not_block_the_loop_rewrite() -> None:
    text = textwrap.dedent(
        """
        def save(names):
            for name in names:
                with open(name, "w") as f:
                    f.write(
                        "written by "
                        f"{name}"
                    )
        """
    )
    [finding] = _checker("CL101")(text)
    assert finding.fix is not None, finding.message


def test_a_string_literal_over_lines_keeps_its_text_in_the_loop_rewrite() -> None:
    text = 'def save(names):\n    for name in names:\n        with open(name, "w") as f:\n'
    text += '            f.write("""a\nb""")\n'
    [finding] = _checker("CL101")(text)
    assert finding.fix is not None
    assert '"""a\nb"""' in finding.fix.edits[0].text


def test_an_accumulation_in_a_try_whose_handler_raises_is_moved_after_it() -> None:
    text = textwrap.dedent(
        """
        import json

        def load(paths):
            out = []
            for path in paths:
                with open(path) as fh:
                    try:
                        out.append(json.load(fh))
                    except json.JSONDecodeError:
                        raise ValueError(path)
            return out
        """
    )
    outcome = fix_text(text, _checker("CL101"), unsafe=True)
    assert "load_fh = json.load(fh)" in outcome.text
    assert "        out.append(load_fh)" in outcome.text


def test_an_accumulation_in_a_try_with_a_broad_handler_is_replayed_unsafely() -> None:
    text = textwrap.dedent(
        """
        def load(paths):
            out = []
            for path in paths:
                try:
                    with open(path) as fh:
                        out.append(fh.read())
                except Exception:
                    raise
            return out
        """
    )
    [finding] = _checker("CL101")(text)
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    assert GUARDED_REASON in finding.fix.description


def test_a_lock_released_early_before_continue_is_held_in_a_with_block() -> None:
    text = textwrap.dedent(
        """
        def ask(lock, cache, keys):
            for key in keys:
                lock.acquire()
                if key in cache:
                    lock.release()
                    continue
                cache[key] = 1
                lock.release()
        """
    )
    outcome = fix_text(text, _checker("CL504"), unsafe=True)
    assert "        with lock:\n" in outcome.text
    assert "release" not in outcome.text


def test_a_lock_released_early_then_used_stays_unfixed_with_its_reason() -> None:
    text = textwrap.dedent(
        """
        def ask(lock, cache, keys):
            for key in keys:
                lock.acquire()
                if key in cache:
                    lock.release()
                    print(key)
                    continue
                cache[key] = 1
                lock.release()
        """
    )
    [finding] = _checker("CL504")(text)
    assert finding.fix is None
    assert "which does not leave the region right after" in finding.message
