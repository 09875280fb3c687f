"""The Celery application, configured from ``celeryconfig``."""

from __future__ import annotations

import logging

from celery import Celery
from celery.signals import after_setup_logger, worker_process_init

from config.logging import MaskingFilter
from config.settings import Settings, get_settings

app = Celery("footprint", include=["tasks.scan", "tasks.media"])
app.config_from_object("celeryconfig")


def configure(settings: Settings) -> None:
    """Apply ``settings`` (broker, backend, eager mode) to the app, e.g. after the environment changed."""
    import celeryconfig

    app.conf.update(celeryconfig.from_settings(settings))


@worker_process_init.connect
def _reset_after_fork(**_kwargs) -> None:
    # Pooled database connections must not be shared with the parent process after fork.
    from footprint.store.engine import dispose_engines

    dispose_engines()


@after_setup_logger.connect
def _mask_worker_logs(logger: logging.Logger, **_kwargs) -> None:
    for handler in logger.handlers:
        handler.addFilter(MaskingFilter())
    logger.setLevel(get_settings().log_level.upper())
