"""Run Python scripts as child processes, concurrently, from asyncio.

Every call returns a result dictionary and never raises for a failed module::

    {"module_id": str, "exit_code": int, "success": bool, "error": str | None,
     "stdout": str, "stderr": str, "duration_s": float, "timed_out": bool}

``exit_code`` is -1 when the child never started and negative (minus the signal
number) when it was killed by a signal. ``error`` says why for every failure.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from time import monotonic
from typing import Any

from .capture import OUTPUT_LIMIT, CappedCapture

#: Seconds the readers get to collect what is left in the pipes once the child has exited.
PIPE_GRACE_S = 2.0
#: Longest pause between two resource checks while waiting for resources.
MAX_BACKOFF_S = 5.0
_MODULE_KEYS = ("module_id", "script_path", "args", "cwd", "timeout")


def _describe_exit(code: int, stderr: CappedCapture) -> str:
    if code < 0:
        try:
            reason = f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            reason = f"killed by signal {-code}"
    else:
        reason = f"exited with code {code}"
    last = stderr.last_line()
    return f"{reason}: {last}" if last else f"{reason} (nothing on stderr)"


class ConcurrentExecutor:
    """Runs Python scripts with ``sys.executable``, at most ``max_concurrent`` at a time.

    - ``timeout``: default seconds per script (None: no limit); a script still running
      then is killed with its process group, reaped, and reported ``timed_out``.
    - ``resource_manager``: checked before each start; while it reports a shortage
      the start waits, backing off up to ``MAX_BACKOFF_S`` between checks, for at most
      ``resource_wait_s`` seconds, then the module fails with "Insufficient system
      resources: ...".
    - Output is read while the child runs (no pipe deadlock) and the first
      ``output_limit`` bytes of each stream are kept (1 MiB by default); a marker line
      says how much was dropped.
    - Cancelling a call kills and reaps its child. ``cleanup()`` (or leaving
      ``async with``) kills whatever is still running.
    """

    def __init__(
        self,
        max_concurrent: int = 10,
        resource_manager: Any = None,
        timeout: float | None = None,
        *,
        resource_wait_s: float = 60.0,
        output_limit: int = OUTPUT_LIMIT,
        python: str | None = None,
    ) -> None:
        if max_concurrent < 1:
            raise ValueError(f"max_concurrent must be at least 1, not {max_concurrent}")
        self.max_concurrent = max_concurrent
        self.resource_manager = resource_manager
        self.timeout = timeout
        self.resource_wait_s = resource_wait_s
        self.output_limit = output_limit
        self.python = python or sys.executable
        self._semaphores: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}
        self._running: set[asyncio.subprocess.Process] = set()

    async def __aenter__(self) -> ConcurrentExecutor:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        running = list(self._running)
        self.cleanup()
        for process in running:
            await process.wait()

    def cleanup(self) -> None:
        """Kill every child still running (safe to call more than once)."""
        for process in list(self._running):
            _kill(process)
        self._semaphores.clear()

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            self._semaphores = {loop: asyncio.Semaphore(self.max_concurrent)}
            semaphore = self._semaphores[loop]
        return semaphore

    async def execute_batch(
        self, modules: Iterable[Mapping[str, Any] | Sequence[Any]]
    ) -> list[dict[str, Any]]:
        """Run every module concurrently; one result per module, in input order.

        A module is a dict with ``module_id``, ``script_path`` and optionally ``args``,
        ``cwd`` and ``timeout``, or a tuple in that order.
        """
        calls = []
        for number, spec in enumerate(modules):
            if isinstance(spec, Mapping):
                unknown = set(spec) - set(_MODULE_KEYS)
                kwargs = dict(spec) if not unknown else None
            else:
                unknown = set()
                kwargs = (
                    dict(zip(_MODULE_KEYS, spec, strict=False)) if 2 <= len(spec) <= 5 else None
                )
            if kwargs is None or "module_id" not in kwargs or "script_path" not in kwargs:
                calls.append(_invalid(number, spec, unknown))
            else:
                calls.append(self.execute_module(**kwargs))
        return list(await asyncio.gather(*calls))

    async def execute_module(
        self,
        module_id: str,
        script_path: str | os.PathLike[str],
        args: Sequence[Any] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Run one script; see the module docstring for the result dictionary."""
        result: dict[str, Any] = {
            "module_id": module_id,
            "exit_code": -1,
            "success": False,
            "error": None,
            "stdout": "",
            "stderr": "",
            "duration_s": 0.0,
            "timed_out": False,
        }
        try:
            await self._execute(result, Path(script_path), list(args or ()), cwd, timeout)
        except Exception as exc:  # no-raise policy: whatever went wrong is reported
            result["success"] = False
            result["error"] = f"{type(exc).__name__}: {exc}"
        return result

    async def _execute(
        self,
        result: dict[str, Any],
        script: Path,
        args: list[Any],
        cwd: str | os.PathLike[str] | None,
        timeout: float | None,
    ) -> None:
        located = script if cwd is None or script.is_absolute() else Path(cwd) / script
        if cwd is not None and not Path(cwd).is_dir():
            result["error"] = f"working directory not found: {cwd}"
            return
        if not located.is_file():
            result["error"] = f"script not found: {located}"
            return
        async with self._semaphore():
            shortage = await self._wait_for_resources()
            if shortage is not None:
                result["error"] = f"Insufficient system resources: {shortage}"
                return
            limit = self.timeout if timeout is None else timeout
            await self._run(result, script, args, cwd, limit)

    async def _wait_for_resources(self) -> str | None:
        """None once resources are available; the last shortage if the wait ran out."""
        manager = self.resource_manager
        if manager is None:
            return None
        started = monotonic()
        delay = 0.05
        while True:
            try:
                if manager.check_resources_available():
                    return None
            except Exception as exc:
                return f"the resource check failed: {type(exc).__name__}: {exc}"
            waited = monotonic() - started
            remaining = self.resource_wait_s - waited
            if remaining <= 0:
                reason = getattr(manager, "last_shortage", None) or "resource check failed"
                return f"{reason} (waited {waited:.1f} s)"
            await asyncio.sleep(min(delay, remaining))
            delay = min(2 * delay, MAX_BACKOFF_S)

    async def _run(
        self,
        result: dict[str, Any],
        script: Path,
        args: list[Any],
        cwd: str | os.PathLike[str] | None,
        limit: float | None,
    ) -> None:
        started = monotonic()
        try:
            process = await asyncio.create_subprocess_exec(
                self.python,
                str(script),
                *map(str, args),
                cwd=cwd,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=os.name == "posix",  # its own group: killed as a whole
            )
        except (OSError, ValueError) as exc:
            result["error"] = f"could not start {self.python}: {exc}"
            return
        self._running.add(process)
        stdout, stderr = CappedCapture(self.output_limit), CappedCapture(self.output_limit)
        assert process.stdout is not None and process.stderr is not None
        readers = [
            asyncio.ensure_future(stdout.drain(process.stdout)),
            asyncio.ensure_future(stderr.drain(process.stderr)),
        ]
        try:
            await asyncio.wait_for(process.wait(), limit)
        except asyncio.TimeoutError:
            result["timed_out"] = True
        finally:
            if process.returncode is None:  # timed out, or this call was cancelled
                _kill(process)
                await process.wait()
            self._running.discard(process)
            _, unfinished = await asyncio.wait(readers, timeout=PIPE_GRACE_S)
            for reader in unfinished:
                reader.cancel()
            result["duration_s"] = round(monotonic() - started, 6)
            result["stdout"], result["stderr"] = stdout.text(), stderr.text()
        code = process.returncode
        result["exit_code"] = code
        if result["timed_out"]:
            last = stderr.last_line()
            result["error"] = f"timed out after {limit:g} s; process killed" + (
                f" (last stderr line: {last})" if last else ""
            )
        elif code != 0:
            result["error"] = _describe_exit(code, stderr)
        else:
            result["success"] = True


def _kill(process: asyncio.subprocess.Process) -> None:
    """Kill a child and, on POSIX, every process in its group."""
    if process.returncode is not None:
        return
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except ProcessLookupError:
        pass


async def _invalid(number: int, spec: object, unknown: set[str]) -> dict[str, Any]:
    module_id = spec.get("module_id") if isinstance(spec, Mapping) else None
    detail = f"unknown keys {sorted(unknown)}" if unknown else f"expected {_MODULE_KEYS}"
    return {
        "module_id": module_id if module_id is not None else f"#{number}",
        "exit_code": -1,
        "success": False,
        "error": f"invalid module spec ({detail}): {spec!r}",
        "stdout": "",
        "stderr": "",
        "duration_s": 0.0,
        "timed_out": False,
    }
