"""Engines and sessions for SQLite (embedded default) and MariaDB/MySQL.

One engine per database URL per process. MySQL connections use utf8mb4 and a connect timeout, so
an unreachable server fails within ``connect_timeout_s`` instead of hanging.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings, get_settings

logger = logging.getLogger(__name__)

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers (report, status) run while a scan writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def build_engine(url: str, connect_timeout_s: float = 5.0) -> Engine:
    """Create an engine for ``url`` with the options footprint needs on its backend."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()

    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine

    if backend in ("mysql", "mariadb"):
        connect_args = {"charset": "utf8mb4", "connect_timeout": max(1, int(connect_timeout_s))}
        return create_engine(url, connect_args=connect_args, pool_pre_ping=True, pool_recycle=3600)

    raise ValueError(
        f"unsupported database URL {parsed.render_as_string(hide_password=True)!r}: "
        "use sqlite:///PATH or mysql+mysqldb://USER:PASSWORD@HOST/DATABASE"
    )


def get_engine(settings: Settings | None = None) -> Engine:
    """Return the process-wide engine for the configured database, creating it on first use."""
    settings = settings or get_settings()
    url = settings.effective_database_url
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = build_engine(url, settings.connect_timeout_s)
            _engines[url] = engine
            logger.debug("created engine for %s", make_url(url).render_as_string(hide_password=True))
        return engine


def dispose_engines() -> None:
    """Close every pooled connection; call after fork and in tests."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextlib.contextmanager
def session_scope(settings: Settings | None = None) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on any exception."""
    factory = sessionmaker(bind=get_engine(settings), expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
