"""Media analysis tasks, one per distinct file; routed to the cpu (images) and gpu (video) queues."""

from __future__ import annotations

from typing import Any

from celery import Task

from footprint import pipeline
from tasks.app import app
from tasks.retry import RETRY_OPTIONS


@app.task(bind=True, name="tasks.media.analyze_image", **RETRY_OPTIONS)
def analyze_image(self: Task, scan_id: int, sha256: str, path: str) -> dict[str, Any]:
    """Find and encode the faces of one image (queue ``cpu``)."""
    return pipeline.analyze_file(scan_id, sha256, path, owner=self.request.id)


@app.task(bind=True, name="tasks.media.analyze_video", **RETRY_OPTIONS)
def analyze_video(self: Task, scan_id: int, sha256: str, path: str) -> dict[str, Any]:
    """Sample frames for faces and transcribe the speech of one video or audio file (queue ``gpu``)."""
    return pipeline.analyze_file(scan_id, sha256, path, owner=self.request.id)


#: Task of each media kind.
TASK_BY_KIND = {"image": analyze_image, "video": analyze_video, "audio": analyze_video}
