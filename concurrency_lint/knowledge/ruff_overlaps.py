"""Which ruff / flake8-async checks report what a conclint rule reports.

Tables, not logic. Each overlap names the calls (as the conclint finding names them,
between the first pair of backticks of its message) that the other tool's check
reports too. ``docs/ruff.md`` is the readable version of this table.
"""

from __future__ import annotations

from typing import NamedTuple


class Overlap(NamedTuple):
    """One other tool's check that reports some of a conclint rule's findings."""

    code: str
    #: ``"ruff"``, ``"flake8-async"`` or ``"ruff, flake8-async"``: who implements it.
    tools: str
    #: Call names as the conclint finding names them; ``name.*`` is ``name.`` and one
    #: more dotted part (``requests.*`` is ``requests.get``, not ``requests.Session.get``).
    calls: tuple[str, ...]
    #: The other check reports the call only as a statement of its own (not, say, as
    #: the element of a comprehension).
    statement_only: bool = False


_SPAWN = tuple(f"os.spawn{a}{p}{e}" for a in "lv" for p in ("", "p") for e in ("", "e"))
_BOTH = "ruff, flake8-async"

#: conclint code -> the checks of ruff / flake8-async that overlap it.
OVERLAPS: dict[str, tuple[Overlap, ...]] = {
    "CL401": (
        Overlap(
            "ASYNC210",
            _BOTH,
            ("requests.*", "httpx.*", "urllib.request.urlopen", "urllib3.request"),
        ),
        Overlap("ASYNC211", "flake8-async", ()),
        Overlap("ASYNC212", _BOTH, ("Client.*",)),
        Overlap("ASYNC220", _BOTH, ("subprocess.Popen", "os.popen", *_SPAWN)),
        Overlap(
            "ASYNC221",
            _BOTH,
            (
                *(
                    f"subprocess.{name}"
                    for name in (
                        "run",
                        "call",
                        "check_call",
                        "check_output",
                        "getoutput",
                        "getstatusoutput",
                    )
                ),
                "os.system",
                "os.posix_spawn",
                "os.posix_spawnp",
                *_SPAWN,
            ),
        ),
        Overlap(
            "ASYNC222",
            _BOTH,
            tuple(f"os.{name}" for name in ("wait", "wait3", "wait4", "waitid", "waitpid")),
        ),
        Overlap("ASYNC230", _BOTH, ("open", "io.open", "io.open_code")),
        Overlap("ASYNC231", "flake8-async", ()),
        Overlap("ASYNC232", "flake8-async", ()),
        # ASYNC240 types a path built by ``Path(...)`` or annotated; CL401 names a path
        # it found through a join or a derivation ``pathlib.Path.<method>`` (not deferred).
        Overlap("ASYNC240", _BOTH, ("Path.*", "os.path.*")),
        Overlap("ASYNC250", _BOTH, ("input",)),
        Overlap("ASYNC251", _BOTH, ("time.sleep",)),
    ),
    "CL202": (Overlap("S113", "ruff", ("requests.*", "httpx.*")),),
    "CL403": (
        Overlap("RUF006", "ruff", ("asyncio.create_task", "asyncio.ensure_future"), True),
        Overlap("ASYNC300", "flake8-async", ()),
    ),
}

#: The overlapping codes ruff enables when its configuration selects nothing: ruff's
#: default rule set from 0.16 on (read from ``ruff check --isolated --show-settings``
#: of ruff 0.17.6). Older ruff versions enabled none of them by default.
RUFF_DEFAULT_CODES: frozenset[str] = frozenset(
    {"ASYNC210", "ASYNC220", "ASYNC221", "ASYNC222", "ASYNC230", "ASYNC251"}
)
