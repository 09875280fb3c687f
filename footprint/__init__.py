"""footprint: find where a subject is exposed online and with which evidence.

The domain library: plain functions and records, importable and testable without Celery.
"""

__version__ = "0.1.0"
