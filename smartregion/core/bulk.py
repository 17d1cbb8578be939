"""Writing many changed rows at once.

Django's `bulk_update` builds one `CASE WHEN pk=… THEN …` expression per field and batch; its
cost grows with the batch and is mostly spent compiling the expressions in Python (measured on
the synergy refresh: 80 of 120 s of a full refresh of 3,000 organizations went to bulk_update
of 60,000 rows, bench/synergies_refresh.py under cProfile). One prepared UPDATE per row,
sent with executemany, does the same work on both databases without that overhead.
"""

from collections.abc import Iterable, Sequence

from django.db import connections, models, router


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
