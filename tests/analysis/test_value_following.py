"""Types followed within one file: closures, class bodies, rebinding, callers, paths."""

from __future__ import annotations

import textwrap

import libcst as cst

from concurrency_lint.analysis import Semantics
from concurrency_lint.analysis.loop_body import scan_body


def _types_at_calls(source: str, method: str) -> list[str | None]:
    """The receiver type of every ``x.<method>(...)`` call, as the single pass sees it."""
    module = cst.parse_module(textwrap.dedent(source))
    semantics = Semantics(module)
    found: list[str | None] = []

    class Walk(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            semantics.enter(node)
            if (
                isinstance(node, cst.Call)
                and isinstance(node.func, cst.Attribute)
                and node.func.attr.value == method
            ):
                found.append(semantics.type_of(node.func.value))
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            semantics.leave(original_node)

    module.visit(Walk())
    return found


def test_a_closure_reads_the_enclosing_functions_single_binding() -> None:
    source = """
        import threading
        def outer(shared):
            once = threading.Semaphore(2)
            twice = threading.Semaphore(2)
            twice = shared
            def inner():
                once.acquire()
                twice.acquire()
    """
    assert _types_at_calls(source, "acquire") == ["threading.Semaphore", None]


def test_class_body_attributes_reach_the_class_name_and_self() -> None:
    source = """
        import threading
        class Pool:
            slots = threading.Semaphore()
            def take(self):
                Pool.slots.acquire()
                self.slots.acquire()
        class Replaced:
            slots = threading.Semaphore()
            def __init__(self, slots):
                self.slots = slots
            def take(self):
                self.slots.acquire()
    """
    assert _types_at_calls(source, "acquire") == [
        "threading.Semaphore",
        "threading.Semaphore",
        None,
    ]


def test_the_assignment_that_reaches_the_call_in_straight_line_code() -> None:
    source = """
        import subprocess
        def run(cmd, other, flag):
            cmd = ["ls", cmd]
            cmd = subprocess.Popen(cmd)
            cmd.wait()
            if flag:
                cmd = other
            cmd.wait()
    """
    assert _types_at_calls(source, "wait") == ["subprocess.Popen", None]


def test_a_nested_function_parameter_takes_the_type_its_callers_pass() -> None:
    source = """
        import queue, threading
        def run(n):
            def consumer(q):
                q.get()
            def escapes(q):
                q.get()
            jobs = queue.Queue()
            threading.Thread(target=consumer, args=(jobs,)).start()
            escapes(jobs)
            register(escapes)
    """
    assert _types_at_calls(source, "get") == ["queue.Queue", None]


def test_paths_follow_joins_derivations_and_list_items() -> None:
    source = """
        from pathlib import Path
        def f(root: Path, other):
            (root / "a").open()
            root.with_suffix(".x").open()
            root.parent.open()
            (other / "a").open()
            items = [Path("a"), Path("b")]
            items[0].open()
    """
    assert _types_at_calls(source, "open") == [
        "pathlib.Path",
        "pathlib.Path",
        "pathlib.Path",
        None,
        "pathlib.Path",
    ]


def test_a_python2_import_falls_back_to_the_python3_module() -> None:
    source = """
        try:
            from Queue import Queue
        except ImportError:
            from queue import Queue
        jobs = Queue()
        jobs.get()
    """
    assert _types_at_calls(source, "get") == ["queue.Queue"]


def test_a_name_bound_on_every_branch_is_bound_after_the_if() -> None:
    body = cst.parse_module(
        textwrap.dedent(
            """
            if flat:
                path = base(item)
            else:
                path = full(item)
            read(path)
            if other:
                kept = item
            read(kept)
            """
        )
    ).body
    facts = scan_body(["item"], body)
    assert facts.blocker == "`kept` carries a value from one iteration to the next"
