"""Module summaries: what each module-level name is, from the interpreter's ``ast``."""

from __future__ import annotations

import textwrap

from concurrency_lint.checking.cache_codec import encode
from concurrency_lint.checking.project_summaries import decode_summary, summary_digest
from concurrency_lint.project.summaries import Binding, ModuleSummary, summarize


def _summary(source: str, module: str = "pkg.mod", is_package: bool = False) -> ModuleSummary:
    summary = summarize(textwrap.dedent(source), module, is_package)
    assert summary is not None
    return summary


def _bindings(summary: ModuleSummary, name: str) -> list[tuple[str, str, bool]]:
    return [(b.kind, b.target, b.fallback) for b in summary.bindings if b.name == name]


def test_imports_and_assignments_are_qualified_aliases() -> None:
    summary = _summary(
        """
        import http.client as httplib
        from .compat import urlopen as fetch
        from .. import util
        client = httplib
        """
    )
    assert _bindings(summary, "httplib") == [("alias", "http.client", False)]
    assert _bindings(summary, "fetch") == [("alias", "pkg.compat.urlopen", False)]
    assert _bindings(summary, "util") == []  # above the top-level package: not importable
    assert _bindings(summary, "client") == [("alias", "http.client", False)]


def test_relative_imports_of_a_package_init_stay_inside_it() -> None:
    summary = _summary("from .session import Session\n", "pkg", is_package=True)
    assert _bindings(summary, "Session") == [("alias", "pkg.session.Session", False)]


def test_import_error_handlers_and_python2_branches_are_fallbacks() -> None:
    summary = _summary(
        """
        import sys
        try:
            from urllib.request import urlopen
        except ImportError:
            from urllib2 import urlopen
        if sys.version_info >= (3, 0):
            import http.client as httplib
        else:
            import httplib
        if sys.version_info < (3,):
            import Queue as queue
        else:
            import queue
        """
    )
    assert _bindings(summary, "urlopen") == [
        ("alias", "urllib.request.urlopen", False),
        ("alias", "urllib2.urlopen", True),
    ]
    assert _bindings(summary, "httplib") == [
        ("alias", "http.client", False),
        ("alias", "httplib", True),
    ]
    assert _bindings(summary, "queue") == [("alias", "Queue", True), ("alias", "queue", False)]


def test_functions_return_their_annotation_or_their_one_constructor() -> None:
    summary = _summary(
        """
        import requests
        import subprocess

        def annotated() -> "requests.Session | None":
            return make()

        def make():
            session = requests.Session()
            session.headers["a"] = "b"
            return session

        def either(flag):
            if flag:
                return requests.Session()
            return subprocess.Popen(["ls"])

        def plain():
            return object()

        async def coroutine():
            return requests.Session()

        def generator():
            yield requests.Session()
        """
    )
    assert _bindings(summary, "annotated") == [("function", "requests.Session", False)]
    assert _bindings(summary, "make") == [("function", "requests.Session", False)]
    for name in ("either", "plain", "coroutine", "generator"):
        assert _bindings(summary, name) == [("function", "", False)], name


def test_instances_classes_and_star_imports() -> None:
    summary = _summary(
        """
        import threading
        from .base import *
        import requests

        main_lock = output_lock = threading.RLock()
        unknown = compute()

        class Client(requests.Session, metaclass=Meta):
            def send(self, request, **kwargs):
                return super().send(request, **kwargs)

            def request(self, method, url, **kwargs):
                kwargs.setdefault("timeout", 5)
                return super().request(method, url, **kwargs)

        __all__ = ["Client", "output_lock"]
        """
    )
    assert _bindings(summary, "output_lock") == [("instance", "threading.RLock", False)]
    assert _bindings(summary, "main_lock") == [("instance", "threading.RLock", False)]
    # ``compute`` may come from the star import: the model looks there.
    assert _bindings(summary, "unknown") == [("instance", "pkg.mod.compute", False)]
    assert summary.star_imports == ("pkg.base",)
    assert summary.exports == ("Client", "output_lock")
    (client,) = summary.classes
    assert client.bases == ("requests.Session",)
    assert {m.name: m.forwards for m in client.methods} == {"send": True, "request": False}


def test_a_module_that_does_not_parse_has_no_summary() -> None:
    assert summarize("def broken(:\n", "pkg.mod", False) is None


def test_summaries_round_trip_through_json_and_a_bad_entry_is_a_miss() -> None:
    summary = _summary("import threading\nlock = threading.Lock()\nclass A(B): pass\n")
    assert decode_summary(encode(summary)) == summary
    assert summary_digest(decode_summary(encode(summary))) == summary_digest(summary)
    assert decode_summary(["pkg.mod", "not a tuple", [], [], None]) is None
    assert decode_summary({"module": "x"}) is None
    broken = encode(summary)
    broken[1] = [["lock", "instance", 3, False]]
    assert decode_summary(broken) is None
    assert Binding("a", "alias", "b") == Binding("a", "alias", "b", False)


def test_an_override_forwards_when_it_never_sets_a_timeout_of_its_own() -> None:
    summary = _summary(
        """
        import threading

        class Passes(threading.Thread):
            def join(self, timeout=None):
                self.queue.put("stop")
                super().join(timeout)

        class Ignores(threading.Thread):
            def join(self, timeout=None):
                super().join()

        class Defaults(threading.Thread):
            def join(self, timeout=30):
                super().join(timeout)

        class Computes(threading.Thread):
            def join(self, timeout=None):
                super().join(timeout or 5)

        class Replaces(threading.Thread):
            def join(self, timeout=None):
                return None
        """
    )
    forwards = {c.name: c.methods[0].forwards for c in summary.classes}
    assert forwards == {
        "Passes": True,
        "Ignores": True,
        "Defaults": False,
        "Computes": False,
        "Replaces": False,
    }
