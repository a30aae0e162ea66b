"""asyncio knowledge: blocking calls and their async replacements, timeout scopes, tasks.

Tables, not logic. Which calls do file, network or subprocess I/O is decided by
:mod:`concurrency_lint.knowledge.io_calls`; this module adds what only matters inside
``async def`` (sleeping, ``input()``, waiting on children) and says what to use instead.
"""

from __future__ import annotations

from concurrency_lint.knowledge.io_calls import IoKind

#: The async replacement named in CL401's message, per kind of blocking call.
REPLACEMENT_BY_KIND: dict[IoKind, str] = {
    "subprocess": "`asyncio.create_subprocess_exec` (or `asyncio.to_thread`)",
    "network": "`httpx.AsyncClient` / `aiohttp` (or `asyncio.to_thread`)",
    "file": "`asyncio.to_thread` or `aiofiles`",
}

#: Blocking calls the I/O tables do not list, with their replacement.
BLOCKING_CALLS: dict[str, str] = {
    "time.sleep": "`await asyncio.sleep(...)`",
    "builtins.input": "`await asyncio.to_thread(input, ...)`",
    "io.open_code": REPLACEMENT_BY_KIND["file"],
    "urllib3.request": REPLACEMENT_BY_KIND["network"],
    **{
        f"os.{name}": "`asyncio.create_subprocess_exec` and `await proc.wait()`"
        for name in ("wait", "wait3", "wait4", "waitid", "waitpid")
    },
    **{
        f"os.{name}": REPLACEMENT_BY_KIND["subprocess"]
        for name in (
            "posix_spawn",
            "posix_spawnp",
            *(f"spawn{a}{p}{e}" for a in "lv" for p in ("", "p") for e in ("", "e")),
        )
    },
}

#: I/O-table entries that do not block where they are called inside ``async def``:
#: constructors that connect lazily, ``exec*`` that replaces the process.
NOT_BLOCKING_AT_CALL = frozenset(
    {
        "http.client.HTTPConnection",
        "http.client.HTTPSConnection",
        "xmlrpc.client.ServerProxy",
        "boto3.client",
        "boto3.resource",
        "os.execv",
        "aiofiles.open",
    }
)

#: Name lookups that return at once, without DNS, when their ``flags`` (keyword or this
#: 0-based position) ask for numeric hosts only (``socket.AI_NUMERICHOST``).
NUMERIC_LOOKUPS: dict[str, int] = {"socket.getaddrinfo": 5}

#: File calls of the I/O table that CL401 reports: opening files, or a file object on a
#: descriptor, whose reads and writes then block (other file calls, ``os.stat`` and the
#: like, are short and left alone).
BLOCKING_FILE_CALLS = frozenset({"builtins.open", "io.open", "codecs.open", "os.fdopen"})
#: ``pathlib.Path`` methods that read or write a file's contents.
BLOCKING_PATH_METHODS = frozenset({"open", "read_text", "read_bytes", "write_text", "write_bytes"})

#: Sync HTTP client classes whose methods block (beyond the I/O table's sessions).
BLOCKING_CLIENT_METHODS: dict[frozenset[str], frozenset[str]] = {
    frozenset({"httpx.Client", "httpx2.Client"}): frozenset({"close"}),
}
#: urllib3's pools and their request mix-in: every method waits on the network (a request,
#: a connection taken from the pool) except these, which only touch the pool's bookkeeping.
URLLIB3_POOL_TYPES = frozenset(
    {
        "urllib3.PoolManager",
        "urllib3.ProxyManager",
        "urllib3.HTTPConnectionPool",
        "urllib3.HTTPSConnectionPool",
        "urllib3.connectionpool.ConnectionPool",
        "urllib3.connectionpool.HTTPConnectionPool",
        "urllib3.connectionpool.HTTPSConnectionPool",
        "urllib3.poolmanager.PoolManager",
        "urllib3.poolmanager.ProxyManager",
        "urllib3.request.RequestMethods",
        "urllib3._request_methods.RequestMethods",
    }
)
URLLIB3_QUICK_METHODS = frozenset(
    {
        "clear",
        "close",
        "connection_from_context",
        "connection_from_host",
        "connection_from_pool_key",
        "connection_from_url",
        "is_same_host",
    }
)

# ---- timeout scopes (CL203) ----------------------------------------------------------------

#: Context managers that bound the time of everything awaited in their body.
TIMEOUT_SCOPES = frozenset(
    {
        "asyncio.timeout",
        "asyncio.timeout_at",
        "asyncio.timeouts.timeout",
        "asyncio.timeouts.timeout_at",
        "async_timeout.timeout",
        "async_timeout.timeout_at",
        "anyio.fail_after",
        "anyio.move_on_after",
        "anyio.fail_at",
        "anyio.move_on_at",
        "trio.fail_after",
        "trio.move_on_after",
        "trio.fail_at",
        "trio.move_on_at",
    }
)
#: Scopes built from a class whose deadline is a keyword (``CancelScope(deadline=...)``).
DEADLINE_SCOPES = frozenset({"anyio.CancelScope", "trio.CancelScope"})

