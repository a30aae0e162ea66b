"""The collector on small snippets: each mechanism, configuration, handling, look-alikes."""

from __future__ import annotations

from textwrap import dedent

import pytest

from concurrency_lint.inventory.model import Section, Use, ValueKind
from concurrency_lint.inventory.reader import inventory_of_text


def uses_of(code: str, markdown: bool = False) -> tuple[Use, ...]:
    result = inventory_of_text("m.md" if markdown else "m.py", dedent(code), markdown)
    assert result.problem is None, result.problem
    return result.uses


def only(code: str) -> Use:
    found = uses_of(code)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("code", "section", "mechanism"),
    [
        (
            "import multiprocessing\nmultiprocessing.Pool()",
            Section.MULTIPROCESSING,
            "multiprocessing.Pool",
        ),
        (
            "import multiprocessing as mp\nmp.Process(target=f)",
            Section.MULTIPROCESSING,
            "multiprocessing.Process",
        ),
        (
            "from multiprocessing import Manager\nManager()",
            Section.MULTIPROCESSING,
            "multiprocessing.Manager",
        ),
        (
            "from multiprocessing import cpu_count\nn = cpu_count()",
            Section.MULTIPROCESSING,
            "multiprocessing.cpu_count",
        ),
        (
            "from multiprocessing.pool import ThreadPool\nThreadPool(4)",
            Section.MULTIPROCESSING,
            "multiprocessing.pool.ThreadPool",
        ),
        ("import threading\nthreading.Thread(target=f)", Section.THREADING, "threading.Thread"),
        ("from threading import Timer\nTimer(1.5, f)", Section.THREADING, "threading.Timer"),
        (
            "import concurrent.futures\nconcurrent.futures.ThreadPoolExecutor()",
            Section.FUTURES,
            "concurrent.futures.ThreadPoolExecutor",
        ),
        (
            "from concurrent.futures import ProcessPoolExecutor as PPE\nPPE(2)",
            Section.FUTURES,
            "concurrent.futures.ProcessPoolExecutor",
        ),
        (
            "from concurrent import futures\nfutures.wait(fs)",
            Section.FUTURES,
            "concurrent.futures.wait",
        ),
        ("import asyncio\nasyncio.run(main())", Section.ASYNCIO, "asyncio.run"),
        (
            "import asyncio\nasync def f():\n    await asyncio.to_thread(g)",
            Section.ASYNCIO,
            "asyncio.to_thread",
        ),
        (
            "import asyncio\nasync def f():\n    await asyncio.create_subprocess_shell('ls')",
            Section.ASYNCIO,
            "asyncio.create_subprocess_shell",
        ),
        ("import asyncio\nlimit = asyncio.Semaphore(5)", Section.ASYNCIO, "asyncio.Semaphore"),
        ("import threading\nlock = threading.RLock()", Section.SYNCHRONIZATION, "threading.RLock"),
        (
            "import multiprocessing\nmultiprocessing.Barrier(3)",
            Section.SYNCHRONIZATION,
            "multiprocessing.Barrier",
        ),
        ("import asyncio\nasyncio.Condition()", Section.SYNCHRONIZATION, "asyncio.Condition"),
        (
            "from filelock import SoftFileLock\nSoftFileLock('x')",
            Section.SYNCHRONIZATION,
            "filelock.SoftFileLock",
        ),
        ("import queue\nqueue.LifoQueue()", Section.QUEUES, "queue.LifoQueue"),
        (
            "import multiprocessing\nmultiprocessing.Queue(10)",
            Section.QUEUES,
            "multiprocessing.Queue",
        ),
        ("import asyncio\nasyncio.PriorityQueue()", Section.QUEUES, "asyncio.PriorityQueue"),
    ],
)
def test_each_mechanism_is_found_in_its_section(
    code: str, section: Section, mechanism: str
) -> None:
    use = only(code)
    assert (use.section, use.mechanism) == (section, mechanism)
    assert use.line == code.count("\n") + 1


