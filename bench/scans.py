"""End-to-end scans of simulated worlds, shared by the scale, workers and rescan scenarios.

Each scan runs in a child process (``bench.child scan``) on a fresh database: a SQLite file for
the embedded default, or a new MariaDB database and Redis key prefix with Celery worker
subprocesses for the distributed mode.
"""

from __future__ import annotations

import logging
from typing import Any

from bench.context import Context
from bench.services import MemoryWatch, celery_workers, child_env, mysql_database, redis_prefix, run_child

logger = logging.getLogger(__name__)

#: Queues of each worker in the one- and two-worker layouts. Every worker is started with -c 1;
#: the first also takes io (extraction, consolidation, loading).
ONE_WORKER = ("io,cpu,gpu",)
TWO_WORKERS = ("io,cpu,gpu", "cpu,gpu")

#: Stages recorded in ``scans.timings`` by the pipeline, in order.
STAGES = ("extract", "plan", "analyze", "consolidate", "load")


def embedded_scans(context: Context, people: int) -> dict[str, Any]:
    """Scan the world of ``people`` on the embedded default and return the child's result.

    The smallest world is scanned twice in the same database when the rescan scenario is
    selected, and the first of those scans also serves as the scale measurement.
    """
    count = 2 if people == context.smallest_size and "rescan" in context.options.scenarios else 1
    key = ("embedded", people)
    if key in context.scans and len(context.scans[key]["scans"]) >= count:
        return context.scans[key]
    world = context.world(people)
    folder = context.run_dir(f"embedded-{people}")
    env = child_env(data_dir=folder / "data")
    logger.info("embedded scan of %d people (%d scans) in %s", people, count, folder)
    result = run_child(["scan", "--world", str(world), "--scans", str(count), "--timeout", str(context.options.scan_timeout_s)],
                       env, folder / "result.json", folder / "child.log", context.options.scan_timeout_s * count + 600)
    result["run_dir"] = str(folder)
    context.scans[key] = result
    return result


def worker_scan(context: Context, people: int, layout: tuple[str, ...]) -> dict[str, Any]:
    """Scan the world of ``people`` on Celery workers with queues ``layout`` and return the result.

    Adds "workers": name -> {"queues", "peak_rss_mib"} with the largest peak resident memory of
    any process of that worker (its pool process loads the models).
    """
    key = ("workers", people, layout)
    if key in context.scans:
        return context.scans[key]
    options = context.options
    world = context.world(people)
    folder = context.run_dir(f"workers{len(layout)}-{people}")
    logger.info("scan of %d people on %d workers in %s", people, len(layout), folder)
    with mysql_database(options.mysql_url) as database_url, redis_prefix(options.redis_url) as prefix:
        env = child_env(data_dir=folder / "data", database_url=database_url, broker_url=options.redis_url,
                        redis_url=options.redis_url, redis_key_prefix=prefix)
        with celery_workers(list(layout), env, folder) as workers:
            roots = {name: worker.process.pid for name, worker in workers.items()}
            with MemoryWatch(roots) as watch:
                result = run_child(["scan", "--world", str(world), "--timeout", str(options.scan_timeout_s)],
                                   env, folder / "result.json", folder / "child.log", options.scan_timeout_s + 600)
    result["workers"] = {
        name: {"queues": queues, "peak_rss_mib": watch.max_process_mib(name)}
        for (name, queues) in zip(roots, layout, strict=True)
    }
    result["run_dir"] = str(folder)
    context.scans[key] = result
    return result


def check_done(result: dict[str, Any]) -> None:
    """Raise RuntimeError when a scan of the result did not end "done"."""
    for scan in result["scans"]:
        if scan["status"] != "done":
            raise RuntimeError(f"scan {scan['scan_id']} ended {scan['status']}: {scan.get('reason')}; logs in {result.get('run_dir')}")
