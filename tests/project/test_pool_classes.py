"""A project's own thread pool class, and helpers of other modules that only print, as the
pool rules see them (``fixtures/project_model/pool_crawler``)."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from concurrency_lint.checking.project_summaries import ProjectSummaries
from concurrency_lint.project.layout import forget_layout
from concurrency_lint.project.pool_classes import thread_pool_shape
from concurrency_lint.project.summaries import summarize
from concurrency_lint.testing import check_fixture
from tests.conftest import run_conclint

PACKAGE = Path(__file__).resolve().parent.parent.parent / "fixtures" / "project_model"
CRAWLER = PACKAGE / "pool_crawler"


@pytest.mark.parametrize("name", ["crawler.py", "threadpool.py", "lookalike_pools.py", "speech.py"])
def test_the_pool_package_reports_exactly_the_marked_lines(name: str) -> None:
    outcome = check_fixture(CRAWLER / name)
    assert not outcome.missed, f"marked but not reported: {outcome.missed}"
    assert not outcome.unexpected, f"reported but not marked: {outcome.unexpected}"
    if name == "crawler.py":
        assert {code for _line, code in outcome.expected} == {"CL302"}


def test_the_pool_class_has_its_shape_and_the_look_alikes_are_no_pools() -> None:
    view = ProjectSummaries().view(str(CRAWLER / "crawler.py"))
    assert view is not None
    shape = view.thread_pool("pool_crawler.threadpool.ThreadPool")
    assert shape is not None
    assert (shape.workers, shape.position) == ("num_threads", 0)
    assert (shape.single, shape.batch) == (("add_task",), ("map",))
    assert view.thread_pool("pool_crawler.lookalike_pools.RecordingPool") is None
    assert view.thread_pool("pool_crawler.lookalike_pools.LoggingPool") is None
    assert view.thread_pool("pool_crawler.threadpool.Worker") is None


def test_only_a_function_that_does_nothing_but_print_is_quiet() -> None:
    view = ProjectSummaries().view(str(CRAWLER / "crawler.py"))
    assert view is not None
    assert view.only_prints("pool_crawler.colors.colorprint")
    assert not view.only_prints("pool_crawler.colors.logged")
    assert not view.only_prints("pool_crawler.colors.GREEN")
    # colors.py imports nothing the rules know: its summary is read all the same.
    assert "pool_crawler.colors" in view.used_modules()


@pytest.mark.parametrize(
    ("body", "quiet"),
    [
        ("print('%s' % x)", True),
        ("print(str(x), len(x))", True),
        ("for c in x:\n        print(c)", False),
        ("open(x).write('y')", False),
        ("helper(x)", False),
    ],
)
def test_quiet_functions_call_only_printing_builtins(body: str, quiet: bool) -> None:
    summary = summarize(f"def show(x):\n    {body}\n", "app.show", False)
    assert summary is not None
    assert ("show" in summary.quiet) is quiet


def test_a_pool_class_needs_workers_started_from_its_size_and_handed_its_queue() -> None:
    def shape(source: str) -> object:
        tree = ast.parse(source)
        node = next(n for n in tree.body if isinstance(n, ast.ClassDef))
        names = {"Queue": "queue.Queue", "Worker": "app.Worker"}
        return thread_pool_shape(node, lambda e: names.get(getattr(e, "id", "")))

    pool = (
        "class P:\n    def __init__(self, n):\n        self.q = Queue()\n"
        "        for _ in range(n):\n            Worker(self.q)\n"
        "    def add(self, f, *a):\n        self.q.put((f, a))\n"
    )
    assert shape(pool) is not None
    assert shape(pool.replace("range(n)", "range(4)")) is None  # not sized by a parameter
    assert shape(pool.replace("Worker(self.q)", "Worker()")) is None  # not handed the queue
    assert shape(pool.replace("Queue()", "dict()")) is None  # not a queue
    assert shape(pool.replace("put((f, a))", "put((a, f))")) is None  # queues no call


def test_a_printing_helper_that_starts_writing_rechecks_the_pool_that_calls_it(
    project: Path, checked: list[str]
) -> None:
    shutil.copytree(CRAWLER, project / "pool_crawler")
    (project / "pyproject.toml").write_text("[tool.conclint]\n", encoding="utf-8")
    forget_layout()
    cold = run_conclint("scan", ".", "--select", "CL302")
    assert "crawler.py:22" in cold.stdout

    colors = project / "pool_crawler" / "colors.py"
    text = colors.read_text(encoding="utf-8")
    colors.write_text(
        text.replace('    print("%s%s%s" % (color, text, END))', "    record(text)"),
        encoding="utf-8",
    )
    checked.clear()
    warm = run_conclint("scan", ".", "--select", "CL302")
    assert "crawler.py:22" not in warm.stdout  # colorprint now writes a file: unknown mix
    assert "crawler.py" in checked and "threadpool.py" not in checked


def test_a_string_constant_is_a_name_only_ever_bound_to_a_string_literal() -> None:
    view = ProjectSummaries().view(str(CRAWLER / "speech.py"))
    assert view is not None
    assert view.is_string_constant("pool_crawler.constants.SPEECH_URL")
    assert not view.is_string_constant("pool_crawler.constants.TEMPLATE")
    assert not view.is_string_constant("pool_crawler.constants.MISSING")
