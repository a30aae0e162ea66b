"""A raw JSON-RPC session with the ``conclint server`` process: framing and a clean exit."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.server.server_process import PATIENCE, server_command


def _frame(message: dict) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _messages(output: bytes) -> list[dict]:
    found = []
    while output:
        header, _, rest = output.partition(b"\r\n\r\n")
        length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
        found.append(json.loads(rest[:length]))
        output = rest[length:]
    return found


def test_initialize_shutdown_exit_ends_the_process_with_status_zero(tmp_path: Path) -> None:
    session = b"".join(
        [
            _frame(
                {
                    "id": 1,
                    "method": "initialize",
                    "params": {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}},
                }
            ),
            _frame({"method": "initialized", "params": {}}),
            _frame({"id": 2, "method": "shutdown"}),
            _frame({"method": "exit"}),
        ]
    )
    finished = subprocess.run(
        server_command(), input=session, capture_output=True, timeout=PATIENCE, check=False
    )
    assert finished.returncode == 0, finished.stderr.decode()
    replies = {message["id"]: message for message in _messages(finished.stdout) if "id" in message}
    assert replies[1]["result"]["serverInfo"]["name"] == "conclint"
    assert replies[1]["result"]["capabilities"]["hoverProvider"] is True
    assert replies[2]["result"] is None


def test_exit_without_shutdown_is_status_one(tmp_path: Path) -> None:
    finished = subprocess.run(
        server_command(),
        input=_frame({"method": "exit"}),
        capture_output=True,
        timeout=PATIENCE,
        check=False,
    )
    assert finished.returncode == 1  # as the protocol asks
