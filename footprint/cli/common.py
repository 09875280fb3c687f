"""Helpers shared by the click commands: settings, logging and error reporting."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import click
from sqlalchemy.exc import OperationalError, ProgrammingError

from config.logging import setup_logging
from config.settings import get_settings
from footprint.store.engine import get_engine

logger = logging.getLogger(__name__)


def fail(message: str, code: int = 1) -> None:
    """Print ``Error: message`` on stderr and exit with ``code``."""
    click.secho(f"Error: {message}", fg="red", err=True)
    raise SystemExit(code)


def database_errors(function: Callable[..., Any]) -> Callable[..., Any]:
    """Turn an unreachable database or a missing schema into a one-line error with the fix."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except OperationalError as error:
            text = str(error.orig) if error.orig else str(error)
            if "no such table" in text or "doesn't exist" in text:
                fail(f"the database has no footprint schema ({text}); run 'python manage.py db upgrade'")
            url = get_engine().url.render_as_string(hide_password=True)
            fail(f"cannot reach the database at {url}: {text}; check FOOTPRINT_DATABASE_URL and that the server runs")
        except ProgrammingError as error:
            fail(f"database error: {error.orig}; run 'python manage.py db upgrade' if the schema is old")

    return wrapper


def init_logging() -> None:
    """Configure logging from the settings once per command."""
    setup_logging(get_settings().log_level)
