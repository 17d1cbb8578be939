"""The one search function behind /suche/, the map, the lists and /api/v1/search.

The SQL below is composed only from fixed fragments and Django's own compiled SQL; everything a
user typed travels as a query parameter (hence the S608 exemptions).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from . import facetcounts, index, text
from .models import SearchDocument, SearchFacet, ZeroResultSearch
from .postings import BODY_WEIGHT, TITLE_WEIGHT

MAX_PAGE_SIZE = 100
# Facet counts are the expensive part of a large search in SQL (half a microsecond per facet
# row: a third of a second for 100,000 matches). From this many matches on they come from the
# in-process copy of the facets (search.facetcounts); below, SQL is as fast and needs no copy.
FACET_COPY_THRESHOLD = 2_000


@dataclass
class Hit:
    type: str
    type_label: str
    object_id: int
    title: str
    url: str
    snippet: SafeString
    score: float
    municipality: str
    lat: float | None
    lon: float | None


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    query: str
    count: int
    page: int
    page_size: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    filters: dict[str, list[str]]
    fuzzy: bool = False  # results from the typo-tolerant fallback, not the full-text index

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


@dataclass
class Facet:
    name: str
    label: Callable[[], str]
    resolve: Callable[[list[str]], dict[str, str]]  # values -> display labels
    order: int = 100


_facets: dict[str, Facet] = {}


def register_facet(name: str, *, label, resolve, order: int = 100) -> None:
    _facets[name] = Facet(name, label, resolve, order)


def facets() -> list[Facet]:
    return sorted(_facets.values(), key=lambda f: f.order)


def _type_labels(values: list[str]) -> dict[str, str]:
    return {reg.type: str(reg.label()) for reg in index.registrations() if reg.type in values}


register_facet("type", label=lambda: _("Art des Eintrags"), resolve=_type_labels, order=0)


@dataclass
class Sort:
    """An order other than title or newest, by a facet whose values sort as text (a count
    written with leading zeros, "000042"), highest first; lists offer it where they name it."""

    key: str
    label: Callable[[], str]
    facet: str


_sorts: dict[str, Sort] = {}


def register_sort(key: str, *, label, facet: str) -> None:
    _sorts[key] = Sort(key, label, facet)


def sort_for(key: str) -> Sort | None:
    return _sorts.get(key)


def _ordered(base, sort: str):
    if sort == "neu":
        return base.order_by("-updated_at", "-id")
    if (by := _sorts.get(sort)) is not None:
        value = SearchFacet.objects.filter(document=OuterRef("pk"), name=by.facet).values("value")
        return base.annotate(sort_key=Subquery(value[:1])).order_by(
            F("sort_key").desc(nulls_last=True), "sort_title", "id"
        )
    return base.order_by("sort_title", "id")


def clean_filters(raw: dict) -> dict[str, list[str]]:
    """Keep only known facets and sane values (from a QueryDict or a dict of lists)."""
    cleaned: dict[str, list[str]] = {}
    for name in _facets:
        values = raw.getlist(name) if hasattr(raw, "getlist") else raw.get(name, [])
        if isinstance(values, str):
            values = [values]
        values = [str(v).strip()[:80] for v in values if str(v).strip()][:20]
        if values:
            cleaned[name] = sorted(set(values))
    return cleaned


# --- the two databases' full-text matching ---------------------------------------------------


def _match_sql(stems: list[str]) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"'{s}':*" for s in stems)
        return (
            "SELECT d.id, ts_rank_cd(d.vector, q.query) AS rank "
            "FROM search_searchdocument d, to_tsquery('simple', %s) AS q(query) "
            "WHERE d.vector @@ q.query",
            [tsquery],
        )
    match = " ".join(f'"{s}"*' for s in stems)
    # bm25 is lower-is-better; negated so that both databases rank higher-is-better.
    return (
        f"SELECT rowid AS id, -bm25(search_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS rank "  # noqa: S608
        "FROM search_fts WHERE search_fts MATCH %s",
        [match],
    )


def _fuzzy_sql(query: str, stems: list[str], copy=None) -> tuple[str, list] | None:
    """Typo tolerance on PostgreSQL (pg_trgm word similarity on titles); none on SQLite. Only
    for a query with a word that no document has: where every word is known, nothing was
    found because of the filters or of the words' combination, which a typo does not explain
    (and the similarity search over every title costs hundreds of milliseconds). copy: the
    exact copy, if the caller has it (else it is looked up)."""
    if connection.vendor != "postgresql" or not _an_unknown_word(stems, copy):
        return None
    q = query.lower()[:100]
    return (
        "SELECT d.id, word_similarity(%s, lower(d.title)) AS rank "
        "FROM search_searchdocument d WHERE %s <%% lower(d.title)",
        [q, q],
    )


def _an_unknown_word(stems: list[str], copy=None) -> bool:
    """Whether one of the stems (as a prefix) is in no document at all; the copy knows, if it
    is exact, else the database's index (one lookup per word)."""
    if copy is None:
        copy = facetcounts.exact()
    if copy is not None and copy.postings is not None:
        return not all(copy.postings.knows(stem) for stem in stems)
    with connection.cursor() as cursor:
        for stem in stems:
            match_sql, params = _match_sql([stem])
            cursor.execute(f"SELECT EXISTS ({match_sql})", params)
            if not cursor.fetchone()[0]:
                return True
    return False


