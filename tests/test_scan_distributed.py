"""The scan on real workers: Redis broker and backend, MariaDB, worker processes on separate queues.

Each test compares the rows of the distributed scan with an embedded (in-process, SQLite) scan of
the same world. Faults are real: a pool process killed with SIGKILL, the Redis cache flushed, and
the database cut for a few seconds by a TCP proxy between the workers and MariaDB.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
import redis
from sqlalchemy.engine import make_url

from footprint import pipeline
from footprint.store import migrate
from tests.conftest import REDIS_SERVER_URL
from tests.netproxy import OutageProxy
from tests.scanning import ROOT, Worker, make_world, register_demo_subject, scan_signature, settings_env, wait_for_scan

pytestmark = [pytest.mark.slow, pytest.mark.mysql, pytest.mark.redis]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return make_world(tmp_path_factory.mktemp("world") / "w")


@pytest.fixture(scope="module")
def embedded_signature(world, tmp_path_factory):
    """Rows of an undisturbed embedded scan of the world (SQLite, no broker)."""
    from config.settings import Settings, get_settings
    from footprint.store.engine import dispose_engines

    data_dir = tmp_path_factory.mktemp("embedded")
    saved = {key: os.environ.pop(key) for key in list(os.environ) if key.startswith("FOOTPRINT_") and not key.startswith("FOOTPRINT_TEST_")}
    try:
        os.environ["FOOTPRINT_DATA_DIR"] = str(data_dir)
        get_settings.cache_clear()
        settings = Settings()
        migrate.upgrade(settings)
        subject_id = register_demo_subject(settings)
        scan_id = pipeline.run_scan(subject_id, world, settings)
        signature = scan_signature(settings, scan_id)
    finally:
        os.environ.pop("FOOTPRINT_DATA_DIR", None)
        os.environ.update(saved)
        get_settings.cache_clear()
        dispose_engines()
    assert signature["links"], "the embedded scan linked nothing; the world or attribution is broken"
    return signature


@pytest.fixture
def cluster(make_settings, fresh_mysql_url, redis_prefix, tmp_path):
    """Settings on MariaDB and Redis, and a factory that starts workers with them."""
    settings = make_settings(database_url=fresh_mysql_url, broker_url=REDIS_SERVER_URL, redis_url=REDIS_SERVER_URL,
                             redis_key_prefix=redis_prefix)
    migrate.upgrade(settings)
    from tasks.app import configure

    configure(settings)
    workers: list[Worker] = []

    def start(name: str, queues: str, **overrides) -> Worker:
        env = settings_env(settings)
        env.update({f"FOOTPRINT_{key.upper()}": str(value) for key, value in overrides.items()})
        worker = Worker(name, queues, env, tmp_path / f"{name}.log")
        workers.append(worker)
        return worker

    yield settings, start
    for worker in workers:
        worker.stop()
    client = redis.Redis.from_url(REDIS_SERVER_URL)
    for key in client.scan_iter(f"{redis_prefix}*"):
        client.delete(key)
    from config.settings import get_settings

    get_settings.cache_clear()
    configure(get_settings())


def _enqueue(settings, world, subject_id: int) -> int:
    """Enqueue a scan through the CLI, as a user does, and return its id."""
    result = subprocess.run(
        [sys.executable, "manage.py", "scan", "--subject", str(subject_id), "--world", str(world)],
        cwd=ROOT, env=settings_env(settings), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.endswith("enqueued"))
    return int(line.split()[1])


def test_two_workers_match_embedded_rows(cluster, world, embedded_signature):
    settings, start = cluster
    for worker in (start("a", "io,cpu"), start("b", "gpu,io")):
        worker.wait_ready()
    subject_id = register_demo_subject(settings)

    scan_id = _enqueue(settings, world, subject_id)
    progress = wait_for_scan(settings, scan_id)

    assert progress["status"] == "done", progress
    assert scan_signature(settings, scan_id) == embedded_signature


def test_wait_flag_follows_scan_to_exit_code(cluster, world):
    settings, start = cluster
    start("all", "io,cpu,gpu").wait_ready()
    subject_id = register_demo_subject(settings)

    result = subprocess.run(
        [sys.executable, "manage.py", "scan", "--subject", str(subject_id), "--world", str(world), "--wait"],
        cwd=ROOT, env=settings_env(settings), capture_output=True, text=True, timeout=600,
    )

    assert result.returncode == 0, result.stderr
    assert "enqueued" in result.stdout
    assert "done" in result.stdout


def test_killed_pool_process_is_redelivered(cluster, world, embedded_signature):
    settings, start = cluster
    io, media = start("io", "io"), start("media", "cpu,gpu")
    io.wait_ready()
    media.wait_ready()
    subject_id = register_demo_subject(settings)
    killed: list[int] = []

    def kill_during_analysis(progress):
        if not killed and progress["status"] == "analyzing" and progress["media_analysed"] < progress["media_distinct"]:
            for pid in media.pool_children():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    scan_id = _enqueue(settings, world, subject_id)
    progress = wait_for_scan(settings, scan_id, on_status=kill_during_analysis)

    assert killed, "no pool process was running during media analysis"
    assert progress["status"] == "done", progress
    assert scan_signature(settings, scan_id) == embedded_signature


def test_cache_flush_mid_scan_changes_nothing(cluster, world, embedded_signature):
    settings, start = cluster
    start("all", "io,cpu,gpu").wait_ready()
    subject_id = register_demo_subject(settings)
    client = redis.Redis.from_url(REDIS_SERVER_URL)
    flushed: list[int] = []

    def flush_cache(progress):
        if not flushed and progress["status"] == "analyzing" and progress["media_analysed"] >= 1:
            keys = [key for key in client.scan_iter(f"{settings.redis_key_prefix}*") if b":celery:" not in key]
            flushed.append(len(keys))
            if keys:
                client.delete(*keys)

    scan_id = _enqueue(settings, world, subject_id)
    progress = wait_for_scan(settings, scan_id, on_status=flush_cache)

    assert flushed, "the scan finished before the cache could be flushed"
    assert progress["status"] == "done", progress
    assert scan_signature(settings, scan_id) == embedded_signature


def test_database_outage_is_retried(cluster, world, embedded_signature):
    settings, start = cluster
    url = make_url(settings.database_url)
    proxy = OutageProxy(url.host or "127.0.0.1", url.port or 3306)
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    start("all", "io,cpu,gpu", database_url=proxied).wait_ready()
    subject_id = register_demo_subject(settings)

    def cut_during_load(progress):
        # The last analysis is stored: consolidation and the load come next, so cut the database now.
        if not proxy.cuts and progress["media_distinct"] and progress["media_analysed"] >= progress["media_distinct"]:
            proxy.cut(4.0)

    try:
        scan_id = _enqueue(settings, world, subject_id)
        progress = wait_for_scan(settings, scan_id, on_status=cut_during_load)
    finally:
        proxy.close()

    assert proxy.cuts == 1
    assert progress["status"] == "done", progress
    assert scan_signature(settings, scan_id) == embedded_signature


def test_unreachable_broker_fails_fast(make_settings, world):
    # Port 1 on loopback has no listener. The subprocess timeout turns a hang into a failure.
    settings = make_settings(broker_url="redis://127.0.0.1:1/0", connect_timeout_s=2)
    migrate.upgrade(settings)
    subject_id = register_demo_subject(settings)

    result = subprocess.run(
        [sys.executable, "manage.py", "scan", "--subject", str(subject_id), "--world", str(world)],
        cwd=ROOT, env=settings_env(settings), capture_output=True, text=True, timeout=60,
    )

    assert result.returncode != 0
    assert "cannot reach the broker at redis://127.0.0.1:1/0" in result.stderr


def test_unreachable_database_fails_fast(make_settings, world):
    settings = make_settings(database_url="mysql+mysqldb://root@127.0.0.1:1/footprint", connect_timeout_s=2)

    result = subprocess.run(
        [sys.executable, "manage.py", "scan", "--subject", "1", "--world", str(world)],
        cwd=ROOT, env=settings_env(settings), capture_output=True, text=True, timeout=60,
    )

    assert result.returncode != 0
    assert "cannot reach the database" in result.stderr
