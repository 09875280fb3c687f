"""``manage.py db``: create, upgrade and inspect the database schema."""

from __future__ import annotations

import click
from sqlalchemy.engine import make_url

from config.settings import get_settings
from footprint.cli.common import database_errors
from footprint.store import migrate


@click.group()
def db() -> None:
    """Create, upgrade or inspect the database schema (SQLite by default, MySQL/MariaDB by URL)."""


@db.command()
@click.option("--revision", default="head", show_default=True, help="Alembic revision to upgrade to.")
@database_errors
def upgrade(revision: str) -> None:
    """Create the schema, or upgrade it to REVISION, on the configured database."""
    settings = get_settings()
    current = migrate.upgrade(settings, revision)
    url = make_url(settings.effective_database_url).render_as_string(hide_password=True)
    click.echo(f"database {url} at revision {current}")


@db.command()
@click.option("--revision", default="base", show_default=True, help="Revision to go down to; 'base' drops every table.")
@click.confirmation_option(prompt="This drops footprint tables and their data. Continue?")
@database_errors
def downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION (drops data)."""
    migrate.downgrade(get_settings(), revision)
    click.echo(f"database downgraded to {revision}")


@db.command()
@database_errors
def current() -> None:
    """Print the schema revision of the database and the newest one available."""
    click.echo(f"current: {migrate.current_revision() or 'empty'}")
    click.echo(f"head:    {migrate.head_revision()}")
