"""What the analysis needs to follow values and types within a module.

Star imports of well-known modules, calls that return their argument's type, iterations
that keep the element type, and, for classes a project derives from a known type, the
methods whose override means the subclass no longer behaves like its base.
"""

from __future__ import annotations

from concurrency_lint.knowledge.timeouts import HTTP_VERBS

#: ``from MODULE import *`` binds these public names of MODULE (its ``__all__``, or its
#: public names when it has none), as far as the rules know them.
STAR_EXPORTS: dict[str, frozenset[str]] = {
    "subprocess": frozenset(
        {
            "run",
            "call",
            "check_call",
            "check_output",
            "Popen",
            "getoutput",
            "getstatusoutput",
        }
    ),
    "socket": frozenset({"create_connection", "socket", "getaddrinfo", "gethostbyname"}),
    "time": frozenset({"sleep", "time", "monotonic", "perf_counter"}),
    "urllib.request": frozenset({"urlopen", "urlretrieve", "Request", "build_opener"}),
    "threading": frozenset(
        {
            "Thread",
            "Lock",
            "RLock",
            "Event",
            "Condition",
            "Semaphore",
            "BoundedSemaphore",
            "Barrier",
            "Timer",
        }
    ),
    "multiprocessing": frozenset({"Process", "Pool", "Queue", "JoinableQueue", "Manager"}),
    "queue": frozenset({"Queue", "LifoQueue", "PriorityQueue", "SimpleQueue"}),
    "requests": frozenset({*HTTP_VERBS, "Session", "session"}),
}

#: Functions whose result is an object of a known type (qualified function -> type).
#: Classes of libraries that derive from a standard one and keep the methods the rules
#: rely on (read from the library's released source): calling one makes, and deriving
#: from one gives, the standard type.
LIBRARY_SUBCLASSES = {
    # invoke >= 1.0, invoke/util.py: overrides run() only; fabric's tunnels and groups
    "invoke.util.ExceptionHandlingThread": "threading.Thread",
}

RETURNED_TYPES = {
    # a concurrent.futures.Future of the coroutine run on another thread's loop
    "asyncio.run_coroutine_threadsafe": "concurrent.futures.Future",
    **LIBRARY_SUBCLASSES,
}

#: Python 2 modules a ``try: import x / except ImportError: import y`` falls back from:
#: on Python 3 the fallback is what is bound.
PYTHON2_MODULES = frozenset(
    {"Queue", "urllib2", "httplib", "thread", "cPickle", "ConfigParser", "urlparse", "StringIO"}
)

#: ``typing.cast(T, value)``: the value has type ``T``.
CAST_FUNCTIONS = frozenset({"typing.cast", "typing_extensions.cast"})

#: Calls whose iteration yields the elements of their first argument (not
#: ``as_completed``: the futures it yields are done, their ``result()`` does not wait).
ELEMENT_PASSTHROUGH = frozenset(
    {
        "builtins.list",
        "builtins.tuple",
        "builtins.reversed",
        "builtins.sorted",
        "builtins.iter",
    }
)

#: Optional[X] and friends: the annotation means X (or None, which the rules never call).
OPTIONAL_WRAPPERS = frozenset(
    {
        f"{module}.{name}"
        for module in ("typing", "typing_extensions")
        for name in ("Optional", "Final", "ClassVar", "Annotated")
    }
)

_SESSION_OVERRIDES = frozenset({*HTTP_VERBS, "send", "merge_environment_settings"})

#: A class derived from one of these keeps its base's type, unless it defines one of the
#: methods listed (a ``Session`` subclass overriding ``request`` may add a timeout).
SUBCLASSABLE_TYPES: dict[str, frozenset[str]] = {
    "threading.Thread": frozenset({"join"}),
    "multiprocessing.Process": frozenset({"join"}),
    "multiprocessing.context.Process": frozenset({"join"}),
    "multiprocessing.context.SpawnProcess": frozenset({"join"}),
    "multiprocessing.context.ForkProcess": frozenset({"join"}),
    "multiprocessing.context.ForkServerProcess": frozenset({"join"}),
    "requests.Session": _SESSION_OVERRIDES,
    "requests.sessions.Session": _SESSION_OVERRIDES,
    "httpx.Client": _SESSION_OVERRIDES | {"stream"},
    "httpx.AsyncClient": _SESSION_OVERRIDES | {"stream"},
    "subprocess.Popen": frozenset({"wait", "communicate"}),
}

#: Classes a project derives from that are one of ``SUBCLASSABLE_TYPES`` under another
#: name (a start method's own ``Process``).
SUBCLASSABLE_ALIASES: dict[str, str] = {
    **{
        f"multiprocessing.context.{name}": "multiprocessing.context.Process"
        for name in ("SpawnProcess", "ForkProcess", "ForkServerProcess")
    },
    **LIBRARY_SUBCLASSES,
}
