"""Schema migrations with Alembic, run from code so that no alembic.ini is needed."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from config.settings import Settings, get_settings
from footprint.store.engine import get_engine

logger = logging.getLogger(__name__)

#: Folder of env.py and the versions/ scripts.
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    """Build an Alembic configuration for ``url`` pointing at the bundled migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Alembic interpolates "%" in options, so a URL-encoded password must be escaped.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(settings: Settings | None = None, revision: str = "head") -> str | None:
    """Create or upgrade the schema to ``revision`` and return the revision now in place."""
    settings = settings or get_settings()
    engine = get_engine(settings)
    config = alembic_config(settings.effective_database_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    current = current_revision(settings)
    logger.info("database schema at revision %s", current)
    return current


def downgrade(settings: Settings | None = None, revision: str = "base") -> None:
    """Downgrade the schema to ``revision`` ("base" drops every footprint table)."""
    settings = settings or get_settings()
    config = alembic_config(settings.effective_database_url)
    with get_engine(settings).begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(settings: Settings | None = None) -> str | None:
    """Return the schema revision of the database, or None for an empty database."""
    with get_engine(settings).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """Return the newest revision shipped with this version of footprint."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
