"""Writing many changed rows at once.

Django's `bulk_update` builds one `CASE WHEN pk=… THEN …` expression per field and batch; its
cost grows with the batch and is mostly spent compiling the expressions in Python (measured on
the synergy refresh: 80 of 120 s of a full refresh of 3,000 organizations went to bulk_update
of 60,000 rows, bench/synergies_refresh.py under cProfile). One prepared UPDATE per row,
sent with executemany, does the same work on both databases without that overhead.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection as default_connection
from django.db import connections, models, router

# Page cache of a SQLite connection during a large write (LARGE_WRITE_CACHE_KIB, in KiB).
# Indexing 10,000 imported organizations into the 100,000-organization benchmark touches more
# than the connection's usual 64 MiB: from the 8,000th document on, each batch of 1,000 took
# 22 s instead of 1.4 s, re-reading evicted pages; with 256 MiB all ten took 1.3-1.5 s.
LARGE_WRITE_CACHE_KIB = 262_144


def update_rows(objs: Sequence[models.Model], fields: Iterable[str]) -> int:
    """Write `fields` of these saved objects (no signals, no save()); returns the rows sent."""
    if not objs:
        return 0
    model = type(objs[0])
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    db = router.db_for_write(model)
    connection = connections[db]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608 - names from the model
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)


def insert_rows(model: type[models.Model], fields: Sequence, rows: Iterable[Sequence]) -> None:
    """INSERT prepared values of `fields` (model fields): no model instances, no per-value
    compiling (bulk_create's cost at hundreds of thousands of rows).

    PostgreSQL: one executemany (psycopg pipelines it). SQLite: as few multi-row statements as
    its parameter limit allows, not one statement per row. SQLite wraps every statement in a
    savepoint, and at each savepoint FTS5 writes what it has pending as a new segment of the
    full-text index, which it then has to merge: 1,000 search documents took 2.3 s with
    executemany and 0.1 s in one statement (the 100,000-organization benchmark, SQLite 3.40).
    """
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608 - names from the model
    rows = list(rows)
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            cursor.executemany(sql + placeholders, rows)
            return
        per = max(1, _sqlite_max_params(connection) // max(1, len(fields)))
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            cursor.execute(
                sql + ", ".join([placeholders] * len(chunk)), [v for row in chunk for v in row]
            )


def _sqlite_max_params(connection) -> int:
    """The connection's limit of bound parameters per statement (32,766 since SQLite 3.32)."""
    import sqlite3

    connection.ensure_connection()
    return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


@contextmanager
def large_write() -> Iterator[None]:
    """A bigger SQLite page cache for one large transaction (an import, an index rebuild), back
    to the usual size afterwards; nothing on PostgreSQL, whose cache is the server's."""
    if default_connection.vendor != "sqlite":
        yield
        return
    with default_connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        usual = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size=-{LARGE_WRITE_CACHE_KIB}")
    try:
        yield
    finally:
        with default_connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size={int(usual)}")
