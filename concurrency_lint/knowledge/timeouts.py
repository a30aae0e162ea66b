"""Calls that block until a peer answers, and where their timeout parameter sits."""

from __future__ import annotations

from typing import NamedTuple


class TimeoutParam(NamedTuple):
    """How a call accepts its timeout: by keyword, and optionally at a position."""

    keyword: str = "timeout"
    position: int | None = None  # 0-based index among positional arguments


#: ``gevent.subprocess`` is a drop-in for ``subprocess`` (same calls, same ``timeout``).
SUBPROCESS_MODULES = ("subprocess", "gevent.subprocess")

SUBPROCESS_FUNCTIONS: dict[str, TimeoutParam] = {
    f"{module}.{function}": TimeoutParam()
    for module in SUBPROCESS_MODULES
    for function in ("run", "call", "check_call", "check_output")
}

POPEN_CONSTRUCTORS = frozenset(f"{module}.Popen" for module in SUBPROCESS_MODULES)

POPEN_METHODS: dict[str, TimeoutParam] = {
    "communicate": TimeoutParam(position=1),
    "wait": TimeoutParam(position=0),
}

HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")

# Calls with no timeout unless one is given.
NETWORK_FUNCTIONS: dict[str, TimeoutParam] = {
    **{f"requests.{verb}": TimeoutParam() for verb in HTTP_VERBS},
    **{f"requests.api.{verb}": TimeoutParam() for verb in HTTP_VERBS},
    "urllib.request.urlopen": TimeoutParam(position=2),
    "socket.create_connection": TimeoutParam(position=1),
    "http.client.HTTPConnection": TimeoutParam(position=2),
    # 3.10/3.11 take key_file and cert_file before timeout; any third positional may be it.
    "http.client.HTTPSConnection": TimeoutParam(position=2),
    "smtplib.SMTP": TimeoutParam(position=3),
    "smtplib.SMTP_SSL": TimeoutParam(position=3),
    "ftplib.FTP": TimeoutParam(position=4),
}

# Built without arguments these connect only in ``connect(host, port, timeout)``, which
# takes its own timeout (smtplib's ``connect`` does not, so ``smtplib.SMTP()`` stays flagged).
CONNECT_LATER = frozenset({"ftplib.FTP", "ftplib.FTP_TLS"})

SESSION_CONSTRUCTORS = frozenset(
    {"requests.Session", "requests.session", "requests.sessions.Session"}
)
SESSION_METHODS: dict[str, TimeoutParam] = {verb: TimeoutParam() for verb in HTTP_VERBS}

# httpx has a default timeout (5 s): only an explicit ``timeout=None`` removes it.
HTTPX_FUNCTIONS = frozenset(
    {f"httpx.{verb}" for verb in (*HTTP_VERBS, "stream")} | {"httpx.Client", "httpx.AsyncClient"}
)

# Seed 002's context-aware subprocess timeouts, keyed by the command's leading words.
DEFAULT_COMMAND_TIMEOUTS: dict[str, int] = {
    "git push": 30,
    "git clone": 120,
    "git fetch": 60,
    "pytest": 60,
    "npm install": 120,
    "pip install": 120,
}
DEFAULT_SUBPROCESS_TIMEOUT = 10
DEFAULT_NETWORK_TIMEOUT = 10
