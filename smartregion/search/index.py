"""What goes into the search index, and keeping it current.

Each searchable model registers a `build(obj) -> Document | None` (None: not public, so not in
the index) and the services that change such objects call `index(obj)` in their transaction. For
models under the publication workflow this happens automatically on every transition.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from smartregion.core import workflow
from smartregion.core.bulk import insert_rows, large_write
from smartregion.core.commit import once_on_commit

from . import text
from .models import IndexVersion, SearchDocument, SearchFacet


@dataclass
class Document:
    title: str
    text: str
    url: str
    facets: dict[str, Iterable[str]] = field(default_factory=dict)
    municipality: str = ""
    lat: float | None = None
    lon: float | None = None
    valid_until: date | None = None
    extra_terms: str = ""  # words that should find the object but are not shown (topics, places)
    # Further points on the map beside lat/lon (a project at each of its municipalities).
    more_places: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Registration:
    type: str
    model: type[models.Model]
    build: Callable[[models.Model], Document | None]
    queryset: Callable[[], models.QuerySet]
    label: Callable[[], str]
    # object ids -> {type: ids of the objects whose documents depend on them}
    related_ids: Callable[[list[int]], dict[str, Iterable[int]]] | None = None


_registry: dict[str, Registration] = {}
_listeners: list[Callable[[models.Model], None]] = []
_committed_listeners: list[Callable[[], None]] = []


def after_commit(listener: Callable[[], None]) -> None:
    """Call `listener()` once after each transaction that changed the index has committed
    (any change: a document indexed, removed or rebuilt); not after a rollback."""
    if listener not in _committed_listeners:
        _committed_listeners.append(listener)


class _Committed:
    def __call__(self):
        for listener in _committed_listeners:
            listener()


def on_change(listener: Callable[[models.Model], None]) -> None:
    """Call `listener(obj)` whenever `index(obj)` runs, in the same transaction. Every service
    (and every workflow transition) that changes a searchable object calls `index(obj)`, so
    this is the one place other domains hear of changes (the synergy engine's refresh)."""
    if listener not in _listeners:
        _listeners.append(listener)


def register(
    type: str,
    model,
    *,
    build,
    queryset,
    label,
    related_ids=None,
) -> None:
    """Make a model searchable. `queryset()` yields everything to index on a full rebuild (with
    the prefetching `build` needs); `related_ids(ids)` names, by type and id, the objects whose
    documents depend on these (an organization's offers drop out when it is archived)."""
    _registry[type] = Registration(type, model, build, queryset, label, related_ids)
    if issubclass(model, workflow.Publishable):
        workflow.register(model, after_transition=_after_transition)


def registrations() -> list[Registration]:
    return list(_registry.values())


def registration_for_model(model) -> Registration | None:
    for reg in _registry.values():
        if reg.model is model or isinstance(model, reg.model):
            return reg
    return None


def _after_transition(obj, action: str) -> None:
    index(obj)


def _facet_rows(type_name: str, facets: dict[str, Iterable[str]]) -> list[tuple[str, str]]:
    rows = [("type", type_name)]
    for name, values in facets.items():
        for value in dict.fromkeys(v for v in values if v not in (None, "")):
            rows.append((name, str(value)[:80]))
    return rows


def _columns(doc: Document) -> dict:
    """A document's stored columns (one place for _apply and rebuild)."""
    return {
        "title": doc.title[:300],
        "sort_title": doc.title.lower()[:300],
        "text": doc.text,
        "url": doc.url,
        "title_terms": text.terms(doc.title),
        "body_terms": text.terms(f"{doc.text} {doc.extra_terms}"),
        "municipality": doc.municipality or "",
        "lat": doc.lat,
        "lon": doc.lon,
        "more_places": [[round(a, 6), round(b, 6)] for a, b in doc.more_places] or None,
        "valid_until": doc.valid_until,
    }


def _apply(reg: Registration, obj, doc: Document | None) -> None:
    """A change is a new document (a new id), never an update in place: the facets behind a
    document id never change, which facetcounts relies on."""
    lookup = {"type": reg.type, "object_id": obj.pk}
    SearchDocument.objects.filter(**lookup).delete()
    if doc is None:
        return
    document = SearchDocument.objects.create(**lookup, **_columns(doc), updated_at=timezone.now())
    SearchFacet.objects.bulk_create(
        SearchFacet(document=document, name=name, value=value)
        for name, value in _facet_rows(reg.type, doc.facets)
    )


@transaction.atomic
def index(obj) -> None:
    """Bring obj's document (and its dependents') in line with obj's current state."""
    reg = registration_for_model(type(obj))
    if reg is None:
        return
    _index(reg, obj)
    for listener in _listeners:
        listener(obj)
    _changed()


def _changed() -> None:
    """Count this transaction's change of the index (IndexVersion). Last in each writing
    function: on PostgreSQL the row stays locked until the commit, and concurrent writers of
    the index wait here for each other, so the lock is held as briefly as possible."""
    IndexVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if _committed_listeners:
        callback, now = once_on_commit(_Committed)
        if now:
            callback()


def _index(reg: Registration, obj) -> None:
    _apply(reg, obj, reg.build(obj))
    _apply_dependents(reg, [obj.pk])


def _apply_dependents(reg: Registration, ids: list[int]) -> int:
    """Rewrite the documents that depend on these objects (one level: dependents have none)."""
    written = 0
    for type_name, dependent_ids in (reg.related_ids(ids) if reg.related_ids else {}).items():
        written += _apply_many(_registry[type_name], list(dependent_ids))
    return written


@transaction.atomic
def index_many(model, ids: Iterable[int]) -> int:
    """index() for many objects of one model at once (an import): one query per kind of work
    instead of a handful per object, the same documents and the same listeners. Returns the
    documents written, dependents included."""
    reg = registration_for_model(model)
    ids = list(dict.fromkeys(ids))
    if reg is None or not ids:
        return 0
    objects = list(reg.model._default_manager.filter(pk__in=ids))
    written = _apply_many(reg, ids) + _apply_dependents(reg, ids)
    for obj in objects:
        for listener in _listeners:
            listener(obj)
    _changed()
    return written


def _apply_many(reg: Registration, ids: list[int], *, batch: int = 1000) -> int:
    """_apply for many objects: their old documents go, the public ones' new documents come."""
    written = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        SearchDocument.objects.filter(type=reg.type, object_id__in=chunk).delete()
        documents, pending_facets = [], []
        for obj in reg.queryset().filter(pk__in=chunk):
            if (doc := reg.build(obj)) is not None:
                documents.append(SearchDocument(type=reg.type, object_id=obj.pk, **_columns(doc)))
                pending_facets.append(doc.facets)
        if documents:
            written += _flush(documents, pending_facets)
    return written


@transaction.atomic
def remove(obj) -> None:
    reg = registration_for_model(type(obj))
    if reg is not None:
        SearchDocument.objects.filter(type=reg.type, object_id=obj.pk).delete()
        _changed()


def rebuild(types: Iterable[str] | None = None, *, batch: int = 1000, progress=None) -> int:
    """Rebuild the index from scratch (all types or the given ones). Returns documents written.

    Each type is rebuilt in one transaction: searches see the old or the new index, never a
    half-built one.
    """
    with large_write():
        written = _rebuild(types, batch=batch, progress=progress)
    _analyze()
    return written


def _analyze() -> None:
    """Fresh planner statistics for a rebuilt index on PostgreSQL: with stale ones (autovacuum
    off, or not yet run) it misjudges how many documents a filter keeps, and e.g. scans all
    424,523 documents for the 3,575 expired ones (218 ms instead of 1.6 ms at 100,000
    organizations; ANALYZE itself took 0.95 s). SQLite plans the search queries without
    statistics."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument, search_searchfacet")


def _rebuild(types, *, batch: int, progress) -> int:
    written = 0
    for reg in _registry.values():
        if types and reg.type not in types:
            continue
        with transaction.atomic():
            SearchDocument.objects.filter(type=reg.type).delete()
            documents: list[SearchDocument] = []
            pending_facets: list[dict] = []
            qs = reg.queryset()
            total = qs.count()
            for i, obj in enumerate(qs.iterator(chunk_size=batch), start=1):
                doc = reg.build(obj)
                if doc is not None:
                    documents.append(
                        SearchDocument(type=reg.type, object_id=obj.pk, **_columns(doc))
                    )
                    pending_facets.append(doc.facets)
                if len(documents) >= batch or (i == total and documents):
                    written += _flush(documents, pending_facets)
                    documents, pending_facets = [], []
                if progress:
                    progress(reg.type, i, total)
            if documents:
                written += _flush(documents, pending_facets)
            _changed()
    return written


def _flush(documents: list[SearchDocument], facets: list[dict]) -> int:
    """Insert documents of one type and their facet rows. Plain executemany: at hundreds of
    thousands of rows, the ORM's bulk_create compiles each value and costs more than the
    insert itself (SQLite allows it only ~70 documents a statement)."""
    type_name = documents[0].type
    assert all(d.type == type_name for d in documents)
    fields = [f for f in SearchDocument._meta.concrete_fields if not f.primary_key]
    prep = [(f.attname, f.get_db_prep_save) for f in fields]
    insert_rows(
        SearchDocument,
        fields,
        ([save(getattr(d, name), connection) for name, save in prep] for d in documents),
    )
    ids = dict(
        SearchDocument.objects.filter(
            type=type_name, object_id__in=[d.object_id for d in documents]
        ).values_list("object_id", "id")
    )
    facet_fields = [SearchFacet._meta.get_field(name) for name in ("document", "name", "value")]
    insert_rows(
        SearchFacet,
        facet_fields,
        (
            (ids[document.object_id], name, value)
            for document, doc_facets in zip(documents, facets, strict=True)
            for name, value in _facet_rows(type_name, doc_facets)
        ),
    )
    return len(documents)
