"""resolve_callable / classify_callable: the definition behind a callable and its work."""

from __future__ import annotations

import textwrap

import libcst as cst

from concurrency_lint.analysis import Semantics
from concurrency_lint.analysis.callables import Work, classify_callable, resolve_callable
from concurrency_lint.checking.rule import FileContext
from concurrency_lint.config import Config


class _AtSubmit(cst.CSTVisitor):
    """Walks like the engine; at each ``*.submit(f, ...)`` resolves and classifies ``f``."""

    def __init__(self, context: FileContext) -> None:
        super().__init__()
        self.context = context
        self.found: list[tuple[cst.CSTNode | None, Work | None]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.context.semantics.enter(node)
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "submit"
        ):
            target = resolve_callable(node.args[0].value, self.context)
            work = classify_callable(target, self.context) if target is not None else None
            self.found.append((target, work))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.context.semantics.leave(original_node)


def _at_submits(
    code: str, config: Config | None = None
) -> list[tuple[cst.CSTNode | None, Work | None]]:
    module = cst.parse_module(textwrap.dedent(code))
    context = FileContext("t.py", module, Semantics(module), config or Config())
    visitor = _AtSubmit(context)
    module.visit(visitor)
    return visitor.found


def _work(code: str, config: Config | None = None) -> Work | None:
    [(_, work)] = _at_submits(code, config)
    return work


def _name(node: cst.CSTNode | None) -> str | None:
    if isinstance(node, cst.FunctionDef):
        return node.name.value
    return "lambda" if isinstance(node, cst.Lambda) else None


def test_resolves_module_function_defined_below_the_call() -> None:
    [(target, _)] = _at_submits("ex.submit(later, 1)\ndef later(x):\n    return x\n")
    assert _name(target) == "later"


def test_resolves_nested_function_and_prefers_the_inner_definition() -> None:
    code = """
    def f(x):
        return 1
    def outer(ex):
        def f(x):
            return 2
        ex.submit(f, 1)
    """
    [(target, _)] = _at_submits(code)
    assert isinstance(target, cst.FunctionDef)
    assert target.body.body[0].body[0].value.value == "2"  # type: ignore[attr-defined]


def test_resolves_lambda_partial_and_lambda_assignment() -> None:
    code = """
    import functools
    from functools import partial
    def g(a, b):
        return a
    h = lambda x: x
    ex.submit(lambda: 1)
    ex.submit(functools.partial(g, 1), 2)
    ex.submit(partial(g, b=2), 1)
    ex.submit(h, 1)
    """
    names = [_name(target) for target, _ in _at_submits(code)]
    assert names == ["lambda", "g", "g", "lambda"]


def test_resolves_self_method_of_the_enclosing_class() -> None:
    code = """
    class Worker:
        def run(self, ex):
            ex.submit(self.step, 1)
            ex.submit(other.step, 1)
        def step(self, x):
            return x
    """
    names = [_name(target) for target, _ in _at_submits(code)]
    assert names == ["step", None]


def test_unresolvable_callables() -> None:
    code = """
    from tasks import imported
    def twice(x):
        return x
    def twice(x):
        return x + 1
    def shadowed(imported_too, ex):
        ex.submit(imported_too, 1)
    ex.submit(imported, 1)
    ex.submit(twice, 1)
    ex.submit(obj.method, 1)
    ex.submit(print, 1)
    """
    assert [target for target, _ in _at_submits(code)] == [None] * 5


def test_io_kinds_with_the_evidence() -> None:
    code = """
    import requests, subprocess
    from pathlib import Path
    def fetch(url):
        response = requests.get(url, timeout=5)
        response.raise_for_status()
        return response.json()
    def read(path):
        with open(path) as handle:
            return handle.read().splitlines()
    def run(cmd):
        return subprocess.run(cmd, timeout=10).returncode
    def touch(p):
        path = Path(p)
        return path.read_text()
    ex.submit(fetch, 1)
    ex.submit(read, 1)
    ex.submit(run, 1)
    ex.submit(touch, 1)
    """
    works = [work for _, work in _at_submits(code)]
    assert [(w.kind, w.io_kind) for w in works] == [  # type: ignore[union-attr]
        ("io", "network"),
        ("io", "file"),
        ("io", "subprocess"),
        ("io", "file"),
    ]
    assert works[0].reason == "requests.get in fetch"  # type: ignore[union-attr]


def test_io_through_helpers_up_to_the_depth() -> None:
    code = """
    import requests
    def leaf(url):
        return requests.get(url, timeout=5)
    def middle(url):
        return leaf(url)
    def top(url):
        return middle(url)
    def too_deep(url):
        return top(url)
    ex.submit(top, 1)
    ex.submit(too_deep, 1)
    """
    works = [work for _, work in _at_submits(code)]
    assert works[0] == Work("io", "network", "requests.get in leaf")
    assert works[1] is not None and works[1].kind == "unknown"


def test_cpu_evidence_names_the_function() -> None:
    code = """
    import json
    def count_primes(n):
        count = 0
        for i in range(2, n):
            if all(i % d for d in range(2, int(i ** 0.5) + 1)):
                count += 1
        return count
    def encode(rows):
        return json.dumps(rows)
    ex.submit(count_primes, 10)
    ex.submit(encode, [])
    ex.submit(lambda n: sum(i * i for i in range(n)), 10)
    """
    works = [work for _, work in _at_submits(code)]
    assert works[0] == Work("cpu", None, "pure-Python arithmetic loop in count_primes")
    assert works[1] == Work("cpu", None, "json.dumps in encode")
    assert works[2] == Work("cpu", None, "pure-Python arithmetic loop in a lambda")