def _base(filters: dict[str, list[str]]):
    today = timezone.localdate()
    qs = SearchDocument.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    for name, values in filters.items():
        if name == "type":  # the document's own indexed column; the facet row only counts
            qs = qs.filter(type__in=values)
            continue
        qs = qs.filter(
            id__in=SearchFacet.objects.filter(name=name, value__in=values).values("document_id")
        )
    return qs


def search(
    query: str = "",
    *,
    filters: dict | None = None,
    page: int = 1,
    page_size: int = 20,
    sort: str = "",
    log: bool | Callable[[], bool] = True,  # a callable decides when nothing was found
) -> SearchResult:
    filters = clean_filters(filters or {})
    query = (query or "").strip()[:200]
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    page = max(1, int(page))
    stems = text.query_stems(query)
    base = _base(filters)
    fuzzy = False
    ranked_ids: list[tuple[int, float]]
    if stems:
        # One pass: every match with its rank; the count, the facets and the page come from it.
        # While no change of the index has committed since the copy was taken, from the copy.
        copy, today = facetcounts.exact(), timezone.localdate()
        found = copy.search(stems, filters, today) if copy is not None else None
        if found is not None:
            ids, ranks, selected = found
        else:
            ids, ranks = _matches(*_matching(base, filters, *_match_sql(stems)))
        if not len(ids) and (fuzzy_sql := _fuzzy_sql(query, stems, copy)):
            # With the copy, the typo matches are filtered (and expired ones left out) by it:
            # the database's filter per match multiplies the similarity search's cost (2.1 s
            # instead of 0.11 s for one municipality at 100,000 organizations).
            if found is not None:
                found = copy.keep(*_matches(*fuzzy_sql), filters, today)
            if found is not None:
                ids, ranks, selected = found
            else:
                ids, ranks = _matches(*_matching(base, filters, *fuzzy_sql))
            fuzzy = bool(len(ids))
        ranked_ids = _page(ids, ranks, page, page_size)
        count = len(ids)
        facet_counts = copy.count_selected(selected) if found is not None else count_facets(ids)
    elif sort in ("", "neu") and (copy := facetcounts.exact()) is not None:
        # A list without a search word, and no change of the index since the copy was taken:
        # the copy knows every document, so nothing but the page's own rows is read.
        selected = copy.select(filters, timezone.localdate())
        count, facet_counts = int(selected.sum()), copy.count_selected(selected)
        ranked_ids = [(pk, 0.0) for pk in copy.page(selected, sort == "neu", page, page_size)]
    else:
        ids = document_ids(base)
        ranked_ids = [
            (pk, 0.0)
            for pk in _ordered(base, sort).values_list("id", flat=True)[
                (page - 1) * page_size : page * page_size
            ]
        ]
        count, facet_counts = len(ids), count_facets(ids)
    documents = SearchDocument.objects.in_bulk([pk for pk, _ in ranked_ids])
    labels = {reg.type: str(reg.label()) for reg in index.registrations()}
    hits = [
        Hit(
            type=doc.type,
            type_label=labels.get(doc.type, doc.type),
            object_id=doc.object_id,
            title=doc.title,
            url=doc.url,
            snippet=text.highlight(doc.text, stems),
            score=round(float(score), 4),
            municipality=doc.municipality,
            lat=doc.lat,
            lon=doc.lon,
        )
        for pk, score in ranked_ids
        if (doc := documents.get(pk)) is not None
    ]
    result = SearchResult(
        query=query,
        count=count,
        page=page,
        page_size=page_size,
        hits=hits,
        facets=facet_values(facet_counts, filters),
        filters=filters,
        fuzzy=fuzzy,
    )
    if log and query and count == 0 and (log is True or log()):
        ZeroResultSearch.objects.create(query=query.lower(), filters=filters)
    return result


