"""The scan canvas.

    start_scan
    -> chord([extract(source) ...], plan_media)       plan_media replaces itself with
    -> chord([analyze_image | analyze_video ...], consolidate_and_load)
    -> finish_scan

Each chord carries an error callback that marks the scan failed with the reason.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, chain, chord

from footprint import pipeline
from tasks.app import app
from tasks.media import TASK_BY_KIND
from tasks.retry import RETRY_OPTIONS

logger = logging.getLogger(__name__)


@app.task(name="tasks.scan.start_scan", **RETRY_OPTIONS)
def start_scan(scan_id: int) -> int:
    """Mark the scan started."""
    scan = pipeline.get_scan(scan_id)
    pipeline.mark_started(scan_id)
    logger.info("scan %d: canvas started for subject %d", scan_id, scan.subject_id)
    return scan_id


@app.task(name="tasks.scan.extract", **RETRY_OPTIONS)
def extract(scan_id: int, source: str) -> dict[str, Any]:
    """Stage the items of one source."""
    return pipeline.extract_source(scan_id, source)


@app.task(bind=True, name="tasks.scan.plan_media", **RETRY_OPTIONS)
def plan_media(self: Task, extract_results: list[dict[str, Any]], scan_id: int):
    """Find the distinct media files and replace this task with their analysis chord."""
    jobs = pipeline.plan_media(scan_id, extract_results)
    body = consolidate_and_load.s(scan_id)
    if not jobs:
        return self.replace(consolidate_and_load.si([], scan_id))
    header = [TASK_BY_KIND[job.kind].si(scan_id, job.sha256, job.path) for job in jobs]
    return self.replace(chord(header, body).on_error(mark_failed.s(scan_id)))


@app.task(name="tasks.scan.consolidate_and_load", **RETRY_OPTIONS)
def consolidate_and_load(analyze_results: list[dict[str, Any]], scan_id: int) -> dict[str, Any]:
    """Attribute, dedupe, classify, score and bulk-load the scan's footprints."""
    return pipeline.consolidate_and_load(scan_id, analyze_results)


@app.task(name="tasks.scan.finish_scan", **RETRY_OPTIONS)
def finish_scan(scan_id: int) -> dict[str, Any]:
    """Mark the scan done with its counts and timings."""
    return pipeline.finish_scan(scan_id)


@app.task(name="tasks.scan.mark_failed")
def mark_failed(*args: Any) -> None:
    """Error callback: mark the scan failed with the reason.

    Celery calls it as ``(request, exc, traceback, scan_id)``; the scan id is the last argument.
    """
    scan_id = args[-1]
    reason = next((f"{type(arg).__name__}: {arg}" for arg in args if isinstance(arg, BaseException)), "a task failed")
    pipeline.fail_scan(int(scan_id), reason)


def scan_canvas(scan_id: int, sources: list[str]):
    """Build the whole canvas of one scan (a Celery signature, not yet sent)."""
    extraction = chord([extract.si(scan_id, source) for source in sources], plan_media.s(scan_id))
    return chain(
        start_scan.si(scan_id),
        extraction.on_error(mark_failed.s(scan_id)),
        finish_scan.si(scan_id),
    ).on_error(mark_failed.s(scan_id))
