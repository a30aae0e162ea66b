"""Values and types followed within a module: what ``Semantics.type_of`` proves."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from concurrency_lint.analysis import Semantics
from concurrency_lint.testing import check_fixture

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures"


def receiver_types(source: str) -> dict[str, str | None]:
    """Receiver code -> its type, for every ``receiver.method(...)`` call, in order."""
    module = cst.parse_module(source)
    semantics = Semantics(module)
    seen: dict[str, str | None] = {}

    class Walker(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            semantics.enter(node)
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
                seen[module.code_for_node(node.func.value)] = semantics.type_of(node.func.value)
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            semantics.leave(original_node)

    module.visit(Walker())
    return seen


def test_a_helpers_return_and_an_annotation_type_the_value() -> None:
    types = receiver_types(
        "import requests\n"
        "def make():\n    s = requests.Session()\n    return s\n"
        "def other() -> 'requests.Session':\n    return build()\n"
        "def mixed(flag):\n    if flag:\n        return requests.Session()\n    return None\n"
        "def f(a: requests.Session, b):\n"
        "    make().get(1)\n    other().get(2)\n    mixed(1).get(3)\n    a.get(4)\n    b.get(5)\n"
    )
    assert types["make()"] == "requests.Session"
    assert types["other()"] == "requests.Session"
    assert types["mixed(1)"] is None  # one return is None: not provably a session
    assert types["a"] == "requests.Session"
    assert types["b"] is None


def test_self_attributes_follow_a_typed_parameter_and_a_method() -> None:
    types = receiver_types(
        "import requests, subprocess\n"
        "class C:\n"
        "    def __init__(self, session: requests.Session):\n        self.s = session\n"
        "    def _popen(self, cmd):\n        return subprocess.Popen(cmd)\n"
        "    def go(self):\n        self.s.get(1)\n        self._popen('x').wait()\n"
    )
    assert types["self.s"] == "requests.Session"
    assert types["self._popen('x')"] == "subprocess.Popen"


def test_subclasses_keep_their_base_unless_they_override_what_the_rules_rely_on() -> None:
    types = receiver_types(
        "import threading\n"
        "class A(threading.Thread):\n    def run(self):\n        pass\n"
        "class B(A):\n    pass\n"
        "class C(threading.Thread):\n    def join(self, timeout=5):\n        pass\n"
        "class D(dict):\n    pass\n"
        "A().join()\nB().join()\nC().join()\nD().get(1)\n"
    )
    assert types["A()"] == "threading.Thread"
    assert types["B()"] == "threading.Thread"
    assert types["C()"] is None
    assert types["D()"] is None


def test_loop_targets_take_the_one_type_of_the_elements() -> None:
    types = receiver_types(
        "import threading\n"
        "def f(items):\n"
        "    ts = [threading.Thread(target=print) for _ in items]\n"
        "    more = []\n    more.append(threading.Thread(target=print))\n"
        "    odd = [threading.Thread(), 'x']\n"
        "    for t in ts:\n        t.join()\n"
        "    for m in more:\n        m.join()\n"
        "    for o in odd:\n        o.join()\n"
        "    for i in items:\n        i.join()\n"
    )
    assert types["t"] == "threading.Thread"
    assert types["m"] == "threading.Thread"
    assert types["o"] is None
    assert types["i"] is None


def test_an_import_fallback_keeps_the_module_of_the_try_body() -> None:
    types = receiver_types(
        "try:\n    import subprocess\nexcept ImportError:\n    import _bootsubprocess as subprocess\n"
        "try:\n    import ujson as json\nexcept (ValueError, ModuleNotFoundError):\n"
        "    import json\n"
        "x = subprocess.check_output(['a'])\nx.strip()\ny = json.loads('1')\ny.get(1)\n"
    )
    assert types["x"] == "subprocess.check_output"
    assert types["y"] == "ujson.loads"


def test_a_star_import_of_a_known_module_binds_its_names() -> None:
    outcome = check_fixture(FIXTURES / "star_import" / "wildcard.py")
    assert outcome.expected
    assert not outcome.missed
    assert not outcome.unexpected


def test_sessions_whose_methods_the_module_replaces_are_not_flagged() -> None:
    outcome = check_fixture(FIXTURES / "patched_session" / "client.py")
    assert outcome.expected
    assert not outcome.missed
    assert not outcome.unexpected


def test_a_future_read_after_its_pool_finished_does_not_wait() -> None:
    from concurrency_lint.analysis.settled_pools import settled_before

    module = cst.parse_module(
        "def f(pool):\n    a = x.result()\n    pool.shutdown()\n    b = y.result()\n"
        "    pool.shutdown(wait=False)\n"
    )
    function = module.body[0]
    calls = [node for node in _calls(function) if node.func.attr.value == "result"]
    is_pool = lambda node: isinstance(node, cst.Name) and node.value == "pool"  # noqa: E731
    assert not settled_before(function, calls[0], is_pool)
    assert settled_before(function, calls[1], is_pool)


def _calls(node: cst.CSTNode) -> list[cst.Call]:
    found: list[cst.Call] = []

    class Collect(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            found.append(call)

    node.visit(Collect())
    return found


def test_attributes_set_in_any_method_and_self_in_a_subclass() -> None:
    types = receiver_types(
        "import threading, subprocess, typing\n"
        "class Runner(threading.Thread):\n"
        "    def __init__(self):\n        self.listener = None\n        self.child = None\n"
        "    def stop(self):\n        self.listener.join()\n        self.child.wait()\n"
        "        self.join()\n"
        "    def start_listening(self):\n        self.listener = threading.Thread(target=print)\n"
        "        self.child = typing.cast(subprocess.Popen[bytes], make())\n"
    )
    assert types["self.listener"] == "threading.Thread"
    assert types["self.child"] == "subprocess.Popen"
    assert types["self"] == "threading.Thread"


def test_a_path_joined_with_a_slash_is_a_path() -> None:
    types = receiver_types(
        "from pathlib import Path\n"
        "def f(root: Path, n):\n    p = root / 'a' / 'b'\n    q = n / 'a'\n"
        "    p.read_text()\n    q.read_text()\n"
    )
    assert types["p"] == "pathlib.Path"
    assert types["q"] is None


def test_a_joined_path_read_in_async_code_is_blocking() -> None:
    outcome = check_fixture(FIXTURES / "joined_paths" / "store.py")
    assert outcome.expected
    assert not outcome.missed
    assert not outcome.unexpected
