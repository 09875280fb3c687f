"""Servers and processes the scenarios use: child environments, MariaDB databases, Redis, workers."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.machine import PeriodicSampler, child_pids, peak_rss_mib

logger = logging.getLogger(__name__)

#: Repository root: the working directory and PYTHONPATH of every child process.
ROOT = Path(__file__).resolve().parent.parent

#: Default servers, the same variables and defaults as the test suite.
MYSQL_SERVER_URL = os.environ.get("FOOTPRINT_TEST_MYSQL_URL", "mysql+mysqldb://root@127.0.0.1:3306")
REDIS_SERVER_URL = os.environ.get("FOOTPRINT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

#: Seconds between two samples of the workers' peak memory.
MEMORY_POLL_S = 0.5

#: One id per benchmark run: names MariaDB databases and prefixes Redis keys.
RUN_ID = uuid.uuid4().hex[:10]

_counter = iter(range(1, 1_000_000))


def child_env(**settings: Any) -> dict[str, str]:
    """Return this process's environment without FOOTPRINT_* settings, plus ``settings`` as FOOTPRINT_*.

    Keyword names are Settings fields (data_dir, database_url, broker_url, ...); None values are
    left out, so the child uses the default.
    """
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("FOOTPRINT_") or key.startswith("FOOTPRINT_TEST_")}
    for name, value in settings.items():
        if value is not None:
            env[f"FOOTPRINT_{name.upper()}"] = str(value)
    env["PYTHONPATH"] = str(ROOT)
    return env


def run_child(args: list[str], env: dict[str, str], out_path: Path, log_path: Path, timeout_s: float) -> dict[str, Any]:
    """Run ``python -m bench.child ARGS --out OUT_PATH`` and return the JSON it wrote.

    Raises:
        RuntimeError: the child exited with an error or wrote no result; the message ends with
            the last lines of its log.
    """
    argv = [sys.executable, "-m", "bench.child", *args, "--out", str(out_path)]
    with open(log_path, "ab") as log:
        completed = subprocess.run(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=timeout_s)
    if completed.returncode != 0 or not out_path.is_file():
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"bench child {' '.join(args)} failed with exit code {completed.returncode}; log {log_path}:\n{tail}")
    return json.loads(out_path.read_text(encoding="utf-8"))


def mysql_reachable(server_url: str = MYSQL_SERVER_URL) -> str | None:
    """Return None when the MariaDB server responds, else the reason it does not."""
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(server_url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as error:  # the driver raises many types; any of them means "not usable"
        return f"MariaDB not reachable at {server_url}: {type(error).__name__}: {error}"


def redis_reachable(url: str = REDIS_SERVER_URL) -> str | None:
    """Return None when Redis responds to PING, else the reason it does not."""
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
        return None
    except Exception as error:  # connection, timeout and auth errors alike mean "not usable"
        return f"Redis not reachable at {url}: {type(error).__name__}: {error}"


def server_versions(mysql_url: str = MYSQL_SERVER_URL, redis_url: str = REDIS_SERVER_URL) -> dict[str, str | None]:
    """Return the MariaDB and Redis server versions, None for a server that does not respond."""
    versions: dict[str, str | None] = {"mariadb": None, "redis": None}
    if mysql_reachable(mysql_url) is None:
        from sqlalchemy import create_engine, text

        engine = create_engine(mysql_url)
        with engine.connect() as connection:
            versions["mariadb"] = connection.execute(text("SELECT VERSION()")).scalar_one()
        engine.dispose()
    if redis_reachable(redis_url) is None:
        import redis

        client = redis.Redis.from_url(redis_url)
        versions["redis"] = client.info("server").get("redis_version")
        client.close()
    return versions


@contextmanager
def mysql_database(server_url: str = MYSQL_SERVER_URL) -> Iterator[str]:
    """Create a uniquely named utf8mb4 database, yield its URL, and drop it afterwards."""
    from sqlalchemy import create_engine, text

    name = f"footprint_bench_{RUN_ID}_{next(_counter)}"
    server = create_engine(server_url)
    with server.connect() as connection:
        connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    logger.info("created MariaDB database %s", name)
    try:
        yield f"{server_url}/{name}?charset=utf8mb4"
    finally:
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        server.dispose()
        logger.info("dropped MariaDB database %s", name)


@contextmanager
def redis_prefix(url: str = REDIS_SERVER_URL) -> Iterator[str]:
    """Yield a Redis key prefix unique to this run, and delete every key under it afterwards."""
    import redis

    prefix = f"footprint-bench:{RUN_ID}:{next(_counter)}:"
    try:
        yield prefix
    finally:
        client = redis.Redis.from_url(url)
        deleted = 0
        for key in client.scan_iter(f"{prefix}*", count=1000):
            deleted += client.delete(key)
        client.close()
        logger.info("deleted %d Redis keys under %s", deleted, prefix)


class MemoryWatch(PeriodicSampler):
    """Samples the peak resident memory (VmHWM) of process trees in a background thread.

    Parameters:
        roots: name -> PID of each root process (a worker's main process); its children are
            found again on every sample, so pool processes that Celery replaces are seen too.
        interval_s: seconds between samples (default :data:`MEMORY_POLL_S`).

    A process's peak is taken from its last sample, so growth in the last ``interval_s`` before
    it exits can be missed.
    """

    def __init__(self, roots: dict[str, int], interval_s: float = MEMORY_POLL_S) -> None:
        super().__init__(interval_s, "bench-memory-watch")
        self.roots = dict(roots)
        self.peaks: dict[str, dict[int, float]] = {name: {} for name in roots}

    def _sample(self) -> None:
        for name, root in self.roots.items():
            pending = [root]
            while pending:
                pid = pending.pop()
                peak = peak_rss_mib(pid)
                if peak is not None:
                    self.peaks[name][pid] = max(peak, self.peaks[name].get(pid, 0.0))
                pending.extend(child_pids(pid))

    def max_process_mib(self, name: str) -> float | None:
        """Return the largest peak of any single process of tree ``name``, in MiB."""
        values = self.peaks.get(name, {}).values()
        return max(values) if values else None


@contextmanager
def celery_workers(queues: list[str], env: dict[str, str], log_dir: Path, ready_timeout_s: float = 180.0) -> Iterator[dict[str, Any]]:
    """Start one Celery worker subprocess per entry of ``queues`` (each ``-c 1``) and stop them after.

    Yields name -> :class:`tests.scanning.Worker`. Names are "w1", "w2", ...
    """
    from tests.scanning import Worker

    workers: dict[str, Worker] = {}
    try:
        for number, queue_list in enumerate(queues, start=1):
            name = f"w{number}"
            workers[name] = Worker(f"bench-{RUN_ID}-{name}", queue_list, env, log_dir / f"worker-{name}.log")
        for worker in workers.values():
            worker.wait_ready(ready_timeout_s)
        yield workers
    finally:
        for worker in workers.values():
            worker.stop()

