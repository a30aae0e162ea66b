"""Top-level modules the knowledge tables describe: a project's own module of such a name
(the standard library scanned as a project, a vendored copy) is never read for what the
name means, so the tables keep their meaning."""

from __future__ import annotations

import sys

#: Third-party packages named by the tables (I/O calls, timeouts, types of receivers).
KNOWN_LIBRARIES = frozenset(
    {
        "aiofiles",
        "aiohttp",
        "anyio",
        "boto3",
        "botocore",
        "filelock",
        "gevent",
        "httpx",
        "httpx2",
        "numpy",
        "paramiko",
        "pexpect",
        "requests",
        "sh",
        "trio",
        "typing_extensions",
        "urllib3",
    }
)

#: Names never resolved through the project: the standard library and the known packages.
RESERVED_TOP_LEVEL = frozenset(sys.stdlib_module_names) | KNOWN_LIBRARIES
