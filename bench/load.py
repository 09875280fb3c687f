"""Loading rows into MariaDB: the bulk upsert versus a plain ``executemany`` and row-by-row ORM adds.

All methods write the same ``digital_footprints`` rows into a fresh database each, in batches of
``load_batch_size`` rows (500 by default) with one commit per batch, so that they differ only in
how the rows reach the server:

- bulk upsert: :func:`footprint.store.upsert.bulk_upsert`, one multi-row
  INSERT ... ON DUPLICATE KEY UPDATE per batch, through SQLAlchemy Core;
- executemany: the DB-API cursor's ``executemany`` of a plain INSERT, which mysqlclient sends as
  one multi-row INSERT per batch;
- ORM: ``session.add`` and ``session.flush`` per row, one INSERT per row;
- bulk upsert again over the rows already present, which updates every row (the second scan).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bench.context import Context
from bench.results import Result, Target, skipped
from bench.services import mysql_database

logger = logging.getLogger(__name__)

#: The bulk upsert keeps at least 80% of the rate of a plain executemany.
TARGET = Target(">=", 0.8)

#: Columns the loader updates on a duplicate footprint (as in footprint.store.loader.load_decisions).
UPDATE_COLUMNS = ["footprint_type", "category", "verified", "url", "title", "excerpt", "media_sha256", "last_seen_at"]


def footprint_rows(count: int, source_id: int) -> list[dict[str, Any]]:
    """Return ``count`` deterministic ``digital_footprints`` rows shaped like the loader's."""
    start = datetime(2025, 3, 1, 12, 0, 0)
    rows = []
    for number in range(count):
        key = hashlib.sha256(f"bench footprint {number}".encode()).hexdigest()
        rows.append({
            "natural_key": key, "source_id": source_id, "footprint_type": ("post", "profile", "result")[number % 3],
            "category": ("social_media", "news", "directory")[number % 3], "verified": number % 2 == 0,
            "url": f"https://facebook.com/user.{number}/posts/{number * 7}",
            "title": f"Post number {number} about a city council meeting and a neighbourhood fair",
            "excerpt": ("Saw the new library opening downtown today, great turnout and a long line for coffee. " * 3)[:240],
            "media_sha256": hashlib.sha256(f"media {number}".encode()).hexdigest() if number % 3 == 0 else None,
            "first_seen_at": start + timedelta(seconds=number), "last_seen_at": start + timedelta(seconds=number),
        })
    return rows


def _prepare(database_url: str):
    """Create the schema and one source in a fresh database; return (settings, engine, source id)."""
    from config.settings import Settings
    from footprint.store import migrate
    from footprint.store.engine import get_engine
    from footprint.store.loader import ensure_sources

    settings = Settings(database_url=database_url)
    migrate.upgrade(settings)
    engine = get_engine(settings)
    with engine.connect() as connection:
        source_id = ensure_sources(connection, ["facebook"])["facebook"]
        connection.commit()
    return settings, engine, source_id


def _bulk_upsert(engine, rows: list[dict[str, Any]], batch_size: int) -> None:
    from footprint.store.models import DigitalFootprint
    from footprint.store.upsert import bulk_upsert

    with engine.connect() as connection:
        bulk_upsert(connection, DigitalFootprint.__table__, rows, keys=["natural_key"], update=UPDATE_COLUMNS,
                    batch_size=batch_size)


def _executemany(engine, rows: list[dict[str, Any]], batch_size: int) -> None:
    columns = list(rows[0])
    statement = (f"INSERT INTO digital_footprints ({', '.join(columns)}) "
                 f"VALUES ({', '.join(['%s'] * len(columns))})")
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        for offset in range(0, len(rows), batch_size):
            cursor.executemany(statement, [tuple(row[name] for name in columns) for row in rows[offset:offset + batch_size]])
            connection.commit()
        cursor.close()
    finally:
        connection.close()


def _orm(engine, rows: list[dict[str, Any]], batch_size: int) -> None:
    from sqlalchemy.orm import Session

    from footprint.store.models import DigitalFootprint

    with Session(engine) as session:
        for number, row in enumerate(rows, start=1):
            session.add(DigitalFootprint(**row))
            session.flush()
            if number % batch_size == 0:
                session.commit()
        session.commit()


def _count(engine) -> int:
    from sqlalchemy import text

    with engine.connect() as connection:
        return connection.execute(text("SELECT COUNT(*) FROM digital_footprints")).scalar_one()


def _time_method(context: Context, method: Callable, count: int, repeat_upsert: bool = False) -> dict[str, float]:
    from footprint.store.engine import dispose_engines

    with mysql_database(context.options.mysql_url) as database_url:
        try:
            settings, engine, source_id = _prepare(database_url)
            rows = footprint_rows(count, source_id)
            started = time.perf_counter()
            method(engine, rows, settings.load_batch_size)
            seconds = {"first": time.perf_counter() - started}
            if repeat_upsert:
                started = time.perf_counter()
                method(engine, rows, settings.load_batch_size)
                seconds["again"] = time.perf_counter() - started
            loaded = _count(engine)
            if loaded != count:
                raise RuntimeError(f"{method.__name__} left {loaded} rows instead of {count}")
        finally:
            dispose_engines()
    return seconds


def run(context: Context) -> list[Result]:
    """Time each loading method and report rows per second, best of the rounds."""
    if problem := context.mysql_problem():
        return [skipped("load", problem)]
    count = context.options.rows
    best: dict[str, float] = {}
    rounds = []
    for _ in range(context.options.rounds):
        measured = {
            "executemany": _time_method(context, _executemany, count)["first"],
            **{f"bulk_upsert_{name}": value
               for name, value in _time_method(context, _bulk_upsert, count, repeat_upsert=True).items()},
            "orm": _time_method(context, _orm, count)["first"],
        }
        rounds.append(measured)
        for name, seconds in measured.items():
            best[name] = min(seconds, best.get(name, float("inf")))
        logger.info("load round: %s", {name: round(value, 3) for name, value in measured.items()})
    rates = {name: count / seconds for name, seconds in best.items()}
    context.details["load"] = {"rows": count, "rounds": rounds, "rows_per_s": rates}

    note = f"{count} rows into digital_footprints, best of {context.options.rounds} rounds"
    upsert = rates["bulk_upsert_first"]
    return [
        Result("load", "bulk upsert vs executemany", upsert, "rows/s", rates["executemany"],
               upsert / rates["executemany"], TARGET, note),
        Result("load", "bulk upsert vs row-by-row ORM", upsert, "rows/s", rates["orm"], upsert / rates["orm"], note=note),
        Result("load", "bulk upsert over present rows vs executemany", rates["bulk_upsert_again"], "rows/s",
               rates["executemany"], rates["bulk_upsert_again"] / rates["executemany"],
               note="every row exists, so every row is updated"),
    ]
