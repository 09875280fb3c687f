"""Celery configuration: broker, queues, routing, acknowledgement, retries and result expiry.

Values come from :mod:`config.settings`. With no broker configured, tasks run eagerly in the
calling process (the embedded default); with one, ``celery -A tasks worker -Q io,cpu,gpu`` runs them.
"""

from __future__ import annotations

from typing import Any

from kombu import Queue

from config.settings import Settings, get_settings

#: Maximum expected task duration, seconds (an estimate for a long video on a CPU host). The broker's
#: visibility timeout must exceed it, or Redis hands an unacknowledged task to a second worker.
MAX_TASK_S = 3 * 3600


def from_settings(settings: Settings) -> dict[str, Any]:
    """Return the configuration that depends on the settings: broker, backend, eagerness, timeouts."""
    prefix = settings.redis_key_prefix + "celery:"
    return {
        "broker_url": settings.broker_url or "memory://",
        "result_backend": settings.effective_result_backend,
        "task_always_eager": settings.eager,
        "broker_connection_timeout": settings.connect_timeout_s,
        "redis_socket_connect_timeout": settings.connect_timeout_s,
        "broker_transport_options": {
            "visibility_timeout": MAX_TASK_S + 600,
            "socket_connect_timeout": settings.connect_timeout_s,
            "global_keyprefix": prefix,
        },
        "result_backend_transport_options": {"global_keyprefix": prefix},
    }


globals().update(from_settings(get_settings()))
task_eager_propagates = True

# Queues: io for extraction and loading, cpu for image faces, gpu for video frames and speech.
task_queues = (Queue("io"), Queue("cpu"), Queue("gpu"))
task_default_queue = "io"
task_routes = {
    "tasks.media.analyze_image": {"queue": "cpu"},
    "tasks.media.analyze_video": {"queue": "gpu"},
    "tasks.scan.*": {"queue": "io"},
}

# Serialisation: JSON only, because messages carry references (ids, names, paths, hashes).
task_serializer = "json"
result_serializer = "json"
accept_content = ["json"]

# Every task is idempotent, so a task whose worker died is redelivered rather than lost.
task_acks_late = True
task_reject_on_worker_lost = True
worker_prefetch_multiplier = 1
worker_max_tasks_per_child = 200

broker_connection_retry_on_startup = True

# Results only feed chord callbacks and `scan status`; a day is plenty and keeps Redis from filling.
result_expires = 86_400
result_extended = True
task_track_started = True
task_send_sent_event = True
worker_send_task_events = True

worker_hijack_root_logger = False
