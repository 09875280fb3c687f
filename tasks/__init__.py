"""Celery wrapping of the scan pipeline: ``celery -A tasks worker -Q io,cpu,gpu``."""

from tasks.app import app

__all__ = ["app"]
