"""What the map shows: the published organizations, offers and projects that match the /suche/
filters.

Matching reuses the search module's own filtering and full-text SQL (search.query), so the map,
its list alternative and /suche/ always agree on what a query finds. Unlike search(), which
returns one ranked page, the map needs every hit at once, so this module builds a queryset of
SearchDocument rows and reads it with values_list(): at 100,000 organizations no model instance
is created and the JSON is assembled from pre-encoded pieces.

The finished collection is kept gzip-compressed in the cache for a few minutes, keyed by the
language, the filters and a stamp of the index (its count of committed changes), so a newly
published, edited or removed entry shows at once on the server; browsers may keep a response
for up to CACHE_SECONDS (Cache-Control).
"""

import gzip
import hashlib
import json
from json.encoder import encode_basestring  # the C string encoder behind json.dumps

from django.core.cache import cache
from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils.translation import get_language

from smartregion.organizations.models import Offer, Organization
from smartregion.projects.models import Project
from smartregion.search import query as search_query
from smartregion.search import text
from smartregion.search.models import IndexVersion, SearchDocument, SearchFacet

# Needs have no place of their own; they show on their organization's profile.
# Projects sit at the centre of one of their municipalities (see projects/search.py).
MAP_TYPES = ("organization", "offer", "project")
KIND_FACETS = ("kind", "offer_kind", "phase")  # each document has exactly one of them
CACHE_SECONDS = 300


TRUE_VALUES = {"ja", "true", "1", "yes", "on"}


def clean(raw) -> tuple[str, dict[str, list[str]]]:
    """The query and the known facet filters (from a QueryDict or a dict of lists), read as
    /suche/ reads them; `member` also takes `true` like the rest of the API."""
    query = str(raw.get("q", "") or "").strip()[:200]
    filters = search_query.clean_filters(raw)
    if "member" in filters:
        filters["member"] = sorted(
            {"ja" if v.lower() in TRUE_VALUES else v for v in filters["member"]}
        )
    return query, filters


def matching(query: str, filters: dict[str, list[str]]) -> QuerySet:
    """SearchDocuments of the map's types that /suche/ would find for query and filters."""
    filters = dict(filters)
    # The type facet is the document's own column: filter it directly, not through the facets.
    types = [t for t in filters.pop("type", MAP_TYPES) if t in MAP_TYPES]
    base = search_query._base(filters).filter(type__in=types)
    stems = text.query_stems(query)
    if not stems:
        return base
    match_sql, params = search_query._match_sql(stems)
    found = base.filter(id__in=RawSQL(f"SELECT m.id FROM ({match_sql}) m", params))  # noqa: S608, S611
    # Like search(): when nothing matches exactly, PostgreSQL retries typo-tolerantly.
    if not found.exists() and (fuzzy := search_query._fuzzy_sql(query, stems)):
        fuzzy_sql, params = fuzzy
        found = base.filter(id__in=RawSQL(f"SELECT m.id FROM ({fuzzy_sql}) m", params))  # noqa: S608, S611
    return found


def located(documents: QuerySet) -> QuerySet:
    """Documents with a usable position (the range also rules out PostgreSQL's NaN)."""
    return documents.filter(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180)


def with_kind(documents: QuerySet) -> QuerySet:
    """Annotate each document with its kind value (organization kind or offer kind)."""
    kind = SearchFacet.objects.filter(document_id=OuterRef("pk"), name__in=KIND_FACETS)
    return documents.annotate(kind=Subquery(kind.values("value")[:1]))


def kind_labels() -> dict[tuple[str, str], str]:
    """(type, kind value) -> label in the active language. The enums share values."""
    labels = {("organization", k.value): str(k.label) for k in Organization.Kind}
    labels.update({("offer", k.value): str(k.label) for k in Offer.Kind})
    labels.update({("project", k.value): str(k.label) for k in Project.Phase})
    return labels


def feature_collection(documents: QuerySet) -> str:
    """RFC 7946 FeatureCollection text, compact. Coordinates [lon, lat] to 5 decimals (~1 m).

    Sorted by position: features at the same place (an organization and its offers, one postal
    code) come together and share their coordinates, which gzip rewards (about 6 % smaller than
    by title, at the same cost); the order is stable for caches.
    """
    rows = (
        with_kind(located(documents))
        .order_by("lat", "lon", "id")
        .values_list("type", "title", "url", "lon", "lat", "kind", "more_places")
    )
    labels = {key: encode_basestring(label) for key, label in kind_labels().items()}
    types = {t: encode_basestring(t) for t in MAP_TYPES}
    empty = encode_basestring("")
    quote = encode_basestring
    parts = []
    for doc_type, title, url, lon, lat, kind, more in rows.iterator(chunk_size=5000):
        properties = (
            f'"properties":{{"type":{types[doc_type]},"title":{quote(title)},'
            f'"url":{quote(url)},"kind":{labels.get((doc_type, kind), empty)}}}}}'
        )
        for point_lat, point_lon in [(lat, lon), *(more or [])]:
            parts.append(
                '{"type":"Feature","geometry":{"type":"Point","coordinates":'
                f"[{round(point_lon, 5)!r},{round(point_lat, 5)!r}]}},{properties}"
            )
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


def index_stamp() -> dict:
    """Changes whenever a change of the search index commits: the count of committed changes
    (search.IndexVersion, one row), with the highest document id and the newest change, which
    also tell a restored older database apart. One statement of three index lookups; the
    count of all documents it replaced took 69 ms at 100,000 organizations (SQLite)."""
    documents = SearchDocument._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT version FROM {IndexVersion._meta.db_table} WHERE id = 1), "  # noqa: S608
            f"(SELECT MAX(id) FROM {documents}), (SELECT MAX(updated_at) FROM {documents})"
        )
        version, top, at = cursor.fetchone()
    return {"version": version, "top": top, "at": str(at) if at is not None else None}


def cache_key(query: str, filters: dict, *extra, stamp: dict | None = None) -> str:
    """Changes with the language, the request and the index (see index_stamp)."""
    stamp = index_stamp() if stamp is None else stamp
    parts = json.dumps([get_language(), query, filters, stamp, *extra], sort_keys=True)
    return "maps:" + hashlib.sha256(parts.encode()).hexdigest()


def compressed_collection(
    query: str, filters: dict[str, list[str]], key: str, *, timeout: int = CACHE_SECONDS
) -> bytes:
    """The gzip-compressed FeatureCollection, from the cache when it is there."""
    body = cache.get(key)
    if body is None:
        text_ = feature_collection(matching(query, filters))
        body = gzip.compress(text_.encode(), compresslevel=6, mtime=0)
        cache.set(key, body, timeout)
    return body