def test_pool_and_executor_methods_follow_the_object() -> None:
    found = uses_of(
        """
        import multiprocessing
        from concurrent.futures import ThreadPoolExecutor

        def run(items):
            ctx = multiprocessing.get_context("spawn")
            with ctx.Pool(2) as pool:
                pool.starmap(f, items, 8)
            executor = ThreadPoolExecutor()
            executor.submit(f)
            executor.map(f, items, chunksize=4)
        """
    )
    assert [use.mechanism for use in found] == [
        "multiprocessing.get_context",
        "multiprocessing.Pool",
        "multiprocessing.Pool.starmap",
        "concurrent.futures.ThreadPoolExecutor",
        "concurrent.futures.ThreadPoolExecutor.submit",
        "concurrent.futures.ThreadPoolExecutor.map",
    ]
    assert found[2].parameters[0].name == "chunksize"
    assert found[5].parameters[0].written == "4"


def test_daemon_as_keyword_attribute_setter_and_subclass() -> None:
    found = uses_of(
        """
        import threading

        a = threading.Thread(target=f, daemon=True)
        b = threading.Thread(target=f)
        b.daemon = True
        c = threading.Thread(target=f)
        c.setDaemon(False)
        d = threading.Thread(target=f)

        class Worker(threading.Thread):
            def __init__(self):
                super().__init__(daemon=True)

        class Other(threading.Thread):
            def start(self):
                self.daemon = True
        """
    )
    daemon = [use.parameter("daemon") for use in found]
    assert [(p.value, p.after_construction) if p else None for p in daemon] == [
        (True, False),
        (True, True),
        (False, True),
        None,
        (True, False),
        (True, True),
    ]
    assert [use.detail for use in found[-2:]] == ["Worker", "Other"]
    assert all("subclass" in use.traits for use in found[-2:])


def test_daemon_of_another_object_is_not_taken() -> None:
    found = uses_of(
        """
        import threading

        def start(other):
            t = threading.Thread(target=f)
            other.daemon = True

        def elsewhere():
            t.daemon = True
        """
    )
    assert found[0].parameter("daemon") is None


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("4", ValueKind.LITERAL),
        ("-1", ValueKind.LITERAL),
        ("cpu_count()", ValueKind.CPU_COUNT),
        ("os.cpu_count()", ValueKind.CPU_COUNT),
        ("len(os.sched_getaffinity(0))", ValueKind.CPU_COUNT),
        ("(os.cpu_count() or 1) * 2", ValueKind.CPU_DERIVED),
        ("args.max_workers", ValueKind.CONFIGURABLE),
        ("workers", ValueKind.CONFIGURABLE),
        ("config['workers']", ValueKind.CONFIGURABLE),
        ("int(os.environ.get('WORKERS', 4))", ValueKind.CONFIGURABLE),
        ("len(items) // 2", ValueKind.COMPUTED),
        ("signal.SIGTERM", ValueKind.CONSTANT),
    ],
)
def test_parameter_values_are_interpreted(value: str, kind: ValueKind) -> None:
    use = only(
        f"""
        import os
        import signal
        from multiprocessing import Pool, cpu_count
        Pool(processes={value})
        """
    )
    parameter = use.parameters[0]
    assert (parameter.name, parameter.written, parameter.kind) == ("processes", value, kind)
    if kind is ValueKind.LITERAL:
        assert parameter.value == int(value)


def test_positional_and_missing_parameters() -> None:
    found = uses_of(
        """
        import queue
        from concurrent.futures import ThreadPoolExecutor
        ThreadPoolExecutor(8)
        ThreadPoolExecutor()
        queue.Queue(0)
        queue.Queue(*sizes)
        """
    )
    assert found[0].parameters[0].written == "8"
    assert found[1].parameters == ()
    assert "unbounded" in found[2].traits
    assert found[3].parameters == ()


