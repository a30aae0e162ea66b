"""Which calls block on I/O, and of what kind: file, network or subprocess.

Tables, not logic. Names are qualified names as :class:`~concurrency_lint.analysis.Semantics`
resolves them (``subprocess.run`` for ``sp.run`` after ``import subprocess as sp``).
Users add their own with ``extra-io-calls`` in ``[tool.conclint]``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Literal

from concurrency_lint.knowledge.timeouts import HTTP_VERBS

IoKind = Literal["file", "network", "subprocess"]
IO_KINDS: tuple[IoKind, ...] = ("file", "network", "subprocess")

#: Seed 002's worker table: the low end of the range is CL302's floor, the high end
#: CL303's ceiling (and ``optimal_workers``'s cap in the runtime).
WORKER_FLOORS: dict[IoKind, int] = {"network": 50, "file": 20, "subprocess": 10}
WORKER_CEILINGS: dict[IoKind, int] = {"network": 100, "file": 50, "subprocess": 20}

_FILE_FUNCTIONS = (
    "builtins.open",
    "io.open",
    "os.open",
    "os.fdopen",
    "os.read",
    "os.write",
    "os.listdir",
    "os.scandir",
    "os.walk",
    "os.stat",
    "os.remove",
    "os.unlink",
    "os.rename",
    "os.replace",
    "os.makedirs",
    "os.path.getsize",
    "os.path.getmtime",
    "codecs.open",
    "gzip.open",
    "bz2.open",
    "lzma.open",
    "tarfile.open",
    "zipfile.ZipFile",
    "shutil.copy",
    "shutil.copy2",
    "shutil.copyfile",
    "shutil.copyfileobj",
    "shutil.copytree",
    "shutil.move",
    "shutil.rmtree",
    "glob.glob",
    "glob.iglob",
    "csv.reader",
    "json.load",
    "json.dump",
    "pickle.load",
    "pickle.dump",
    "yaml.safe_load",
    "aiofiles.open",
)

_NETWORK_FUNCTIONS = (
    *(f"requests.{verb}" for verb in HTTP_VERBS),
    *(f"requests.api.{verb}" for verb in HTTP_VERBS),
    *(f"httpx.{verb}" for verb in (*HTTP_VERBS, "stream")),
    *(f"httpx2.{verb}" for verb in (*HTTP_VERBS, "stream")),
    "urllib.request.urlopen",
    "urllib.request.urlretrieve",
    "socket.create_connection",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "http.client.HTTPConnection",
    "http.client.HTTPSConnection",
    "smtplib.SMTP",
    "smtplib.SMTP_SSL",
    "ftplib.FTP",
    "ftplib.FTP_TLS",
    "poplib.POP3",
    "imaplib.IMAP4",
    "imaplib.IMAP4_SSL",
    "telnetlib.Telnet",
    "xmlrpc.client.ServerProxy",
    "boto3.client",
    "boto3.resource",
)

_SUBPROCESS_FUNCTIONS = (
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
    "subprocess.Popen",
    "os.system",
    "os.popen",
    "os.spawnl",
    "os.spawnv",
    "os.execv",
)

IO_FUNCTIONS: dict[str, IoKind] = {
    **{name: "file" for name in _FILE_FUNCTIONS},
    **{name: "network" for name in _NETWORK_FUNCTIONS},
    **{name: "subprocess" for name in _SUBPROCESS_FUNCTIONS},
}

#: Methods that do I/O when called on an object provably built by the constructor
#: (``Semantics.type_of``) or directly on a constructor call (``Path(p).read_text()``).
PATH_CONSTRUCTORS = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"})
#: Path methods and attributes that give another path of the same class, without I/O.
PATH_DERIVING_METHODS = frozenset(
    {"with_name", "with_suffix", "with_stem", "joinpath", "relative_to", "with_segments"}
)
PATH_DERIVING_ATTRIBUTES = frozenset({"parent"})
SESSION_CONSTRUCTORS = frozenset(
    {
        "requests.Session",
        "requests.session",
        "requests.sessions.Session",
        "httpx.Client",
        "httpx2.Client",
    }
)
#: urllib3's pools: each ``request`` goes to the network.
URLLIB3_POOLS = frozenset(
    {
        "urllib3.PoolManager",
        "urllib3.ProxyManager",
        "urllib3.HTTPConnectionPool",
        "urllib3.HTTPSConnectionPool",
        "urllib3.poolmanager.PoolManager",
        "urllib3.connectionpool.HTTPConnectionPool",
        "urllib3.connectionpool.HTTPSConnectionPool",
    }
)
SOCKET_CONSTRUCTORS = frozenset({"socket.socket", "socket.create_connection"})
IO_METHODS: dict[frozenset[str], tuple[IoKind, frozenset[str]]] = {
    PATH_CONSTRUCTORS: (
        "file",
        frozenset(
            {
                "read_text",
                "read_bytes",
                "write_text",
                "write_bytes",
                "open",
                "exists",
                "stat",
                "unlink",
                "mkdir",
                "iterdir",
                "glob",
                "rglob",
                "touch",
                "rename",
                "replace",
            }
        ),
    ),
    SESSION_CONSTRUCTORS: ("network", frozenset({*HTTP_VERBS, "send", "stream"})),
    URLLIB3_POOLS: (
        "network",
        frozenset({"request", "urlopen", "request_encode_url", "request_encode_body"}),
    ),
    # Connecting waits on a peer; sends and receives on one socket are a stream, in order.
    SOCKET_CONSTRUCTORS: ("network", frozenset({"connect", "connect_ex"})),
}

#: Single system calls on metadata (too quick for a thread pool to pay off), and
#: constructors that do not touch the network yet.
QUICK_IO_CALLS = frozenset(
    {
        "os.stat",
        "os.remove",
        "os.unlink",
        "os.rename",
        "os.replace",
        "os.makedirs",
        "os.path.getsize",
        "os.path.getmtime",
        "Path.exists",
        "Path.stat",
        "Path.unlink",
        "Path.mkdir",
        "Path.touch",
        "Path.rename",
        "Path.replace",
        "http.client.HTTPConnection",  # the constructors do not connect yet
        "http.client.HTTPSConnection",
    }
)

#: Calls that only read (a fix that parallelises them is safe when nothing else happens).
READ_ONLY_CALLS = frozenset(
    {
        "builtins.open",  # read-only when the mode is absent or 'r'/'rb': the caller checks
        "io.open",
        "json.load",
        "pickle.load",
        "yaml.safe_load",
        "csv.reader",
        "glob.glob",
        "glob.iglob",
        "os.listdir",
        "os.scandir",
        "os.stat",
        "os.path.getsize",
        "os.path.getmtime",
        "urllib.request.urlopen",
        "requests.get",
        "requests.head",
        "requests.api.get",
        "httpx.get",
        "httpx.head",
    }
)
READ_ONLY_METHODS = frozenset(
    {"read_text", "read_bytes", "exists", "stat", "iterdir", "glob", "rglob", "get", "head"}
)


def io_table(extra: Iterable[tuple[str, str]] = ()) -> dict[str, IoKind]:
    """The built-in function table with the user's ``extra-io-calls`` laid over it."""
    table = dict(IO_FUNCTIONS)
    for name, kind in extra:
        if kind in IO_KINDS:
            table[name] = kind  # type: ignore[assignment]
    return table


