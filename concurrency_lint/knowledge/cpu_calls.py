"""Which calls are CPU work, and whether that work holds the GIL or releases it.

Tables, not logic. Measured on this project's machine (``benchmarks/gil.py``): two threads
run ``hashlib.pbkdf2_hmac`` and ``zlib.compress`` about 1.8x faster than one, while a
pure-Python loop or ``json.dumps`` gains nothing (1.0x). So a thread pool is the right
tool for the first group and the wrong one for the second. Users add GIL-holding calls
with ``extra-cpu-calls`` in ``[tool.conclint]``.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable

#: CPU-bound calls that run Python bytecode or C code holding the GIL the whole time.
GIL_HOLDING_CALLS = frozenset(
    {
        "json.dumps",
        "json.loads",
        "pickle.dumps",
        "pickle.loads",
        "marshal.dumps",
        "marshal.loads",
        "base64.b64encode",
        "base64.b64decode",
        "ast.parse",
        "builtins.compile",
        "builtins.sorted",
        "re.sub",
        "re.subn",
        "re.findall",
        "re.finditer",
        "re.split",
        "difflib.SequenceMatcher",
        "difflib.unified_diff",
        "difflib.ndiff",
        "fractions.Fraction",
        "math.factorial",
        "math.comb",
        "math.perm",
        "statistics.mean",
        "statistics.median",
        "statistics.stdev",
        "statistics.variance",
        "itertools.permutations",
        "itertools.combinations",
        "itertools.product",
    }
)

#: CPU-heavy calls whose C implementation releases the GIL: threads run them in parallel.
GIL_RELEASING_PREFIXES = (
    "hashlib.",
    "zlib.",
    "bz2.",
    "lzma.",
    "numpy.",
    "scipy.",
    "pandas.",
    "cv2.",
    "PIL.",
    "torch.",
    "numba.",
    "cryptography.",
    "Crypto.",
    "nacl.",
    "blake3.",
    "xxhash.",
    "zstandard.",
    "lz4.",
    "brotli.",
)
GIL_RELEASING_CALLS = frozenset({"hmac.new", "hmac.digest", "ssl.RAND_bytes"})

#: Builtins and ``math`` functions that neither block nor change the picture: pure
#: Python computation happens *around* them (``range``, ``len``, ``abs`` in a loop).
#: ``print`` is here too: a worker's progress line does not make it I/O-bound.
NEUTRAL_CALLS = frozenset(
    {
        *(
            f"builtins.{name}"
            for name in (
                "abs",
                "all",
                "print",
                "callable",
                "getattr",
                "hasattr",
                "id",
                "type",
                "any",
                "bool",
                "bytes",
                "chr",
                "dict",
                "divmod",
                "enumerate",
                "filter",
                "float",
                "frozenset",
                "hash",
                "int",
                "isinstance",
                "iter",
                "len",
                "list",
                "map",
                "max",
                "min",
                "next",
                "ord",
                "pow",
                "range",
                "repr",
                "reversed",
                "round",
                "set",
                "str",
                "sum",
                "tuple",
                "zip",
            )
        ),
        # Building an exception to raise: ``raise ValueError(...)``.
        *(
            f"builtins.{name}"
            for name, value in vars(builtins).items()
            if isinstance(value, type) and issubclass(value, BaseException)
        ),
        *(
            f"math.{name}"
            for name in (
                "sqrt",
                "isqrt",
                "floor",
                "ceil",
                "log",
                "log2",
                "log10",
                "exp",
                "sin",
                "cos",
                "tan",
                "atan2",
                "hypot",
                "gcd",
                "fabs",
                "fsum",
                "prod",
            )
        ),
        *(
            f"time.{name}"
            for name in (
                "time",
                "time_ns",
                "monotonic",
                "perf_counter",
                "process_time",
                "sleep",
                "strftime",
                "gmtime",
                "localtime",
            )
        ),
        *(
            f"datetime.{name}"
            for name in (
                "datetime",
                "datetime.now",
                "datetime.utcnow",
                "datetime.fromtimestamp",
                "datetime.strptime",
                "date.today",
                "timedelta",
            )
        ),
        *(
            f"logging.{name}"
            for name in ("getLogger", "debug", "info", "warning", "error", "exception", "critical")
        ),
        *(f"threading.{name}" for name in ("get_ident", "current_thread")),
        *(f"multiprocessing.{name}" for name in ("current_process", "parent_process")),
        # Which platform this is, quoting a command line, signalling a child: no waiting
        # of note and no computation.
        *(f"sys.platform.{name}" for name in ("lower", "startswith")),
        *(f"platform.{name}" for name in ("system", "machine", "python_version")),
        *(f"shlex.{name}" for name in ("split", "quote", "join")),
        *(f"os.{name}" for name in ("getpid", "getpgid", "kill", "killpg", "setsid")),
        # Making a temporary file does no work of note; its methods are the I/O.
        *(
            f"tempfile.{name}"
            for name in ("NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile")
        ),
        *(f"random.{name}" for name in ("random", "randint", "choice", "uniform", "getrandbits")),
        *(
            f"os.path.{name}"
            for name in (
                "join",
                "basename",
                "dirname",
                "splitext",
                "split",
                "normpath",
                "abspath",
                "expanduser",
            )
        ),
    }
)

#: GIL-holding calls too light to decide a worker's kind next to network or subprocess
#: I/O: parsing the JSON a request returned leaves the worker waiting on the peer
#: (next to file I/O they still mix: parsing a file can cost as much as reading it).
LIGHT_CPU_CALLS = frozenset(
    {
        "json.dumps",
        "json.loads",
        "re.sub",
        "re.subn",
        "re.findall",
        "re.finditer",
        "re.split",
        "base64.b64encode",
        "base64.b64decode",
    }
)

#: Method names that are pure computation on the built-in types they are usually
#: called on (``lst.append``, ``s.split``); blocking look-alikes (``join``, ``get``,
#: ``put``, ``update``, ``wait``) are deliberately absent.
PURE_METHODS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "sort",
        "reverse",
        "copy",
        "split",
        "rsplit",
        "splitlines",
        "strip",
        "lstrip",
        "rstrip",
        "lower",
        "upper",
        "replace",
        "startswith",
        "endswith",
        "format",
        "encode",
        "decode",
        "items",
        "keys",
        "values",
        "setdefault",
        "add",
        "discard",
        "count",
        "index",
        "isdigit",
        "isalpha",
        "isalnum",
        "zfill",
        "hex",
        "to_bytes",
        "bit_length",
        # Closing a handle or a stream: releasing it, not work to wait on or compute.
        "close",
    }
)

#: Logging methods: neutral for classification (they do not dominate a worker's time).
LOGGING_METHODS = frozenset({"debug", "info", "warning", "error", "exception", "critical"})


def gil_holding_calls(extra: Iterable[str] = ()) -> frozenset[str]:
    """The built-in GIL-holding table with the user's ``extra-cpu-calls`` added."""
    return GIL_HOLDING_CALLS | frozenset(extra)


def releases_gil(name: str) -> bool:
    """True for CPU-heavy calls that release the GIL (hashlib, zlib, numpy, ...)."""
    return name in GIL_RELEASING_CALLS or name.startswith(GIL_RELEASING_PREFIXES)