def test_try_except_and_try_finally_are_seen_within_the_function() -> None:
    found = uses_of(
        """
        import threading

        try:
            threading.Thread(target=f)
        except (RuntimeError, OSError):
            threading.Thread(target=g)
        finally:
            threading.Thread(target=h)

        try:
            def later():
                threading.Thread(target=f)
        except Exception:
            pass

        try:
            try:
                threading.Thread(target=f)
            finally:
                pass
        except:
            pass
        """
    )
    handling = [[(item.kind, item.detail) for item in use.handling] for use in found]
    assert handling == [
        [("try_except", "RuntimeError, OSError")],
        [],
        [],
        [],
        [("try_finally", ""), ("try_except", "bare except")],
    ]


def test_as_completed_results_guarded_unguarded_or_not_read() -> None:
    found = uses_of(
        """
        import threading
        from concurrent.futures import as_completed

        lock = threading.Lock()
        results = []

        def guarded(futures):
            for future in as_completed(futures):
                try:
                    value = future.result()
                except ValueError:
                    continue
                with lock:
                    results.append(value)

        def unguarded(futures):
            for future in as_completed(futures):
                results.append(future.result())

        def checked(futures):
            for future in as_completed(futures):
                if future.exception() is None:
                    results.append(future.result())

        def outer(futures):
            try:
                for future in as_completed(futures):
                    future.result()
            except Exception:
                pass

        def ignored(futures):
            for future in as_completed(futures):
                pass
        """
    )
    loops = [use for use in found if use.mechanism == "concurrent.futures.as_completed"]
    kinds = [[item.kind for item in use.handling] for use in loops]
    assert kinds == [
        ["result_guarded", "results_under_lock"],
        ["result_unguarded"],
        ["result_guarded"],
        ["try_except", "result_guarded"],
        ["result_not_read"],
    ]
    assert loops[0].handling[1].detail == "lock"


def test_gather_return_exceptions() -> None:
    found = uses_of(
        """
        import asyncio

        async def main(jobs):
            await asyncio.gather(*jobs, return_exceptions=True)
            await asyncio.gather(*jobs, return_exceptions=False)
            await asyncio.gather(*jobs)
        """
    )
    assert [use.has_handling("return_exceptions") for use in found] == [True, False, False]


def test_locks_protecting_shared_results_and_lock_guards() -> None:
    found = uses_of(
        """
        import threading

        class Store:
            def __init__(self):
                self.lock = threading.Lock()
                self.idle = threading.Event()
                self.ready = threading.Event()
                self.items = {}

            def wait(self):
                self.ready.wait(1)

            def put(self, key, value):
                with self.lock:
                    self.items[key] = value
                    threading.Thread(target=f)

        guard = threading.Semaphore(2)

        def read():
            with guard:
                return 1
        """
    )
    by_name = {use.mechanism: use for use in found}
    assert {"with_block", "protects_shared_state"} <= set(by_name["threading.Lock"].traits)
    events = [use.traits for use in found if use.mechanism == "threading.Event"]
    assert events == [("not_used_here",), ("signalling",)]
    assert by_name["threading.Semaphore"].traits == ("with_block",)
    assert by_name["threading.Thread"].handling[0].kind == "under_lock"
    assert by_name["threading.Thread"].handling[0].detail == "self.lock"


