"""Retry policy shared by the tasks: transient database and Redis errors are retried with backoff."""

from __future__ import annotations

import redis
from sqlalchemy.exc import DBAPIError, OperationalError

#: Errors that mean "a dependency is briefly unreachable", not "this input is bad".
TRANSIENT_ERRORS = (OperationalError, DBAPIError, redis.ConnectionError, redis.TimeoutError, ConnectionError)

#: Options for ``@app.task``: exponential backoff from 1 s, capped at 30 s, with jitter.
RETRY_OPTIONS = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 1,
    "retry_backoff_max": 30,
    "retry_jitter": True,
    "max_retries": 8,
}
