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

The copy also holds each document's type, expiry date and places in the lists' two orders, and
the IndexVersion it was taken at. While that version is still the current one, no change of
the index has committed since, and a list without a search word (/akteure/, filters only) is
answered from the copy alone: its ids, count, facets and page, without reading 100,000 ids
from the database. Once the version has moved on, lists take the SQL path again until a
fresh copy is taken in the background (at most once every RENEW_INTERVAL seconds).
"""

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.db import connection
from django.db.models import Count

from .models import IndexVersion, SearchFacet
from .postings import Postings, plain

logger = logging.getLogger(__name__)

UNKNOWN_LIMIT = 5_000  # matched documents the copy does not know, before it is taken again
MAX_AGE = 3_600  # seconds
# Ids per IN list: one statement for any result under the copy's threshold and for up to
# UNKNOWN_LIMIT unknown documents, so list pages issue a constant number of queries (SQLite
# allows 32,766 parameters).
SQL_CHUNK = 10_000
RENEW_INTERVAL = 60  # seconds: the least age of a copy before a stale one is taken again
BACKGROUND = True  # take stale copies again in a thread (the tests take them in their own)
NO_EXPIRY = np.iinfo(np.int32).max


@dataclass
class Snapshot:
    ids: np.ndarray  # document ids, ascending
    offsets: np.ndarray  # ids[i]'s facet codes are codes[offsets[i]:offsets[i + 1]]
    codes: np.ndarray
    keys: list[tuple[str, str]]  # code -> (name, value)
    taken: float
    version: int | None = None  # the IndexVersion it shows; None: not known to be exact
    # Per document (the lists' path): type code, expiry as a day number, places in the orders
    # by title and by newest.
    types: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    valid_until: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    title_order: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    newest_order: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    type_names: list[str] = field(default_factory=list)
    postings: Postings | None = None  # the documents' words (searches with a search word)

    def __post_init__(self):
        self.code_of = {key: code for code, key in enumerate(self.keys)}
        # The same rows inverted, by value: code c's documents (positions, ascending) are
        # value_documents[value_starts[c]:value_starts[c + 1]]. A filter reads only the
        # documents of its chosen values, not every facet row.
        row_document = np.repeat(np.arange(len(self.ids), dtype=np.int32), np.diff(self.offsets))
        self.value_documents = row_document[np.argsort(self.codes, kind="stable")]
        self.value_starts = np.zeros(len(self.keys) + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.codes, minlength=len(self.keys)), out=self.value_starts[1:])

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        arrays = (self.ids, self.offsets, self.codes, self.value_documents, self.value_starts,
                  self.types, self.valid_until, self.title_order, self.newest_order)  # fmt: skip
        return sum(a.nbytes for a in arrays) + (self.postings.nbytes if self.postings else 0)

    def select(self, filters: dict[str, list[str]], today: date) -> np.ndarray:
        """The documents a list without a search word shows: not expired, of the filtered types,
        with one of the chosen values of each filtered facet (search.query._base in SQL)."""
        mask = self.valid_until >= today.toordinal()
        for name, values in filters.items():
            if name == "type":
                wanted = [i for i, t in enumerate(self.type_names) if t in values]
                mask &= np.isin(self.types, wanted)
                continue
            has = np.zeros(len(self.ids), dtype=bool)
            for value in values:
                code = self.code_of.get((name, value))
                if code is not None:
                    has[
                        self.value_documents[self.value_starts[code] : self.value_starts[code + 1]]
                    ] = True
            mask &= has
        return mask

    def search(self, stems: list[str], filters: dict[str, list[str]], today: date):
        """A search with a search word from the copy: (ids, ranks, selected mask) of the
        documents that have every stem and pass the filters, ids ascending; None where the
        copy cannot answer as the database would (search.postings.plain)."""
        if self.postings is None or not plain(stems):
            return None
        found, score = self.postings.rank(stems)
        return self._filtered(found, score, filters, today)

    def keep(self, ids: np.ndarray, ranks: np.ndarray, filters: dict[str, list[str]], today: date):
        """Of the database's matches (ids in any order), the ones that pass the filters: (ids,
        ranks, selected mask) as search gives them; None if the copy lacks one of them."""
        if not len(self.ids):
            return None if len(ids) else (ids, ranks, np.zeros(0, dtype=bool))
        positions = np.minimum(np.searchsorted(self.ids, ids), len(self.ids) - 1)
        if not np.array_equal(self.ids[positions], ids):
            return None
        return self._filtered(positions, ranks, filters, today)

    def _filtered(self, positions, ranks, filters, today):
        selected = np.zeros(len(self.ids), dtype=bool)
        selected[positions] = True
        selected &= self.select(filters, today)
        keep = selected[positions]
        return self.ids[positions[keep]], ranks[keep], selected

    def count_selected(self, mask: np.ndarray) -> dict[str, dict[str, int]]:
        """Facet value counts of the selected documents. Where most are selected, the
        unselected ones are counted and taken from the counts of all documents."""
        if 2 * int(np.count_nonzero(mask)) <= len(mask):
            return self._by_name(self._counts_at(np.flatnonzero(mask)))
        return self._by_name(np.diff(self.value_starts) - self._counts_at(np.flatnonzero(~mask)))

    def count_at(self, positions: np.ndarray) -> dict[str, dict[str, int]]:
        return self._by_name(self._counts_at(positions))

    def _counts_at(self, positions: np.ndarray) -> np.ndarray:
        """Per code, the facet rows of the documents at these positions: one gather of their
        rows (by offsets, so it costs their rows, not all rows) and one bincount."""
        starts = self.offsets[positions]
        lengths = self.offsets[positions + 1] - starts
        total = int(lengths.sum())
        shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        rows = self.codes[np.arange(total, dtype=np.int64) + shift]
        return np.bincount(rows, minlength=len(self.keys))

    def page(self, mask: np.ndarray, newest: bool, page: int, page_size: int) -> list[int]:
        """The ids of one page of the selected documents, by title or newest first (the order
        of search.query._ordered, taken with the copy)."""
        places = (self.newest_order if newest else self.title_order)[mask]
        ids = self.ids[mask]
        end = page * page_size
        if len(places) > end:
            first = np.argpartition(places, end - 1)[:end]
            places, ids = places[first], ids[first]
        return ids[np.argsort(places)][end - page_size : end].tolist()

    def _by_name(self, counts: np.ndarray) -> dict[str, dict[str, int]]:
        by_name: dict[str, dict[str, int]] = {}
        for code in np.flatnonzero(counts):
            name, value = self.keys[code]
            by_name.setdefault(name, {})[value] = int(counts[code])
        return by_name


_snapshot: Snapshot | None = None
_lock = threading.Lock()
_renewing = threading.Event()


def clear() -> None:
    global _snapshot
    _snapshot = None


def version() -> int | None:
    return IndexVersion.objects.filter(pk=1).values_list("version", flat=True).first()


def take() -> Snapshot:
    """Read every document's facets and list attributes. The copy is exact (knows its version)
    when the IndexVersion is the same before and after: then no change committed while it was
    read. Each statement sees one consistent state on both databases, so the facet counts by
    id are right either way."""
    for _ in range(3):
        before = version()
        snap = _read()
        if before is not None and version() == before:
            snap.version = before
            return snap
    return snap  # the index changes faster than it can be read: not exact, counts still right


def _read() -> Snapshot:
    facets = (
        "SELECT d.id, f.name, f.value FROM search_searchdocument d "
        "LEFT JOIN search_searchfacet f ON f.document_id = d.id ORDER BY d.id"
    )
    attributes = (
        "SELECT id, type, valid_until, "
        "row_number() OVER (ORDER BY sort_title, id), "
        "row_number() OVER (ORDER BY updated_at DESC, id DESC) "
        "FROM search_searchdocument ORDER BY id"
    )
    ids: list[int] = []
    starts: list[int] = []
    codes: list[int] = []
    code_of: dict[tuple[str, str], int] = {}
    with connection.cursor() as cursor:
        cursor.execute(facets)
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
        snap = Snapshot(
            ids=np.asarray(ids, dtype=np.int64),
            offsets=np.asarray(starts, dtype=np.int64),
            codes=np.asarray(codes, dtype=np.int32),
            keys=list(code_of),
            taken=time.monotonic(),
        )
        cursor.execute(attributes)
        _read_attributes(snap, cursor.fetchall())
        cursor.execute("SELECT id, title_terms, body_terms FROM search_searchdocument ORDER BY id")
        snap.postings = Postings.build(
            _positioned(snap.ids, cursor), len(snap.ids), fold=connection.vendor == "sqlite"
        )
    return snap


def _positioned(ids: np.ndarray, cursor):
    """(position in the copy, title_terms, body_terms) of the rows the copy holds."""
    while rows := cursor.fetchmany(20_000):
        found = np.searchsorted(ids, np.fromiter((r[0] for r in rows), np.int64, len(rows)))
        for i, (document_id, title_terms, body_terms) in zip(found.tolist(), rows, strict=True):
            if i < len(ids) and ids[i] == document_id:
                yield i, title_terms, body_terms


def _read_attributes(snap: Snapshot, rows: list[tuple]) -> None:
    """Type, expiry and order places per document of the copy; a document written between the
    two statements is missing from one of them, which only matters to an exact copy, and an
    exact copy has none."""
    n = len(snap.ids)
    type_code: dict[str, int] = {}
    types = np.full(n, -1, dtype=np.int8)
    valid = np.full(n, NO_EXPIRY, dtype=np.int32)
    title_order = np.zeros(n, dtype=np.int32)
    newest_order = np.zeros(n, dtype=np.int32)
    found = np.searchsorted(snap.ids, np.fromiter((r[0] for r in rows), np.int64, len(rows)))
    for i, (document_id, type_name, valid_until, by_title, by_newest) in zip(
        found.tolist(), rows, strict=True
    ):
        if i >= n or snap.ids[i] != document_id:
            continue
        types[i] = type_code.setdefault(type_name, len(type_code))
        if valid_until is not None:
            if isinstance(valid_until, str):  # SQLite through the raw cursor
                valid_until = date.fromisoformat(valid_until)
            valid[i] = valid_until.toordinal()
        title_order[i] = by_title
        newest_order[i] = by_newest
    snap.types, snap.valid_until = types, valid
    snap.title_order, snap.newest_order = title_order, newest_order
    snap.type_names = list(type_code)


def exact() -> Snapshot | None:
    """The copy, if no change of the index has committed since it was taken. A stale copy (or
    one past MAX_AGE, or one not known to be exact) is taken again in the background, at most
    once every RENEW_INTERVAL seconds; there is none before the first large search."""
    snap = _snapshot
    if snap is None:
        return None
    age = time.monotonic() - snap.taken
    if age < MAX_AGE and snap.version is not None and version() == snap.version:
        return snap
    if BACKGROUND and age >= RENEW_INTERVAL:
        _renew_in_background()
    return None


def _renew_in_background() -> None:
    if _renewing.is_set():
        return
    _renewing.set()

    def run():
        global _snapshot
        try:
            fresh = take()
            with _lock:
                _snapshot = fresh
        except Exception:  # the SQL path goes on answering; the next stale request retries
            logger.exception("taking the search copy again failed")
        finally:
            _renewing.clear()
            connection.close()  # this thread's own connection

    threading.Thread(target=run, name="search-copy", daemon=True).start()


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
    return count_in_sql(unknown.tolist(), into=snap.count_at(known))


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