def test_waits_with_a_timeout_and_lock_timeouts_are_listed_in_section_6() -> None:
    found = uses_of(
        """
        import queue
        import threading
        from filelock import FileLock

        jobs = queue.Queue(maxsize=3)
        lock = threading.Lock()
        file_lock = FileLock("x.lock", timeout=1)

        def work():
            jobs.get()
            jobs.get(True, 5)
            jobs.put(1, block=False)
            lock.acquire(timeout=2)
            lock.acquire()
            lock.release()
        """
    )
    rows = [(use.section, use.mechanism, use.line) for use in found]
    assert rows == [
        (Section.QUEUES, "queue.Queue", 6),
        (Section.SYNCHRONIZATION, "threading.Lock", 7),
        (Section.SYNCHRONIZATION, "filelock.FileLock", 8),
        (Section.QUEUES, "filelock.FileLock", 8),
        (Section.QUEUES, "queue.Queue.get", 12),
        (Section.QUEUES, "queue.Queue.put", 13),
        (Section.QUEUES, "threading.Lock.acquire", 14),
    ]
    assert "bounded" in found[0].traits
    assert found[1].traits == ("acquire_release",)
    assert found[3].traits == ("lock_timeout",)
    assert found[4].parameter("timeout").written == "5"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import asyncio\n", "imported_only"),
        ("from asyncio import Queue\n", "imported_only"),
        ("import asyncio\nasync def f():\n    await asyncio.sleep(1)\n", None),
        ("import asyncio\nasyncio.run(main())\n", "asyncio.run"),
    ],
)
def test_asyncio_imported_not_used(code: str, expected: str | None) -> None:
    found = uses_of(code)
    if expected is None:
        assert found == ()
    elif expected == "imported_only":
        assert len(found) == 1
        assert (found[0].mechanism, found[0].traits, found[0].line) == (
            "asyncio",
            ("imported_only",),
            1,
        )
    else:
        assert [use.mechanism for use in found] == [expected]


@pytest.mark.parametrize(
    "code",
    [
        "class Pool:\n    pass\nPool()\n",
        "import threading\nfrom .threading import Thread\nThread()\n",
        "import threading\ndef Thread():\n    pass\nThread()\n",
        "import threading\ndef f(lock):\n    with lock:\n        lock.acquire(timeout=1)\n",
        "import queue\ndef f(q):\n    q.get(timeout=1)\n",
        "import threading\nx.run_in_executor(None, f)\n",
        "import multiprocessing\npool = make_pool()\npool.map(f, items)\n",
    ],
)
def test_look_alikes_are_not_reported(code: str) -> None:
    assert uses_of(code) == ()


def test_cpu_count_inside_a_pool_argument_is_not_a_separate_use() -> None:
    found = uses_of("from multiprocessing import Pool, cpu_count\nPool(cpu_count() - 1)\n")
    assert [use.mechanism for use in found] == ["multiprocessing.Pool"]
    assert found[0].parameters[0].kind is ValueKind.CPU_DERIVED


def test_markdown_blocks_keep_their_lines_and_list_broken_blocks() -> None:
    text = """\
    # Title

    ```python
    import threading
    threading.Thread(daemon=True)
    ```

    ```python
    import threading
        threading.Thread(
    ```

    ```text
    import threading
    threading.Thread()
    ```
    """
    result = inventory_of_text("m.md", dedent(text), markdown=True)
    assert [(use.mechanism, use.line, use.path) for use in result.uses] == [
        ("threading.Thread", 5, "m.md")
    ]
    assert result.problem == "line 10: unexpected indent"  # the real line of the broken block


def test_parameter_table_shows_the_most_frequent_values() -> None:
    from concurrency_lint.inventory.cells import SHOWN_VALUES, Cells
    from concurrency_lint.inventory.model import FileInventory, Inventory
    from concurrency_lint.inventory.statistics import parameter_values

    calls = "".join(f"queue.Queue({size})\n" for size in range(1, SHOWN_VALUES + 3))
    found = uses_of("import queue\n" + calls + "queue.Queue(1)\n")
    (row,) = parameter_values(Inventory((FileInventory("m.py", found),), 1))
    assert row.values[0].written == "1"
    assert row.values[0].count == 2
    name, _description, values = Cells("fr").parameter_row(row)
    assert name == "maxsize"
    assert values.startswith("1 \u00d72, 10 \u00d71")
    assert values.endswith("2 autres valeurs")


# ---- the error handling written inside the callable a use runs ----------------------


def _handling_of(code: str, mechanism: str) -> tuple[tuple[str, str], ...]:
    use = next(use for use in uses_of(code) if use.mechanism == mechanism)
    return tuple((item.kind, item.detail) for item in use.handling)