#: Calls that await their first argument with a timeout.
TIMEOUT_WRAPPERS = frozenset({"asyncio.wait_for", "asyncio.tasks.wait_for"})

#: Coroutines that open a stream connection: ``reader, writer = await open_connection(...)``.
OPEN_CONNECTION = frozenset(
    {
        "asyncio.open_connection",
        "asyncio.open_unix_connection",
        "asyncio.streams.open_connection",
        "asyncio.streams.open_unix_connection",
    }
)
#: Coroutines that start a child process: ``proc = await create_subprocess_exec(...)``.
CREATE_SUBPROCESS = frozenset(
    {
        "asyncio.create_subprocess_exec",
        "asyncio.create_subprocess_shell",
        "asyncio.subprocess.create_subprocess_exec",
        "asyncio.subprocess.create_subprocess_shell",
    }
)
STREAM_READER_TYPES = frozenset({"asyncio.StreamReader", "asyncio.streams.StreamReader"})
PROCESS_TYPES = frozenset({"asyncio.subprocess.Process"})

#: Awaited methods that wait on a child process or a stream with no deadline.
PROCESS_WAITS = frozenset({"wait", "communicate"})
STREAM_READS = frozenset({"read", "readline", "readexactly", "readuntil"})

# ---- tasks (CL402, CL403) ------------------------------------------------------------------

#: Functions that schedule a coroutine and return the task, which must be kept.
TASK_CREATORS = frozenset(
    {
        "asyncio.create_task",
        "asyncio.ensure_future",
        "asyncio.tasks.create_task",
        "asyncio.tasks.ensure_future",
    }
)
#: Calls that return an event loop, whose ``create_task`` returns a task to keep.
EVENT_LOOP_GETTERS = frozenset(
    {
        "asyncio.get_event_loop",
        "asyncio.get_running_loop",
        "asyncio.new_event_loop",
        "asyncio.events.get_event_loop",
        "asyncio.events.get_running_loop",
        "asyncio.events.new_event_loop",
    }
)
LOOP_TASK_METHODS = frozenset({"create_task"})

GATHER = frozenset({"asyncio.gather", "asyncio.tasks.gather"})

#: Names whose presence around a fan-out bounds it (a semaphore or a limiter).
CONCURRENCY_BOUNDS = frozenset(
    {
        "asyncio.Semaphore",
        "asyncio.BoundedSemaphore",
        "asyncio.locks.Semaphore",
        "asyncio.locks.BoundedSemaphore",
        "anyio.Semaphore",
        "anyio.CapacityLimiter",
        "trio.Semaphore",
        "trio.CapacityLimiter",
    }
)

# ---- sequential awaits (CL103) -------------------------------------------------------------

#: Awaits that are ordered by nature: pacing, or already concurrent.
ORDERED_CALLS = frozenset({"asyncio.sleep", "anyio.sleep", "trio.sleep", "asyncio.tasks.sleep"})
CONCURRENT_AWAITS = frozenset(
    {"asyncio.gather", "asyncio.wait", "asyncio.tasks.gather", "asyncio.tasks.wait"}
)
#: Awaited methods of locks, queues, events and streams: one after another on purpose.
ORDERED_AWAIT_METHODS = frozenset({"put", "join", "wait", "acquire", "drain", "flush"})
ORDERED_AWAIT_PREFIXES = (
    "read",
    "write",
    "send",
    "recv",
    "receive",
    "sleep",
    "acquire",
    "wait",
    "drain",
    "publish",
    "emit",
    "notify",
    "put_",
    # Messages answered one after another in one chat (pagination): order is visible.
    "reply",
    "respond",
    "answer",
    # Registration: plugins, handlers and routes take effect in order.
    "register",
    "subscribe",
    "install",
    "mount",
    "include",
    "add_handler",
    "add_route",
    "load_plugin",
    # Enqueue-only helpers: nothing to overlap.
    "enqueue",
    "schedule",
)

#: Receivers whose operations must not overlap: one database session, connection,
#: cursor or transaction runs one statement at a time (concurrent use raises).
ORDERED_RECEIVER_TYPES = frozenset(
    {
        "sqlalchemy.ext.asyncio.AsyncSession",
        "sqlalchemy.ext.asyncio.AsyncConnection",
        "sqlalchemy.ext.asyncio.session.AsyncSession",
        "asyncpg.Connection",
        "asyncpg.connection.Connection",
        "aiosqlite.Connection",
        "aiosqlite.core.Connection",
        "psycopg.AsyncConnection",
        "psycopg.AsyncCursor",
        "aiomysql.Connection",
        "aiomysql.Cursor",
    }
)
#: The same, recognised by the receiver's name when its type is not known.
ORDERED_RECEIVER_NAMES = frozenset(
    {
        "db",
        "conn",
        "connection",
        "transaction",
        "tx",
        "txn",
        "cursor",
        "cur",
        "db_session",
        "dbsession",
        "async_session",
    }
)
#: Calls whose output order is visible: a loop doing them is ordering-sensitive.
ORDERED_SIDE_EFFECTS = frozenset(
    {"builtins.print", "builtins.input", "sys.stdout.write", "sys.stderr.write"}
)