def test_gil_releasing_mixed_and_unknown_work_is_unknown() -> None:
    code = """
    import hashlib, pickle, numpy as np, requests, time
    from helpers import transform
    def digest(data):
        return hashlib.sha256(data).hexdigest()
    def matrix(n):
        total = 0
        for row in np.ones((n, n)):
            total += row.sum()
        return total
    def mixed(url):
        return pickle.dumps(requests.get(url, timeout=5).json())
    def calls_unknown(path):
        with open(path) as f:
            return transform(f.read())
    def waits(x):
        time.sleep(1)
        return x * 2
    def nothing(x):
        return x
    @numba_jit
    def decorated(n):
        total = 0
        for i in range(n):
            total += i
        return total
    async def coroutine(n):
        return n
    def uses_param(client, x):
        return client.fetch(x)
    for f in (digest, matrix, mixed, calls_unknown, waits, nothing, decorated, coroutine, uses_param):
        ex.submit(f, 1)
    ex.submit(digest, 1)
    ex.submit(matrix, 1)
    ex.submit(mixed, 1)
    ex.submit(calls_unknown, 1)
    ex.submit(waits, 1)
    ex.submit(nothing, 1)
    ex.submit(decorated, 1)
    ex.submit(coroutine, 1)
    ex.submit(uses_param, 1)
    """
    found = _at_submits(code)
    assert found[0] == (None, None)  # ``f`` is a loop variable: not resolvable
    works = [work for _, work in found[1:]]
    assert all(w is not None and w.kind == "unknown" for w in works), works
    reasons = [w.reason for w in works]  # type: ignore[union-attr]
    assert reasons[0] == "hashlib.sha256 releases the GIL"
    assert "transform" in reasons[3]
    assert reasons[6] == "decorated is decorated"


def test_self_method_helpers_and_local_shadowing() -> None:
    code = """
    import json
    class Encoder:
        def run(self, ex):
            ex.submit(self.encode, 1)
        def encode(self, rows):
            return self.dump(rows)
        def dump(self, rows):
            return json.dumps(rows)
    def shadow(json):
        return json.dumps(1)
    ex.submit(shadow, 1)
    """
    works = [work for _, work in _at_submits(code)]
    assert works[0] == Work("cpu", None, "json.dumps in dump")
    assert works[1] is not None and works[1].kind == "unknown"


def test_extra_cpu_and_io_calls_from_config() -> None:
    code = """
    from mylib import crunch, pull
    def a(x):
        return crunch(x)
    def b(x):
        return pull(x)
    ex.submit(a, 1)
    ex.submit(b, 1)
    """
    config = Config(extra_cpu_calls=("mylib.crunch",), extra_io_calls=(("mylib.pull", "network"),))
    works = [work for _, work in _at_submits(code, config)]
    assert works == [
        Work("cpu", None, "mylib.crunch in a"),
        Work("io", "network", "mylib.pull in b"),
    ]
    plain = [work for _, work in _at_submits(code)]
    assert all(w is not None and w.kind == "unknown" for w in plain)


def test_raising_a_builtin_exception_is_neutral() -> None:
    code = """
    def read(path):
        if not path:
            raise FileNotFoundError(path)
        with open(path) as handle:
            return handle.read()
    ex.submit(read, "a")
    """
    assert _work(code) == Work("io", "file", "builtins.open in read")


def test_string_formatting_in_a_loop_is_not_arithmetic() -> None:
    code = """
    def render(rows):
        out = []
        for row in rows:
            out.append("%s: %s" % row)
            out.append("- " + row[0])
        return out
    ex.submit(render, [])
    """
    work = _work(code)
    assert work is not None and work.kind == "unknown"


def test_harmless_calls_do_not_make_an_io_helper_unknown() -> None:
    work = _work(
        """
        import json, logging, time, datetime, requests
        def fetch(url):
            logging.info("fetching %s", url)
            started = datetime.datetime.now()
            time.sleep(1)
            data = json.loads(requests.get(url, timeout=5).text)
            return data, started
        pool.submit(fetch, "u")
        """
    )
    assert work is not None and work.kind == "io" and work.io_kind == "network"


def test_json_parsing_alone_is_still_cpu_work() -> None:
    work = _work(
        """
        import json
        def parse(text):
            return json.loads(text)
        pool.submit(parse, "{}")
        """
    )
    assert work is not None and work.kind == "cpu"


def test_a_recursive_pure_python_function_is_cpu_work() -> None:
    work = _work(
        """
        def fib(n):
            return n if n < 2 else fib(n - 1) + fib(n - 2)
        pool.submit(fib, 30)
        """
    )
    assert work is not None and work.kind == "cpu"


def test_a_while_loop_that_reads_a_file_and_counts_is_io() -> None:
    work = _work(
        """
        def size(path):
            total = 0
            f = open(path, "rb")
            while chunk := f.read(65536):
                total += len(chunk)
            return total
        pool.submit(size, "p")
        """
    )
    assert work is not None and work.kind == "io" and work.io_kind == "file"


def test_a_pure_counting_loop_next_to_io_still_mixes() -> None:
    work = _work(
        """
        def mixed(path):
            data = open(path).read()
            total = 0
            for i in range(10 ** 7):
                total += i * i
            return data, total
        pool.submit(mixed, "p")
        """
    )
    assert work is not None and work.kind == "unknown"
