"""Dialect-aware bulk upsert: INSERT ... ON DUPLICATE KEY UPDATE on MySQL, ON CONFLICT on SQLite.

Rows go in batches, one multi-row statement and one transaction per batch, never as row-by-row ORM
adds. Re-running the same upsert leaves the table as it was, which makes a redelivered task safe.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import mysql, sqlite

#: Rows per statement when the caller gives no batch size.
DEFAULT_BATCH_SIZE = 500


def batched(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """Yield lists of at most ``size`` rows."""
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def upsert_statement(connection: Connection, table: Table, keys: Sequence[str], update: Sequence[str]):
    """Build an insert on ``table`` that updates ``update`` columns when ``keys`` already exist.

    With no ``update`` columns an existing row is left untouched (insert-or-ignore).
    """
    dialect = connection.dialect.name
    if dialect == "sqlite":
        statement = sqlite.insert(table)
        if update:
            return statement.on_conflict_do_update(
                index_elements=list(keys), set_={name: statement.excluded[name] for name in update}
            )
        return statement.on_conflict_do_nothing(index_elements=list(keys))

    if dialect in ("mysql", "mariadb"):
        statement = mysql.insert(table)
        # Assigning a key column to itself is MySQL's idiom for "ignore the duplicate" without
        # INSERT IGNORE, which would also swallow unrelated errors such as truncation.
        columns = list(update) or [keys[0]]
        return statement.on_duplicate_key_update({name: statement.inserted[name] for name in columns})

    raise ValueError(f"bulk upsert is not supported on the {dialect!r} database; use SQLite or MySQL/MariaDB")


def bulk_upsert(
    connection: Connection,
    table: Table,
    rows: Iterable[dict[str, Any]],
    *,
    keys: Sequence[str],
    update: Sequence[str] = (),
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> int:
    """Upsert ``rows`` into ``table`` in batches and return how many rows were sent.

    Each batch is its own transaction when ``connection`` is not already in one (the caller's
    transaction is used otherwise).
    """
    sent = 0
    statement = upsert_statement(connection, table, keys, update)
    for batch in batched(rows, batch_size):
        if connection.in_transaction():
            connection.execute(statement, batch)
        else:
            with connection.begin():
                connection.execute(statement, batch)
        sent += len(batch)
    return sent