def io_method_kind(constructor: str | None, method: str) -> IoKind | None:
    """The I/O kind of ``obj.method()`` when ``obj`` was built by ``constructor``."""
    if constructor is None:
        return None
    for constructors, (kind, methods) in IO_METHODS.items():
        if constructor in constructors and method in methods:
            return kind
    return None


#: Modules too short or too common to search for by name alone: their calls are found by
#: their dotted spelling (``os.listdir``) or their ``from module import`` line instead.
_SPELLED_OUT_MODULES = frozenset(
    {"builtins", "os", "io", "http", "glob", "json", "pickle", "csv", "yaml"}
)


@functools.lru_cache(maxsize=8)
def io_call_names(
    extra: tuple[tuple[str, str], ...] = (),
) -> tuple[frozenset[str], frozenset[str]]:
    """The last parts of every known I/O function (``get`` for ``requests.get``), and
    the names of every I/O object's I/O methods (``read_text``)."""
    last_parts = frozenset(name.rpartition(".")[2] for name in io_table(extra))
    methods = frozenset(method for _kind, known in IO_METHODS.values() for method in known)
    return last_parts, methods


def io_trigger_tokens(extra: Iterable[tuple[str, str]] = ()) -> frozenset[str]:
    """Text at least one of which a file must contain to call any known I/O function.

    A call resolves only through an import of its module (whose name then occurs in the
    text) or, for builtins, through its own name.
    """
    tokens = {"open"}
    for name in io_table(extra):
        module = name.partition(".")[0]
        if module in _SPELLED_OUT_MODULES:
            tokens.update((name, f"from {module} import", f"from {module}."))
        else:
            tokens.add(module)
    tokens -= {"from builtins import", "from builtins."}
    return frozenset(tokens)
