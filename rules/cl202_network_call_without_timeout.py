"""CL202 network-call-without-timeout."""

from __future__ import annotations

import libcst as cst

from concurrency_lint.analysis.calls import (
    argument_passed,
    has_star_args,
    has_star_kwargs,
    is_none,
    keyword_arg,
)
from concurrency_lint.analysis.method_patches import replaces_methods
from concurrency_lint.checking.rule import Invalid, NodeFix, Option, Rule
from concurrency_lint.fixes.edits import with_argument_value
from concurrency_lint.knowledge.timeouts import (
    CONNECT_LATER,
    DEFAULT_NETWORK_TIMEOUT,
    HTTP_VERBS,
    HTTPX_FUNCTIONS,
    NETWORK_FUNCTIONS,
    SESSION_CONSTRUCTORS,
    SESSION_METHODS,
    TimeoutParam,
)
from concurrency_lint.model import Safety

_HTTPX_CLIENTS = frozenset({"httpx.Client", "httpx.AsyncClient"})
_HTTPX_METHODS = frozenset((*HTTP_VERBS, "stream", "send"))


class NetworkCallWithoutTimeout(Rule):
    """
    ## What it does
    Flags network calls that wait for a peer with no timeout: `requests.get/post/put/
    patch/delete/head/options/request`, the same methods on an object that is provably a
    `requests.Session`, `urllib.request.urlopen`, `socket.create_connection`,
    `http.client.HTTPConnection` / `HTTPSConnection`, `smtplib.SMTP` and `ftplib.FTP`.
    httpx has a default timeout, so its calls are flagged only with an explicit
    `timeout=None`.
    An object is provably a Session when it is made by the constructor (or a helper
    returning one), annotated, declared by its parameter's docstring the way IDEs
    read it (`:type session: requests.Session`, `:param requests.Session session:`, or a
    `:param session:` that is just one `:class:` reference to a class of the module or of the
    project's top-level package), or passed for a parameter of a module-level function or
    of a class's `__init__` by every call of it in its module, when no other module of the
    project names it. `self.requester(...)` is `requests.request(...)` when the class
    stores a parameter whose default is `requests.request` and every call of the class
    in the project leaves it out (other modules' calls are read for which arguments they
    pass, never for their values).

    ## Why is this bad?
    Without a timeout a request to a server that accepts the connection and then never
    answers blocks forever: `requests` documents that nearly all production code should
    pass one. In a thread pool one such call silently eats a worker for good.

    ## Example
    ```python
    import requests
    response = requests.get(url)
    ```

    ## Use instead
    ```python
    import requests
    response = requests.get(url, timeout=10)
    ```

    ## Fix safety
    Unsafe: a request that used to wait indefinitely now raises a timeout error after
    `default-timeout` seconds, which the caller may not handle.

    Calls that pass `**kwargs` are not flagged: the timeout may be inside.

    ## Configuration
    - `default-timeout`: the seconds the fix writes (default 10).
    """

    CODE = "CL202"
    NAME = "network-call-without-timeout"
    MESSAGE = "network call without a timeout can hang forever"
    TRIGGERS = (
        "requests",
        "urllib",
        "socket",
        "http.client",
        "from http import",
        "import http",
        "smtplib",
        "ftplib",
        "httpx",
    )
    NEEDS_IMPORT_OF = (
        frozenset(NETWORK_FUNCTIONS) | HTTPX_FUNCTIONS | SESSION_CONSTRUCTORS | _HTTPX_CLIENTS
    )
    OPTIONS = {
        "default-timeout": Option(DEFAULT_NETWORK_TIMEOUT, "timeout in seconds the fix adds")
    }
    VALID = (
        "import requests\nrequests.get(url, timeout=5)\n",
        "import httpx\nhttpx.get(url)\n",
        "import requests\nrequests.post(url, **options)\n",
        "import requests\nwith requests.Session() as s:\n    s.get(url, timeout=(3, 27))\n",
    )
    INVALID = (
        Invalid(
            "import requests\nrequests.get(url)\n",
            "import requests\nrequests.get(url, timeout=10)\n",
        ),
        Invalid(
            "from urllib.request import urlopen\nurlopen(url)\n",
            "from urllib.request import urlopen\nurlopen(url, timeout=10)\n",
        ),
        Invalid(
            "import httpx\nhttpx.get(url, timeout=None)\n",
            "import httpx\nhttpx.get(url, timeout=10)\n",
        ),
        Invalid(
            "import requests\nsession = requests.Session()\nsession.post(url, json=data)\n",
            "import requests\nsession = requests.Session()\nsession.post(url, json=data, timeout=10)\n",
        ),
    )

    _patched: bool | None = None

    def visit_Call(self, node: cst.Call) -> None:
        name = self.semantics.call_name(node)
        if name in CONNECT_LATER and not node.args:
            return  # connects in a later ``connect(host, port, timeout)`` that takes the timeout
        if name in NETWORK_FUNCTIONS:
            self._check_missing(node, NETWORK_FUNCTIONS[name], name)
        elif name in HTTPX_FUNCTIONS:
            self._check_explicit_none(node, name)
        elif isinstance(node.func, cst.Attribute):
            method = node.func.attr.value
            receiver_type = self.semantics.type_of(node.func.value)
            if (
                receiver_type in SESSION_CONSTRUCTORS
                and method in SESSION_METHODS
                and not self._sessions_patched()
            ):
                self._check_missing(node, SESSION_METHODS[method], f"Session.{method}")
            elif receiver_type in _HTTPX_CLIENTS and method in _HTTPX_METHODS:
                self._check_explicit_none(node, f"{receiver_type}.{method}")

    def _sessions_patched(self) -> bool:
        """Whether the module replaces a session's methods (``s.request = partial(
        s.request, timeout=...)``): its sessions may then carry a default timeout."""
        if self._patched is None:
            self._patched = replaces_methods(self.context.module, frozenset(SESSION_METHODS))
        return self._patched

    def _check_missing(self, call: cst.Call, param: TimeoutParam, label: str) -> None:
        if has_star_kwargs(call) or (param.position is not None and has_star_args(call)):
            return
        given = argument_passed(call, param.keyword, param.position)
        if given is None or is_none(given.value):
            self._report(call, label, given)

    def _check_explicit_none(self, call: cst.Call, label: str) -> None:
        given = keyword_arg(call, "timeout")
        if given is not None and is_none(given.value):
            self._report(call, label, given)

    def _report(self, call: cst.Call, label: str, given: cst.Arg | None) -> None:
        seconds = int(self.options["default-timeout"])
        fixed = with_argument_value(call, given, "timeout", cst.Integer(str(seconds)))
        self.report(
            call,
            f"`{label}` without a timeout can hang forever; pass `timeout=` (e.g. {seconds} s)",
            fix=NodeFix(f"Add `timeout={seconds}`", Safety.UNSAFE, ((call, fixed),)),
        )
