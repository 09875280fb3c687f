"""Shared fixtures: per-test settings on SQLite, a MariaDB database per run, a Redis key prefix.

Servers come from the environment, with the local defaults of the development machines and CI:
``FOOTPRINT_TEST_MYSQL_URL`` (server URL without a database, default root on 127.0.0.1:3306) and
``FOOTPRINT_TEST_REDIS_URL`` (default redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.settings import Settings, get_settings
from footprint.store.engine import dispose_engines

#: Repository root and the bundled public-domain media used as fixtures.
ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "footprint" / "assets"
FACES = ASSETS / "faces"
SPEECH = ASSETS / "speech"

MYSQL_SERVER_URL = os.environ.get("FOOTPRINT_TEST_MYSQL_URL", "mysql+mysqldb://root@127.0.0.1:3306")
REDIS_SERVER_URL = os.environ.get("FOOTPRINT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

#: One id per test run: names the MariaDB database and prefixes Redis keys, so runs never share state.
RUN_ID = uuid.uuid4().hex[:12]


def _clear_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("FOOTPRINT_") and not name.startswith("FOOTPRINT_TEST_"):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def make_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Return a factory of settings on a fresh data directory; keyword arguments override fields.

    The factory also exports the settings as ``FOOTPRINT_*`` variables, so code that calls
    ``get_settings()`` and subprocesses started by the test see the same configuration.
    """
    _clear_env(monkeypatch)
    monkeypatch.chdir(tmp_path)

    def factory(**overrides) -> Settings:
        values = {"data_dir": tmp_path / "data", **overrides}
        for name, value in values.items():
            monkeypatch.setenv(f"FOOTPRINT_{name.upper()}", str(value))
        get_settings.cache_clear()
        dispose_engines()
        return get_settings()

    yield factory
    get_settings.cache_clear()
    dispose_engines()


@pytest.fixture
def settings(make_settings) -> Settings:
    """Embedded-default settings on a fresh SQLite database under a temporary data directory."""
    return make_settings()


def _mysql_reachable() -> bool:
    try:
        import MySQLdb  # noqa: F401
        from sqlalchemy import create_engine, text

        engine = create_engine(MYSQL_SERVER_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def mysql_url() -> Iterator[str]:
    """Create a MariaDB database with a unique name for this run, yield its URL, drop it at the end."""
    if not _mysql_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"MariaDB is not reachable at {MYSQL_SERVER_URL}; start it before the tests")
        pytest.skip(f"MariaDB is not reachable at {MYSQL_SERVER_URL}")

    from sqlalchemy import create_engine, text

    name = f"footprint_test_{RUN_ID}"
    server = create_engine(MYSQL_SERVER_URL)
    with server.connect() as connection:
        connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    try:
        yield f"{MYSQL_SERVER_URL}/{name}?charset=utf8mb4"
    finally:
        dispose_engines()
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        server.dispose()


@pytest.fixture
def fresh_mysql_url(mysql_url: str) -> Iterator[str]:
    """The run's MariaDB database, emptied of footprint tables before the test."""
    from sqlalchemy import create_engine, text

    engine = create_engine(mysql_url)
    with engine.begin() as connection:
        connection.execute(text("SET FOREIGN_KEY_CHECKS=0"))
        tables = [row[0] for row in connection.execute(text("SHOW TABLES"))]
        for table in tables:
            connection.execute(text(f"DROP TABLE `{table}`"))
        connection.execute(text("SET FOREIGN_KEY_CHECKS=1"))
    engine.dispose()
    yield mysql_url


@pytest.fixture
def redis_prefix() -> str:
    """A Redis key prefix unique to this test, so runs and tests never share keys."""
    return f"footprint-test:{RUN_ID}:{uuid.uuid4().hex[:8]}:"
