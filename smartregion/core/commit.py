"""Work that runs once when the current transaction commits, however often it is asked for."""

from typing import TypeVar

from django.db import transaction

T = TypeVar("T")


def once_on_commit(kind: type[T]) -> tuple[T, bool]:
    """The callback of class `kind` that runs when the current transaction commits: the one
    already registered, or a new one registered now (a callback registered in a savepoint that
    was rolled back is gone with it; then a new one is registered). Outside a transaction the
    second value is True: nothing is registered, the caller runs the callback itself."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return kind(), True
    for _savepoints, callback, *_ in connection.run_on_commit:
        if isinstance(callback, kind):
            return callback, False
    callback = kind()
    transaction.on_commit(callback)
    return callback, False
