"""System resource readings (CPU load, available memory) and a go/no-go check.

Uses psutil when it is installed, else Linux's /proc (``/proc/stat`` deltas for CPU,
``MemAvailable`` from ``/proc/meminfo``). Where neither exists nothing can be measured
and every check passes.
"""

from __future__ import annotations

import os
from time import monotonic
from typing import Any

from .workers import usable_cpus

GIB = 1024**3
#: CPU readings closer together than this reuse the previous reading.
MIN_SAMPLE_S = 0.1


def _read_proc_stat() -> tuple[int, int] | None:
    """(busy, total) jiffies of all CPUs since boot, or None without /proc."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    if len(fields) < 4:
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    total = sum(fields[:8])  # guest time is already counted in user time
    return total - idle, total


def _read_meminfo() -> dict[str, int]:
    """``/proc/meminfo`` values in bytes, or {} without /proc."""
    values: dict[str, int] = {}
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                name, _, rest = line.partition(":")
                parts = rest.split()
                if parts:
                    values[name] = int(parts[0]) * (1024 if parts[1:] == ["kB"] else 1)
    except (OSError, ValueError):
        return {}
    return values


def _loadavg_percent() -> float | None:
    """One-minute load average as a percentage of the usable CPUs."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return None
    return min(100.0, 100.0 * load / usable_cpus())


class ResourceManager:
    """Decides whether the machine has room for one more job.

    Room means CPU use below ``cpu_threshold_percent`` and at least
    ``memory_required_gb`` GiB of memory available. ``use_psutil=None`` uses psutil when
    it can be imported; ``False`` forces the /proc readings.
    """

    def __init__(
        self,
        cpu_threshold_percent: float = 80.0,
        memory_required_gb: float = 4.0,
        *,
        use_psutil: bool | None = None,
    ) -> None:
        self.cpu_threshold_percent = cpu_threshold_percent
        self.memory_required_gb = memory_required_gb
        self._psutil: Any = None
        if use_psutil is not False:
            try:
                import psutil
            except ImportError:
                if use_psutil:
                    raise
            else:
                self._psutil = psutil
        self._sample = self._cpu_sample()
        self._sampled_at = monotonic()
        # Until two samples are far enough apart: the load average, as a percentage.
        self._cpu: float | None = _loadavg_percent() if self._sample is not None else None
        #: Why the last :meth:`check_resources_available` said no (None when it said yes).
        self.last_shortage: str | None = None

    @property
    def source(self) -> str:
        """Where readings come from: ``"psutil"``, ``"proc"`` or ``"unavailable"``."""
        if self._psutil is not None:
            return "psutil"
        return "proc" if self._sample is not None else "unavailable"

    def _cpu_sample(self) -> tuple[float, float] | None:
        """(busy, total) CPU time of all CPUs so far, in any unit."""
        if self._psutil is None:
            return _read_proc_stat()
        times = self._psutil.cpu_times()
        idle = times.idle + getattr(times, "iowait", 0.0)
        # guest time is already part of user time on Linux
        total = sum(times) - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0)
        return total - idle, total

    def cpu_percent(self) -> float | None:
        """System-wide CPU use between this reading and the previous one (at least
        ``MIN_SAMPLE_S`` apart, else the previous value), in percent; None if unknown.

        Deltas are this manager's own, so other users of psutil are not disturbed.
        """
        if self._sample is None:
            return None
        now = monotonic()
        if now - self._sampled_at >= MIN_SAMPLE_S:
            sample = self._cpu_sample()
            if sample is not None:
                busy = sample[0] - self._sample[0]
                total = sample[1] - self._sample[1]
                if total > 0:
                    self._cpu = round(max(0.0, min(100.0, 100.0 * busy / total)), 1)
                    self._sample, self._sampled_at = sample, now
        return self._cpu

    def memory(self) -> tuple[float | None, float | None]:
        """(available, total) memory in GiB (None if unknown)."""
        if self._psutil is not None:
            memory = self._psutil.virtual_memory()
            return memory.available / GIB, memory.total / GIB
        info = _read_meminfo()
        available = info.get("MemAvailable")
        total = info.get("MemTotal")
        return (
            None if available is None else available / GIB,
            None if total is None else total / GIB,
        )

    def get_system_stats(self) -> dict[str, Any]:
        """Current readings: ``cpu_percent``, ``memory_available_gb``, ``memory_total_gb``,
        ``cpu_count`` and ``source``; unknown values are None."""
        available, total = self.memory()
        return {
            "cpu_percent": self.cpu_percent(),
            "memory_available_gb": available,
            "memory_total_gb": total,
            "cpu_count": usable_cpus(),
            "source": self.source,
        }

    def shortage(self) -> str | None:
        """What is short right now, or None when there is room (or nothing can be measured)."""
        cpu = self.cpu_percent()
        if cpu is not None and cpu > self.cpu_threshold_percent:
            return f"CPU usage too high: {cpu:.0f}% > {self.cpu_threshold_percent:g}%"
        available, _ = self.memory()
        if available is not None and available < self.memory_required_gb:
            return (
                f"not enough memory: {available:.1f} GB available, "
                f"{self.memory_required_gb:g} GB required"
            )
        return None

    def check_resources_available(self) -> bool:
        """True when there is room for one more job; else the reason is in ``last_shortage``."""
        self.last_shortage = self.shortage()
        return self.last_shortage is None
