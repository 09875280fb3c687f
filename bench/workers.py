"""One Celery worker versus two on the same media-heavy scan (each worker -c 1, fresh database each)."""

from __future__ import annotations

from bench.context import Context
from bench.results import Result, Target, skipped
from bench.scans import ONE_WORKER, TWO_WORKERS, check_done, worker_scan

#: Speed-up of two workers over one on a 2-core machine.
TARGET = Target(">=", 1.7)


def run(context: Context) -> list[Result]:
    """Scan the smallest world on one worker, then on two, and report the speed-up."""
    if problem := context.servers_problem():
        return [skipped("workers", problem)]
    people = context.smallest_size
    single = worker_scan(context, people, ONE_WORKER)
    double = worker_scan(context, people, TWO_WORKERS)
    check_done(single)
    check_done(double)
    context.details["workers"] = {"one": single, "two": double}

    one_s, two_s = single["scans"][0]["wall_s"], double["scans"][0]["wall_s"]
    counts = double["scans"][0]["counts"]
    return [
        Result("workers", f"{people} people: 2 workers vs 1 (ratio = speed-up)", two_s, "s", one_s, one_s / two_s, TARGET,
               f"{counts.get('media_to_analyse', 0)} media files analysed; queues {' + '.join(TWO_WORKERS)} vs {ONE_WORKER[0]}"),
        Result("workers", f"{people} people: analyze stage, summed task time, 2 vs 1", double["scans"][0]["timings"].get("analyze"), "s",
               single["scans"][0]["timings"].get("analyze"),
               note="the same work on both sides; a rise with two workers means they compete for the cores"),
    ]