def test_asyncio_run_looks_into_the_coroutine_it_runs() -> None:
    code = """
        import asyncio

        async def main():
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                pass

        asyncio.run(main())
        """
    assert _handling_of(code, "asyncio.run") == (
        ("callable_try_except", "main (asyncio.CancelledError)"),
    )


@pytest.mark.parametrize(
    ("call", "mechanism"),
    [
        ("threading.Thread(target=work).start()", "threading.Thread"),
        ("multiprocessing.Process(None, work).start()", "multiprocessing.Process"),
        ("ThreadPoolExecutor().submit(work, 1)", "concurrent.futures.ThreadPoolExecutor.submit"),
        ("multiprocessing.Pool().map(functools.partial(work, 2), [1])", "multiprocessing.Pool.map"),
    ],
)
def test_a_thread_or_pool_callable_is_read_for_its_try_except(call: str, mechanism: str) -> None:
    code = f"""
        import functools
        import multiprocessing
        import threading
        from concurrent.futures import ThreadPoolExecutor

        def work(*args):
            while True:
                try:
                    return args
                except (OSError, ValueError):
                    continue

        def start():
            {call}
        """
    assert ("callable_try_except", "work (OSError, ValueError)") in _handling_of(code, mechanism)


def test_a_method_handed_to_a_pool_and_a_thread_subclass_run_are_read() -> None:
    code = """
        import threading
        from concurrent.futures import ThreadPoolExecutor

        class Service:
            def __init__(self):
                self.pool = ThreadPoolExecutor(2)

            def start(self):
                self.pool.submit(self.refresh)

            def refresh(self):
                try:
                    pass
                except KeyError:
                    pass

        class Poller(threading.Thread):
            def run(self):
                try:
                    pass
                except OSError:
                    pass
        """
    assert _handling_of(code, "concurrent.futures.ThreadPoolExecutor.submit") == (
        ("callable_try_except", "refresh (KeyError)"),
    )
    assert _handling_of(code, "threading.Thread") == (("callable_try_except", "run (OSError)"),)


def test_a_callable_without_try_or_defined_elsewhere_adds_nothing() -> None:
    code = """
        import threading
        from helpers import remote

        def plain():
            def inner():
                try:
                    pass
                except OSError:
                    pass
            return inner

        threading.Thread(target=plain).start()
        threading.Thread(target=remote).start()
        """
    found = [use for use in uses_of(code) if use.mechanism == "threading.Thread"]
    assert [use.handling for use in found] == [(), ()]


# ---- locks kept in containers, managers left running --------------------------------


@pytest.mark.parametrize(
    "made",
    [
        "self.locks = {key: threading.Lock() for key in keys}",
        "self.locks = defaultdict(threading.Lock)",
        "self.locks[keys] = threading.Lock()",
    ],
)
def test_a_lock_used_through_a_container_is_used(made: str) -> None:
    code = f"""
        import threading
        from collections import defaultdict

        class Cache:
            def __init__(self, keys):
                {made}

            def put(self, key, value):
                with self.locks[key]:
                    self.values[key] = value
        """
    lock = next(use for use in uses_of(code) if use.mechanism == "threading.Lock")
    assert "not_used_here" not in lock.traits
    assert {"with_block", "protects_shared_state"} <= set(lock.traits)


def test_a_lock_taken_out_of_a_container_by_name_is_used() -> None:
    code = """
        import threading

        locks = [threading.Lock() for _ in range(4)]

        def put(index):
            lock = locks[index]
            with lock:
                pass
        """
    assert "with_block" in only(code).traits


def test_a_manager_never_shut_down_says_so() -> None:
    code = """
        import multiprocessing

        def share():
            left = multiprocessing.Manager()
            with multiprocessing.Manager() as managed:
                managed.dict()
            stopped = multiprocessing.Manager()
            stopped.shutdown()
            return left.dict()
        """
    managers = [use for use in uses_of(code) if use.mechanism == "multiprocessing.Manager"]
    assert ["never_shut_down" in use.traits for use in managers] == [True, False, False]
