"""Facet counts over large results from an in-process copy of the facet table.

Counting facet values in SQL reads every facet row of every matching document through an
index and groups them as text: about half a microsecond per row, so a third of a second for a
search that matches 100,000 of the benchmark's 420,000 documents (700,000 facet rows). Here the
facet values of all documents sit in numpy arrays (ids, offsets, value codes); counting a result
is one gather and one bincount over its rows, in milliseconds.

The copy never goes stale for a document it holds: the index writes every change as a new
document (delete, then insert with a new id; ids are never reused, as SQLite's AUTOINCREMENT and
PostgreSQL's sequences guarantee), so the facets behind an id never change. A matching document
the copy does not know (written since it was taken) is counted in SQL, and once there are many
of those the copy is taken again. Deleted documents never match, so they cost nothing but room.
MAX_AGE bounds how long a copy lives anyway (a restored backup can bring back old ids with
other facets; restart the application after a restore, see docs/operations.md).
"""

import threading
import time
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import Count

from .models import SearchFacet

UNKNOWN_LIMIT = 5_000  # matched documents the copy does not know, before it is taken again
MAX_AGE = 3_600  # seconds
# Ids per IN list: one statement for any result under the copy's threshold and for up to
# UNKNOWN_LIMIT unknown documents, so list pages issue a constant number of queries (SQLite
# allows 32,766 parameters).
SQL_CHUNK = 10_000


@dataclass
class Snapshot:
    ids: np.ndarray  # document ids, ascending
    offsets: np.ndarray  # ids[i]'s facet codes are codes[offsets[i]:offsets[i + 1]]
    codes: np.ndarray
    keys: list[tuple[str, str]]  # code -> (name, value)
    taken: float

    def __len__(self) -> int:
        return len(self.ids)


_snapshot: Snapshot | None = None
_lock = threading.Lock()


def clear() -> None:
    global _snapshot
    _snapshot = None


def take() -> Snapshot:
    """Read every document's facets in one statement (a consistent view on both databases)."""
    sql = (
        "SELECT d.id, f.name, f.value FROM search_searchdocument d "
        "LEFT JOIN search_searchfacet f ON f.document_id = d.id ORDER BY d.id"
    )
    ids: list[int] = []
    starts: list[int] = []
    codes: list[int] = []
    code_of: dict[tuple[str, str], int] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(50_000):
            for document_id, name, value in rows:
                if not ids or ids[-1] != document_id:
                    ids.append(document_id)
                    starts.append(len(codes))
                if name is not None:
                    key = (name, value)
                    code = code_of.get(key)
                    if code is None:
                        code = code_of[key] = len(code_of)
                    codes.append(code)
    starts.append(len(codes))
    return Snapshot(
        ids=np.asarray(ids, dtype=np.int64),
        offsets=np.asarray(starts, dtype=np.int64),
        codes=np.asarray(codes, dtype=np.int32),
        keys=list(code_of),
        taken=time.monotonic(),
    )


def current(*, renew: bool = False) -> Snapshot:
    global _snapshot
    snap = _snapshot
    if snap is not None and not renew and time.monotonic() - snap.taken < MAX_AGE:
        return snap
    with _lock:
        if _snapshot is snap or _snapshot is None:  # nobody renewed it while we waited
            _snapshot = take()
        return _snapshot


def count(ids) -> dict[str, dict[str, int]]:
    """Facet value counts of these documents (distinct ids, in any order): {name: {value: n}}."""
    ids = np.asarray(ids, dtype=np.int64)
    snap = current()
    known, unknown = _split(snap, ids)
    if len(unknown) > UNKNOWN_LIMIT:
        snap = current(renew=True)
        known, unknown = _split(snap, ids)
    by_name: dict[str, dict[str, int]] = {}
    if len(known):
        starts, ends = snap.offsets[known], snap.offsets[known + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total:
            shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
            counts = np.bincount(snap.codes[np.arange(total) + shift], minlength=len(snap.keys))
            for code in np.flatnonzero(counts):
                name, value = snap.keys[code]
                by_name.setdefault(name, {})[value] = int(counts[code])
    return count_in_sql(unknown.tolist(), into=by_name)


def count_in_sql(ids: list[int], *, into: dict | None = None) -> dict[str, dict[str, int]]:
    """The same counts from the facet table (for small results and unknown documents)."""
    by_name: dict[str, dict[str, int]] = into if into is not None else {}
    for start in range(0, len(ids), SQL_CHUNK):
        rows = (
            SearchFacet.objects.filter(document_id__in=ids[start : start + SQL_CHUNK])
            .values("name", "value")
            .annotate(n=Count("id"))
        )
        for row in rows:
            values = by_name.setdefault(row["name"], {})
            values[row["value"]] = values.get(row["value"], 0) + row["n"]
    return by_name


def _split(snap: Snapshot, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions in the snapshot of the ids it holds, and the ids it does not hold."""
    if not len(snap.ids):
        return np.zeros(0, np.int64), ids
    pos = np.minimum(np.searchsorted(snap.ids, ids), len(snap.ids) - 1)
    held = snap.ids[pos] == ids
    return pos[held], ids[~held]