def count_facets(ids) -> dict[str, dict[str, int]]:
    """Facet value counts of these documents (a list or an array of ids): {name: {value: n}}.
    Small results are counted in SQL; large ones from the in-process copy of the facets
    (facetcounts), which is taken when the first large result needs it."""
    if len(ids) < FACET_COPY_THRESHOLD:
        return facetcounts.count_in_sql(np.asarray(ids, dtype=np.int64).tolist())
    return facetcounts.count(ids)


def facet_values(by_name: dict[str, dict[str, int]], filters) -> dict[str, list[FacetValue]]:
    out: dict[str, list[FacetValue]] = {}
    for facet in facets():
        counts = by_name.get(facet.name, {})
        selected = set(filters.get(facet.name, []))
        values = sorted(set(counts) | selected)
        if not values:
            continue
        labels = facet.resolve(values)
        out[facet.name] = sorted(
            (
                FacetValue(v, labels.get(v, v), counts.get(v, 0), v in selected)
                for v in values
                if v in labels or v in selected
            ),
            key=lambda fv: (-fv.count, fv.label.lower()),
        )
    return out


def _matching(base, filters, match_sql: str, match_params: list) -> tuple[str, list]:
    """The matches that pass the filters: (id, rank) rows.

    Without filters only expired documents are left out, by an anti-join against their few
    ids (computed once). With filters, a correlated EXISTS per match, not `m.id IN (<all
    documents that pass the filters>)`: SQLite pushes such an IN list into FTS5 as one rowid
    lookup per listed document (hundreds of thousands of them; minutes at 100,000
    organizations). The EXISTS probes one primary key per match: at 100,000 matches about
    80 ms more than the anti-join, which is why filter-free searches do without it."""
    if not filters:
        expired = "SELECT id FROM search_searchdocument WHERE valid_until < %s"
        sql = f"SELECT m.id, m.rank FROM ({match_sql}) m WHERE m.id NOT IN ({expired})"  # noqa: S608
        return sql, [*match_params, timezone.localdate()]
    ids_sql, ids_params = base.filter(id=RawSQL("m.id", [])).values("id").query.sql_with_params()
    sql = f"SELECT m.id, m.rank FROM ({match_sql}) m WHERE EXISTS ({ids_sql})"  # noqa: S608
    return sql, [*match_params, *ids_params]


def _page(ids: np.ndarray, ranks: np.ndarray, page: int, page_size: int) -> list[tuple[int, float]]:
    """One page of the matches by rank, best first; equal ranks by id (as ORDER BY rank DESC,
    id would give). Sorts only what can be on this page or before it."""
    end = page * page_size
    if len(ranks) > end:
        cutoff = np.partition(ranks, len(ranks) - end)[len(ranks) - end]  # the end-th best rank
        best = np.flatnonzero(ranks >= cutoff)
        ids, ranks = ids[best], ranks[best]
    order = np.lexsort((ids, -ranks))[end - page_size : end]
    return [(int(ids[i]), float(ranks[i])) for i in order]


def document_ids(documents) -> list[int]:
    """The ids of a SearchDocument queryset, read through the cursor: at 100,000 documents the
    ORM's row per document costs more than the query."""
    sql, params = documents.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _matches(sql: str, params: list) -> tuple[np.ndarray, np.ndarray]:
    """The (id, rank) rows of a match query as two arrays. At 108,000 matches on SQLite this
    takes 12 ms; building a Python pair per row and reading the ids and ranks out of the pairs
    again took 50 ms, and zip(*rows) 97 ms."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    ranks = np.fromiter((row[1] for row in rows), dtype=np.float64, count=len(rows))
    return ids, ranks
